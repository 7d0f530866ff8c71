/**
 * McNemar's test for two arms run on the same problems: what the study's σ could not say,
 * whether the per-problem differences are more than chance. Only discordant problems count —
 * b solved by the baseline alone, c by the treatment alone. Under "no difference" each
 * discordant problem is a fair coin, so b ~ Binomial(b + c, ½).
 */
import { chiSquareSurvivalDf1 } from './chi-square.ts';

/** The 2×2 table of paired outcomes over problems. */
export interface PairedCounts {
  bothPassed: number;
  /** b: solved by the baseline, not by the treatment. */
  baselineOnly: number;
  /** c: solved by the treatment, not by the baseline. */
  treatmentOnly: number;
  bothFailed: number;
}

export interface McNemarResult {
  b: number;
  c: number;
  /** b + c */
  discordant: number;
  /** Exact two-sided p = min(1, 2 · Σ_{i=0}^{min(b,c)} C(b+c, i) / 2^(b+c)); 1 when b + c = 0. */
  exactP: number;
  /** Continuity-corrected χ² = max(0, |b − c| − 1)² / (b + c); 0 when b + c = 0. */
  chiSquare: number;
  /** P(χ²₁ ≥ chiSquare): the large-sample approximation, secondary to exactP. */
  chiSquareP: number;
}

/** Cross-tabulates two per-problem pass lists, aligned by index (same problems, same order). */
export function pairedCounts(baseline: readonly boolean[], treatment: readonly boolean[]): PairedCounts {
  if (baseline.length !== treatment.length) {
    throw new RangeError(
      `Paired outcomes need the same problems in both arms: ${baseline.length} vs ${treatment.length}.`,
    );
  }
  const counts: PairedCounts = { bothPassed: 0, baselineOnly: 0, treatmentOnly: 0, bothFailed: 0 };
  baseline.forEach((a, i) => {
    const t = treatment[i] === true;
    if (a && t) counts.bothPassed++;
    else if (a) counts.baselineOnly++;
    else if (t) counts.treatmentOnly++;
    else counts.bothFailed++;
  });
  return counts;
}

/**
 * Σ_{i=0}^{k} C(n, i) / 2ⁿ, with each term built in log space
 * (ln C(n, i+1) = ln C(n, i) + ln(n − i) − ln(i + 1)) so that 2ⁿ never overflows.
 */
function binomialHalfLowerTail(k: number, n: number): number {
  let logChoose = 0;
  const logHalfPowN = -n * Math.LN2;
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    tail += Math.exp(logChoose + logHalfPowN);
    logChoose += Math.log(n - i) - Math.log(i + 1);
  }
  return tail;
}

function requireCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`McNemar's ${name} must be a non-negative integer, got ${value}.`);
  }
}

/** McNemar's test from the discordant counts b (baseline only) and c (treatment only). */
export function mcnemar(b: number, c: number): McNemarResult {
  requireCount(b, 'b');
  requireCount(c, 'c');
  const n = b + c;
  if (n === 0) return { b, c, discordant: 0, exactP: 1, chiSquare: 0, chiSquareP: 1 };
  const exactP = Math.min(1, 2 * binomialHalfLowerTail(Math.min(b, c), n));
  const corrected = Math.max(0, Math.abs(b - c) - 1);
  const chiSquare = (corrected * corrected) / n;
  return { b, c, discordant: n, exactP, chiSquare, chiSquareP: chiSquareSurvivalDf1(chiSquare) };
}

/** McNemar's test straight from two aligned per-problem pass lists. */
export function mcnemarFromOutcomes(
  baseline: readonly boolean[],
  treatment: readonly boolean[],
): McNemarResult & PairedCounts {
  const counts = pairedCounts(baseline, treatment);
  return { ...counts, ...mcnemar(counts.baselineOnly, counts.treatmentOnly) };
}
