import { describe, expect, it } from 'vitest';
import { singleVsMean } from '../../../src/core/stats/single-vs-mean.ts';

describe('single evaluation vs the mean of repeats', () => {
  it('reports the study-style difference and the inflation both ways', () => {
    // llama solo: single run 82, five-run mean 76.6
    // difference = 76.6 − 82 = −5.4; inflation = 5.4 / 76.6 = 7.05 %; drop = 5.4 / 82 = 6.59 %
    const r = singleVsMean(82, 76.6);
    expect(r.difference).toBeCloseTo(-5.4, 12);
    expect(r.inflationPercent).toBeCloseTo(7.0496, 4);
    expect(r.dropPercent).toBeCloseTo(6.5854, 4);
  });

  it('refuses scores that cannot be a base for a percentage', () => {
    expect(() => singleVsMean(82, 0)).toThrow(/positive/);
  });
});
