/**
 * The app's one IndexedDB database. Each schema change is a new entry at the end of
 * MIGRATIONS, so a browser that last opened any older version walks forward step by step and
 * keeps its data. Never edit a migration that has shipped: add the next one.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Step } from '../core/pipeline/trajectory.ts';
import type { BenchmarkId } from '../core/benchmarks/problem.ts';
import type { HarnessMode, Outcome } from '../core/harness/outcome.ts';
import type { ChatReply, SearchStatus, StudyStatus } from '../core/ports.ts';
import type { ResultEnvironment, ResultServedModel } from '../core/results/result-file.ts';
import type { StoredSearchRecord, ValidationRequest } from '../core/search/search-record.ts';
import type { SearchSetup } from '../core/search/search-setup.ts';
import type { SearchState } from '../core/search/search-state.ts';
import type { StudyConfig } from '../core/study/config.ts';
import type { FinishedUnit } from '../core/study/unit-record.ts';

export const DATABASE_NAME = 'feedback-lab';

/** A benchmark file exactly as downloaded (or picked), keyed by the SHA-256 of its bytes. */
export interface DatasetRecord {
  sha256: string;
  bytes: Uint8Array;
  /** Epoch milliseconds. */
  storedAt: number;
}

/** One study: its config as run and where it stands. Steps and units live in their own stores. */
export interface StudyRecord {
  id: string;
  config: StudyConfig;
  status: StudyStatus;
  /** Epoch milliseconds of the last status or config write. */
  updatedAt: number;
  /** Whether any of it ran in this browser: then this browser's environment joins its exports. */
  ranHere: boolean;
  /** Where imported shards ran, kept so a re-export still says so. */
  importedEnvironments: ResultEnvironment[];
  /** The study link it was started from (its search params), so opening the link again resumes it. */
  link?: string;
  /** What the endpoints said about the models this browser ran the study on (joins this browser's environment). */
  servedModels?: ResultServedModel[];
  /**
   * This browser's environment as each run of the study here started, kept only when it differs
   * from the one before (the app or the browser was updated between a run and its resume), so an
   * export says what ran the study, not what exported it. Records from before 2026-11-24 have
   * none: their exports record the exporting page's environment.
   */
  environmentsHere?: ResultEnvironment[];
  /**
   * Bumped with every change to the study's finished units (a unit finished, an errored one
   * dropped to run again, units imported): the study list reads a study's units again only when it
   * moved (study-store.ts listStudies). Absent in records written before 2026-11-25.
   */
  unitsStamp?: number;
}

/** One step, keyed by (studyId, unitId, index): writing the same step twice lands on the same key. */
export interface StepRecord {
  studyId: string;
  unitId: string;
  index: number;
  step: Step;
}

/** A finished (or errored) unit, keyed by (studyId, unitId). */
export interface UnitRecord {
  studyId: string;
  unitId: string;
  unit: FinishedUnit;
}

/** One search run: its setup, where it stands, and its latest state snapshot. */
export interface SearchRecord {
  id: string;
  setup: SearchSetup;
  status: SearchStatus;
  /** Replaced at every generation boundary (and now and then within one); null before the first. */
  state: SearchState | null;
  validation: ValidationRequest | null;
  /** Epoch milliseconds of the last write. */
  updatedAt: number;
  /** False for a search imported from a file and not run here since. */
  ranHere: boolean;
}

/** One finished evaluation of a search, keyed by (searchId, key): a replayed write lands on the same key. */
export interface SearchEvaluationRow {
  searchId: string;
  key: string;
  record: StoredSearchRecord;
}

/** A temperature-0 model reply, keyed by the SHA-256 of the exact request (core/search/call-cache.ts). */
export interface CallCacheRecord {
  digest: string;
  reply: ChatReply;
  /** Epoch milliseconds. */
  storedAt: number;
}

/** Where a scoring run stands: `scoring` in the store with no tab holding its lock is a run a tab lost. */
export type ScoringStatus = 'scoring' | 'done' | 'cancelled' | 'failed';

/** One run of the Scoring page, with the file it scores, so a reload can show it and score the rest. */
export interface ScoringRunRecord {
  id: string;
  /** The samples file's name, or `canonical-<benchmark>.jsonl`. */
  name: string;
  settings: { benchmark: BenchmarkId; mode: HarnessMode; workers: number };
  /** The picked file (in `scoringFiles`), or the canonical solutions, made again from the benchmark. */
  source: 'file' | 'canonical';
  /** Samples the file holds, and how many of them are scored and passed so far. */
  total: number;
  done: number;
  passed: number;
  status: ScoringStatus;
  /** Why it stopped, when it stopped by itself (a broken sandbox). */
  failure: string | null;
  /** Time spent scoring, over every sitting. */
  elapsedMs: number;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}

/**
 * A run's samples file as picked (IndexedDB keeps a Blob as it is), apart from the run's record:
 * the record is rewritten with every batch of verdicts, and a Blob in it would be copied each time.
 */
export interface ScoringFileRecord {
  runId: string;
  file: Blob;
}

