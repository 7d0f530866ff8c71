/**
 * What each refinement iteration does, from forced-iteration runs (no early stopping): every
 * problem is refined a fixed number of times and tested after each, so iteration k's verdicts
 * exist for every problem. These are the study's Tables 4–6 and Fig. 3.
 *
 * A trajectory is one problem's verdicts at iterations 0…K; iteration 0 is the generator's code.
 *
 * The study's "net" (new fixes − regressions) is asymmetric: a problem that passed, broke and
 * passed again adds a regression when it breaks but nothing when it recovers. The symmetric raw
 * delta raw[k] − raw[k−1] counts both; the gap between them is `recoveries`, and
 * rawDelta[k] = newFixes[k] + recoveries[k] − regressions[k].
 */

export interface IterationTable {
  problems: number;
  /** K + 1: the length of every per-iteration array below (iterations 0…K). */
  iterations: number;
  /** raw[k] = problems passing at iteration k. */
  raw: number[];
  /** newFixes[k] = problems whose first-ever pass is at k (newFixes[0] = raw[0]). */
  newFixes: number[];
  /** regressions[k] = problems passing at k − 1 and failing at k (regressions[0] = 0). */
  regressions: number[];
  /** recoveries[k] = problems failing at k − 1, passing at k, that had passed before k − 1. */
  recoveries: number[];
  /** net[k] = newFixes[k] − regressions[k], the study's definition (net[0] = raw[0]). */
  net: number[];
  /** rawDelta[k] = raw[k] − raw[k − 1], with raw[−1] = 0 (rawDelta[0] = raw[0]). */
  rawDelta: number[];
  /** effective[k] = problems passing at some iteration ≤ k: what early stopping after k keeps. */
  effective: number[];
  /** Problems passing at iteration 0. */
  initialPasses: number;
  /** Initial passes that fail at some later iteration. */
  broke: number;
  /** broke / initialPasses; null when nothing passed initially. */
  breakRate: number | null;
  /** For each broken problem in input order, the first iteration k ≥ 1 at which it failed. */
  firstBreaks: number[];
  /** firstBreakHistogram[k] = broken problems whose first failure is at k (index 0 is always 0). */
  firstBreakHistogram: number[];
  /** Problems first solved after iteration 0: Σ_{k≥1} newFixes[k] = effective[K] − effective[0]. */
  fixesAfterInitial: number;
  /** newFixes[1] / fixesAfterInitial; null when refinement fixed nothing. */
  shareOfFixesAtIteration1: number | null;
}

/** Builds the iteration table; every trajectory must hold the same number (≥ 1) of verdicts. */
export function iterationTable(trajectories: readonly (readonly boolean[])[]): IterationTable {
  const first = trajectories[0];
  if (first === undefined) throw new RangeError('An iteration table needs at least one problem.');
  const iterations = first.length;
  if (iterations === 0) throw new RangeError('An iteration table needs at least iteration 0.');
  trajectories.forEach((t, p) => {
    if (t.length !== iterations) {
      throw new RangeError(
        `Forced-iteration trajectories must all have ${iterations} verdicts; problem ${p} has ${t.length}.`,
      );
    }
  });

  const zeros = (): number[] => new Array<number>(iterations).fill(0);
  const raw = zeros();
  const newFixes = zeros();
  const regressions = zeros();
  const recoveries = zeros();
  const effective = zeros();
  const firstBreakHistogram = zeros();
  const firstBreaks: number[] = [];

  for (const t of trajectories) {
    let everPassed = false;
    let firstBreak: number | null = null;
    t.forEach((passed, k) => {
      const previous = k > 0 ? t[k - 1] === true : false;
      if (passed) raw[k]!++;
      if (passed && !everPassed) newFixes[k]!++;
      else if (passed && !previous) recoveries[k]!++;
      if (k > 0 && previous && !passed) regressions[k]!++;
      if (passed) everPassed = true;
      if (everPassed) effective[k]!++;
      if (k > 0 && t[0] === true && !passed && firstBreak === null) firstBreak = k;
    });
    if (firstBreak !== null) {
      firstBreaks.push(firstBreak);
      firstBreakHistogram[firstBreak]!++;
    }
  }

  const initialPasses = raw[0] ?? 0;
  const broke = firstBreaks.length;
  const fixesAfterInitial = newFixes.slice(1).reduce((a, b) => a + b, 0);
  return {
    problems: trajectories.length,
    iterations,
    raw,
    newFixes,
    regressions,
    recoveries,
    net: newFixes.map((fixes, k) => fixes - (regressions[k] ?? 0)),
    rawDelta: raw.map((passing, k) => passing - (k > 0 ? (raw[k - 1] ?? 0) : 0)),
    effective,
    initialPasses,
    broke,
    breakRate: initialPasses > 0 ? broke / initialPasses : null,
    firstBreaks,
    firstBreakHistogram,
    fixesAfterInitial,
    shareOfFixesAtIteration1: fixesAfterInitial > 0 ? (newFixes[1] ?? 0) / fixesAfterInitial : null,
  };
}

/**
 * Cumulative problems solved after at most k iterations, for k = 0…maxIteration, from runs of
 * any kind: with early stopping a trajectory ends at its first pass (or when the iterations run
 * out), so trajectories may differ in length. solved[k] = problems with a pass at an index ≤ k.
 * On forced-iteration runs it equals `effective`. (Fig. 3, left.)
 */
export function cumulativeSolved(trajectories: readonly (readonly boolean[])[], maxIteration: number): number[] {
  if (!Number.isInteger(maxIteration) || maxIteration < 0) {
    throw new RangeError(`maxIteration must be a non-negative integer, got ${maxIteration}.`);
  }
  const solved = new Array<number>(maxIteration + 1).fill(0);
  for (const t of trajectories) {
    const firstPass = t.indexOf(true);
    if (firstPass < 0) continue;
    for (let k = firstPass; k <= maxIteration; k++) solved[k]!++;
  }
  return solved;
}
