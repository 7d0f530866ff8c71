import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import { namedTasks, passAtKLine, taskCounts } from '../../../src/ui/scoring/pass-at-k-line.ts';

const passed: Outcome = { kind: 'passed', durationMs: 1 };
const failed: Outcome = { kind: 'timed-out', durationMs: 3000, limitMs: 3000, studyErrorType: null };

/** `n` verdicts of one task, the first `c` of them passes. */
function verdicts(taskId: string, n: number, c: number) {
  return Array.from({ length: n }, (_, i) => ({ taskId, outcome: i < c ? passed : failed }));
}

describe('the Scoring page’s pass@k line', () => {
  it('counts samples and passes per task, whatever order the verdicts finished in', () => {
    const rows = [...verdicts('HumanEval/1', 2, 1), ...verdicts('HumanEval/0', 3, 0)].reverse();
    expect(Object.fromEntries(taskCounts(rows))).toEqual({ 'HumanEval/0': { n: 3, c: 0 }, 'HumanEval/1': { n: 2, c: 1 } });
  });

  it('gives pass@1 and pass@10 of a whole run of ten or more samples per task, as the command line words them', () => {
    // Task A: 10 samples, 5 pass (pass@1 0.5, pass@10 1); task B: 12 samples, none pass.
    const rows = [...verdicts('HumanEval/0', 10, 5), ...verdicts('HumanEval/1', 12, 0)];
    expect(passAtKLine('done', rows)).toBe('pass@1 0.2500, pass@10 0.5000 (2 tasks, 10 to 12 samples each)');
  });

  it('leaves out a k some task has too few samples for', () => {
    const rows = [...verdicts('HumanEval/0', 10, 1), ...verdicts('HumanEval/1', 3, 3)];
    expect(passAtKLine('done', rows)).toBe('pass@1 0.5500 (2 tasks, 3 to 10 samples each)');
  });

  it('is the pass rate over tasks for one sample each', () => {
    expect(passAtKLine('done', [...verdicts('HumanEval/0', 1, 1), ...verdicts('HumanEval/1', 1, 0)])).toBe('pass@1 0.5000 (2 tasks, 1 sample each)');
  });

  it('is not given while a run goes on, nor for one that stopped early, nor with nothing scored', () => {
    const rows = verdicts('HumanEval/0', 10, 5);
    for (const phase of ['reading', 'scoring', 'cancelled', 'failed', 'idle'] as const) expect(passAtKLine(phase, rows)).toBeNull();
    expect(passAtKLine('done', [])).toBeNull();
  });

  it('names the tasks with no sample as the command line does, up to ten', () => {
    expect(namedTasks(['HumanEval/1', 'HumanEval/2'])).toBe('HumanEval/1, HumanEval/2');
    const many = Array.from({ length: 12 }, (_, i) => `Mbpp/${i + 2}`);
    expect(namedTasks(many)).toBe(`${many.slice(0, 10).join(', ')}, …`);
  });
});
