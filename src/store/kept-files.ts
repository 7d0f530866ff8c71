/**
 * Result files kept in this browser so that what the user opened survives a reload: a file
 * cannot travel in the address, so the address (the presenter) or the tab's session storage (the
 * Results page) carries the key it is kept under. Two holders, each with its own rule, since a
 * study can be 200 MB:
 * - the presenter keeps the files of its last few shows (KEPT_FILES_LIMIT), the oldest go first;
 * - the Results page keeps the set of files open in a tab (every shard: a set may hold 8), for the
 *   sets of the last KEPT_SETS_LIMIT tabs that opened files; closing a file or the set lets go.
 * A file held by both (the same name, size and date) is stored once and goes when neither holds
 * it. A database of its own, so keeping a file never waits on, or migrates, the studies' database.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore } from 'idb';
import { KeepFileError } from './kept-file-error.ts';

export const KEPT_FILES_DATABASE = 'feedback-lab-kept-files';
/** How many distinct files stay kept for the presenter: the show on now, and the ones just before it. */
export const KEPT_FILES_LIMIT = 3;
/**
 * How many tabs' Results sets stay kept: this tab's and the one before. A closed tab's session
 * storage is gone, so its set can never be reopened, yet nothing tells a closed tab from an open
 * one: recency bounds what a closed tab leaves behind to one set.
 */
export const KEPT_SETS_LIMIT = 2;

export interface KeptFileRecord {
  key: string;
  fileName: string;
  /** Name, size and modification time: the same file kept again reuses its key. */
  identity: string;
  /** The file as picked (gzip or JSON): Chromium stores the bytes, not a handle. */
  blob: Blob;
  /** Epoch milliseconds of the last time it was kept. */
  usedAt: number;
  /** When the presenter last kept it; absent: the presenter does not hold it. Records from before the Results page kept files have only `usedAt`, and are the presenter's. */
  presenterAt?: number;
  /** The Results page's sets holding it (one per tab), each with when that set last kept a file. */
  sets?: Record<string, number>;
}

interface KeptFilesSchema extends DBSchema {
  files: { key: string; value: KeptFileRecord; indexes: { identity: string } };
}

type FilesStore = IDBPObjectStore<KeptFilesSchema, ['files'], 'files', 'readwrite'>;

export interface KeptFile {
  fileName: string;
  blob: Blob;
}

export class KeptFiles {
  readonly #db: IDBPDatabase<KeptFilesSchema>;
  readonly #now: () => number;
  #last = 0;

