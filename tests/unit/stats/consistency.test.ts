import { describe, expect, it } from 'vitest';
import {
  consistencyHistogram,
  noisyProblems,
  passAtKFromHistogram,
  solvedCounts,
  totalPasses,
} from '../../../src/core/stats/consistency.ts';

describe('consistency over repeats', () => {
  // Three runs over four problems: p0 always solved, p1 twice, p2 once, p3 never.
  const runs = [
    [true, true, false, false],
    [true, false, true, false],
    [true, true, false, false],
  ];

  it('counts in how many runs each problem was solved', () => {
    expect(solvedCounts(runs)).toEqual([3, 2, 1, 0]);
  });

  it('histograms problems by runs solved, 0 through n', () => {
    expect(consistencyHistogram(runs)).toEqual([1, 1, 1, 1]);
    expect(noisyProblems([1, 1, 1, 1])).toBe(2);
  });

  it('ties the histogram to the per-run pass counts', () => {
    // per-run passes 2 + 2 + 2 = 6 = 0·1 + 1·1 + 2·1 + 3·1
    expect(totalPasses(consistencyHistogram(runs))).toBe(6);
  });

  it('gives pass@1 = mean pass rate and pass@n = share ever solved (llama solo histogram)', () => {
    // main_results.json, llama3.2:3b solo: {0: 56, 1: 21, 2: 14, 3: 10, 4: 11, 5: 52}
    const histogram = [56, 21, 14, 10, 11, 52];
    // Σ k·h[k] = 21 + 28 + 30 + 44 + 260 = 383 = 81 + 77 + 79 + 74 + 72; pass@1 = 383 / (5 · 164)
    expect(totalPasses(histogram)).toBe(383);
    expect(passAtKFromHistogram(histogram, 1)).toBeCloseTo(383 / 820, 14);
    // pass@5 = (164 − 56) / 164
    expect(passAtKFromHistogram(histogram, 5)).toBeCloseTo(108 / 164, 14);
  });

  it('refuses runs over different problems', () => {
    expect(() => solvedCounts([[true], [true, false]])).toThrow(/run 0 has 1/);
    expect(() => solvedCounts([])).toThrow(/at least one run/);
  });
});
