/**
 * Benchmark datasets load at run time, like model weights: from a cache, the app's own origin,
 * upstream, or a file the user picks. Every byte is checked against a pinned SHA-256 first, so
 * a study's problems are exactly the published ones whatever the source.
 */
import { canGunzip, GzipUnsupportedError } from '../gzip-support.ts';
import { DecompressionError, gunzipBounded } from '../results/bounded-compression.ts';
import { sha256Hex } from '../sha256.ts';
import { parseHumanEval } from './humaneval.ts';
import { parseSanitizedMbpp } from './mbpp.ts';
import type { BenchmarkId, Problem } from './problem.ts';
import { assertCompleteBenchmark } from './problem-count.ts';
import { BENCHMARK_NAMES } from './task-id.ts';

export interface DatasetFile {
  benchmark: BenchmarkId;
  fileName: string;
  /** SHA-256 of the upstream file, as published. */
  sha256: string;
  /** HumanEval only: SHA-256 of the same file decompressed, so a user may pick either form. */
  decompressedSha256: string | null;
  /** Where a deploy may ship the file, relative to the app's own origin. */
  sameOriginPath: string;
  upstreamUrl: string;
}

export const DATASET_FILES: Record<BenchmarkId, DatasetFile> = {
  humaneval: {
    benchmark: 'humaneval',
    fileName: 'HumanEval.jsonl.gz',
    sha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef',
    decompressedSha256: '1d49078ba3e2b196b9344535bef34a43021f038fad9561d6ee7c53450609a6a2',
    sameOriginPath: 'datasets/HumanEval.jsonl.gz',
    upstreamUrl: 'https://raw.githubusercontent.com/openai/human-eval/master/data/HumanEval.jsonl.gz',
  },
  mbpp: {
    benchmark: 'mbpp',
    fileName: 'sanitized-mbpp.json',
    sha256: 'ca95deaa9a01ef0a6f439f88bcf0dd3db3563d22f22aad6cae04ebb9a8d8c8e9',
    decompressedSha256: null,
    sameOriginPath: 'datasets/sanitized-mbpp.json',
    upstreamUrl: 'https://raw.githubusercontent.com/google-research/google-research/master/mbpp/sanitized-mbpp.json',
  },
};

// Lower-case hex SHA-256 (Web Crypto, or @noble/hashes on a page that is not a secure context): see src/core/sha256.ts.

/**
 * The most a benchmark file may decompress to. The published HumanEval.jsonl is about 210 KB;
 * a few kilobytes of hostile or corrupt gzip could otherwise expand until the tab runs out of memory.
 */
export const MAX_DATASET_BYTES = 16 * 1024 * 1024;

/**
 * Decompresses gzip bytes with the platform's DecompressionStream, never past `maxBytes`. Where
 * there is none (Safari before 16.4) it says so, and that the decompressed HumanEval.jsonl is accepted too.
 */
export async function gunzip(bytes: Uint8Array, maxBytes = MAX_DATASET_BYTES): Promise<Uint8Array> {
  if (!canGunzip()) throw new GzipUnsupportedError('pick HumanEval.jsonl already decompressed (gunzip HumanEval.jsonl.gz first)');
  try {
    return await gunzipBounded(bytes, maxBytes);
  } catch (error) {
    if (error instanceof DecompressionError && error.reason === 'too-big') {
      throw new Error(`Not a benchmark file: it decompresses to more than ${formatMegabytes(maxBytes)} (the published HumanEval.jsonl is about 210 KB).`);
    }
    throw new Error(`Not a valid gzip file (${(error as Error).message}).`);
  }
}

function formatMegabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

/**
 * Verifies `bytes` against the pinned hash of `benchmark`'s file and parses them into the whole
 * benchmark. `origin` names where the bytes came from, for the error message.
 */
