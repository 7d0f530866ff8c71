/**
 * Keeps the run the Scoring page shows in IndexedDB as it goes: the run and its samples file when
 * it starts, its verdicts a batch per publish tick (one transaction each, never one per verdict),
 * its end. The tab remembers the run's id in sessionStorage, so a reload (or a crashed tab
 * reloaded) shows it again. Storage may fail (no IndexedDB, no room for the file, a private
 * window): the run then goes on in memory, and `problem` says once why it is not kept.
 */
import { isQuotaError } from '../../store/kept-file-error.ts';
import { DatabaseNewer, DatabaseTerminated, DatabaseUpgraded, type ScoringRunRecord } from '../../store/database.ts';
import type { IdbScoringStore, KeptScoring, KeptVerdict, ScoringProgress } from '../../store/scoring-store.ts';
import type { TabRunRecord } from '../shared/tab-run.ts';
import type { ScoringLocks } from './scoring-locks.ts';

export type ScoringStore = Pick<IdbScoringStore, 'startRun' | 'record' | 'loadRun' | 'terminated' | 'upgraded'>;

export interface RunKeeperDeps {
  store: () => Promise<ScoringStore>;
  locks: ScoringLocks;
  /** The run this tab shows, as a reload of the tab finds it. */
  thisTab: TabRunRecord;
  /** Told when the kept runs change: a new one kept (older ones may have been let go of to make room), or all gone with the database. */
  onKept?: () => void;
  newId?: () => string;
  now?: () => number;
}

/** A run about to be scored: what its record starts with. */
export type NewRun = Pick<ScoringRunRecord, 'name' | 'settings' | 'total'> & { file: Blob | null };

/** What came of asking to score the rest of a kept run: the run as kept now, or why not, for the page to say. */
export type ResumeOutcome = { kind: 'resumed'; kept: KeptScoring } | { kind: 'refused'; why: string };

const RUNNING_ELSEWHERE = 'This scoring is running in another tab: it goes on there. Press Continue again once that tab has finished or been closed.';
const GONE = 'This scoring is no longer kept in this browser (it was deleted in another tab): pick the file again to score it.';

