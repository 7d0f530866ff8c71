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
  /** A task id or part of one, as typed into "Find task"; empty for every task. */
  taskQuery: string;
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
/** English order whatever the browser's locale (Estonian put Z between S and T, audit R220-8). */
const byName = new Intl.Collator('en');

const COMPARE: Record<SortKey, (a: VerdictRow, b: VerdictRow) => number> = {
  line: (a, b) => a.line - b.line,
  task: (a, b) => byTask.compare(a.taskId, b.taskId) || a.line - b.line,
  verdict: (a, b) => byName.compare(a.outcome.kind, b.outcome.kind) || a.line - b.line,
  category: (a, b) => byName.compare(categoryOf(a.outcome), categoryOf(b.outcome)) || a.line - b.line,
  duration: (a, b) => a.outcome.durationMs - b.outcome.durationMs || a.line - b.line,
};

/**
 * Whether a task id answers what was typed to find it. A bare number is a task's number, whole
 * ("12" finds HumanEval/12, not HumanEval/112): that is how people name MBPP and HumanEval tasks.
 * Anything else is a part of the id, in any case ("mbpp/1" finds Mbpp/1, Mbpp/10…).
 */
export function taskMatches(taskId: string, query: string): boolean {
  const wanted = query.trim().toLowerCase();
  if (wanted === '') return true;
  const id = taskId.toLowerCase();
  if (/^\d+$/.test(wanted)) return id === wanted || id.endsWith(`/${wanted}`);
  return id.includes(wanted);
}

export function viewRows(rows: readonly VerdictRow[], view: RowView): VerdictRow[] {
  const kept = rows.filter(
    (row) =>
      (view.filter === 'all' || row.outcome.kind === view.filter) &&
      (view.category === null || (row.outcome.kind === 'failed' && row.outcome.category === view.category)) &&
      taskMatches(row.taskId, view.taskQuery),
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
  categories.sort((a, b) => b.count - a.count || byName.compare(a.category, b.category));
  return { categories, timedOut };
}

/**
 * How many rows each choice of the verdict filter would show, for the labels of its options.
 * Counted among the rows the task search leaves, so the numbers say what picking one shows.
 */
export function verdictCounts(rows: readonly VerdictRow[], taskQuery = ''): Record<VerdictFilter, number> {
  const counts: Record<VerdictFilter, number> = { all: 0, passed: 0, failed: 0, 'timed-out': 0 };
  for (const row of rows) {
    if (!taskMatches(row.taskId, taskQuery)) continue;
    counts.all++;
    counts[row.outcome.kind]++;
  }
  return counts;
}
