/**
 * What Resume does to a stored study, said on its card: the counts alone ("10 of 16 units done ·
 * 28 steps stored") did not say that the finished units are kept, nor that a unit stopped part-way
 * goes on from the steps it stored rather than asking the model for them again.
 */
export function resumeSentence(study: { doneUnits: number; totalUnits: number }): string {
  const left = Math.max(0, study.totalUnits - study.doneUnits);
  const units = (n: number) => `${n.toLocaleString('en')} unit${n === 1 ? '' : 's'}`;
  if (left === 0) return `Every unit is done, so Resume runs none.`;
  // Errored units are among the done ones: Resume leaves them as they are (the card's own button runs them again).
  const kept = study.doneUnits === 0 ? 'No unit is done yet' : `The ${units(study.doneUnits)} done ${study.doneUnits === 1 ? 'is' : 'are'} kept`;
  return `${kept}; Resume runs the ${units(left)} left, and a unit stopped part-way goes on from the steps it stored, without asking the model for them again.`;
}
