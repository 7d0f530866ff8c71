/**
 * What WebLLM keeps in this browser, read straight from Cache Storage so the Models page can
 * show it without starting the 6 MB engine. WebLLM's default backend stores each file as the
 * fetched Response under its URL, in three caches: weights and tokenizer in `webllm/model`,
 * `mlc-chat-config.json` in `webllm/config`, compiled libraries in `webllm/wasm`. A model counts
 * as cached, as in WebLLM's `hasModelInCache`, when its `tensor-cache.json` and every shard it
 * lists are present.
 */
import type { ModelRecord } from '@mlc-ai/web-llm';
import { modelFilesUrl } from './webllm-app-config.ts';

export const WEBLLM_CACHES = { model: 'webllm/model', config: 'webllm/config', wasm: 'webllm/wasm' } as const;

export interface CachedModel {
  modelId: string;
  /** Every weight shard is present: loading needs no download. */
  complete: boolean;
  /** Bytes stored for this model (weights, tokenizer, config, and its library unless shared). */
  bytes: number;
}

/** The subset of `CacheStorage` used; tests pass an in-memory one. */
export interface CacheStorageLike {
  has(name: string): Promise<boolean>;
  open(name: string): Promise<CacheLike>;
}
export interface CacheLike {
  keys(): Promise<readonly Request[]>;
  match(request: RequestInfo): Promise<Response | undefined>;
  delete(request: RequestInfo): Promise<boolean>;
}

type RecordFiles = Pick<ModelRecord, 'model_id' | 'model' | 'model_lib'>;

interface CacheView {
  cache: CacheLike | undefined;
  urls: string[];
}

async function view(storage: CacheStorageLike, name: string): Promise<CacheView> {
  // `open` would create an empty cache as a side effect of merely looking.
  if (!(await storage.has(name))) return { cache: undefined, urls: [] };
  const cache = await storage.open(name);
  return { cache, urls: (await cache.keys()).map((request) => request.url) };
}

async function sizeOf(cache: CacheLike, url: string): Promise<number> {
  const response = await cache.match(url);
  if (!response) return 0;
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > 0) return length;
  return (await response.blob()).size;
}

function filesOf(record: RecordFiles, model: CacheView, config: CacheView): { base: string; modelUrls: string[]; configUrls: string[] } {
  const base = modelFilesUrl(record.model);
  return {
    base,
    modelUrls: model.urls.filter((url) => url.startsWith(base)),
    configUrls: config.urls.filter((url) => url.startsWith(base)),
  };
}

async function isComplete(cache: CacheLike | undefined, base: string, present: Set<string>): Promise<boolean> {
  const manifestUrl = new URL('tensor-cache.json', base).href;
  if (!cache || !present.has(manifestUrl)) return false;
  try {
    const manifest = (await (await cache.match(manifestUrl))?.json()) as { records?: { dataPath: string }[] } | undefined;
    const shards = manifest?.records ?? [];
    return shards.length > 0 && shards.every((shard) => present.has(new URL(shard.dataPath, base).href));
  } catch {
    return false;
  }
}

/** Every catalogued model that has anything in the cache, with its size. */
export async function inspectModelCache(records: readonly RecordFiles[], storage: CacheStorageLike = caches): Promise<CachedModel[]> {
  const [model, config, wasm] = await Promise.all([
    view(storage, WEBLLM_CACHES.model),
    view(storage, WEBLLM_CACHES.config),
    view(storage, WEBLLM_CACHES.wasm),
  ]);
  const present = new Set(model.urls);
  const found: CachedModel[] = [];
  for (const record of records) {
    const { base, modelUrls, configUrls } = filesOf(record, model, config);
    if (modelUrls.length === 0 && configUrls.length === 0) continue;
    let bytes = 0;
    for (const url of modelUrls) if (model.cache) bytes += await sizeOf(model.cache, url);
    for (const url of configUrls) if (config.cache) bytes += await sizeOf(config.cache, url);
    if (wasm.cache && wasm.urls.includes(record.model_lib)) bytes += await sizeOf(wasm.cache, record.model_lib);
    found.push({ modelId: record.model_id, complete: await isComplete(model.cache, base, present), bytes });
  }
  return found;
}

/**
 * Removes one model's files. Its compiled library stays when another cached model of `records`
 * uses the same one (Qwen2.5-3B and Qwen2.5-Coder-3B share theirs).
 */
export async function deleteCachedModel(
  record: RecordFiles,
  records: readonly RecordFiles[],
  storage: CacheStorageLike = caches,
): Promise<void> {
  const [model, config, wasm] = await Promise.all([
    view(storage, WEBLLM_CACHES.model),
    view(storage, WEBLLM_CACHES.config),
    view(storage, WEBLLM_CACHES.wasm),
  ]);
  const { modelUrls, configUrls } = filesOf(record, model, config);
  await Promise.all(modelUrls.map((url) => model.cache?.delete(url)));
  await Promise.all(configUrls.map((url) => config.cache?.delete(url)));
  const sharedWith = records.filter(
    (other) => other.model_id !== record.model_id && other.model_lib === record.model_lib,
  );
  const stillUsed = sharedWith.some((other) => model.urls.some((url) => url.startsWith(modelFilesUrl(other.model))));
  if (!stillUsed && wasm.cache) await wasm.cache.delete(record.model_lib);
}
