/**
 * The scorings kept in this browser, as the Scoring page lists them: where each stands (a run the
 * store calls scoring is scoring in some tab while that tab holds its lock, and was interrupted
 * otherwise), and Delete, refused while another tab scores the run.
 */
import type { ScoringRunRecord } from '../../store/database.ts';
import type { IdbScoringStore } from '../../store/scoring-store.ts';
import { coalescedTask } from '../coalesced-task.ts';
import { OthersWatch } from '../shared/others-watch.ts';
import type { ScoringLocks } from './scoring-locks.ts';

/** What the list shows as a kept run's state. */
export type KeptState = 'scoring in another tab' | 'interrupted' | 'done' | 'cancelled' | 'stopped by an error';

export interface KeptScoringsDeps {
  store: () => Promise<Pick<IdbScoringStore, 'listRuns' | 'deleteRun'>>;
  locks: ScoringLocks;
  /** How often the list is read again while another tab scores one of its runs. Default 3 s. */
  othersRefreshMs?: number;
  /** After each reading of the list: the page follows a run on show that another tab scores then too. */
  onRefresh?: () => void;
  /**
   * Whether to go on reading the list every few seconds although no other tab scores now: the
   * page shows a run stopped early, which another tab may take up at any moment.
   */
  keepReading?: () => boolean;
}

export class KeptScorings {
  listings = $state.raw<ScoringRunRecord[]>([]);
  /** Runs some other tab scores now. */
  elsewhere = $state.raw<ReadonlySet<string>>(new Set());
  loaded = $state(false);
  /** Why the last read or deletion failed. */
  problem = $state<string | null>(null);

  readonly #deps: KeptScoringsDeps;
  readonly #others: OthersWatch;

  constructor(deps: KeptScoringsDeps) {
    this.#deps = deps;
    this.#others = new OthersWatch(() => void this.refresh(), () => this.elsewhere.size > 0 || (deps.keepReading?.() ?? false), deps.othersRefreshMs);
  }

  state(listing: ScoringRunRecord): KeptState {
    if (this.elsewhere.has(listing.id)) return 'scoring in another tab';
    switch (listing.status) {
      case 'scoring':
        return 'interrupted';
      case 'failed':
        return 'stopped by an error';
      case 'done':
      case 'cancelled':
        return listing.status;
      default: {
        const never: never = listing.status;
        return never;
      }
    }
  }

  /** Reads the list again; calls during a read coalesce into one more. */
  readonly refresh: () => Promise<void> = coalescedTask(async () => {
    try {
      const [listings, elsewhere] = await Promise.all([(await this.#deps.store()).listRuns(), this.#deps.locks.scoringAnywhere()]);
      this.listings = listings;
      this.elsewhere = elsewhere;
      this.#deps.onRefresh?.();
    } catch (error) {
      this.problem = `The kept scorings could not be read: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.loaded = true;
      this.#others.scheduleNext();
    }
  });

  /**
   * While the list is on show, a run scored in another tab is read again every few seconds: its
   * counts move on, and when that tab closes (or crashes) it shows as interrupted.
   */
  watch(on: boolean): void {
    this.#others.watch(on);
  }

  /**
   * Deletes a run with its file and verdicts, holding its lock meanwhile so that no tab goes on
   * scoring it; refused while another tab scores it. `id` scored in this tab is the caller's to refuse.
   */
  async remove(id: string): Promise<void> {
    this.problem = null;
    try {
      const release = await this.#deps.locks.claim(id);
      if (!release) this.problem = 'This scoring is running in another tab: delete it once that tab has finished or been closed.';
      else {
        try {
          await (await this.#deps.store()).deleteRun(id);
        } finally {
          await release();
        }
      }
    } catch (error) {
      this.problem = `The scoring could not be deleted: ${error instanceof Error ? error.message : String(error)}`;
    }
    await this.refresh();
  }
}
