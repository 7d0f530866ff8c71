import { describe, expect, it } from 'vitest';
import { meanPassAtK, passAtK } from '../../../src/core/stats/pass-at-k.ts';

describe('pass@k (unbiased estimator)', () => {
  it('is c / n for k = 1', () => {
    // 1 − C(4,1)/C(5,1) = 1 − 4/5 = 0.2
    expect(passAtK(5, 1, 1)).toBeCloseTo(0.2, 14);
    expect(passAtK(10, 7, 1)).toBeCloseTo(0.7, 14);
  });

  it('matches the binomial ratio on small cases', () => {
    // n = 5, c = 2, k = 2: 1 − C(3,2)/C(5,2) = 1 − 3/10 = 0.7
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7, 14);
    // n = 10, c = 3, k = 5: 1 − C(7,5)/C(10,5) = 1 − 21/252 = 11/12
    expect(passAtK(10, 3, 5)).toBeCloseTo(11 / 12, 14);
  });

  it('stays exact where the binomials would overflow', () => {
    // n = 200, c = 1, k = 100: C(199,100)/C(200,100) = (200 − 100)/200 = ½ → 0.5
    expect(passAtK(200, 1, 100)).toBeCloseTo(0.5, 13);
  });

  it('is 1 when every draw of k must include a pass, 0 with no passes', () => {
    // n − c = 1 < k = 2
    expect(passAtK(5, 4, 2)).toBe(1);
    expect(passAtK(5, 0, 3)).toBe(0);
  });

  it('averages over problems', () => {
    // (0.2 + 1) / 2 = 0.6
    expect(meanPassAtK([{ n: 5, c: 1 }, { n: 5, c: 5 }], 1)).toBeCloseTo(0.6, 14);
  });

  it('refuses impossible counts', () => {
    expect(() => passAtK(5, 6, 1)).toThrow(/0 ≤ c ≤ n/);
    expect(() => passAtK(5, 1, 6)).toThrow(/1 ≤ k ≤ n/);
    expect(() => passAtK(5, 1.5, 1)).toThrow(/integers/);
  });
});
