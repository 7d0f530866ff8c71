import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import { viewRows, type VerdictRow } from '../../../src/ui/scoring/verdict-rows.ts';
import { VerdictView } from '../../../src/ui/scoring/verdict-view.svelte.ts';

const failed = (category: 'NameError' | 'AssertionError'): Outcome => ({
  kind: 'failed',
  durationMs: 1,
  category,
  errorType: category,
  message: '',
  traceback: '',
  failingAssert: null,
  studyErrorType: category,
});
const rows: VerdictRow[] = [
  { line: 1, taskId: 'HumanEval/0', outcome: { kind: 'passed', durationMs: 1 } },
  { line: 2, taskId: 'HumanEval/1', outcome: failed('NameError') },
  { line: 3, taskId: 'HumanEval/2', outcome: failed('AssertionError') },
];
const shown = (view: VerdictView) => viewRows(rows, view).map((row) => row.line);

describe('what the verdict table shows', () => {
  it('shows one category of failures after its summary button, and every row again after "all verdicts"', () => {
    const view = new VerdictView();
    view.toggleCategory('NameError');
    expect(shown(view)).toEqual([2]);
    view.setFilter('failed');
    expect(shown(view)).toEqual([2]);
    // Choosing "all verdicts" (as the page does for each new run) must not keep hiding rows.
    view.setFilter('all');
    expect(view.category).toBeNull();
    expect(shown(view)).toEqual([1, 2, 3]);
  });

  it('starts a new task search at its first page', () => {
    const view = new VerdictView();
    view.page = 4;
    view.setTaskQuery('HumanEval/1');
    expect(view.page).toBe(0);
    expect(shown(view)).toEqual([2]);
  });

  it('jumps to a typed page, counted from 1, and to the nearest end when past one', () => {
    const view = new VerdictView();
    expect(view.goToPage(3, 9)).toBe(3);
    expect(view.page).toBe(2);
    expect(view.goToPage(40, 9)).toBe(9);
    expect(view.goToPage(0, 9)).toBe(1);
    expect(view.goToPage(2.6, 9)).toBe(3);
    // Not a number: the page stays.
    expect(view.goToPage(Number.NaN, 9)).toBe(3);
    expect(view.page).toBe(2);
  });
});
