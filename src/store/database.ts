/**
 * The app's one IndexedDB database. Each schema change is a new entry at the end of
 * MIGRATIONS, so a browser that last opened any older version walks forward step by step and
 * keeps its data. Never edit a migration that has shipped: add the next one.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';

export const DATABASE_NAME = 'feedback-lab';

/** A benchmark file exactly as downloaded (or picked), keyed by the SHA-256 of its bytes. */
export interface DatasetRecord {
  sha256: string;
  bytes: Uint8Array;
  /** Epoch milliseconds. */
  storedAt: number;
}

export interface LabSchema extends DBSchema {
  datasets: { key: string; value: DatasetRecord };
}

export type LabDatabase = IDBPDatabase<LabSchema>;
type UpgradeTransaction = IDBPTransaction<LabSchema, StoreNames<LabSchema>[], 'versionchange'>;
type Migration = (db: LabDatabase, tx: UpgradeTransaction) => void;

/** MIGRATIONS[i] takes the database from version i to version i + 1. */
const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.createObjectStore('datasets', { keyPath: 'sha256' });
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export interface OpenOptions {
  /** Tests open throwaway databases under their own names. */
  name?: string;
}

export async function openLabDatabase(options: OpenOptions = {}): Promise<LabDatabase> {
  const db = await openDB<LabSchema>(options.name ?? DATABASE_NAME, SCHEMA_VERSION, {
    upgrade(database, oldVersion, _newVersion, tx) {
      for (let version = oldVersion; version < SCHEMA_VERSION; version++) MIGRATIONS[version]?.(database, tx);
    },
    // Another tab runs a newer build: let its upgrade go through instead of blocking it forever.
    // This tab's next database call then fails, and a reload picks up the new build.
    blocking() {
      db.close();
    },
  });
  return db;
}
