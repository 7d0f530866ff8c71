import { describe, expect, it } from 'vitest';
import { chiSquareSurvivalDf1, erfc } from '../../../src/core/stats/chi-square.ts';
import { mcnemar, mcnemarFromOutcomes, pairedCounts } from '../../../src/core/stats/mcnemar.ts';

describe('erfc and the χ²₁ tail', () => {
  it('matches reference values (Python math.erfc) on both sides of the series/fraction switch', () => {
    const reference: [number, number][] = [
      [0.1, 0.8875370839817152],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047265],
      [2.4999, 0.0004071699003334514],
      [2.5, 0.0004069520174449589],
      [3, 2.2090496998585438e-5],
      [4, 1.541725790028002e-8],
      [6, 2.1519736712498916e-17],
      [10, 2.088487583762545e-45],
    ];
    for (const [x, expected] of reference) {
      expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-12);
    }
    // erfc(−x) = 2 − erfc(x)
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 14);
  });

  it('puts 5 % above the familiar critical value 3.8415', () => {
    expect(chiSquareSurvivalDf1(3.841458820694124)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvivalDf1(0)).toBe(1);
  });
});

describe("McNemar's paired test", () => {
  it('gives the exact two-sided binomial p for b = 8, c = 2', () => {
    // n = 10 discordant problems; lower tail P(X ≤ 2) = (C(10,0) + C(10,1) + C(10,2)) / 2¹⁰
    //   = (1 + 10 + 45) / 1024 = 56 / 1024 = 0.0546875; two-sided: × 2 = 0.109375
    // χ² with continuity correction = (|8 − 2| − 1)² / 10 = 25 / 10 = 2.5; P(χ²₁ ≥ 2.5) = erfc(√1.25)
    const r = mcnemar(8, 2);
    expect(r.discordant).toBe(10);
    expect(r.exactP).toBeCloseTo(0.109375, 14);
    expect(r.chiSquare).toBeCloseTo(2.5, 14);
    expect(r.chiSquareP).toBeCloseTo(0.11384629800665803, 12);
  });

  it('is symmetric in b and c', () => {
    expect(mcnemar(2, 8)).toEqual({ ...mcnemar(8, 2), b: 2, c: 8 });
  });

  it('gives 2 / 2⁶ = 0.03125 when all six discordant problems go one way', () => {
    // P(X = 0) = 1 / 64; × 2 = 1 / 32. χ² = (6 − 1)² / 6 = 25 / 6.
    const r = mcnemar(0, 6);
    expect(r.exactP).toBeCloseTo(0.03125, 14);
    expect(r.chiSquare).toBeCloseTo(25 / 6, 14);
  });

  it('caps p at 1 for balanced or absent disagreement', () => {
    // b = c = 5: P(X ≤ 5) = 638 / 1024 > ½, doubled > 1 → 1; χ² = max(0, 0 − 1)² / 10 = 0.
    expect(mcnemar(5, 5)).toMatchObject({ exactP: 1, chiSquare: 0, chiSquareP: 1 });
    expect(mcnemar(0, 0)).toMatchObject({ exactP: 1, chiSquare: 0, chiSquareP: 1 });
  });

  it('stays finite for a thousand discordant problems (no 2ⁿ overflow)', () => {
    expect(mcnemar(500, 500).exactP).toBe(1);
    const lopsided = mcnemar(430, 570);
    expect(lopsided.exactP).toBeGreaterThan(0);
    expect(lopsided.exactP).toBeLessThan(1e-4);
    expect(mcnemar(0, 1100).exactP).toBeLessThan(1e-300);
  });

  it('refuses counts that are not whole problems', () => {
    expect(() => mcnemar(1.5, 2)).toThrow(/non-negative integer/);
    expect(() => mcnemar(-1, 2)).toThrow(/non-negative integer/);
  });

  it('cross-tabulates per-problem outcomes of two arms', () => {
    const baseline = [true, true, false, false, true, false];
    const treatment = [true, false, true, true, true, false];
    // both: 0, 4 → 2; baseline only: 1 → 1; treatment only: 2, 3 → 2; neither: 5 → 1
    expect(pairedCounts(baseline, treatment)).toEqual({
      bothPassed: 2,
      baselineOnly: 1,
      treatmentOnly: 2,
      bothFailed: 1,
    });
    // b = 1, c = 2, n = 3: P(X ≤ 1) = (1 + 3) / 8 = 0.5 → two-sided 1
    expect(mcnemarFromOutcomes(baseline, treatment)).toMatchObject({ b: 1, c: 2, exactP: 1 });
    expect(() => pairedCounts([true], [true, false])).toThrow(/same problems/);
  });
});
