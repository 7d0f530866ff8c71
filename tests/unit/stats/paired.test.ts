import { describe, expect, it } from 'vitest';
import { comparePaired } from '../../../src/core/stats/paired.ts';

describe('paired comparison of two arms', () => {
  it('gathers counts, McNemar and bootstrap intervals for the same problems', () => {
    // 10 problems: both pass 0–3, baseline only 4, treatment only 5–7, neither 8–9
    const baseline = [true, true, true, true, true, false, false, false, false, false];
    const treatment = [true, true, true, true, false, true, true, true, false, false];
    const r = comparePaired(baseline, treatment, { seed: 2, replicates: 2000 });
    expect(r.problems).toBe(10);
    expect(r.counts).toEqual({ bothPassed: 4, baselineOnly: 1, treatmentOnly: 3, bothFailed: 2 });
    // b = 1, c = 3, n = 4: P(X ≤ 1) = (1 + 4) / 16 = 5/16; two-sided 10/16 = 0.625
    expect(r.mcnemar).toMatchObject({ b: 1, c: 3, exactP: 0.625 });
    // pass rates 0.5 and 0.7; difference 0.2
    expect(r.baselineRate.estimate).toBe(0.5);
    expect(r.treatmentRate.estimate).toBe(0.7);
    expect(r.difference.estimate).toBeCloseTo(0.2, 14);
    expect(r.difference.lower).toBeLessThanOrEqual(0.2);
    expect(r.difference.upper).toBeGreaterThanOrEqual(0.2);
    expect(comparePaired(baseline, treatment, { seed: 2, replicates: 2000 })).toEqual(r);
  });
});
