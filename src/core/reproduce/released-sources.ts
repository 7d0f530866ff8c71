/**
 * Where the study's released files can be fetched from, so the Reproduce page can load them with
 * one press instead of asking the user to download six files from GitHub first. As with the
 * benchmarks: a deploy's own copy first (fast, works offline), then the study's repository at the
 * commit these pins were taken from. Every fetched file must match its pinned SHA-256, so a
 * mirror or a later commit cannot change the numbers the page calls "the released results".
 * Files a user picks by hand are not pinned: anyone may load an edited file to see what changes.
 */
import { looksLikeHtml, reasonOf, type DatasetCache, type FetchBytes, type SourceFailure } from '../benchmarks/datasets.ts';
import { sha256Hex } from '../sha256.ts';
import type { ReleasedFileText } from '../analysis/released-files.ts';

/** The study's companion repository and the commit of its `results/` that the pins below describe. */
export const RELEASED_REPOSITORY = 'github.com/L3G/feedback-over-form';
export const RELEASED_COMMIT = 'bb7da36f222cfcab0fa2009139a7378d551ba740';
const UPSTREAM_BASE = `https://raw.githubusercontent.com/L3G/feedback-over-form/${RELEASED_COMMIT}/results/`;

export interface ReleasedSourceFile {
  /** Path inside the repository's `results/`, also the path under a deploy's `released/`. */
  path: string;
  /** The name the Reproduce page shows and reads champion run names from. */
  fileName: string;
  sha256: string;
  bytes: number;
}

export const RELEASED_SOURCE_FILES: readonly ReleasedSourceFile[] = [
  file('main_results.json', 'f82dad97c84b86d80854f262af5bc20505f356c6dfc984000e258ff5fcce95a3', 2_316),
  file('iteration_analysis.json', '5ff09d8cb253cd165fd311940439601366bc4357bbc95fe144d209a05310bf21', 361_115),
  file('error_taxonomy.json', '72516a80563252a24985e74523031fa82df3583eccd4d6b9fa7191735c3520e7', 198_688),
  file('neat_runs/temp0_champion.json', '3e9c082b90b66cc7ca8220b440c3fc152af8545569d59d81c7ac0c411256a2b4', 857),
  file('neat_runs/v2_champion.json', 'f3c250080cd07933912d979dd1ce5a60b7c766243e8eddc6f3645ae7f741c463', 834),
  file('neat_runs/v3_champion.json', '0c21241d7b35b1c44778685cde47e18106e3953a2646fe9d2d59a0d5158c7305', 1_099),
];

function file(path: string, sha256: string, bytes: number): ReleasedSourceFile {
  return { path, fileName: path.slice(path.lastIndexOf('/') + 1), sha256, bytes };
}

/** The URLs tried for one file, in order: the deploy's copy under `baseUrl`, then the repository. */
export function releasedFileSources(entry: ReleasedSourceFile, baseUrl: string): string[] {
  return [`${baseUrl}released/${entry.path}`, `${UPSTREAM_BASE}${entry.path}`];
}

export interface FetchReleasedOptions {
  fetchBytes: FetchBytes;
  /** The app's base URL, ending with `/` (`import.meta.env.BASE_URL` in the browser). */
  baseUrl: string;
  /** Verified bytes are kept here by their hash, so a later visit works offline. */
  cache?: DatasetCache;
  /** Called before each file is looked for: `done` files of `total` are in hand. */
  onProgress?: (progress: { done: number; total: number; fileName: string }) => void;
  /** Aborting stops the fetch at once: it throws ReleasedFetchCancelledError with the files already in hand. */
  signal?: AbortSignal;
}

export interface FetchedReleasedFiles {
  files: ReleasedFileText[];
  /** Every source that failed, also those followed by one that worked. */
  failures: SourceFailure[];
}

/** Thrown when some file could be had from no source; `failures` says why for each one tried. */
export class ReleasedFilesUnavailableError extends Error {
  readonly failures: SourceFailure[];
  /** Files that did load, so the page can still show the sections they serve. */
  readonly files: ReleasedFileText[];
  constructor(missing: readonly string[], failures: SourceFailure[], files: ReleasedFileText[]) {
    const which = missing.length === RELEASED_SOURCE_FILES.length ? 'any of the released files' : missing.join(', ');
    super(
      `Could not fetch ${which} from this site or from ${RELEASED_REPOSITORY}:\n` +
        failures.map((f) => `  - ${f.source}: ${f.reason}`).join('\n') +
        `\nDownload the files from ${RELEASED_REPOSITORY} (folder results/) and pick them below.`,
    );
    this.name = 'ReleasedFilesUnavailableError';
    this.failures = failures;
    this.files = files;
  }
}

