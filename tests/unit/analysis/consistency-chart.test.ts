import { describe, expect, it } from 'vitest';
import { consistencyChart } from '../../../src/core/analysis/chart-data.ts';

describe('the consistency figure', () => {
  it('labels k of n when every arm has the same number of runs', () => {
    const chart = consistencyChart([
      { label: 'A', histogram: [1, 0, 2], problems: 3 },
      { label: 'B', histogram: [0, 1, 2], problems: 3 },
    ]);
    expect(chart.categories).toEqual(['0 of 2', '1 of 2', '2 of 2']);
    expect(chart.series.map((s) => s.label)).toEqual(['A', 'B']);
  });

  it("does not call an arm's every-run bar \"3 of 5\" when it has 3 runs beside an arm with 5", () => {
    const chart = consistencyChart([
      { label: 'A', histogram: [1, 0, 2, 4], problems: 7 },
      { label: 'B', histogram: [0, 1, 1, 1, 1, 3], problems: 7 },
    ]);
    expect(chart.categories).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(chart.categories.join(' ')).not.toContain('of 5');
    expect(chart.series.map((s) => s.label)).toEqual(['A (n = 3)', 'B (n = 5)']);
    // A solved 4 problems in all 3 of its runs: its bar at k = 3, none beyond.
    expect(chart.series[0]!.values).toEqual([1, 0, 2, 4, null, null]);
    expect(chart.description).toContain('A, k = 0…3 of 3; B, k = 0…5 of 5');
    expect(chart.xLabel).toBe("Runs that solved the problem, of each arm's n");
  });
});
