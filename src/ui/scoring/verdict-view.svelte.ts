/** What the user is looking at in the verdicts: filter, error category, sort and page. Shared by the summary and the table. */
import type { ErrorCategory } from '../../core/harness/outcome.ts';
import type { SortKey, VerdictFilter } from './verdict-rows.ts';

export const PAGE_SIZE = 50;

export class VerdictView {
  filter = $state<VerdictFilter>('all');
  category = $state<ErrorCategory | null>(null);
  sort = $state<SortKey>('line');
  descending = $state(false);
  /** What "Find task" holds (verdict-rows.ts, taskMatches). */
  taskQuery = $state('');
  page = $state(0);

  /**
   * A category narrows failures only: any other choice shows every row of that kind. The page
   * also calls this with 'all' for each new run, so a category picked in the last run's
   * summary never hides this run's rows.
   */
  setFilter(filter: VerdictFilter): void {
    this.filter = filter;
    if (filter !== 'failed') this.category = null;
    this.page = 0;
  }

  /** Picking a category shows its failures; picking it again shows everything. */
  toggleCategory(category: ErrorCategory): void {
    this.category = this.category === category ? null : category;
    if (this.category) this.filter = 'failed';
    this.page = 0;
  }

  /** A new search starts at the first page of what it finds. */
  setTaskQuery(query: string): void {
    this.taskQuery = query;
    this.page = 0;
  }

  /**
   * Goes to page `wanted` as a person counts them (1 to `pageCount`); a number past either end
   * goes to that end, and anything not a number leaves the page as it is. Returns the page shown,
   * counted from 1, for the field to show what was actually done.
   */
  goToPage(wanted: number, pageCount: number): number {
    if (Number.isFinite(wanted)) this.page = Math.min(Math.max(Math.round(wanted), 1), Math.max(1, pageCount)) - 1;
    return this.page + 1;
  }

  sortBy(key: SortKey): void {
    if (this.sort === key) this.descending = !this.descending;
    else {
      this.sort = key;
      this.descending = false;
    }
    this.page = 0;
  }
}
