/**
 * Everything the Scoring page holds, once per tab: the form's choices, the run with its verdicts,
 * how the table is filtered, and the scorings kept in this browser. It outlives the page
 * component, so following a task link from the verdict table to the Playground and coming Back
 * finds the verdicts where they were, and a run still in progress goes on meanwhile. The run is
 * kept in IndexedDB as it goes, so a reload of the tab shows it again (run-keeper.svelte.ts).
 */
import type { BenchmarkId, Problem } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import type { IdbScoringStore } from '../../store/scoring-store.ts';
import { appDatasets } from '../datasets/benchmark-dataset.svelte.ts';
import { browserSandboxFactory } from '../sandbox/browser-sandbox-factory.ts';
import { SandboxHolder, type SandboxFactory } from '../sandbox/sandbox-holder.ts';
import { tabStorage } from '../shared/form-draft.ts';
import { tabRunRecord, type TabRunRecord } from '../shared/tab-run.ts';
import { KeptScorings } from './kept-scorings.svelte.ts';
import { RunKeeper } from './run-keeper.svelte.ts';
import { ScoreSession } from './score-session.svelte.ts';
import { appScoringLocks, type ScoringLocks } from './scoring-locks.ts';
import { appScoringStore } from './scoring-store-connection.ts';
import { VerdictView } from './verdict-view.svelte.ts';

export const MAX_SCORE_WORKERS = Math.max(1, Math.min(8, globalThis.navigator?.hardwareConcurrency ?? 2));

const SHOWN_IN_TAB_KEY = 'feedback-lab:scoring-shown-in-tab';

export interface ScoreDeskDeps {
  sandboxes: SandboxFactory;
  store: () => Promise<IdbScoringStore>;
  locks: ScoringLocks;
  thisTab: TabRunRecord;
  /** A benchmark's problems, loading them if need be; null when they cannot be loaded. */
  problems: (benchmark: BenchmarkId) => Promise<readonly Problem[] | null>;
}

const browserDeps = (): ScoreDeskDeps => ({
  sandboxes: browserSandboxFactory,
  store: appScoringStore,
  locks: appScoringLocks,
  thisTab: tabRunRecord(tabStorage(), SHOWN_IN_TAB_KEY),
  problems: async (benchmark) => (await appDatasets[benchmark].ensure())?.problems ?? null,
});

export class ScoreDesk {
  benchmark = $state<BenchmarkId>('humaneval');
  mode = $state<HarnessMode>('standard');
  workers = $state(Math.min(2, MAX_SCORE_WORKERS));
  readonly session: ScoreSession;
  readonly view = new VerdictView();
  readonly kept: KeptScorings;

  readonly #deps: ScoreDeskDeps;
  /** Whether the page has been shown since this tab (re)loaded. */
  #visited = false;

  constructor(deps: ScoreDeskDeps = browserDeps()) {
    this.#deps = deps;
    this.kept = new KeptScorings({
      store: deps.store,
      locks: deps.locks,
      onRefresh: () => void this.#followShown(),
      // Another tab may Continue the run on show at any moment: this tab learns of it only by looking.
      keepReading: () => !this.session.busy && (this.session.continuable || this.session.elsewhere),
    });
    const keeper = new RunKeeper({ store: deps.store, locks: deps.locks, thisTab: deps.thisTab, onKept: () => void this.kept.refresh() });
    this.session = new ScoreSession(new SandboxHolder(deps.sandboxes), keeper);
  }

  /** The page is shown: keep the Python workers for the next run; after a reload, show the run this tab showed. */
  async visit(): Promise<void> {
    this.session.retain();
    this.kept.watch(true);
    const firstVisit = !this.#visited;
    this.#visited = true;
    const shown = firstVisit ? this.session.keeper?.remembered : null;
    if (shown) await this.open(shown);
    else await this.kept.refresh();
  }

  /** The page went away: free the Python workers now, or once the run in flight has ended. The verdicts stay. */
  leave(): void {
    this.session.release();
    this.kept.watch(false);
  }

  /**
   * Shows a kept run in this tab, with Continue if it stopped early. The form takes the run's
   * benchmark and mode, whose problems the run is read against.
   */
  async open(id: string): Promise<void> {
    const { session } = this;
    if (session.busy || session.opening) return;
    this.kept.problem = null;
    try {
      const kept = await (await this.#deps.store()).loadRun(id);
      if (!kept) {
        // Deleted meanwhile (in another tab, or let go of for a newer run).
        if (session.keeper?.remembered === id) session.keeper.forget();
        return;
      }
      const { benchmark, mode, workers } = kept.run.settings;
      this.benchmark = benchmark;
      this.mode = mode;
      this.workers = Math.min(workers, MAX_SCORE_WORKERS);
      const problems = await this.#deps.problems(benchmark);
      if (!problems) {
        this.kept.problem = `${kept.run.name} cannot be shown without the benchmark it was scored against: load it above, then press Open again.`;
        return;
      }
      // A run started meanwhile (the page was usable while the benchmark loaded) stays on show.
      if (session.busy) return;
      this.view.setFilter('all');
      session.keeper?.show(id);
      // Looked at first, so the run is never shown (nor announced) as interrupted for a moment. A
      // run continued elsewhere may still be kept as cancelled until that tab's first verdicts are
      // written; whatever it is kept as, the page follows that tab (#followShown).
      const elsewhere = await this.#deps.locks.scoringAnywhere().catch(() => new Set<string>());
      await session.restore(kept, problems, elsewhere.has(id));
    } catch (error) {
      this.kept.problem = `The kept scoring could not be opened: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      await this.kept.refresh();
    }
  }

  /**
   * The run on show, read again at each reading of the list while another tab scores it (every
   * few seconds, while the page is shown), so the page follows that tab; and once more when that
   * tab lets go of it, so the page shows what it left: done, or stopped early with Continue.
   */
  async #followShown(): Promise<void> {
    const { session } = this;
    const id = session.keeper?.id;
    const idle = () => !session.busy && !session.opening && !session.resuming && session.keeper?.id === id;
    // Only a run stopped early can be taken up by another tab; one this tab scores is its own.
    if (!id || !idle() || !(session.continuable || session.elsewhere)) return;
    // Until this tab's last run has let go of its lock, that lock would look like another tab's.
    await session.settled();
    const scoring = await this.#deps.locks.scoringAnywhere().catch(() => null);
    if (!scoring || !idle()) return;
    const elsewhere = scoring.has(id);
    if (!elsewhere && !session.elsewhere) return;
    // Read after the lock was looked at: once that tab let go, this is all it kept.
    const kept = await (await this.#deps.store()).loadRun(id).catch(() => null);
    // Deleted meanwhile: what was shown stays.
    if (kept && idle()) session.follow(kept, elsewhere);
  }

  /** Scores the rest of the run on show, stopped early (see ScoreSession.continuable). */
  async continueRun(workers: number): Promise<void> {
    await this.session.continueRun(workers);
    await this.kept.refresh();
  }

  async remove(id: string): Promise<void> {
    // The run on show is not listed; this guards a stale click all the same.
    if (id === this.session.keeper?.id) return;
    await this.kept.remove(id);
  }
}

/**
 * Made when this module loads, outside any component: deriveds made during a component's set-up
 * belong to it and go stale once it is destroyed.
 */
const desk = new ScoreDesk();

export function scoreDesk(): ScoreDesk {
  return desk;
}
