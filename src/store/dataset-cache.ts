/**
 * The dataset cache the benchmark loader reads and writes: downloads survive reloads and work
 * offline. Keys are SHA-256 hex digests; the loader re-checks what it reads back, since storage
 * can be edited by hand.
 */
import type { DatasetCache } from '../core/benchmarks/datasets.ts';
import type { LabDatabase } from './database.ts';

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
