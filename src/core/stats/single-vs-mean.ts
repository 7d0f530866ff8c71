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
