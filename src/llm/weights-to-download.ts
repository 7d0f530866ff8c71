/**
 * Which in-browser builds a study would have to download before its first call, and about how
 * much. A study link with `autorun=1` asks before it starts by itself: a link from someone else
 * should not fetch gigabytes of weights into this browser without a click.
 */
import { estimateDownloadBytes, formatBytes } from '../core/llm/catalog.ts';
import { listText } from '../core/count-text.ts';
import { entryForModelId, type WebLLMCatalog } from './model-catalog.ts';
import { browserSettings, readSavedModelSettings, savedSource } from './saved-model-source.ts';
import { toAppConfig, type ModelFileSource } from './webllm-app-config.ts';
import { inspectModelCache, type CacheStorageLike } from './webllm-cache.ts';

export interface PendingDownload {
  modelId: string;
  /** What is left to fetch, estimated from the parameter count less what is cached; undefined for a build the catalogue does not know. */
  bytes: number | undefined;
}

/**
 * The builds of `modelIds` not completely in the cache, in the order given. Without Cache Storage
 * (or with one that cannot be read) nothing counts as cached: WebLLM could not use it either.
 */
export async function weightsToDownload(
  catalog: WebLLMCatalog,
  modelIds: readonly string[],
  options: { source?: ModelFileSource; storage?: CacheStorageLike | undefined } = {},
): Promise<PendingDownload[]> {
  const wanted = [...new Set(modelIds)];
  if (wanted.length === 0) return [];
  const records = toAppConfig(catalog.records, options.source).model_list.filter((record) => wanted.includes(record.model_id));
  const cached = options.storage ? await inspectModelCache(records, options.storage).catch(() => []) : [];
  const byId = new Map(cached.map((model) => [model.modelId, model]));
  return wanted.flatMap((modelId) => {
    const have = byId.get(modelId);
    if (have?.complete) return [];
    const entry = entryForModelId(catalog, modelId);
    const build = entry && Object.values(entry.builds).find((b) => b.modelId === modelId);
    const bytes = entry && build ? Math.max(0, estimateDownloadBytes(entry, build.quantization) - (have?.bytes ?? 0)) : undefined;
    return [{ modelId, bytes }];
  });
}

/** The same in this browser: from where the Models page's saved settings take model files, in its Cache Storage. */
export function weightsToDownloadHere(catalog: WebLLMCatalog, modelIds: readonly string[]): Promise<PendingDownload[]> {
  return weightsToDownload(catalog, modelIds, { source: savedSource(readSavedModelSettings(browserSettings())), storage: globalThis.caches });
}

/** "A and B (about 2.1 GB)": the builds, and their total when every size is known. */
export function describeDownloads(pending: readonly PendingDownload[]): string {
  const names = pending.map((p) => p.modelId);
  const listed = listText(names);
  const known = pending.every((p) => p.bytes !== undefined);
  return known ? `${listed} (about ${formatBytes(pending.reduce((sum, p) => sum + (p.bytes ?? 0), 0))})` : listed;
}
