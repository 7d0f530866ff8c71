/**
 * A single evaluation against the mean of repeated runs (the study's Table 7). Stochastic
 * decoding makes one run a draw, and the run that got reported (or that a search selected) is
 * often a lucky one: the gap below is how much the single figure overstated the arm.
 */

export interface SingleVsMean {
  single: number;
  mean: number;
  /** mean − single, the study's "Difference" column (negative when the single run was lucky). */
  difference: number;
  /** Inflation relative to the mean: 100 · (single − mean) / mean. */
  inflationPercent: number;
  /** The same gap relative to the single run: 100 · (single − mean) / single (the drop on re-validation). */
  dropPercent: number;
}

/** Compares one evaluation's score with the mean of repeated runs of the same arm. */
export function singleVsMean(single: number, mean: number): SingleVsMean {
  if (!(mean > 0) || !(single > 0)) {
    throw new RangeError(`Single-vs-mean needs positive scores, got single=${single}, mean=${mean}.`);
  }
  return {
    single,
    mean,
    difference: mean - single,
    inflationPercent: (100 * (single - mean)) / mean,
    dropPercent: (100 * (single - mean)) / single,
  };
}

/**
 * Run `index` of an arm's repeats against the mean of its OTHER repeats (leave-one-out). The
 * study's Table 7 set a separate single run against five fresh runs; a mean that includes the run
 * itself is pulled towards it and understates the gap (runs 73, 69, 70, 74, 72: run 1 is 2.0 %
 * over the mean of all five but 2.5 % over the other four). Null with fewer than two runs, or
 * where the run or the others' mean is not positive (no percentage of it).
 */
export function singleVsOtherRuns(passCounts: readonly number[], index: number): SingleVsMean | null {
  const single = passCounts[index];
  if (single === undefined || passCounts.length < 2) return null;
  const others = passCounts.filter((_, i) => i !== index);
  const mean = others.reduce((a, b) => a + b, 0) / others.length;
  return single > 0 && mean > 0 ? singleVsMean(single, mean) : null;
}