/** One scored sample, keyed by (runId, line): a sample written twice lands on the same key. */
export interface ScoringVerdictRecord {
  runId: string;
  /** 1-based line of the samples file (or position among the canonical solutions). */
  line: number;
  taskId: string;
  outcome: Outcome;
}

export interface LabSchema extends DBSchema {
  datasets: { key: string; value: DatasetRecord };
  studies: { key: string; value: StudyRecord };
  steps: { key: [string, string, number]; value: StepRecord };
  units: { key: [string, string]; value: UnitRecord };
  searches: { key: string; value: SearchRecord };
  searchEvaluations: { key: [string, string]; value: SearchEvaluationRow };
  callCache: { key: string; value: CallCacheRecord };
  scoringRuns: { key: string; value: ScoringRunRecord };
  scoringFiles: { key: string; value: ScoringFileRecord };
  scoringVerdicts: { key: [string, number]; value: ScoringVerdictRecord };
}

export type LabDatabase = IDBPDatabase<LabSchema>;
type UpgradeTransaction = IDBPTransaction<LabSchema, StoreNames<LabSchema>[], 'versionchange'>;
type Migration = (db: LabDatabase, tx: UpgradeTransaction) => void;

/** MIGRATIONS[i] takes the database from version i to version i + 1. */
const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.createObjectStore('datasets', { keyPath: 'sha256' });
  },
  // Studies. Compound keys that start with the study id let one key range read or delete a
  // whole study, in key order (unit, then step index), without a secondary index.
  (db) => {
    db.createObjectStore('studies', { keyPath: 'id' });
    db.createObjectStore('steps', { keyPath: ['studyId', 'unitId', 'index'] });
    db.createObjectStore('units', { keyPath: ['studyId', 'unitId'] });
  },
  // Pipeline searches: runs with their latest state, their evaluations (keys start with the
  // search id, so one key range reads or deletes a run), and the temperature-0 call cache.
  (db) => {
    db.createObjectStore('searches', { keyPath: 'id' });
    db.createObjectStore('searchEvaluations', { keyPath: ['searchId', 'key'] });
    db.createObjectStore('callCache', { keyPath: 'digest' });
  },
  // The Scoring page's runs, their samples files, and their verdicts (keys start with the run id,
  // so one key range reads a run in line order or deletes it).
  (db) => {
    db.createObjectStore('scoringRuns', { keyPath: 'id' });
    db.createObjectStore('scoringFiles', { keyPath: 'runId' });
    db.createObjectStore('scoringVerdicts', { keyPath: ['runId', 'line'] });
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Every key of a compound-keyed store that begins with `prefix` (a study's steps, one unit's steps,
 * a search's evaluations, a scoring's verdicts): `[...prefix]` sorts before any longer key with that
 * start, and `[...prefix, []]` after all of them, since an array sorts after every other key type.
 */
export function keysUnder(...prefix: IDBValidKey[]): IDBKeyRange {
  return IDBKeyRange.bound(prefix, [...prefix, []]);
}

/** The browser would not open IndexedDB (private windows of some browsers do this): nothing can be stored. */
export class DatabaseRefused extends Error {
  constructor(stored: string, cause: unknown) {
    super(
      `This browser refused to open its database (${cause instanceof Error ? cause.message : String(cause)}), so ${stored} cannot be stored. Private windows of some browsers do this; open the app in a normal window.`,
      { cause },
    );
    this.name = 'DatabaseRefused';
  }
}

/**
 * The database is at a later schema version than this page's code knows: a newer build of the app
 * upgraded it (in another tab, while this one still runs the build it loaded), and this build
 * cannot open it. Nothing is lost and the browser refuses nothing: a reload gets the newer build.
 * Told apart from DatabaseRefused, whose advice (a private window) would send the user astray, and
 * whose empty list would read as every study gone.
 */
export class DatabaseNewer extends Error {
  constructor(stored: string, cause: unknown) {
    super(
      `A newer version of Feedback Lab has updated this browser’s database (in another tab, say), and this page still runs the older version, which cannot open it, so ${stored} cannot be read or stored here. Nothing stored is lost: reload the page to use the new version.`,
      { cause },
    );
    this.name = 'DatabaseNewer';
  }
}

/**
 * A run stopped because its database went away under it: the site's data was cleared (the
 * browser's "clear site data", or storage it evicted), the database was deleted (DevTools'
 * "Delete database", or another page of the site), or the browser's storage failed. What the run
 * had stored may be gone with it: the page says so rather than promise it is kept.
 */
export class DatabaseTerminated extends Error {
  constructor(cause: unknown) {
    super(
      'This tab’s database closed while the run was writing to it: this site’s stored data was cleared or deleted (in the browser’s settings, its developer tools or another page of this site), or the browser’s storage failed, so nothing more could be stored.',
      { cause },
    );
    this.name = 'DatabaseTerminated';
  }
}

/**
 * A run's write found its record gone: the study or search was deleted (in another tab, in a
 * browser without Web Locks, where nothing stops that) or the site's data was cleared while it ran.
 * It said "No study … in the store: putStudy must come first", and its page advised resuming a
 * study whose card was gone with everything it had stored (audit R175).
 */
export class StoredRunGone extends Error {
  constructor(kind: 'study' | 'search', id: string) {
    super(`This ${kind} (${id}) is no longer stored in this browser: it was deleted, in another tab perhaps, or this site’s data was cleared while it ran, and what it had stored went with it.`);
    this.name = 'StoredRunGone';
  }
}

/** Connections closed because their data went away (cleared, deleted, storage failed); every later call on them fails. */
const terminatedConnections = new WeakSet<LabDatabase>();
/** Connections this tab closed so that another tab's newer build could upgrade the database: what they stored is kept. */
const upgradedConnections = new WeakSet<LabDatabase>();

/**
 * Whether `db` closed because its data went away (site data cleared, the database deleted, storage
 * failed), rather than for another tab's upgrade or by the app itself.
 */
export function connectionTerminated(db: LabDatabase): boolean {
  return terminatedConnections.has(db);
}

/** Whether `db` was closed for another tab's newer build, which upgraded the database (everything stored is kept). */
export function connectionUpgraded(db: LabDatabase): boolean {
  return upgradedConnections.has(db);
}

/**
 * A write failed because this tab let another tab's newer build upgrade the database: what was
 * stored before is kept, and a reload (to the new build) carries on from it. Told apart from a
 * refusal to store, whose "a reload would lose it" was untrue (audit R168-2).
 */
export class DatabaseUpgraded extends Error {
  constructor(cause: unknown) {
    super('A newer version of Feedback Lab, opened in another tab, has updated this browser’s database, so this tab, still on the older version, can store nothing more.', { cause });
    this.name = 'DatabaseUpgraded';
  }
}

/**
 * The transaction, its `done` observed from the start. A method that fails on one of its
 * requests (the browser closed the connection under it, say) then rejects once, with that
 * request's error, instead of also leaving `done`'s rejection unhandled on the page.
 */
export function observed<T extends { done: Promise<void> }>(tx: T): T {
  tx.done.catch(() => undefined);
  return tx;
}

export interface OpenOptions {
  /** Tests open throwaway databases under their own names. */
  name?: string;
  /**
   * The connection closed because its data went away (the site's data was cleared, the database
   * deleted, or its storage failed): the holder should open a new one for its next use instead of
   * failing until a reload.
   */
  onTerminated?: () => void;
  /**
   * The connection closed so that another tab's newer build could upgrade the database: the
   * holder should open anew for its next use, which then says so (DatabaseNewer) instead of
   * failing with "the database connection is closing" until a reload.
   */
  onUpgraded?: () => void;
}

/**
 * A tab's one connection for a kind of store, opened on first use: `make` builds the stores over
 * it. When the database goes away under the tab (site data cleared, the database deleted) the next
 * use opens a new one, rather than every call failing until a reload; a refusal to open rejects
 * with DatabaseRefused, naming `stored` ("studies"), or DatabaseNewer when a newer build has
 * upgraded the database past this one; the next use tries again.
 */
export function openedOnFirstUse<T>(stored: string, make: (db: LabDatabase) => T): () => Promise<T> {
  let opening: Promise<T> | null = null;
  return () => {
    // Closed for another tab's upgrade, the connection failed every later read with "the database
    // connection is closing" (the Study page's list showed just that): opened anew, it says a newer
    // version updated the database and to reload.
    const reopen = () => (opening = null);
    opening ??= openLabDatabase({ onTerminated: reopen, onUpgraded: reopen }).then(make, (error: unknown) => {
      opening = null;
      // IndexedDB's VersionError: the database is newer than this build (another tab upgraded it).
      if (error instanceof DOMException && error.name === 'VersionError') throw new DatabaseNewer(stored, error);
      throw new DatabaseRefused(stored, error);
    });
    return opening;
  };
}

export async function openLabDatabase(options: OpenOptions = {}): Promise<LabDatabase> {
  const db = await openDB<LabSchema>(options.name ?? DATABASE_NAME, SCHEMA_VERSION, {
    upgrade(database, oldVersion, _newVersion, tx) {
      for (let version = oldVersion; version < SCHEMA_VERSION; version++) MIGRATIONS[version]?.(database, tx);
    },
    // Another tab runs a newer build: let its upgrade go through instead of blocking it forever.
    // This tab's next database call then fails, and a reload picks up the new build. A deletion
    // (DevTools' "Delete database", another page's deleteDatabase) asks the same with no new
    // version: the data is gone as when the site's data is cleared, and a reload would not bring
    // it back, so the holder opens a new, empty database for its next use, and a run that was
    // writing says its data went rather than promise it is kept.
    blocking(_currentVersion, newVersion) {
      if (newVersion === null) lost();
      else upgradedConnections.add(db);
      db.close();
      if (newVersion !== null) options.onUpgraded?.();
    },
    terminated: lost,
  });
  function lost(): void {
    terminatedConnections.add(db);
    options.onTerminated?.();
  }
  return db;
}
