/**
 * Result files kept in this browser for the presenter, so a show replayed from a file survives a
 * reload: a file cannot travel in the address, so the address carries the key it is kept under.
 * Only the last few files are kept (a study can be 200 MB); the oldest go first. A database of
 * its own, so keeping a show's file never waits on, or migrates, the studies' database.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export const KEPT_FILES_DATABASE = 'feedback-lab-kept-files';
/** How many distinct files stay kept: the show on now, and the ones just before it. */
export const KEPT_FILES_LIMIT = 3;

export interface KeptFileRecord {
  key: string;
  fileName: string;
  /** Name, size and modification time: the same file kept again reuses its key. */
  identity: string;
  /** The file as picked (gzip or JSON): Chromium stores the bytes, not a handle. */
  blob: Blob;
  /** Epoch milliseconds of the last time it was kept. */
  usedAt: number;
}

interface KeptFilesSchema extends DBSchema {
  files: { key: string; value: KeptFileRecord; indexes: { identity: string } };
}

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

  /** Keeps a file and returns its key; the same file (name, size, date) keeps its earlier key. */
  async keep(fileName: string, blob: Blob): Promise<string> {
    const identity = `${fileName}\u0000${blob.size}\u0000${blob instanceof File ? blob.lastModified : ''}`;
    const tx = this.#db.transaction('files', 'readwrite');
    const earlier = await tx.store.index('identity').get(identity);
    const key = earlier?.key ?? randomKey();
    await tx.store.put({ key, fileName, identity, blob, usedAt: this.#stamp() });
    // Oldest out, beyond the limit: the file just kept is the newest, so it stays.
    const others = (await tx.store.getAll()).filter((r) => r.key !== key).sort((a, b) => b.usedAt - a.usedAt);
    for (const old of others.slice(KEPT_FILES_LIMIT - 1)) await tx.store.delete(old.key);
    await tx.done;
    return key;
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
    // Another tab's newer build upgrades it: let it.
    blocking() {
      db.close();
    },
    terminated() {
      options.onTerminated?.();
    },
  });
  return new KeptFiles(db);
}

/** Twelve URL-safe characters: short in an address, and no two files of one browser share one. */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}
