/**
 * Percentile bootstrap confidence intervals over problems: how much a pass rate, or the
 * difference between two arms, would move if the benchmark had been a different draw of
 * problems of the same kind. Seeded, so a table computed twice from the same file is the same.
 */
import { createRng, type Rng } from '../random.ts';

export interface BootstrapOptions {
  /** Seed of the resampling; the interval is a pure function of (data, seed, replicates). */
  seed: number;
  /** Number of resamples, 10 000 unless given. */
  replicates?: number;
  /** Coverage of the interval, 0.95 unless given. */
  confidence?: number;
}

export interface ConfidenceInterval {
  /** The statistic on the data as observed (not the mean of the resamples). */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  replicates: number;
  seed: number;
  /**
   * How the bounds were found: resampling, or — for a pass rate of 0 or 1, where every resample
   * is the same and the percentile bootstrap would claim no uncertainty at all — the exact
   * binomial (Clopper–Pearson) bound over the problems; or none at all (`lower` and `upper` NaN)
   * when every problem scored the same fraction, e.g. a single problem solved in 2 of 3 repeats:
   * every resample is again that fraction, and no exact bound over problems applies.
   */
  method: 'percentile-bootstrap' | 'exact-binomial' | 'none';
}

/**
 * Every problem scored the same fraction strictly between the exact cases: resampling problems
 * cannot move the estimate, so the percentile bootstrap would claim a zero-width interval.
 */
function noInterval(estimate: number, replicates: number, confidence: number, seed: number): ConfidenceInterval {
  return { estimate, lower: Number.NaN, upper: Number.NaN, confidence, replicates, seed, method: 'none' };
}

const DEFAULT_REPLICATES = 10_000;
const DEFAULT_CONFIDENCE = 0.95;

/** Per-problem scores: booleans count as 1 (passed) and 0 (failed); numbers (e.g. share of repeats passed) as they are. */
export type ProblemScores = readonly number[] | readonly boolean[];

function toNumbers(scores: ProblemScores): number[] {
  return Array.from(scores, (s: number | boolean) => (typeof s === 'boolean' ? (s ? 1 : 0) : s));
}

/**
 * Quantile of sorted values by linear interpolation between order statistics
 * (Hyndman & Fan type 7, numpy's default): h = (m − 1)·p, q = x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋).
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('A quantile needs at least one value.');
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

function checkedSettings(n: number, options: BootstrapOptions): { replicates: number; confidence: number } {
  if (n === 0) throw new RangeError('A bootstrap needs at least one problem.');
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(replicates) || replicates < 1) {
    throw new RangeError(`Bootstrap replicates must be a positive integer, got ${replicates}.`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`Bootstrap confidence must lie strictly between 0 and 1, got ${confidence}.`);
  }
  return { replicates, confidence };
}

/**
 * Percentile bootstrap of the mean: R times, draw n values with replacement and take their
 * mean; the interval is the (α/2, 1 − α/2) quantiles of those R means, α = 1 − confidence.
 */
export function bootstrapMean(scores: ProblemScores, options: BootstrapOptions): ConfidenceInterval {
  const values = toNumbers(scores);
  const n = values.length;
  const { replicates, confidence } = checkedSettings(n, options);
  const rng: Rng = createRng(options.seed);
  const means = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += values[rng.int(n)] as number;
    means[r] = total / n;
  }
  means.sort();
  const sorted = Array.from(means);
  const alpha = 1 - confidence;
  let observed = 0;
  for (const v of values) observed += v;
  return {
    estimate: observed / n,
    lower: quantileSorted(sorted, alpha / 2),
    upper: quantileSorted(sorted, 1 - alpha / 2),
    confidence,
    replicates,
    seed: options.seed,
    method: 'percentile-bootstrap',
  };
}

/**
 * Percentile bootstrap CI of a pass rate (share of problems passed) over problems. When every
 * problem scored 0 (or every one 1) each resample is identical and the bootstrap interval
 * collapses to a point — "0 % to 0 %" for 0 of 5, as if five problems proved the rate is 0. There
 * the exact binomial (Clopper–Pearson) interval over the n problems is used instead:
 * 0 of n → [0, 1 − (α/2)^(1/n)], n of n → [(α/2)^(1/n), 1]. When every problem scored one and the
 * same fraction (a single problem, say), there is no interval over problems: method `none`.
 */
export function bootstrapPassRate(passed: ProblemScores, options: BootstrapOptions): ConfidenceInterval {
  const values = toNumbers(passed);
  const { replicates, confidence } = checkedSettings(values.length, options);
  const allZero = values.every((v) => v === 0);
  const allOne = values.every((v) => v === 1);
  if (!allZero && !allOne) {
    const first = values[0] as number;
    return values.every((v) => v === first)
      ? noInterval(first, replicates, confidence, options.seed)
      : bootstrapMean(values, options);
  }
  const bound = ((1 - confidence) / 2) ** (1 / values.length);
  return {
    estimate: allOne ? 1 : 0,
    lower: allOne ? bound : 0,
    upper: allZero ? 1 - bound : 1,
    confidence,
    replicates,
    seed: options.seed,
    method: 'exact-binomial',
  };
}

/**
 * Percentile bootstrap CI of the paired difference mean(treatment) − mean(baseline): problems
 * are resampled together, so each draw keeps a problem's two outcomes side by side. That is the
 * bootstrap of the per-problem differences dᵢ = treatmentᵢ − baselineᵢ.
 *
 * When every dᵢ is 0 (the arms agree on every problem) or every one is +1 or −1, each resample
 * is identical and the bootstrap would print "0.0 – 0.0 pp". There the exact binomial bound on
 * the share of discordant problems is used instead: with u = 1 − (α/2)^(1/n), the Clopper–Pearson
 * upper bound for 0 of n, all dᵢ = 0 gives [−u, u] (|Δ| is at most the discordant share), and
 * all dᵢ = +1 gives [1 − 2u, 1] (Δ = π_c − π_b ≥ 2π_c − 1), −1 the mirror image. Any other
 * constant dᵢ (shares of repeats, one problem) has no interval over problems: method `none`.
 */
export function bootstrapPairedDifference(
  baseline: ProblemScores,
  treatment: ProblemScores,
  options: BootstrapOptions,
): ConfidenceInterval {
  const a = toNumbers(baseline);
  const b = toNumbers(treatment);
  if (a.length !== b.length) {
    throw new RangeError(`Paired scores need the same problems in both arms: ${a.length} vs ${b.length}.`);
  }
  const differences = b.map((t, i) => t - (a[i] as number));
  const { replicates, confidence } = checkedSettings(differences.length, options);
  const first = differences[0] as number;
  // Equal up to rounding: shares of repeats subtract to 1 − 2/3 and 1/3 − 0, which differ in the
  // last bit, and a "bootstrap" of them printed a zero-width interval (audit R222-5).
  const constant = differences.every((d) => Math.abs(d - first) < 1e-12);
  if (!constant) return bootstrapMean(differences, options);
  if (first !== 0 && Math.abs(first) !== 1) return noInterval(first, replicates, confidence, options.seed);
  const u = 1 - ((1 - confidence) / 2) ** (1 / differences.length);
  const [lower, upper] = first === 0 ? [-u, u] : first === 1 ? [1 - 2 * u, 1] : [-1, 2 * u - 1];
  return { estimate: first, lower, upper, confidence, replicates, seed: options.seed, method: 'exact-binomial' };
}
