/**
 * Two arms on the same problems, judged problem by problem: the tests the study's σ could not
 * give. One call gathers the 2×2 counts, McNemar's test and bootstrap CIs of both pass rates and
 * of their difference, all seeded so a report computed twice reads the same.
 */
import { bootstrapPairedDifference, bootstrapPassRate, type ConfidenceInterval } from './bootstrap.ts';
import { mcnemarFromOutcomes, type McNemarResult, type PairedCounts } from './mcnemar.ts';

export interface PairedComparison {
  problems: number;
  counts: PairedCounts;
  mcnemar: McNemarResult;
  /** 95 % CI of each arm's pass rate over problems. */
  baselineRate: ConfidenceInterval;
  treatmentRate: ConfidenceInterval;
  /** 95 % CI of pass rate(treatment) − pass rate(baseline), problems resampled jointly. */
  difference: ConfidenceInterval;
}

/** Compares two aligned per-problem pass lists (same problems, same order). */
export function comparePaired(
  baseline: readonly boolean[],
  treatment: readonly boolean[],
  options: { seed: number; replicates?: number },
): PairedComparison {
  const tested = mcnemarFromOutcomes(baseline, treatment);
  const { bothPassed, baselineOnly, treatmentOnly, bothFailed, ...mcnemar } = tested;
  return {
    problems: baseline.length,
    counts: { bothPassed, baselineOnly, treatmentOnly, bothFailed },
    mcnemar,
    baselineRate: bootstrapPassRate(baseline, options),
    treatmentRate: bootstrapPassRate(treatment, options),
    difference: bootstrapPairedDifference(baseline, treatment, options),
  };
}
