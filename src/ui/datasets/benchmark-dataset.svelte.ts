/**
 * One benchmark's problems as the pages see them: loading (with download progress), ready, or
 * failed with the reason for every source tried and a way to pick the file by hand.
 * One instance per benchmark for the whole app, so switching pages never loads twice.
 */
import {
  DATASET_FILES,
  DatasetUnavailableError,
  decodeDataset,
  loadDataset,
  publishedSha256,
  reasonOf,
  type DatasetCache,
  type FetchBytes,
  type LoadedDataset,
  type SourceFailure,
} from '../../core/benchmarks/datasets.ts';
import { sha256Hex } from '../../core/sha256.ts';
import { isQuotaError } from '../../store/kept-file-error.ts';
import type { BenchmarkId, Problem } from '../../core/benchmarks/problem.ts';
import { appDatasetCache } from './dataset-cache-connection.ts';
import { fetchBytesWithProgress, type DownloadProgress } from './fetch-with-progress.ts';

export type DatasetStatus = 'idle' | 'loading' | 'ready' | 'failed';

export interface DatasetDeps {
  cache: () => Promise<DatasetCache | null>;
  /** Wraps the progress callback into the fetcher; tests pass one that reads local bytes. */
  makeFetchBytes: (onProgress: (progress: DownloadProgress) => void) => FetchBytes;
  /** URLs tried after the cache, in order. */
  sources: readonly string[];
}

export class BenchmarkDataset {
  readonly benchmark: BenchmarkId;
  status = $state<DatasetStatus>('idle');
  download = $state<DownloadProgress | null>(null);
  /** Every source that failed, in the order tried (also shown after a later source worked). */
  failures = $state<SourceFailure[]>([]);
  /** Raw: hundreds of problems need no deep reactivity. */
  loaded = $state.raw<LoadedDataset | null>(null);
  /** Why a file the user picked was refused. */
  pickError = $state<string | null>(null);
  /**
   * Why a picked file in use could not be kept in this browser (no storage, no room left): a
   * reload will ask for it again, and the page says so rather than promise it is kept.
   */
  notKept = $state<string | null>(null);
  problems: Problem[] = $derived(this.loaded?.problems ?? []);

  #deps: DatasetDeps;
  #pending: Promise<LoadedDataset | null> | null = null;

  constructor(benchmark: BenchmarkId, deps: DatasetDeps) {
    this.benchmark = benchmark;
    this.#deps = deps;
  }

  /** Starts loading unless it has already started; resolves to null when every source failed. */
  ensure(): Promise<LoadedDataset | null> {
    this.#pending ??= this.#load();
    return this.#pending;
  }

  async #load(): Promise<LoadedDataset | null> {
    this.status = 'loading';
    try {
      const loaded = await loadDataset(this.benchmark, {
        cache: (await this.#deps.cache()) ?? undefined,
        sources: this.#deps.sources,
        fetchBytes: this.#deps.makeFetchBytes((progress) => (this.download = progress)),
      });
      this.failures = loaded.failures;
      this.loaded = loaded;
      this.status = 'ready';
      return loaded;
    } catch (error) {
      this.failures =
        error instanceof DatasetUnavailableError ? error.failures : [{ source: 'loader', reason: String(error) }];
      this.status = 'failed';
      // Let a later ensure() try again (the user may have come back online).
      this.#pending = null;
      return null;
    } finally {
      this.download = null;
    }
  }

  /** Uses a file the user picked, after the same hash check as a download; caches it on success. */
  async useFile(file: File): Promise<void> {
    this.pickError = null;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const problems = await decodeDataset(this.benchmark, bytes, file.name);
      const sha256 = await sha256Hex(bytes);
      const cache = await this.#deps.cache();
      let notKept: string | null = null;
      if (!cache) notKept = 'this browser gives this site no storage (a private window, or site data blocked)';
      else {
        try {
          await cache.put(sha256, bytes);
        } catch (error) {
          // Chromium's QuotaExceededError has an empty message: the page said "could not keep it ()".
          notKept = isQuotaError(error) ? 'it has no room left for it' : reasonOf(error).trim() || (error instanceof Error ? error.name : 'no reason given');
        }
      }
      this.notKept = notKept === null ? null : `This browser could not keep it (${notKept}): after a reload, pick it again.`;
      // Kept under its own hash (the cache is read by hash), recorded as the published file's.
      this.loaded = { benchmark: this.benchmark, problems, sha256: publishedSha256(this.benchmark, sha256), source: file.name, failures: this.failures };
      this.status = 'ready';
      this.#pending = Promise.resolve(this.loaded);
    } catch (error) {
      this.pickError = error instanceof Error ? error.message : String(error);
    }
  }
}

/** Same-origin first (a deploy's own copy, which also works offline), then upstream. */
export function browserSources(benchmark: BenchmarkId, baseUrl: string = import.meta.env.BASE_URL): string[] {
  const file = DATASET_FILES[benchmark];
  return [`${baseUrl}${file.sameOriginPath}`, file.upstreamUrl];
}

function browserDataset(benchmark: BenchmarkId): BenchmarkDataset {
  return new BenchmarkDataset(benchmark, {
    cache: appDatasetCache,
    makeFetchBytes: fetchBytesWithProgress,
    sources: browserSources(benchmark),
  });
}

export const appDatasets: Record<BenchmarkId, BenchmarkDataset> = {
  humaneval: browserDataset('humaneval'),
  mbpp: browserDataset('mbpp'),
};
