/**
 * What a study run says when it carried units on from recorded steps that no longer fit (an
 * update of the app changed a message it sends; StepRunner's `onReplayDiverged`). Said once per
 * run, the same way on the Study page and by `feedback-lab run`, so a result that mixes steps of
 * two versions is never a surprise.
 */
export function continuedAfterUpdateNote(units: number): string {
  return (
    `${units.toLocaleString('en')} ${units === 1 ? 'unit had steps' : 'units had steps'} recorded by an earlier version of the app that no longer match what this ` +
    'version sends the model (an update changed its messages). Each keeps its steps up to the first that differs and carries on from there; finished ' +
    'units are left as they are.'
  );
}
