import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import { summarizeFailures, taskMatches, verdictCounts, viewRows, type RowView, type VerdictRow } from '../../../src/ui/scoring/verdict-rows.ts';

const passed = (durationMs = 5): Outcome => ({ kind: 'passed', durationMs });
const failed = (category: 'NameError' | 'AssertionError', durationMs = 5): Outcome => ({
  kind: 'failed',
  durationMs,
  category,
  errorType: category,
  message: '',
  traceback: '',
  failingAssert: null,
  studyErrorType: null,
});
const timedOut: Outcome = { kind: 'timed-out', durationMs: 3000, limitMs: 3000, studyErrorType: null };

const rows: VerdictRow[] = [
  { line: 1, taskId: 'HumanEval/10', outcome: passed(9) },
  { line: 2, taskId: 'HumanEval/9', outcome: failed('NameError', 2) },
  { line: 3, taskId: 'HumanEval/2', outcome: timedOut },
  { line: 4, taskId: 'HumanEval/100', outcome: failed('AssertionError', 4) },
  { line: 5, taskId: 'HumanEval/3', outcome: failed('AssertionError', 1) },
];
const all: RowView = { filter: 'all', category: null, sort: 'line', descending: false, taskQuery: '' };
const lines = (view: VerdictRow[]) => view.map((r) => r.line);

describe('the verdict table', () => {
  it('shows only the verdict picked', () => {
    expect(lines(viewRows(rows, { ...all, filter: 'failed' }))).toEqual([2, 4, 5]);
    expect(lines(viewRows(rows, { ...all, filter: 'timed-out' }))).toEqual([3]);
  });

  it('narrows failures to one error category', () => {
    expect(lines(viewRows(rows, { ...all, category: 'AssertionError' }))).toEqual([4, 5]);
  });

  it('finds a task by its number, whole, or by a part of its id in any case', () => {
    expect(lines(viewRows(rows, { ...all, taskQuery: '10' }))).toEqual([1]);
    expect(lines(viewRows(rows, { ...all, taskQuery: ' 3 ' }))).toEqual([5]);
    expect(lines(viewRows(rows, { ...all, taskQuery: 'humaneval/10' }))).toEqual([1, 4]);
    expect(lines(viewRows(rows, { ...all, taskQuery: '7' }))).toEqual([]);
    // Together with the verdict: the failures of the tasks found.
    expect(lines(viewRows(rows, { ...all, taskQuery: 'HumanEval/1', filter: 'failed' }))).toEqual([4]);
    expect(taskMatches('Mbpp/12', '12')).toBe(true);
    expect(taskMatches('Mbpp/112', '12')).toBe(false);
    expect(taskMatches('12', '12')).toBe(true);
    expect(taskMatches('Mbpp/12', '')).toBe(true);
  });

  it('counts what each verdict choice would show, among the tasks found', () => {
    expect(verdictCounts(rows)).toEqual({ all: 5, passed: 1, failed: 3, 'timed-out': 1 });
    expect(verdictCounts(rows, 'HumanEval/1')).toEqual({ all: 2, passed: 1, failed: 1, 'timed-out': 0 });
    expect(verdictCounts([])).toEqual({ all: 0, passed: 0, failed: 0, 'timed-out': 0 });
  });

  it('sorts task ids by their number, not as text', () => {
    expect(viewRows(rows, { ...all, sort: 'task' }).map((r) => r.taskId)).toEqual([
      'HumanEval/2',
      'HumanEval/3',
      'HumanEval/9',
      'HumanEval/10',
      'HumanEval/100',
    ]);
  });

  it('sorts slowest first on request', () => {
    expect(lines(viewRows(rows, { ...all, sort: 'duration', descending: true }))).toEqual([3, 1, 4, 2, 5]);
  });

  it('leaves the rows it was given in their order', () => {
    viewRows(rows, { ...all, sort: 'duration' });
    expect(lines(rows)).toEqual([1, 2, 3, 4, 5]);
  });

  it('sums failures by error category, most frequent first, timeouts apart', () => {
    expect(summarizeFailures(rows)).toEqual({
      categories: [
        { category: 'AssertionError', count: 2 },
        { category: 'NameError', count: 1 },
      ],
      timedOut: 1,
    });
  });
});
