import { describe, expect, it } from 'vitest';
import { logGamma, regularizedBeta, studentTTwoSidedP, welchTest } from '../../../src/core/stats/welch.ts';

describe('Student t two-sided p-values', () => {
  it('match the closed forms for 1 and 2 degrees of freedom', () => {
    for (const t of [0.1, 0.5, 1, 2, 5, 30]) {
      expect(studentTTwoSidedP(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 12);
      expect(studentTTwoSidedP(-t, 2)).toBeCloseTo(1 - t / Math.sqrt(t * t + 2), 12);
    }
  });

  it('give 0.05 and 0.01 at the critical values printed in t tables', () => {
    expect(studentTTwoSidedP(2.776445105, 4)).toBeCloseTo(0.05, 9);
    expect(studentTTwoSidedP(2.228138852, 10)).toBeCloseTo(0.05, 9);
    expect(studentTTwoSidedP(2.749995654, 30)).toBeCloseTo(0.01, 9);
    expect(studentTTwoSidedP(1.959963985, 1e7)).toBeCloseTo(0.05, 6);
  });

  it('is 1 at t = 0 and 0 at infinity', () => {
    expect(studentTTwoSidedP(0, 7)).toBe(1);
    expect(studentTTwoSidedP(Infinity, 7)).toBe(0);
    expect(() => studentTTwoSidedP(1, 0)).toThrow(RangeError);
  });

  it('rests on a log-gamma and an incomplete beta that hold their own identities', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    // I_x(1, 1) = x; I_x(a, b) = 1 − I_{1−x}(b, a).
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedBeta(0.7, 2.5, 4)).toBeCloseTo(1 - regularizedBeta(0.3, 4, 2.5), 12);
  });
});

describe("Welch's t-test from summary statistics", () => {
  it('computes t and the Welch–Satterthwaite df', () => {
    const r = welchTest({ mean: 20, sd: 2, n: 5 }, { mean: 22, sd: 3, n: 5 })!;
    expect(r.t).toBeCloseTo(-2 / Math.sqrt(0.8 + 1.8), 12);
    expect(r.df).toBeCloseTo(6.76 / (0.16 + 0.81), 12);
    expect(r.p).toBeCloseTo(studentTTwoSidedP(r.t, r.df), 15);
    expect(r.p).toBeGreaterThan(0.2);
    expect(r.p).toBeLessThan(0.3);
  });

  it('reduces to the pooled test with equal n and SD', () => {
    // Equal n and SD: df = 2n − 2 and t as in Student's pooled test.
    const r = welchTest({ mean: 94.0, sd: 2.7, n: 5 }, { mean: 76.6, sd: 2.7, n: 5 })!;
    expect(r.df).toBeCloseTo(8, 12);
    expect(r.t).toBeCloseTo(17.4 / (2.7 * Math.sqrt(2 / 5)), 12);
    expect(r.p).toBeGreaterThan(1e-6);
    expect(r.p).toBeLessThan(1e-5);
  });

  it('declines with fewer than two runs a side, or no spread at all', () => {
    expect(welchTest({ mean: 80, sd: 0, n: 1 }, { mean: 76.6, sd: 3.7, n: 5 })).toBeNull();
    expect(welchTest({ mean: 80, sd: 0, n: 3 }, { mean: 76, sd: 0, n: 5 })).toBeNull();
  });
});