/** Thrown when the fetch was cancelled (its signal aborted): not a failure of any source. */
export class ReleasedFetchCancelledError extends Error {
  /** Files that had arrived and been verified before the cancel. */
  readonly files: ReleasedFileText[];
  constructor(files: ReleasedFileText[]) {
    super('The fetch of the released files was cancelled.');
    this.name = 'ReleasedFetchCancelledError';
    this.files = files;
  }
}

/**
 * Fetches every released file from the first source that yields its pinned bytes (the cache,
 * then each URL). Throws ReleasedFilesUnavailableError, carrying the files that did load, when
 * any file is missing from every source, and ReleasedFetchCancelledError once `signal` aborts.
 */
export async function fetchReleasedFiles(options: FetchReleasedOptions): Promise<FetchedReleasedFiles> {
  const { fetchBytes, baseUrl, cache, onProgress, signal } = options;
  const files: ReleasedFileText[] = [];
  const failures: SourceFailure[] = [];
  const missing: string[] = [];
  for (const [index, entry] of RELEASED_SOURCE_FILES.entries()) {
    if (signal?.aborted) throw new ReleasedFetchCancelledError(files);
    onProgress?.({ done: index, total: RELEASED_SOURCE_FILES.length, fileName: entry.fileName });
    const bytes = await firstVerified(entry, { fetchBytes, baseUrl, cache, signal }, failures);
    // An abort during a source ends the fetch: the next source would be cancelled too, and is not a failure.
    if (signal?.aborted) throw new ReleasedFetchCancelledError(bytes === null ? files : [...files, textOf(entry, bytes)]);
    if (bytes === null) missing.push(entry.path);
    else files.push(textOf(entry, bytes));
  }
  onProgress?.({ done: RELEASED_SOURCE_FILES.length, total: RELEASED_SOURCE_FILES.length, fileName: '' });
  if (missing.length > 0) throw new ReleasedFilesUnavailableError(missing, failures, files);
  return { files, failures };
}

function textOf(entry: ReleasedSourceFile, bytes: Uint8Array): ReleasedFileText {
  return { fileName: entry.fileName, text: new TextDecoder().decode(bytes) };
}

async function firstVerified(
  entry: ReleasedSourceFile,
  { fetchBytes, baseUrl, cache, signal }: Pick<FetchReleasedOptions, 'fetchBytes' | 'baseUrl' | 'cache' | 'signal'>,
  failures: SourceFailure[],
): Promise<Uint8Array | null> {
  if (cache) {
    try {
      const cached = await cache.get(entry.sha256);
      if (cached && (await sha256Hex(cached)) === entry.sha256) return cached;
    } catch (error) {
      failures.push({ source: 'cache', reason: reasonOf(error) });
    }
  }
  for (const url of releasedFileSources(entry, baseUrl)) {
    if (signal?.aborted) return null;
    try {
      const bytes = await fetchBytes(url, signal);
      const got = await sha256Hex(bytes);
      if (got !== entry.sha256) throw new Error(mismatch(entry, bytes, got));
      // A full or blocked cache costs a download next time, nothing more.
      await cache?.put(entry.sha256, bytes).catch((error: unknown) => {
        failures.push({ source: 'cache', reason: `could not keep a file for offline use: ${reasonOf(error)}` });
      });
      return bytes;
    } catch (error) {
      if (signal?.aborted) return null;
      failures.push({ source: url, reason: reasonOf(error) });
    }
  }
  return null;
}

/** Failures that share a source folder and a reason, with the files they hit: what a person reads. */
export interface GroupedFailure {
  /** `cache`, or the folder the files were asked from (`…/released/`, `…/results/`). */
  where: string;
  reason: string;
  files: string[];
}

/**
 * Folds per-file failures into one line per folder and reason, so "offline" reads as two lines
 * (this site, the repository), not twelve. Keeps first-seen order.
 */
export function groupFailures(failures: readonly SourceFailure[]): GroupedFailure[] {
  const groups = new Map<string, GroupedFailure>();
  for (const { source, reason } of failures) {
    const entry = RELEASED_SOURCE_FILES.find((f) => source.endsWith(`/${f.path}`));
    const where = entry ? source.slice(0, source.length - entry.path.length) : source;
    const key = `${where}\n${reason}`;
    const group = groups.get(key) ?? { where, reason, files: [] };
    if (entry) group.files.push(entry.path);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function mismatch(entry: ReleasedSourceFile, bytes: Uint8Array, got: string): string {
  // Static hosts often answer a missing path with their index page: say that, not two hashes.
  if (looksLikeHtml(bytes)) {
    return 'the server answered with an HTML page, so the file is probably missing there';
  }
  return `not the released ${entry.path}: its SHA-256 is ${got}, expected ${entry.sha256}`;
}
