/**
 * The dataset cache the benchmark loader writes to: downloads survive reloads and offline use.
 * Keys are SHA-256 hex digests, so a record can only ever hold the file its key names; the loader
 * still re-checks the hash of what it reads back, since storage can be edited by hand.
 */
import type { LabDatabase } from './database.ts';

export interface DatasetCache {
  get(sha256: string): Promise<Uint8Array | undefined>;
  put(sha256: string, bytes: Uint8Array): Promise<void>;
}

export function createDatasetCache(db: LabDatabase): DatasetCache {
  return {
    async get(sha256) {
      const record = await db.get('datasets', sha256);
      return record?.bytes;
    },
    async put(sha256, bytes) {
      await db.put('datasets', { sha256, bytes, storedAt: Date.now() });
    },
  };
}

/** Removes every cached dataset; the next load downloads again. */
export async function clearDatasetCache(db: LabDatabase): Promise<void> {
  await db.clear('datasets');
}
