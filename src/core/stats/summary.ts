/**
 * Descriptive statistics of repeated runs (Table 1 of the study: mean ± SD over 5 runs).
 *
 * The study computed its SDs with Python's `statistics.stdev`, the sample SD with n − 1 in the
 * denominator, so that is the SD used everywhere here (llama solo [81, 77, 79, 74, 72] →
 * 76.6 ± 3.6469).
 */

export interface Summary {
  /** Number of values summarised (e.g. repeats of an arm). */
  n: number;
  mean: number;
  /** Sample SD (n − 1); null for a single value, where it is undefined. */
  sd: number | null;
  min: number;
  max: number;
}

function requireValues(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what} needs at least one value.`);
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`${what} needs finite numbers, got ${v}.`);
  }
}

/** mean = Σxᵢ / n */
export function mean(values: readonly number[]): number {
  requireValues(values, 'mean');
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}

/**
 * Sample standard deviation, s = √( Σ(xᵢ − x̄)² / (n − 1) ), as Python's statistics.stdev.
 * Two passes (mean first, then squared deviations) avoid the cancellation of Σx² − n·x̄².
 */
export function sampleSd(values: readonly number[]): number {
  requireValues(values, 'sampleSd');
  if (values.length < 2) throw new RangeError('A sample SD needs at least two values (n − 1 > 0).');
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / (values.length - 1));
}

/** percent = 100 · part / total, e.g. 76.6 of 164 HumanEval problems → 46.7 %. */
export function percentOf(part: number, total: number): number {
  if (!(total > 0)) throw new RangeError(`A percentage needs a positive total, got ${total}.`);
  return (100 * part) / total;
}

/** n, mean, sample SD (null when n = 1), min and max of the values. */
export function summarize(values: readonly number[]): Summary {
  requireValues(values, 'summarize');
  return {
    n: values.length,
    mean: mean(values),
    sd: values.length >= 2 ? sampleSd(values) : null,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}