export async function decodeDataset(benchmark: BenchmarkId, bytes: Uint8Array, origin = 'the file'): Promise<Problem[]> {
  return (await decodeVerified(benchmark, bytes, origin)).problems;
}

async function decodeVerified(
  benchmark: BenchmarkId,
  bytes: Uint8Array,
  origin: string,
): Promise<{ problems: Problem[]; sha256: string }> {
  const file = DATASET_FILES[benchmark];
  const got = await sha256Hex(bytes);
  let text: string;
  if (got === file.sha256) {
    text = new TextDecoder().decode(benchmark === 'humaneval' ? await gunzip(bytes) : bytes);
  } else if (got === file.decompressedSha256) {
    text = new TextDecoder().decode(bytes);
  } else {
    throw new Error(hashMismatchMessage(file, bytes, got, origin));
  }
  const problems = benchmark === 'humaneval' ? parseHumanEval(text) : parseSanitizedMbpp(text);
  assertCompleteBenchmark(benchmark, problems);
  return { problems, sha256: got };
}

function hashMismatchMessage(file: DatasetFile, bytes: Uint8Array, got: string, origin: string): string {
  // Both files sit side by side in a downloads folder: picking the other one is an easy slip.
  const other = Object.values(DATASET_FILES).find((f) => f.benchmark !== file.benchmark && (got === f.sha256 || got === f.decompressedSha256));
  return (
    `${file.fileName} from ${origin} is not the published ${BENCHMARK_NAMES[file.benchmark]} file: ` +
    `its SHA-256 is ${got}, expected ${file.sha256}.` +
    (other ? ` It is the ${BENCHMARK_NAMES[other.benchmark]} file (${other.fileName}).` : '') +
    (looksLikeHtml(bytes) ? ' The server answered with an HTML page, so the file is probably missing there.' : '') +
    ` Download the original from ${file.upstreamUrl} and use that.`
  );
}

/** Whether a download is an HTML page: a static host's answer for a path it does not have. */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html');
}

/**
 * Fetches one URL's bytes; rejects on network errors and non-2xx answers. Injected so tests and
 * Node can supply their own. With `signal`, an abort rejects with the signal's reason.
 */
export type FetchBytes = (url: string, signal?: AbortSignal) => Promise<Uint8Array>;

/** Bytes already verified once, keyed by their SHA-256. The IndexedDB implementation lives in `src/store`. */
export interface DatasetCache {
  get(sha256: string): Promise<Uint8Array | undefined>;
  put(sha256: string, bytes: Uint8Array): Promise<void>;
}

export interface SourceFailure {
  /** `cache`, or the URL that was tried. */
  source: string;
  reason: string;
}

export interface LoadedDataset {
  benchmark: BenchmarkId;
  problems: Problem[];
  /**
   * The published file's hash: goes into result files. HumanEval read decompressed gives the same
   * problems, so it records the published (gzip) hash too: a study started on one form must not be
   * refused where the other was loaded (the cache keeps the bytes under their own hash).
   */
  sha256: string;
  /** `cache`, or the URL the bytes came from. */
  source: string;
  /** Sources tried before the one that worked, and why each failed; also a failed cache write. */
  failures: SourceFailure[];
}

export interface LoadDatasetOptions {
  fetchBytes: FetchBytes;
  /** Tried in order after the cache. Default: the same-origin path, then upstream. */
  sources?: readonly string[];
  cache?: DatasetCache;
}

/** The sources tried by default: a deploy's own copy first (fast, works offline), then upstream. */
export function defaultDatasetSources(benchmark: BenchmarkId): string[] {
  const file = DATASET_FILES[benchmark];
  return [file.sameOriginPath, file.upstreamUrl];
}

