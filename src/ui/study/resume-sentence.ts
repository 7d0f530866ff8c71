/**
 * What Resume does to a stored study, said on its card: the counts alone ("10 of 16 units done ·
 * 28 steps stored") did not say that the finished units are kept, nor that a unit stopped part-way
 * goes on from the steps it stored rather than asking the model for them again.
 */
export function resumeSentence(study: { doneUnits: number; totalUnits: number; erroredUnits: number; replay: boolean }): string {
  // Resume runs errored units again (an endpoint that was down), except a replay's, which would only error again.
  const rerun = study.replay ? 0 : study.erroredUnits;
  const kept = study.doneUnits - rerun;
  const runs = Math.max(0, study.totalUnits - kept);
  const units = (n: number) => `${n.toLocaleString('en')} unit${n === 1 ? '' : 's'}`;
  if (runs === 0) return 'Every unit is done, so Resume runs none.';
  // The card counts errored units as done ("5 of 10 units done (5 errored)"): "no unit is done"
  // beside it read as a contradiction (audit R225-5).
  const keptWords =
    kept === 0 ? (rerun > 0 ? 'No unit finished without an error' : 'No unit is done yet') : `The ${units(kept)} done ${kept === 1 ? 'is' : 'are'} kept`;
  const errored = rerun === 0 ? '' : ` (${rerun === runs ? (rerun === 1 ? 'it errored' : 'all errored') : `${rerun.toLocaleString('en')} of them errored`}: run again)`;
  return `${keptWords}; Resume runs the ${units(runs)} left${errored}, and a unit stopped part-way goes on from the steps it stored, without asking the model for them again.`;
}
