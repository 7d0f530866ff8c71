/**
 * One IndexedDB connection for the whole app, opened on first use. When IndexedDB is unavailable
 * (some private windows), datasets still load; they are just downloaded again next time.
 */
import type { DatasetCache } from '../../core/benchmarks/datasets.ts';
import { openLabDatabase } from '../../store/database.ts';
import { createDatasetCache } from '../../store/dataset-cache.ts';

let cache: Promise<DatasetCache | null> | null = null;

export function appDatasetCache(): Promise<DatasetCache | null> {
  cache ??= openLabDatabase({ onTerminated: () => (cache = null) }).then(
    (db) => createDatasetCache(db),
    () => null,
  );
  return cache;
}