  constructor(db: IDBPDatabase<KeptFilesSchema>, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /**
   * Keeps a file for the presenter and returns its key; the same file (name, size, date) keeps its
   * earlier key. Throws a KeepFileError (storage full or refused) when it cannot be kept.
   */
  async keep(fileName: string, blob: Blob): Promise<string> {
    const identity = identityOf(fileName, blob);
    // Oldest shows out first, beyond the limit, the file kept now counted in: a browser near its
    // quota that counts a deleted copy's room as free then has it for the new file (Chromium 150
    // did not, within a session). In a transaction of their own, since the browser counts a
    // transaction's writes against what is used before it, its deletes not off.
    await this.#write(fileName, async (store) => {
      const all = await store.getAll();
      const same = all.find((r) => r.identity === identity)?.key;
      const others = all.filter((r) => r.key !== same && presenterTime(r) !== undefined);
      others.sort((a, b) => presenterTime(b)! - presenterTime(a)!);
      for (const old of others.slice(KEPT_FILES_LIMIT - 1)) await settle(store, { ...old, presenterAt: undefined });
    });
    return this.#write(fileName, async (store) => {
      const record = this.#record(fileName, blob, await store.index('identity').get(identity));
      record.presenterAt = record.usedAt;
      await store.put(record);
      return record.key;
    });
  }

  /**
   * Keeps a file of the Results page's set `setId` (a tab's open files) and returns its key. The
   * sets of tabs other than the last KEPT_SETS_LIMIT to keep a file let go of theirs, first (as in
   * keep()). Throws a KeepFileError (storage full or refused) when it cannot be kept.
   */
  async keepForSet(setId: string, fileName: string, blob: Blob): Promise<string> {
    const now = this.#stamp();
    await this.#write(fileName, async (store) => {
      const all = await store.getAll();
      const lastUse = new Map<string, number>([[setId, now]]);
      for (const r of all) for (const [set, at] of Object.entries(r.sets ?? {})) lastUse.set(set, Math.max(at, lastUse.get(set) ?? 0));
      const stale = new Set([...lastUse.entries()].sort((a, b) => b[1] - a[1]).slice(KEPT_SETS_LIMIT).map(([set]) => set));
      stale.delete(setId);
      if (stale.size === 0) return;
      for (const r of all) {
        if (!Object.keys(r.sets ?? {}).some((set) => stale.has(set))) continue;
        await settle(store, { ...r, sets: Object.fromEntries(Object.entries(r.sets!).filter(([set]) => !stale.has(set))) });
      }
    });
    return this.#write(fileName, async (store) => {
      const record = this.#record(fileName, blob, await store.index('identity').get(identityOf(fileName, blob)));
      record.sets = { ...record.sets, [setId]: record.usedAt };
      await store.put(record);
      return record.key;
    });
  }

  /**
   * Runs `work` in one readwrite transaction and waits for it to commit. A failure (a request's,
   * or the commit's: a full browser aborts the transaction when it commits) comes out as one
   * KeepFileError, and the transaction's own rejection is handled, not left for the console.
   */
  async #write<T>(fileName: string, work: (store: FilesStore) => Promise<T>): Promise<T> {
    const tx = this.#db.transaction('files', 'readwrite');
    const done = tx.done;
    done.catch(() => {});
    try {
      const result = await work(tx.store);
      await done;
      return result;
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborted by the browser.
      }
      // The transaction's error says more than the request's AbortError that follows it.
      throw new KeepFileError(fileName, tx.error ?? error);
    }
  }

  /** Set `setId` lets go of the files kept under `keys` (all of its files when absent); a file nobody holds is deleted. */
  async release(setId: string, keys?: readonly string[]): Promise<void> {
    const tx = this.#db.transaction('files', 'readwrite');
    // A failed request aborts the transaction: its rejection comes out of the request, not twice.
    const done = tx.done;
    done.catch(() => {});
    const records = keys ? await Promise.all(keys.map((key) => tx.store.get(key))) : await tx.store.getAll();
    for (const r of records) {
      if (!r?.sets || !(setId in r.sets)) continue;
      const { [setId]: _, ...rest } = r.sets;
      await settle(tx.store, { ...r, sets: rest });
    }
    await done;
  }

  #record(fileName: string, blob: Blob, earlier: KeptFileRecord | undefined): KeptFileRecord {
    const record: KeptFileRecord = { ...earlier, key: earlier?.key ?? randomKey(), fileName, identity: identityOf(fileName, blob), blob, usedAt: this.#stamp() };
    // A record from before sets existed is the presenter's: keep saying so once it is shared.
    if (earlier && earlier.presenterAt === undefined && earlier.sets === undefined) record.presenterAt = earlier.usedAt;
    return record;
  }

  /** The file kept under `key`, or null when it is gone (storage cleared, or pushed out by newer ones). */
  async get(key: string): Promise<KeptFile | null> {
    // Read only: writing the record back to note the use could copy a 200 MB blob again.
    const record = await this.#db.get('files', key);
    return record ? { fileName: record.fileName, blob: record.blob } : null;
  }

  /** The clock, strictly increasing: two files kept in one millisecond still have an order. */
  #stamp(): number {
    this.#last = Math.max(this.#now(), this.#last + 1);
    return this.#last;
  }
}

export interface KeptFilesOptions {
  name?: string;
  /**
   * The browser closed the connection by itself (the site's data was cleared, or its storage
   * failed): every later call on it fails, so the holder should open a new one for its next use,
   * as the main database's holders do (database.ts), or no show would be kept until a reload.
   */
  onTerminated?: () => void;
}

export async function openKeptFiles(options: KeptFilesOptions = {}): Promise<KeptFiles> {
  const db = await openDB<KeptFilesSchema>(options.name ?? KEPT_FILES_DATABASE, 1, {
    upgrade(database) {
      database.createObjectStore('files', { keyPath: 'key' }).createIndex('identity', 'identity', { unique: true });
    },
    // Another tab's newer build upgrades it: let it. A deletion (DevTools' "Delete database",
    // another page's deleteDatabase) asks the same with no new version: the files are gone, as
    // when the site's data is cleared, so the holder opens a new database for its next use.
    blocking(_currentVersion, newVersion) {
      if (newVersion === null) options.onTerminated?.();
      db.close();
    },
    terminated() {
      options.onTerminated?.();
    },
  });
  return new KeptFiles(db);
}

function identityOf(fileName: string, blob: Blob): string {
  return `${fileName}\u0000${blob.size}\u0000${blob instanceof File ? blob.lastModified : ''}`;
}

/** When the presenter last kept a record; a record from before sets existed is the presenter's. */
function presenterTime(record: KeptFileRecord): number | undefined {
  return record.presenterAt ?? (record.sets === undefined ? record.usedAt : undefined);
}

/** Writes a record back, or deletes it when neither the presenter nor any set holds it any more. */
async function settle(store: { put(value: KeptFileRecord): Promise<unknown>; delete(key: string): Promise<unknown> }, record: KeptFileRecord): Promise<void> {
  if (record.presenterAt === undefined) delete record.presenterAt;
  const held = record.presenterAt !== undefined || Object.keys(record.sets ?? {}).length > 0;
  if (held) await store.put({ ...record, sets: record.sets ?? {} });
  else await store.delete(record.key);
}

/** Twelve URL-safe characters: short in an address, and no two files of one browser share one. */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}
