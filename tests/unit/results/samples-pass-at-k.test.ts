import { describe, expect, it } from 'vitest';
import { formatPassAtK, passAtKSummary } from '../../../src/core/results/samples-pass-at-k.ts';

describe('pass@k of a scored samples file', () => {
  it('gives pass@1 alone for one sample per task: the share that passed', () => {
    const summary = passAtKSummary([
      { n: 1, c: 1 },
      { n: 1, c: 0 },
      { n: 1, c: 1 },
      { n: 1, c: 1 },
    ]);
    expect(summary?.values).toEqual([{ k: 1, value: 0.75 }]);
    expect(formatPassAtK(summary!)).toBe('pass@1 0.7500 (4 tasks, 1 sample each)');
  });

  it('adds pass@10 once every task has ten samples, as human-eval and EvalPlus do, with the unbiased estimator', () => {
    // Task A: 3 of 10 pass; task B: none. pass@1 = (0.3 + 0) / 2; pass@10 = (1 + 0) / 2.
    const summary = passAtKSummary([
      { n: 10, c: 3 },
      { n: 12, c: 0 },
    ])!;
    expect(summary.values.map((v) => v.k)).toEqual([1, 10]);
    expect(summary.values[0]?.value).toBeCloseTo(0.15, 12);
    expect(summary.values[1]?.value).toBeCloseTo(0.5, 12);
    expect(formatPassAtK(summary)).toBe('pass@1 0.1500, pass@10 0.5000 (2 tasks, 10 to 12 samples each)');
  });

  it('leaves out a k some task has too few samples for', () => {
    expect(passAtKSummary([{ n: 100, c: 1 }, { n: 9, c: 1 }])?.values.map((v) => v.k)).toEqual([1]);
  });

  it('has nothing to say when no task was scored', () => {
    expect(passAtKSummary([])).toBeNull();
  });
});
