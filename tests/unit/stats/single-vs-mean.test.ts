import { describe, expect, it } from 'vitest';
import { singleVsMean, singleVsOtherRuns } from '../../../src/core/stats/single-vs-mean.ts';

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

describe('one run against the mean of the other runs (leave-one-out)', () => {
  const runs = [73, 69, 70, 74, 72];

  it('leaves the run out of the mean it is compared with', () => {
    // Against the mean of all five (71.6) run 1 would read +2.0 % and the best run +3.4 %.
    expect(singleVsOtherRuns(runs, 0)).toMatchObject({ single: 73, mean: 71.25 });
    expect(singleVsOtherRuns(runs, 0)!.inflationPercent).toBeCloseTo(2.4561, 4);
    expect(singleVsOtherRuns(runs, 3)).toMatchObject({ single: 74, mean: 71 });
    expect(singleVsOtherRuns(runs, 3)!.inflationPercent).toBeCloseTo(4.2254, 4);
  });

  it('has nothing to say with one run, or when the run or the others solved nothing', () => {
    expect(singleVsOtherRuns([73], 0)).toBeNull();
    expect(singleVsOtherRuns([0, 5], 0)).toBeNull();
    expect(singleVsOtherRuns([5, 0], 0)).toBeNull();
  });
});
