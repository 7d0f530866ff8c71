import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadReleasedFiles } from '../../../src/core/analysis/released-files.ts';
import { fetchBytesWithFetch, type DatasetCache } from '../../../src/core/benchmarks/datasets.ts';
import {
  RELEASED_SOURCE_FILES,
  ReleasedFetchCancelledError,
  ReleasedFilesUnavailableError,
  fetchReleasedFiles,
  groupFailures,
} from '../../../src/core/reproduce/released-sources.ts';
import { studyResultsDir } from '../../support/study-results.ts';

const BASE = 'http://app.test/feedback-lab/';
const UPSTREAM = 'https://raw.githubusercontent.com/L3G/feedback-over-form/';

/** The released files' bytes by their path in results/, read from the shared copy. */
const released = new Map<string, Uint8Array>(
  await Promise.all(
    RELEASED_SOURCE_FILES.map(
      async (f) => [f.path, new Uint8Array(await readFile(path.join(studyResultsDir(), f.path)))] as const,
    ),
  ),
);

/** A fetcher that serves the released bytes at the URLs `serve` accepts and 404s the rest; it records every URL asked for. */
function fetcher(serve: (url: string) => boolean, tamper?: (url: string, bytes: Uint8Array) => Uint8Array) {
  const asked: string[] = [];
  const fetchBytes = async (url: string): Promise<Uint8Array> => {
    asked.push(url);
    const entry = RELEASED_SOURCE_FILES.find((f) => url.endsWith(`/${f.path}`));
    if (!entry || !serve(url)) throw new Error('HTTP 404 Not Found');
    const bytes = released.get(entry.path)!;
    return tamper ? tamper(url, bytes) : bytes;
  };
  return { asked, fetchBytes };
}

function memoryCache(): DatasetCache & { stored: Map<string, Uint8Array> } {
  const stored = new Map<string, Uint8Array>();
  return { stored, get: async (sha) => stored.get(sha), put: async (sha, bytes) => void stored.set(sha, bytes) };
}