/** Why a run could not be kept, as the browser gave it, for "This run is not kept: … (<reason>)". */
export function notKeptReason(error: unknown): string {
  if (isQuotaError(error)) return 'this browser has no room left to store it';
  const { name, cause } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; cause?: unknown };
  if (name === 'ScoringRunDeleted') return messageOf(error);
  if (name === 'DatabaseTerminated') return 'this site’s stored data was cleared or deleted while it was scored, and what was kept of it went too';
  // Its message ends by advising a reload, which here would lose the verdicts scored so far (audit R171-3).
  if (name === 'DatabaseNewer') return 'a newer version of Feedback Lab, opened in another tab, has updated this browser’s database';
  if (name === 'DatabaseUpgraded') return 'another tab opened a newer version of Feedback Lab, which updated this browser’s database';
  if (name === 'DatabaseRefused') return `this browser refused to open its database (${messageOf(cause).replace(/\.$/, '')}); private windows of some browsers do this`;
  return `this browser refused to store it: ${messageOf(error)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/**
 * A write's failure as the keeper tells it: when the run's database went away (site data cleared,
 * the database deleted), the run went with it, whatever the write itself met (a closing
 * connection, or a new, empty database without the run).
 */
function keptFailure(keptIn: ScoringStore | null, error: unknown): unknown {
  if (keptIn?.terminated) return new DatabaseTerminated(error);
  // Closed for another tab's upgrade: the write met "the connection is closing", but nothing kept went.
  return keptIn?.upgraded ? new DatabaseUpgraded(error) : error;
}

export class RunKeeper {
  /** The kept run on show: its record's id; null when the run is not kept (or there is none). */
  id = $state<string | null>(null);
  /** Why the run on show is not kept, said once; null when it is kept or none was tried. */
  problem = $state<string | null>(null);
  /**
   * The run stopped being kept because a newer build in another tab upgraded the database: what
   * was written until then is kept, and after a reload Continue scores the rest. The page says
   * that, not "a reload would lose it".
   */
  keptSoFar = $state(false);
  /** The page runs an older version than the database: a reload is needed, once the run's results are downloaded. */
  olderVersion = $state(false);

  readonly #deps: RunKeeperDeps;
  #pending: KeptVerdict[] = [];
  /** The writes in order: each batch waits for the one before, so the run's counts only move forward. */
  #writing: Promise<void> = Promise.resolve();
  #unshow: () => void = () => undefined;
  #unlock: (() => Promise<void>) | null = null;
  /** Bumped for each run, so a late write of the last one never lands on this one's state. */
  #generation = 0;
  /** The store the run on show was kept in (or resumed from). */
  #keptIn: ScoringStore | null = null;

  constructor(deps: RunKeeperDeps) {
    this.#deps = deps;
  }

  /** The run this tab shows as its sessionStorage has it: after a reload, the run it showed before. */
  get remembered(): string | null {
    return this.#deps.thisTab.get()?.id ?? null;
  }

  /** Starts keeping a new run; scoring need not wait: the batches queue behind it. */
  begin(run: NewRun): void {
    this.#leave();
    const generation = this.#generation;
    const id = this.#deps.newId?.() ?? newRunId();
    const now = this.#deps.now?.() ?? Date.now();
    this.#writing = (async () => {
      const release = await this.#deps.locks.claim(id).catch(() => null);
      let store: ScoringStore | null = null;
      try {
        // The runs some tab scores or shows stay when the oldest past five are let go of.
        const spare = await this.#deps.locks.heldAnywhere().catch(() => new Set<string>());
        const record: ScoringRunRecord = {
          id,
          name: run.name,
          settings: run.settings,
          source: run.file ? 'file' : 'canonical',
          total: run.total,
          done: 0,
          passed: 0,
          status: 'scoring',
          failure: null,
          elapsedMs: 0,
          createdAt: now,
          updatedAt: now,
        };
        store = await this.#deps.store();
        await store.startRun(record, run.file, { spare });
        if (generation !== this.#generation) return void (await release?.());
        this.#keptIn = store;
        this.#unlock = release;
        this.#show(id);
        this.#deps.onKept?.();
      } catch (error) {
        await release?.();
        if (generation === this.#generation) this.#lose(keptFailure(store, error));
      }
    })();
  }

  /** Shows a kept run read back from the store (after a reload, or opened from the list). */
  show(id: string): void {
    this.#leave();
    this.#show(id);
  }

  /**
   * Takes the run's lock to score the rest of it, and reads it back as it is now (another tab
   * may have scored more of it meanwhile). Refused while another tab scores it.
   */
  async resume(id: string): Promise<ResumeOutcome> {
    let release: (() => Promise<void>) | null = null;
    try {
      release = await this.#deps.locks.claim(id);
      if (!release) return { kind: 'refused', why: RUNNING_ELSEWHERE };
      const store = await this.#deps.store();
      const kept = await store.loadRun(id);
      if (!kept) {
        await release();
        return { kind: 'refused', why: GONE };
      }
      this.#keptIn = store;
      this.#unlock = release;
      this.problem = null;
      this.keptSoFar = false;
      return { kind: 'resumed', kept };
    } catch (error) {
      await release?.();
      return { kind: 'refused', why: `The kept scoring could not be read (${messageOf(error)}).` };
    }
  }

  /** A verdict to write with the next batch. */
  add(verdict: KeptVerdict): void {
    if (this.problem === null) this.#pending.push(verdict);
  }

  /** Writes the verdicts added since the last batch, with the counts they bring the run to. */
  flush(progress: ScoringProgress): void {
    if (this.#pending.length === 0 || this.problem !== null) return;
    this.#write(progress);
  }

  /** Writes the last batch and where the run ended, then lets go of its lock; resolves to whether the run is kept. */
  async end(progress: ScoringProgress): Promise<boolean> {
    this.#write(progress);
    await this.#writing;
    const unlock = this.#unlock;
    this.#unlock = null;
    await unlock?.();
    return this.id !== null && this.problem === null;
  }

  /** The page moves on to a run that will not be kept (a file with nothing to score): a reload shows none. */
  forget(): void {
    this.#leave();
  }

  #write(progress: ScoringProgress): void {
    const batch = this.#pending;
    this.#pending = [];
    const generation = this.#generation;
    this.#writing = this.#writing.then(async () => {
      if (generation !== this.#generation || this.id === null || this.problem !== null) return;
      try {
        await (await this.#deps.store()).record(this.id, batch, progress);
      } catch (error) {
        if (generation === this.#generation) this.#lose(keptFailure(this.#keptIn, error));
      }
    });
  }

  #show(id: string): void {
    this.id = id;
    this.#unshow = this.#deps.locks.show(id);
    this.#deps.thisTab.set({ id, keyedEndpoints: [] });
  }

  #leave(): void {
    this.#generation++;
    this.#pending = [];
    this.#unshow();
    this.#unshow = () => undefined;
    void this.#unlock?.();
    this.#unlock = null;
    this.#keptIn = null;
    this.id = null;
    this.problem = null;
    this.keptSoFar = false;
    this.olderVersion = false;
    this.#deps.thisTab.set(null);
  }

  /**
   * Storage failed: the run goes on in memory. What was kept before stays, and the tab still
   * remembers it, so a reload shows that much (a run that failed at its start has nothing kept).
   * A database that went away took every kept run with it: the list, read again, shows none.
   */
  #lose(error: unknown): void {
    this.problem = notKeptReason(error);
    this.keptSoFar = error instanceof DatabaseUpgraded && this.id !== null;
    this.olderVersion = error instanceof DatabaseNewer;
    this.#pending = [];
    if (error instanceof DatabaseTerminated) this.#deps.onKept?.();
  }
}

/**
 * A new run's id, a random UUID. `crypto.randomUUID` exists only in secure contexts: on the page
 * served over plain http to another machine (as `npm start` offers it), pressing Score threw
 * "crypto.randomUUID is not a function" and nothing was scored or said (audit R205-2).
 * `getRandomValues` works in any context.
 */
export function newRunId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
