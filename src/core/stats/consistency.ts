/**
 * Consistency over repeats: in how many of n repeated runs each problem was solved. The study's
 * main_results.json keeps this as a histogram {0: …, 1: …, …, n: …}; problems at 0 are never
 * solved, at n always, and those in between are the noisy ones that make single runs misleading.
 */
import { passAtK } from './pass-at-k.ts';

/**
 * Per problem, the number of runs that solved it: solved[p] = Σ_r runs[r][p].
 * `runs[r][p]` is run r's verdict on problem p; every run must cover the same problems in order.
 */
export function solvedCounts(runs: readonly (readonly boolean[])[]): number[] {
  const first = runs[0];
  if (first === undefined) throw new RangeError('Consistency needs at least one run.');
  return first.map((_, p) => {
    let count = 0;
    runs.forEach((run, r) => {
      if (run.length !== first.length) {
        throw new RangeError(`Run ${r} has ${run.length} problems, run 0 has ${first.length}.`);
      }
      if (run[p]) count++;
    });
    return count;
  });
}

/** histogram[k] = number of problems solved in exactly k of the n runs, for k = 0…n. */
export function consistencyHistogram(runs: readonly (readonly boolean[])[]): number[] {
  const histogram = new Array<number>(runs.length + 1).fill(0);
  for (const count of solvedCounts(runs)) histogram[count] = (histogram[count] ?? 0) + 1;
  return histogram;
}

/** Problems solved in some runs but not all: Σ_{k=1}^{n−1} histogram[k]. */
export function noisyProblems(histogram: readonly number[]): number {
  return histogram.slice(1, -1).reduce((a, b) => a + b, 0);
}

/**
 * Total passes over all runs, Σ_k k · histogram[k]; it equals the sum of the per-run pass
 * counts, which makes it a check that a histogram and a list of counts describe the same runs.
 */
export function totalPasses(histogram: readonly number[]): number {
  return histogram.reduce((total, problems, k) => total + k * problems, 0);
}

/**
 * pass@k over the benchmark from the histogram, treating the n runs as n samples per problem:
 * Σ_c histogram[c] · pass@k(n, c) / Σ_c histogram[c]. pass@1 equals the mean pass rate per run.
 */
export function passAtKFromHistogram(histogram: readonly number[], k: number): number {
  const n = histogram.length - 1;
  let problems = 0;
  let total = 0;
  histogram.forEach((count, c) => {
    problems += count;
    if (count > 0) total += count * passAtK(n, c, k);
  });
  if (problems === 0) throw new RangeError('The consistency histogram holds no problems.');
  return total / problems;
}