describe('fetching the released files for the Reproduce page', () => {
  it('pins sizes that match the shared copy, so the page can say how much it downloads', () => {
    for (const f of RELEASED_SOURCE_FILES) expect(released.get(f.path)?.length, f.path).toBe(f.bytes);
  });

  it("takes the deploy's own copy first, and the files make a complete report", async () => {
    const { asked, fetchBytes } = fetcher(() => true);
    const { files, failures } = await fetchReleasedFiles({ fetchBytes, baseUrl: BASE });
    expect(failures).toEqual([]);
    expect(asked.every((u) => u.startsWith(`${BASE}released/`))).toBe(true);
    const loaded = loadReleasedFiles(files);
    expect(loaded.problems).toEqual([]);
    expect(loaded.missing).toEqual([]);
    expect(loaded.champions.map((c) => c.run).sort()).toEqual(['temp0', 'v2', 'v3']);
  });

  it('falls back to the pinned commit of the study repository, naming why the deploy copy failed', async () => {
    const { asked, fetchBytes } = fetcher((url) => url.startsWith(UPSTREAM));
    const { files, failures } = await fetchReleasedFiles({ fetchBytes, baseUrl: BASE });
    expect(files).toHaveLength(RELEASED_SOURCE_FILES.length);
    expect(asked.filter((u) => u.startsWith(UPSTREAM)).every((u) => u.includes('/bb7da36f222cfcab0fa2009139a7378d551ba740/results/'))).toBe(true);
    expect(failures).toHaveLength(RELEASED_SOURCE_FILES.length);
    expect(failures[0]).toEqual({ source: `${BASE}released/main_results.json`, reason: 'HTTP 404 Not Found' });
  });

  it('refuses a file whose bytes differ from the pinned ones, and says an HTML page answered', async () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><title>Not here</title>');
    const { fetchBytes } = fetcher(
      () => true,
      (url, bytes) => (url.endsWith('error_taxonomy.json') ? html : bytes),
    );
    const error = await fetchReleasedFiles({ fetchBytes, baseUrl: BASE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleasedFilesUnavailableError);
    const unavailable = error as ReleasedFilesUnavailableError;
    expect(unavailable.message).toContain('Could not fetch error_taxonomy.json');
    expect(unavailable.message).toContain('answered with an HTML page');
    expect(unavailable.message).toContain('pick them below');
    // Everything else loaded, so the sections that do not need the taxonomy can still be shown.
    expect(unavailable.files.map((f) => f.fileName)).not.toContain('error_taxonomy.json');
    expect(unavailable.files).toHaveLength(RELEASED_SOURCE_FILES.length - 1);
  });

  it('folds an offline failure into one line per place tried, naming the files', async () => {
    const offline = async (url: string): Promise<Uint8Array> => {
      throw new Error(url.startsWith(BASE) ? 'HTTP 404 Not Found' : 'Failed to fetch');
    };
    const error = (await fetchReleasedFiles({ fetchBytes: offline, baseUrl: BASE }).catch((e: unknown) => e)) as ReleasedFilesUnavailableError;
    expect(error.message.split('\n')[0]).toBe('Could not fetch any of the released files from this site or from github.com/L3G/feedback-over-form:');
    const groups = groupFailures(error.failures);
    expect(groups.map((g) => [g.where, g.reason, g.files.length])).toEqual([
      [`${BASE}released/`, 'HTTP 404 Not Found', 6],
      [`${UPSTREAM}bb7da36f222cfcab0fa2009139a7378d551ba740/results/`, 'Failed to fetch', 6],
    ]);
    expect(groups[0]?.files).toContain('neat_runs/v2_champion.json');
  });

  it('keeps verified files in the cache, so the next load needs no network', async () => {
    const cache = memoryCache();
    await fetchReleasedFiles({ fetchBytes: fetcher(() => true).fetchBytes, baseUrl: BASE, cache });
    expect(cache.stored.size).toBe(RELEASED_SOURCE_FILES.length);
    const offline = fetcher(() => false);
    const { files } = await fetchReleasedFiles({ fetchBytes: offline.fetchBytes, baseUrl: BASE, cache });
    expect(offline.asked).toEqual([]);
    expect(loadReleasedFiles(files).missing).toEqual([]);
  });

  it('reports progress file by file, ending at all of them', async () => {
    const seen: string[] = [];
    await fetchReleasedFiles({
      fetchBytes: fetcher(() => true).fetchBytes,
      baseUrl: BASE,
      onProgress: (p) => seen.push(`${p.done}/${p.total} ${p.fileName}`),
    });
    expect(seen[0]).toBe('0/6 main_results.json');
    expect(seen.at(-1)).toBe('6/6 ');
  });

  it('stops when cancelled, keeping the files that had arrived and trying no other source', async () => {
    const abort = new AbortController();
    const asked: string[] = [];
    // The third file hangs until the fetch is cancelled, as a slow server does.
    const fetchBytes = (url: string, signal?: AbortSignal): Promise<Uint8Array> => {
      asked.push(url);
      const entry = RELEASED_SOURCE_FILES.find((f) => url.endsWith(`/${f.path}`))!;
      if (entry !== RELEASED_SOURCE_FILES[2]) return Promise.resolve(released.get(entry.path)!);
      setTimeout(() => abort.abort(), 0);
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    };
    const error = await fetchReleasedFiles({ fetchBytes, baseUrl: BASE, signal: abort.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleasedFetchCancelledError);
    expect((error as ReleasedFetchCancelledError).files.map((f) => f.fileName)).toEqual(['main_results.json', 'iteration_analysis.json']);
    // The cancelled file was not then asked of the repository, nor were the files after it.
    expect(asked).toHaveLength(3);
  });

  describe('over the browser’s fetch', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('words a place that does not answer as the benchmark loader does, not as the bare "Failed to fetch"', async () => {
      vi.stubGlobal('fetch', async () => {
        throw new TypeError('Failed to fetch');
      });
      const error = (await fetchReleasedFiles({ fetchBytes: fetchBytesWithFetch, baseUrl: BASE }).catch((e: unknown) => e)) as ReleasedFilesUnavailableError;
      const noAnswer = 'no answer (offline, blocked, or the server does not allow this site): Failed to fetch';
      expect(groupFailures(error.failures).map((g) => [g.where, g.reason])).toEqual([
        [`${BASE}released/`, noAnswer],
        [`${UPSTREAM}bb7da36f222cfcab0fa2009139a7378d551ba740/results/`, noAnswer],
      ]);
    });

    it('passes the signal to fetch, so a cancel aborts the request under way', async () => {
      const abort = new AbortController();
      const signals: (AbortSignal | undefined)[] = [];
      vi.stubGlobal('fetch', (_url: string, init?: RequestInit) => {
        signals.push(init?.signal ?? undefined);
        abort.abort();
        return Promise.reject(new DOMException('The operation was aborted.', 'AbortError'));
      });
      const error = await fetchReleasedFiles({ fetchBytes: fetchBytesWithFetch, baseUrl: BASE, signal: abort.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReleasedFetchCancelledError);
      expect(signals).toEqual([abort.signal]);
    });
  });
});
