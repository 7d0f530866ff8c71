import { describe, expect, it } from 'vitest';
import {
  bootstrapPairedDifference,
  bootstrapPassRate,
  quantileSorted,
} from '../../../src/core/stats/bootstrap.ts';

/** 100 problems, the first `passes` of them solved. */
const outcomes = (passes: number, total = 100): boolean[] =>
  Array.from({ length: total }, (_, i) => i < passes);

describe('percentile bootstrap over problems', () => {
  it('interpolates quantiles between order statistics (type 7)', () => {
    // [1, 2, 3, 4]: p = 0.5 → h = 3 · 0.5 = 1.5 → 2 + 0.5 · (3 − 2) = 2.5
    //               p = 0.25 → h = 0.75 → 1 + 0.75 · (2 − 1) = 1.75
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
  });

  it('gives the same interval for the same seed, and another for another seed', () => {
    const data = outcomes(47, 164);
    const a = bootstrapPassRate(data, { seed: 7, replicates: 2000 });
    const b = bootstrapPassRate(data, { seed: 7, replicates: 2000 });
    const c = bootstrapPassRate(data, { seed: 8, replicates: 2000 });
    expect(a).toEqual(b);
    expect([c.lower, c.upper]).not.toEqual([a.lower, a.upper]);
  });

  it('centres on the observed pass rate with roughly the binomial width', () => {
    // 50 of 100: the normal approximation gives 0.5 ± 1.96 · √(0.25 / 100) = 0.5 ± 0.098.
    const ci = bootstrapPassRate(outcomes(50), { seed: 1 });
    expect(ci.estimate).toBe(0.5);
    expect(ci.lower).toBeGreaterThan(0.38);
    expect(ci.lower).toBeLessThan(0.42);
    expect(ci.upper).toBeGreaterThan(0.58);
    expect(ci.upper).toBeLessThan(0.62);
    expect(ci).toMatchObject({ confidence: 0.95, replicates: 10_000, seed: 1 });
  });

  it('gives 0 of n and n of n the exact binomial bound, not a zero-width interval', () => {
    // Every resample of 5 failures is 0 %: the bootstrap alone would say "0 % to 0 %". Clopper–Pearson:
    // 0 of 5 → upper 1 − 0.025^(1/5) = 0.5218; 5 of 5 → lower 0.025^(1/5) = 0.4782.
    const none = bootstrapPassRate(outcomes(0, 5), { seed: 3, replicates: 500 });
    expect(none).toMatchObject({ estimate: 0, lower: 0, method: 'exact-binomial', replicates: 500, seed: 3 });
    expect(none.upper).toBeCloseTo(0.52182, 5);
    const all = bootstrapPassRate(outcomes(100), { seed: 3, replicates: 500 });
    expect(all).toMatchObject({ estimate: 1, upper: 1, method: 'exact-binomial' });
    expect(all.lower).toBeCloseTo(0.025 ** (1 / 100), 12);
    // Shares of repeats: every problem solved in every repeat is n of n problems too.
    expect(bootstrapPassRate([1, 1, 1, 1, 1], { seed: 3 }).lower).toBeCloseTo(0.47818, 5);
    // Anything in between is resampled as before.
    expect(bootstrapPassRate(outcomes(3, 5), { seed: 3, replicates: 500 }).method).toBe('percentile-bootstrap');
  });

  it('resamples problems jointly for a paired difference', () => {
    // Identical arms differ by exactly 0 in every resample.
    const same = outcomes(30);
    const agree = bootstrapPairedDifference(same, same, { seed: 5, replicates: 500 });
    expect(agree).toMatchObject({ estimate: 0, method: 'exact-binomial' });
    // The treatment solves the same problems plus 20 more: d = 1 on 20 problems, 0 elsewhere,
    // so the difference is 0.2 and stays strictly positive in every resample of 100 problems
    // unless all 100 draws miss those 20 (probability 0.8¹⁰⁰ ≈ 2e-10).
    const ci = bootstrapPairedDifference(outcomes(30), outcomes(50), { seed: 5 });
    expect(ci.estimate).toBeCloseTo(0.2, 14);
    expect(ci.lower).toBeGreaterThan(0.1);
    expect(ci.upper).toBeLessThan(0.3);
  });

  it('gives no interval for differences equal but for rounding, as for equal ones (audit R222-5)', () => {
    // Shares of 3 repeats: 1 − 2/3 and 1/3 − 0 are both a third, 0.33333333333333337 and 0.3333333333333333 in floats.
    const ci = bootstrapPairedDifference([2 / 3, 0], [1, 1 / 3], { seed: 5, replicates: 500 });
    expect(ci.method).toBe('none');
    expect(ci.lower).toBeNaN();
  });

  it('does not claim a zero-width difference when the arms agree on every problem, or differ on every one', () => {
    // Identical outcomes on 5 problems: 0 discordant of 5, so the discordant share (and |Δ|) is at most
    // 1 − 0.025^(1/5) = 52.2 %; the bootstrap alone would say "0.0 – 0.0".
    const agree = bootstrapPairedDifference(outcomes(2, 5), outcomes(2, 5), { seed: 5, replicates: 500 });
    expect(agree.estimate).toBe(0);
    expect(agree.lower).toBeCloseTo(-0.52182, 5);
    expect(agree.upper).toBeCloseTo(0.52182, 5);
    // The treatment alone solves every one of 5: Δ = 1, at least 2 · 0.025^(1/5) − 1 = −4.4 %.
    const all = bootstrapPairedDifference(outcomes(0, 5), outcomes(5, 5), { seed: 5 });
    expect(all).toMatchObject({ estimate: 1, upper: 1, method: 'exact-binomial' });
    expect(all.lower).toBeCloseTo(-0.04365, 5);
    const reverse = bootstrapPairedDifference(outcomes(5, 5), outcomes(0, 5), { seed: 5 });
    expect([reverse.lower, reverse.upper]).toEqual([-1, -all.lower]);
  });

  it('accepts fractional per-problem scores (share of repeats solved)', () => {
    const ci = bootstrapPassRate([0, 0.2, 0.4, 1, 1], { seed: 11, replicates: 1000 });
    // (0 + 0.2 + 0.4 + 1 + 1) / 5 = 0.52
    expect(ci.estimate).toBeCloseTo(0.52, 14);
  });

  it('claims no interval at all, rather than a zero-width one, when every problem scored the same fraction', () => {
    // One problem solved in 2 of 3 repeats: every resample of the one problem is 2/3 again, so the
    // percentile bootstrap printed "66.7 % – 66.7 %" as if one problem pinned the rate down.
    const one = bootstrapPassRate([2 / 3], { seed: 1, replicates: 500 });
    expect(one.method).toBe('none');
    expect(one.estimate).toBeCloseTo(2 / 3, 12);
    expect(one.lower).toBeNaN();
    expect(one.upper).toBeNaN();
    expect(bootstrapPassRate([0.4, 0.4, 0.4], { seed: 1, replicates: 500 }).method).toBe('none');
    // A constant difference of 1/3 (one problem, shares 1/3 and 2/3): no interval either.
    const d = bootstrapPairedDifference([1 / 3], [2 / 3], { seed: 1, replicates: 500 });
    expect(d.method).toBe('none');
    expect(d.estimate).toBeCloseTo(1 / 3, 12);
    expect(d.lower).toBeNaN();
    // A single problem passed (1 of 1) still has its exact bound: [0.025, 1].
    const passed = bootstrapPassRate([true], { seed: 1, replicates: 500 });
    expect(passed.method).toBe('exact-binomial');
    expect(passed.lower).toBeCloseTo(0.025, 12);
  });

  it('refuses unpaired arms and impossible settings', () => {
    expect(() => bootstrapPairedDifference([true], [true, false], { seed: 1 })).toThrow(/same problems/);
    expect(() => bootstrapPassRate([], { seed: 1 })).toThrow(/at least one problem/);
    expect(() => bootstrapPassRate([true], { seed: 1, confidence: 1 })).toThrow(/confidence/);
    expect(() => bootstrapPassRate([true], { seed: 1, replicates: 0 })).toThrow(/replicates/);
  });
});
