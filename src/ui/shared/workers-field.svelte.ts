/**
 * The Study and Search forms' "Python workers" field: what it holds, what is wrong with it, and
 * the count a run uses. It names its problem as every other number field of the forms does
 * (number-problems.ts): it used to change 0, an emptied field or 1.5 into 1 or 2 without a word.
 */
import { wholeProblem } from '../../core/number-problems.ts';
import { workerCount } from './worker-count.ts';

/** Python workers: never more than the cores, and at most 8. */
export const MAX_WORKERS = Math.max(1, Math.min(8, globalThis.navigator?.hardwareConcurrency ?? 2));

/** What the field's problem sentences start with (field-problems.ts); its label adds the range. */
export const WORKERS_LABEL = 'Python workers';

export class WorkersField {
  /** What the field holds: an emptied number field binds null. */
  typed = $state<number | null>(1);
  readonly max: number;

  constructor(count: number, max: number = MAX_WORKERS) {
    this.max = max;
    this.count = count;
  }

  /** The field's sentence for the form's list and for under the field, or null while it holds a count this machine runs. */
  get problem(): string | null {
    return wholeProblem(WORKERS_LABEL, this.typed, { min: 1, max: this.max });
  }

  /**
   * The count a run uses: the field's. While the field holds none (a card's Resume does not wait
   * for the form to be put right), the nearest count this machine runs.
   */
  get count(): number {
    return workerCount(String(this.typed ?? ''), this.max);
  }

  /** Puts a count in the field (a draft given back, a reset), as many as this machine runs. */
  set count(count: number) {
    this.typed = workerCount(String(count), this.max);
  }
}
