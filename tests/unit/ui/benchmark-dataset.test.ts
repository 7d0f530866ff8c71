import { describe, expect, it } from 'vitest';
import type { DatasetCache } from '../../../src/core/benchmarks/datasets.ts';
import { BenchmarkDataset, browserSources } from '../../../src/ui/datasets/benchmark-dataset.svelte.ts';
import type { DownloadProgress } from '../../../src/ui/datasets/fetch-with-progress.ts';
import { readDatasetBytes } from '../../support/datasets.ts';

function memoryCache(): DatasetCache & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return { entries, get: async (sha) => entries.get(sha), put: async (sha, bytes) => void entries.set(sha, bytes) };
}

/** A network where only the listed URLs answer; every fetch reports progress like a real download. */
function network(files: Record<string, Uint8Array>) {
  const asked: string[] = [];
  const progress: DownloadProgress[] = [];
  const makeFetchBytes = (onProgress: (p: DownloadProgress) => void) => async (url: string) => {
    asked.push(url);
    const bytes = files[url];
    if (!bytes) throw new Error('HTTP 404 Not Found');
    const report = { url, receivedBytes: bytes.length, totalBytes: bytes.length };
    progress.push(report);
    onProgress(report);
    return bytes;
  };
  return { asked, progress, makeFetchBytes };
}

const SOURCES = browserSources('humaneval', '/app/');

describe('a benchmark dataset in the browser', () => {
  it('tries this site first, then upstream', () => {
    expect(SOURCES[0]).toBe('/app/datasets/HumanEval.jsonl.gz');
    expect(SOURCES[1]).toMatch(/^https:\/\/raw\.githubusercontent\.com\/openai\/human-eval\//);
  });

  it('loads from upstream when this site lacks the file, says why this site failed, and caches it', async () => {
    const bytes = await readDatasetBytes('humaneval');
    const net = network({ [SOURCES[1]!]: bytes });
    const cache = memoryCache();
    const dataset = new BenchmarkDataset('humaneval', { cache: async () => cache, makeFetchBytes: net.makeFetchBytes, sources: SOURCES });

    expect(dataset.status).toBe('idle');
    const loaded = dataset.ensure();
    expect(dataset.status).toBe('loading');
    await loaded;

    expect(dataset.status).toBe('ready');
    expect(dataset.problems).toHaveLength(164);
    expect(dataset.failures).toEqual([{ source: SOURCES[0], reason: 'HTTP 404 Not Found' }]);
    expect(net.progress.at(-1)?.receivedBytes).toBe(bytes.length);
    expect(cache.entries.size).toBe(1);
  });

  it('loads once however many pages ask', async () => {
    const net = network({ [SOURCES[0]!]: await readDatasetBytes('humaneval') });
    const dataset = new BenchmarkDataset('humaneval', { cache: async () => null, makeFetchBytes: net.makeFetchBytes, sources: SOURCES });
    await Promise.all([dataset.ensure(), dataset.ensure(), dataset.ensure()]);
    expect(net.asked).toEqual([SOURCES[0]]);
  });

  it('lists every failed source, then accepts the right file picked by hand (and refuses a wrong one)', async () => {
    const net = network({});
    const cache = memoryCache();
    const dataset = new BenchmarkDataset('humaneval', { cache: async () => cache, makeFetchBytes: net.makeFetchBytes, sources: SOURCES });
    expect(await dataset.ensure()).toBeNull();
    expect(dataset.status).toBe('failed');
    expect(dataset.failures.map((f) => f.source)).toEqual(SOURCES);

    await dataset.useFile(new File(['<!doctype html><html></html>'], 'HumanEval.jsonl.gz'));
    expect(dataset.status).toBe('failed');
    expect(dataset.pickError).toContain('not the published HumanEval file');

    const bytes = await readDatasetBytes('humaneval');
    await dataset.useFile(new File([bytes as Uint8Array<ArrayBuffer>], 'HumanEval.jsonl.gz'));
    expect(dataset.pickError).toBeNull();
    expect(dataset.status).toBe('ready');
    expect(dataset.problems).toHaveLength(164);
    expect(dataset.loaded?.source).toBe('HumanEval.jsonl.gz');
    expect(cache.entries.size).toBe(1);
  });

  it('uses the cached copy on the next visit without downloading', async () => {
    const cache = memoryCache();
    const first = network({ [SOURCES[0]!]: await readDatasetBytes('humaneval') });
    await new BenchmarkDataset('humaneval', { cache: async () => cache, makeFetchBytes: first.makeFetchBytes, sources: SOURCES }).ensure();

    const offline = network({});
    const later = new BenchmarkDataset('humaneval', { cache: async () => cache, makeFetchBytes: offline.makeFetchBytes, sources: SOURCES });
    await later.ensure();
    expect(later.status).toBe('ready');
    expect(later.loaded?.source).toBe('cache');
    expect(offline.asked).toEqual([]);
  });
});
