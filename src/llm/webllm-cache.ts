/**
 * What WebLLM keeps in this browser, read straight from Cache Storage so the Models page can
 * show it without starting the 6 MB engine. WebLLM's default backend stores each file as the
 * fetched Response under its URL, in three caches: weights and tokenizer in `webllm/model`,
 * `mlc-chat-config.json` in `webllm/config`, compiled libraries in `webllm/wasm`. A model counts
 * as cached when its `tensor-cache.json`, every shard it lists and its compiled library are
 * present (WebLLM's `hasModelInCache` looks at the weights only, but a load fetches a missing
 * library too, and fails offline without it). A library WebLLM never caches is not asked for:
 * one whose address contains "localhost", or a relative one, is fetched again at every load.
 *
 * WebLLM keys every file by its full URL, so files fetched from one place (Hugging Face, say) do
 * not serve a load from another (a mirror): after the model-file location changes they would be
 * downloaded again. They still take space, so they are listed apart, as copies from another
 * source, and deleting a model removes those too.
 */
import type { ModelRecord } from '@mlc-ai/web-llm';
import { modelFilesUrl } from './webllm-app-config.ts';

export const WEBLLM_CACHES = { model: 'webllm/model', config: 'webllm/config', wasm: 'webllm/wasm' } as const;

export interface CachedModel {
  modelId: string;
  /** Every weight shard is present: loading needs no download. */
  complete: boolean;
  /** Its compiled library is one WebLLM does not cache (see `libraryIsCached`): each load fetches it. */
  libraryFetchedEachLoad?: true;
  /** Bytes stored for this model from the current source (weights, tokenizer, config, library). */
  bytes: number;
  /**
   * Copies fetched from other locations (the Hugging Face default, an earlier mirror): a load
   * from the current source does not use them. Bytes, and where each copy came from.
   */
  otherSources?: { bytes: number; bases: string[] };
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

/**
 * The same model's files under other locations. A mirror keeps Hugging Face's layout, so a copy
 * is recognised by the `/<org>/<model>/resolve/<revision>/` at the end of its directory.
 */
function otherCopiesOf(record: RecordFiles, model: CacheView, config: CacheView): { modelUrls: string[]; configUrls: string[]; bases: string[] } {
  const base = modelFilesUrl(record.model);
  const identity = new URL(base).pathname.split('/').filter(Boolean).slice(-4).join('/');
  const marker = `/${identity}/`;
  const bases = new Set<string>();
  const pick = (urls: readonly string[]) =>
    urls.filter((url) => {
      const at = url.indexOf(marker);
      if (at < 0 || url.startsWith(base)) return false;
      bases.add(url.slice(0, at + marker.length));
      return true;
    });
  const modelUrls = pick(model.urls);
  const configUrls = pick(config.urls);
  return { modelUrls, configUrls, bases: [...bases] };
}

/** Copies of a compiled library fetched from other folders (same file name, other URL). */
function otherLibraries(record: RecordFiles, wasm: CacheView): string[] {
  const name = record.model_lib.slice(record.model_lib.lastIndexOf('/') + 1);
  return wasm.urls.filter((url) => url !== record.model_lib && url.endsWith(`/${name}`));
}

/**
 * Whether WebLLM keeps this library in its cache. Its loader (0.2.86, `fetchWasmSource`) fetches
 * an address containing "localhost" or not starting with "http" afresh at every load, so that a
 * library being rebuilt is picked up: such a library is never in the cache, however often loaded.
 */
export function libraryIsCached(modelLibUrl: string): boolean {
  return !modelLibUrl.includes('localhost') && modelLibUrl.startsWith('http');
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
    const others = otherCopiesOf(record, model, config);
    const hasOwn = modelUrls.length > 0 || configUrls.length > 0;
    if (!hasOwn && others.bases.length === 0) continue;
    const libraryCached = libraryIsCached(record.model_lib);
    const hasLibrary = wasm.urls.includes(record.model_lib);
    let bytes = 0;
    if (hasOwn) {
      for (const url of modelUrls) if (model.cache) bytes += await sizeOf(model.cache, url);
      for (const url of configUrls) if (config.cache) bytes += await sizeOf(config.cache, url);
      if (wasm.cache && hasLibrary) bytes += await sizeOf(wasm.cache, record.model_lib);
    }
    const entry: CachedModel = {
      modelId: record.model_id,
      complete: hasOwn && (hasLibrary || !libraryCached) && (await isComplete(model.cache, base, present)),
      bytes,
    };
    if (!libraryCached) entry.libraryFetchedEachLoad = true;
    if (others.bases.length > 0) {
      let otherBytes = 0;
      for (const url of others.modelUrls) if (model.cache) otherBytes += await sizeOf(model.cache, url);
      for (const url of others.configUrls) if (config.cache) otherBytes += await sizeOf(config.cache, url);
      entry.otherSources = { bytes: otherBytes, bases: others.bases };
    }
    found.push(entry);
  }
  return found;
}

/**
 * Removes one model's files, from the current source and every other one. Its compiled library
 * (each copy of it) stays when another cached model of `records` uses the same one (Qwen2.5-3B
 * and Qwen2.5-Coder-3B share theirs).
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
  const own = filesOf(record, model, config);
  const others = otherCopiesOf(record, model, config);
  const modelUrls = [...own.modelUrls, ...others.modelUrls];
  const configUrls = [...own.configUrls, ...others.configUrls];
  await Promise.all(modelUrls.map((url) => model.cache?.delete(url)));
  await Promise.all(configUrls.map((url) => config.cache?.delete(url)));
  const sharedWith = records.filter(
    (other) => other.model_id !== record.model_id && other.model_lib === record.model_lib,
  );
  const stillUsed = sharedWith.some((other) => {
    const files = filesOf(other, model, config);
    return files.modelUrls.length > 0 || otherCopiesOf(other, model, config).modelUrls.length > 0;
  });
  if (stillUsed || !wasm.cache) return;
  const libraries = [record.model_lib, ...otherLibraries(record, wasm)];
  await Promise.all(libraries.map((url) => wasm.cache?.delete(url)));
}
