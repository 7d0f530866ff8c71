/**
 * Upper tail of the chi-square distribution with one degree of freedom, for McNemar's
 * chi-square. With one degree of freedom χ² = Z², so P(χ² ≥ x) = P(|Z| ≥ √x) = erfc(√(x/2)).
 * Written here rather than pulled in from a statistics package: it is the only distribution
 * function the analysis needs.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * Complementary error function, erfc(x) = 1 − erf(x) = (2/√π) ∫ₓ^∞ e^(−t²) dt, to about 1e-13
 * relative accuracy.
 * - x < 2.5: erf(x) = (2/√π) e^(−x²) Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)); every term is positive,
 *   so the series does not cancel, and 1 − erf loses at most ~3 digits at x = 2.5.
 * - x ≥ 2.5: the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))),
 *   evaluated from the bottom up; it converges fast for large x, where the series would not.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }
  let fraction = x;
  for (let k = 120; k >= 1; k--) fraction = x + k / 2 / fraction;
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / fraction;
}

/** P(χ²₁ ≥ x) = erfc(√(x / 2)); 1 for x ≤ 0. */
export function chiSquareSurvivalDf1(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return erfc(Math.sqrt(x / 2));
}
