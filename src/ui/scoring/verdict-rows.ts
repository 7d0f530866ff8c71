/** The verdict table's rows and the views over them (filter, sort, summary), kept free of Svelte. */
import type { ErrorCategory, Outcome } from '../../core/harness/outcome.ts';

export interface VerdictRow {
  /** 1-based line of the samples file (or position in a generated list). */
  line: number;
  /** Canonical task id. */
  taskId: string;
  outcome: Outcome;
}

export type VerdictFilter = 'all' | Outcome['kind'];
export type SortKey = 'line' | 'task' | 'verdict' | 'category' | 'duration';

export interface RowView {
  filter: VerdictFilter;
  /** Only failures of this category; null for any. */
  category: ErrorCategory | null;
  sort: SortKey;
  descending: boolean;
}

export const VERDICT_LABELS: Record<Outcome['kind'], string> = { passed: 'passed', failed: 'failed', 'timed-out': 'timed out' };

/** The category column: the error family for failures, "timeout" for timeouts, empty for passes. */
export function categoryOf(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'passed':
      return '';
    case 'failed':
      return outcome.category;
    case 'timed-out':
      return 'timeout';
    default: {
      const never: never = outcome;
      return never;
    }
  }
}

const byTask = new Intl.Collator('en', { numeric: true });

const COMPARE: Record<SortKey, (a: VerdictRow, b: VerdictRow) => number> = {
  line: (a, b) => a.line - b.line,
  task: (a, b) => byTask.compare(a.taskId, b.taskId) || a.line - b.line,
  verdict: (a, b) => a.outcome.kind.localeCompare(b.outcome.kind) || a.line - b.line,
  category: (a, b) => categoryOf(a.outcome).localeCompare(categoryOf(b.outcome)) || a.line - b.line,
  duration: (a, b) => a.outcome.durationMs - b.outcome.durationMs || a.line - b.line,
};

export function viewRows(rows: readonly VerdictRow[], view: RowView): VerdictRow[] {
  const kept = rows.filter(
    (row) =>
      (view.filter === 'all' || row.outcome.kind === view.filter) &&
      (view.category === null || (row.outcome.kind === 'failed' && row.outcome.category === view.category)),
  );
  const compare = COMPARE[view.sort];
  return kept.sort(view.descending ? (a, b) => compare(b, a) : compare);
}

export interface CategoryCount {
  category: ErrorCategory;
  count: number;
}

/** Failures per error category, most frequent first. Timeouts are counted apart. */
export function summarizeFailures(rows: readonly VerdictRow[]): { categories: CategoryCount[]; timedOut: number } {
  const counts = new Map<ErrorCategory, number>();
  let timedOut = 0;
  for (const { outcome } of rows) {
    if (outcome.kind === 'failed') counts.set(outcome.category, (counts.get(outcome.category) ?? 0) + 1);
    else if (outcome.kind === 'timed-out') timedOut++;
  }
  const categories = [...counts].map(([category, count]) => ({ category, count }));
  categories.sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
  return { categories, timedOut };
}
