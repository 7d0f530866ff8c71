/**
 * pass@k, the unbiased estimator of Chen et al. (2021, "Evaluating Large Language Models Trained
 * on Code"): with n samples of a problem of which c pass, the chance that at least one of k
 * samples drawn without replacement passes is 1 − C(n − c, k) / C(n, k).
 */

function requireSampleCounts(n: number, c: number, k: number): void {
  const ok = Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k);
  if (!ok || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`pass@k needs integers with 0 ≤ c ≤ n and 1 ≤ k ≤ n, got n=${n}, c=${c}, k=${k}.`);
  }
}

/**
 * pass@k = 1 − C(n − c, k) / C(n, k), computed as the product
 * C(n − c, k) / C(n, k) = Π_{i = n−c+1}^{n} (1 − k / i), which never forms a large binomial;
 * 1 exactly when n − c < k (every draw of k must contain a pass).
 */
export function passAtK(n: number, c: number, k: number): number {
  requireSampleCounts(n, c, k);
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}

/** Per-problem sample counts: n samples, c of them passing. */
export interface SampleCounts {
  n: number;
  c: number;
}

/** Benchmark pass@k = the mean over problems of each problem's pass@k. */
export function meanPassAtK(problems: readonly SampleCounts[], k: number): number {
  if (problems.length === 0) throw new RangeError('pass@k needs at least one problem.');
  let total = 0;
  for (const p of problems) total += passAtK(p.n, p.c, k);
  return total / problems.length;
}
