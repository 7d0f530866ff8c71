/**
 * HumanEval is accepted published (gzip) or decompressed: the problems are the same, so what a
 * study records as its dataset must be the same too, or a study started with one form is refused
 * where the other was loaded (the CLI, another browser: "made with a different HumanEval file").
 * And a picked file the browser cannot keep must say that a reload will ask for it again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadDiskDataset } from '../../../cli/datasets-dir.ts';
import { DATASET_FILES, loadDataset, sameDatasetFile, type DatasetCache } from '../../../src/core/benchmarks/datasets.ts';
import { BenchmarkDataset } from '../../../src/ui/datasets/benchmark-dataset.svelte.ts';
import { readDatasetBytes } from '../../support/datasets.ts';

function memoryCache(): DatasetCache & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return { entries, get: async (sha) => entries.get(sha), put: async (sha, bytes) => void entries.set(sha, bytes) };
}

const offline = () => async () => {
  throw new Error('no answer');
};

async function decompressedHumanEval(): Promise<Uint8Array> {
  return new Uint8Array(gunzipSync(await readDatasetBytes('humaneval')));
}

describe('the dataset hash a study records', () => {
  it('is the published file’s when the decompressed HumanEval.jsonl was picked, and the file is kept under its own', async () => {
    const cache = memoryCache();
    const dataset = new BenchmarkDataset('humaneval', { cache: async () => cache, makeFetchBytes: offline, sources: ['/datasets/HumanEval.jsonl.gz'] });
    expect(await dataset.ensure()).toBeNull();
    await dataset.useFile(new File([(await decompressedHumanEval()) as Uint8Array<ArrayBuffer>], 'HumanEval.jsonl'));
    expect(dataset.status).toBe('ready');
    expect(dataset.loaded?.sha256).toBe(DATASET_FILES.humaneval.sha256);
    expect([...cache.entries.keys()]).toEqual([DATASET_FILES.humaneval.decompressedSha256]);

    // A reload reads it back from the cache: still the published hash.
    const again = await loadDataset('humaneval', { cache, fetchBytes: offline(), sources: [] });
    expect(again.source).toBe('cache');
    expect(again.sha256).toBe(DATASET_FILES.humaneval.sha256);
  });

  it('is the published file’s when a server sent HumanEval decompressed', async () => {
    const bytes = await decompressedHumanEval();
    const cache = memoryCache();
    const loaded = await loadDataset('humaneval', { cache, fetchBytes: async () => bytes, sources: ['/datasets/HumanEval.jsonl.gz'] });
    expect(loaded.sha256).toBe(DATASET_FILES.humaneval.sha256);
    expect([...cache.entries.keys()]).toEqual([DATASET_FILES.humaneval.decompressedSha256]);
  });
});

describe('a picked file the browser cannot keep', () => {
  it('says so when there is no storage, and that a reload will ask for it again', async () => {
    const dataset = new BenchmarkDataset('mbpp', { cache: async () => null, makeFetchBytes: offline, sources: ['/datasets/sanitized-mbpp.json'] });
    await dataset.ensure();
    await dataset.useFile(new File([(await readDatasetBytes('mbpp')) as Uint8Array<ArrayBuffer>], 'sanitized-mbpp.json'));
    expect(dataset.status).toBe('ready');
    expect(dataset.notKept).toMatch(/could not keep it .*: after a reload, pick it again/);
  });

  it('says why when storing it fails (no room left)', async () => {
    const full: DatasetCache = {
      get: async () => undefined,
      put: async () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
    };
    const dataset = new BenchmarkDataset('mbpp', { cache: async () => full, makeFetchBytes: offline, sources: [] });
    await dataset.useFile(new File([(await readDatasetBytes('mbpp')) as Uint8Array<ArrayBuffer>], 'sanitized-mbpp.json'));
    expect(dataset.status).toBe('ready');
    expect(dataset.notKept).toBe('This browser could not keep it (it has no room left for it): after a reload, pick it again.');
  });

  it('says why when the browser gives no message with its refusal, as Chromium does over quota (R190-3)', async () => {
    const refusing = (error: Error): DatasetCache => ({
      get: async () => undefined,
      put: async () => {
        throw error;
      },
    });
    const bytes = (await readDatasetBytes('mbpp')) as Uint8Array<ArrayBuffer>;
    const full = new BenchmarkDataset('mbpp', { cache: async () => refusing(new DOMException('', 'QuotaExceededError')), makeFetchBytes: offline, sources: [] });
    await full.useFile(new File([bytes], 'sanitized-mbpp.json'));
    expect(full.notKept).toBe('This browser could not keep it (it has no room left for it): after a reload, pick it again.');
    const broken = new BenchmarkDataset('mbpp', { cache: async () => refusing(new DOMException('', 'UnknownError')), makeFetchBytes: offline, sources: [] });
    await broken.useFile(new File([bytes], 'sanitized-mbpp.json'));
    expect(broken.notKept).toBe('This browser could not keep it (UnknownError): after a reload, pick it again.');
  });

  it('says nothing when it was kept', async () => {
    const dataset = new BenchmarkDataset('mbpp', { cache: async () => memoryCache(), makeFetchBytes: offline, sources: [] });
    await dataset.useFile(new File([(await readDatasetBytes('mbpp')) as Uint8Array<ArrayBuffer>], 'sanitized-mbpp.json'));
    expect(dataset.notKept).toBeNull();
  });
});

describe('a study recorded with the decompressed HumanEval’s hash (before the published one was recorded)', () => {
  it('is the same dataset as the published file, and as itself, but not as MBPP or another file', () => {
    const { sha256, decompressedSha256 } = DATASET_FILES.humaneval;
    expect(sameDatasetFile('humaneval', decompressedSha256!, sha256)).toBe(true);
    expect(sameDatasetFile('humaneval', sha256, sha256)).toBe(true);
    expect(sameDatasetFile('humaneval', decompressedSha256!, 'f'.repeat(64))).toBe(false);
    expect(sameDatasetFile('mbpp', DATASET_FILES.mbpp.sha256, sha256)).toBe(false);
  });
});

describe('the command line’s --datasets folder', () => {
  it('finds HumanEval.jsonl where gunzip left it in place of the .gz, and records the published hash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'datasets-audit-'));
    try {
      await writeFile(join(dir, 'HumanEval.jsonl'), await decompressedHumanEval());
      const loaded = await loadDiskDataset('humaneval', [dir]);
      expect(loaded.problems).toHaveLength(164);
      expect(loaded.path).toBe(join(dir, 'HumanEval.jsonl'));
      expect(loaded.sha256).toBe(DATASET_FILES.humaneval.sha256);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
