/**
 * The Scoring page's runs over IndexedDB: a run with its samples file, and its verdicts written a
 * batch at a time as they come, so a reload, a crashed tab or a closed one loses none of the
 * work. Every write is one transaction that has completed when its promise resolves; a batch of
 * verdicts and the run's counts go in the same one, so the counts never say more than is stored.
 */
import { connectionTerminated, connectionUpgraded, keysUnder, observed, type LabDatabase, type ScoringRunRecord, type ScoringStatus, type ScoringVerdictRecord } from './database.ts';

/** Runs kept at most: a 30,000-sample file is tens of megabytes, kept whole. */
export const KEPT_SCORINGS = 5;

/** A verdict as the page holds it, without its run's id. */
export type KeptVerdict = Omit<ScoringVerdictRecord, 'runId'>;

/** The counts a batch brings the run to, and where it stands. */
export interface ScoringProgress {
  done: number;
  passed: number;
  elapsedMs: number;
  status: ScoringStatus;
  failure: string | null;
}

/** A kept run read back whole: its record, its samples file (null for the canonical solutions), its verdicts in line order. */
export interface KeptScoring {
  run: ScoringRunRecord;
  file: Blob | null;
  verdicts: KeptVerdict[];
}

const STORES = ['scoringRuns', 'scoringFiles', 'scoringVerdicts'] as const;

/** Verdicts written for a run no longer kept: deleted in another tab (one without Web Locks, which would have refused). */
export class ScoringRunDeleted extends Error {
  override readonly name = 'ScoringRunDeleted';
  constructor() {
    super('it was deleted in another tab');
  }
}

export class IdbScoringStore {
  readonly #db: LabDatabase;
  readonly #now: () => number;

  constructor(db: LabDatabase, options: { now?: () => number } = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  /** Whether this store's database went away under it (site data cleared, the database deleted, storage failed). */
  get terminated(): boolean {
    return connectionTerminated(this.#db);
  }

  /** Whether this store's connection was closed for another tab's newer build (what it kept stays). */
  get upgraded(): boolean {
    return connectionUpgraded(this.#db);
  }

  /**
   * Keeps a new run with its samples file (none for the canonical solutions), and lets go of the
   * oldest runs past `keep`, sparing those in `spare` (runs a tab scores or shows). One
   * transaction: a file the browser has no room for leaves the older runs where they were.
   * Resolves to the ids let go of.
   */
  async startRun(run: ScoringRunRecord, file: Blob | null, options: { keep?: number; spare?: ReadonlySet<string> } = {}): Promise<string[]> {
    const keep = options.keep ?? KEPT_SCORINGS;
    const tx = observed(this.#db.transaction(STORES, 'readwrite'));
    const runs = tx.objectStore('scoringRuns');
    const others = (await runs.getAll()).filter((other) => other.id !== run.id).sort((a, b) => a.createdAt - b.createdAt);
    const deleted: string[] = [];
    for (const other of others) {
      // The new run makes one more.
      if (others.length - deleted.length < keep) break;
      if (options.spare?.has(other.id)) continue;
      deleted.push(other.id);
      await Promise.all([
        runs.delete(other.id),
        tx.objectStore('scoringFiles').delete(other.id),
        tx.objectStore('scoringVerdicts').delete(keysUnder(other.id)),
      ]);
    }
    await Promise.all([runs.put(run), file ? tx.objectStore('scoringFiles').put({ runId: run.id, file }) : undefined]);
    await tx.done;
    return deleted;
  }

  /** Writes a batch of verdicts and the counts they bring the run to, in one transaction. */
  async record(runId: string, verdicts: readonly KeptVerdict[], progress: ScoringProgress): Promise<void> {
    const tx = observed(this.#db.transaction(['scoringRuns', 'scoringVerdicts'], 'readwrite'));
    const runs = tx.objectStore('scoringRuns');
    const run = await runs.get(runId);
    if (!run) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new ScoringRunDeleted();
    }
    const rows = tx.objectStore('scoringVerdicts');
    await Promise.all([...verdicts.map((verdict) => rows.put({ runId, ...verdict })), runs.put({ ...run, ...progress, updatedAt: this.#now() })]);
    await tx.done;
  }

  async loadRun(runId: string): Promise<KeptScoring | null> {
    const tx = observed(this.#db.transaction(STORES, 'readonly'));
    const [run, file, rows] = await Promise.all([
      tx.objectStore('scoringRuns').get(runId),
      tx.objectStore('scoringFiles').get(runId),
      tx.objectStore('scoringVerdicts').getAll(keysUnder(runId)),
      tx.done,
    ]);
    if (!run) return null;
    return { run, file: file?.file ?? null, verdicts: rows.map(({ line, taskId, outcome }) => ({ line, taskId, outcome })) };
  }

  /** Every kept run, newest first. */
  async listRuns(): Promise<ScoringRunRecord[]> {
    return (await this.#db.getAll('scoringRuns')).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Removes the run with its file and verdicts, in one transaction. */
  async deleteRun(runId: string): Promise<void> {
    const tx = observed(this.#db.transaction(STORES, 'readwrite'));
    await Promise.all([
      tx.objectStore('scoringRuns').delete(runId),
      tx.objectStore('scoringFiles').delete(runId),
      tx.objectStore('scoringVerdicts').delete(keysUnder(runId)),
      tx.done,
    ]);
  }
}
