import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import { summarizeFailures, viewRows, type RowView, type VerdictRow } from '../../../src/ui/scoring/verdict-rows.ts';

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
const all: RowView = { filter: 'all', category: null, sort: 'line', descending: false };
const lines = (view: VerdictRow[]) => view.map((r) => r.line);

describe('the verdict table', () => {
  it('shows only the verdict picked', () => {
    expect(lines(viewRows(rows, { ...all, filter: 'failed' }))).toEqual([2, 4, 5]);
    expect(lines(viewRows(rows, { ...all, filter: 'timed-out' }))).toEqual([3]);
  });

  it('narrows failures to one error category', () => {
    expect(lines(viewRows(rows, { ...all, category: 'AssertionError' }))).toEqual([4, 5]);
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