/** Thrown when no source gave the verified file; `failures` lists every source and its reason. */
export class DatasetUnavailableError extends Error {
  readonly failures: SourceFailure[];
  constructor(benchmark: BenchmarkId, failures: SourceFailure[]) {
    const file = DATASET_FILES[benchmark];
    super(
      `Could not load ${BENCHMARK_NAMES[benchmark]} from any source:\n` +
        failures.map((f) => `  - ${f.source}: ${f.reason}`).join('\n') +
        `\nPick the file yourself (${file.fileName}, from ${file.upstreamUrl}), ` +
        'or ship it with the app: npm run datasets -- --from DIR.',
    );
    this.name = 'DatasetUnavailableError';
    this.failures = failures;
  }
}

/**
 * Loads a benchmark from the first source that yields the pinned file: the cache, then each
 * URL in `sources`. Verified bytes fetched from a URL are written to the cache. Throws
 * DatasetUnavailableError when every source fails.
 */
export async function loadDataset(benchmark: BenchmarkId, options: LoadDatasetOptions): Promise<LoadedDataset> {
  const file = DATASET_FILES[benchmark];
  const failures: SourceFailure[] = [];
  const { cache, fetchBytes } = options;

  if (cache) {
    for (const sha of acceptedHashes(file)) {
      try {
        const bytes = await cache.get(sha);
        if (!bytes) continue;
        const problems = await decodeDataset(benchmark, bytes, 'the cache');
        return { benchmark, problems, sha256: file.sha256, source: 'cache', failures };
      } catch (error) {
        failures.push({ source: 'cache', reason: reasonOf(error) });
      }
    }
  }

  for (const url of options.sources ?? defaultDatasetSources(benchmark)) {
    let bytes: Uint8Array;
    let decoded: { problems: Problem[]; sha256: string };
    try {
      bytes = await fetchBytes(url);
      decoded = await decodeVerified(benchmark, bytes, url);
    } catch (error) {
      failures.push({ source: url, reason: reasonOf(error) });
      continue;
    }
    const { problems, sha256 } = decoded;
    if (cache) {
      try {
        await cache.put(sha256, bytes);
      } catch (error) {
        // A full or blocked cache costs a download next time, nothing more.
        failures.push({ source: 'cache', reason: `could not store the file: ${reasonOf(error)}` });
      }
    }
    return { benchmark, problems, sha256: publishedSha256(benchmark, sha256), source: url, failures };
  }

  throw new DatasetUnavailableError(benchmark, failures);
}

/** FetchBytes over the global fetch (browsers, workers, Node ≥ 20). */
export const fetchBytesWithFetch: FetchBytes = async (url, signal) => {
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (error) {
    throw signal?.aborted ? error : noAnswerError(error);
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  return new Uint8Array(await response.arrayBuffer());
};

/**
 * fetch's own rejection when nothing answered says only "Failed to fetch" (Chromium), "NetworkError
 * when attempting to fetch resource." (Firefox) or "Load failed" (Safari): name the likely causes
 * for a failure list, keeping the browser's words after them.
 */
export function noAnswerError(error: unknown): Error {
  return new Error(`no answer (offline, blocked, or the server does not allow this site): ${reasonOf(error)}`);
}

/**
 * The hash a study records for verified bytes of `benchmark` whose own hash is `sha256`: the
 * published file's for either accepted form of HumanEval (the same problems), else `sha256` as is.
 * Compare a recorded hash through it too, so files written before it was used still match.
 */
export function publishedSha256(benchmark: BenchmarkId, sha256: string): string {
  const file = DATASET_FILES[benchmark];
  return sha256 === file.decompressedSha256 ? file.sha256 : sha256;
}

/** Whether two recorded hashes name the same problems of `benchmark` (either form of HumanEval, or the same file). */
export function sameDatasetFile(benchmark: BenchmarkId, a: string, b: string): boolean {
  return publishedSha256(benchmark, a) === publishedSha256(benchmark, b);
}

function acceptedHashes(file: DatasetFile): string[] {
  return file.decompressedSha256 ? [file.sha256, file.decompressedSha256] : [file.sha256];
}

/** A failure as one line for a source's entry in a failure list. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
