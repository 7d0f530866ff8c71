import { describe, expect, it } from 'vitest';
import {
  DATASET_FILES,
  DatasetUnavailableError,
  decodeDataset,
  gunzip,
  loadDataset,
  MAX_DATASET_BYTES,
  type DatasetCache,
} from '../../../src/core/benchmarks/datasets.ts';
import { sha256Hex } from '../../../src/core/sha256.ts';
import { readDatasetBytes } from '../../support/datasets.ts';

function memoryCache(initial: Record<string, Uint8Array> = {}): DatasetCache & { stored: Map<string, Uint8Array> } {
  const stored = new Map(Object.entries(initial));
  return {
    stored,
    get: async (sha) => stored.get(sha),
    put: async (sha, bytes) => {
      stored.set(sha, bytes);
    },
  };
}

describe('pinned dataset files', () => {
  it('decode HumanEval into 164 problems after checking the pinned hash', async () => {
    const bytes = await readDatasetBytes('humaneval');
    expect(await sha256Hex(bytes)).toBe(DATASET_FILES.humaneval.sha256);
    const problems = await decodeDataset('humaneval', bytes);
    expect(problems).toHaveLength(164);
    expect(problems[0]?.id).toBe('HumanEval/0');
    expect(problems[163]?.id).toBe('HumanEval/163');
  });

  it('decode sanitized MBPP into 427 problems after checking the pinned hash', async () => {
    const bytes = await readDatasetBytes('mbpp');
    expect(await sha256Hex(bytes)).toBe(DATASET_FILES.mbpp.sha256);
    const problems = await decodeDataset('mbpp', bytes);
    expect(problems).toHaveLength(427);
    expect(problems.filter((p) => p.knownBroken)).toHaveLength(21);
  });

  it('accept HumanEval already decompressed, as a user might pick it', async () => {
    const jsonl = await gunzip(await readDatasetBytes('humaneval'));
    expect(await decodeDataset('humaneval', jsonl)).toHaveLength(164);
  });

  it('reject a file with one byte changed, saying which file, both hashes and what to do', async () => {
    const bytes = new Uint8Array(await readDatasetBytes('mbpp'));
    bytes[1000] = (bytes[1000] ?? 0) ^ 1;
    const got = await sha256Hex(bytes);
    const error = await decodeDataset('mbpp', bytes, 'datasets/sanitized-mbpp.json').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('sanitized-mbpp.json from datasets/sanitized-mbpp.json');
    expect(message).toContain(`its SHA-256 is ${got}`);
    expect(message).toContain(`expected ${DATASET_FILES.mbpp.sha256}`);
    expect(message).toContain(`Download the original from ${DATASET_FILES.mbpp.upstreamUrl}`);
  });

  it("name the other benchmark's file when it is picked by mistake, compressed or not", async () => {
    await expect(decodeDataset('mbpp', await readDatasetBytes('humaneval'), 'HumanEval.jsonl.gz')).rejects.toThrow(
      /It is the HumanEval file \(HumanEval\.jsonl\.gz\)/,
    );
    await expect(decodeDataset('mbpp', await gunzip(await readDatasetBytes('humaneval')))).rejects.toThrow(/It is the HumanEval file/);
    await expect(decodeDataset('humaneval', await readDatasetBytes('mbpp'))).rejects.toThrow(/It is the MBPP file \(sanitized-mbpp\.json\)/);
  });

  it('say so when a server answered with an HTML page instead of the file', async () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>app</body></html>');
    await expect(decodeDataset('humaneval', html)).rejects.toThrow(/HTML page, so the file is probably missing/);
  });
});

describe('gunzip', () => {
  it('round-trips what CompressionStream wrote', async () => {
    const text = 'hello\n'.repeat(1000);
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    const gz = new Uint8Array(await new Response(stream).arrayBuffer());
    expect(new TextDecoder().decode(await gunzip(gz))).toBe(text);
  });

  it('rejects bytes that are not gzip', async () => {
    await expect(gunzip(new TextEncoder().encode('plain text'))).rejects.toThrow(/Not a valid gzip file/);
  });

  it('stops a file that inflates past the cap and says it is not a benchmark file', async () => {
    // 64 MB of zeros squeeze into about 64 KB of gzip: a tiny download that would fill the tab's memory.
    const zeros = new Blob([new Uint8Array(64 * 1024 * 1024)]).stream().pipeThrough(new CompressionStream('gzip'));
    const bomb = new Uint8Array(await new Response(zeros).arrayBuffer());
    expect(bomb.byteLength).toBeLessThan(MAX_DATASET_BYTES / 100);
    await expect(gunzip(bomb)).rejects.toThrow(/Not a benchmark file: it decompresses to more than 16 MB/);
  });

  it('lets the real HumanEval file through the cap', async () => {
    expect((await gunzip(await readDatasetBytes('humaneval'))).byteLength).toBeLessThan(MAX_DATASET_BYTES);
  });
});

describe('loadDataset', () => {
  it('uses the cache first and fetches nothing', async () => {
    const bytes = await readDatasetBytes('mbpp');
    const cache = memoryCache({ [DATASET_FILES.mbpp.sha256]: bytes });
    const fetched: string[] = [];
    const loaded = await loadDataset('mbpp', {
      cache,
      fetchBytes: async (url) => {
        fetched.push(url);
        throw new Error('offline');
      },
    });
    expect(loaded.source).toBe('cache');
    expect(loaded.problems).toHaveLength(427);
    expect(fetched).toEqual([]);
  });

  it('falls through the sources in order, reports why each failed, and caches what worked', async () => {
    const bytes = await readDatasetBytes('humaneval');
    const cache = memoryCache();
    const answers: Record<string, () => Uint8Array> = {
      'datasets/HumanEval.jsonl.gz': () => new TextEncoder().encode('<!doctype html><p>index'),
      'https://mirror.example/he.gz': () => {
        throw new Error('HTTP 404 Not Found');
      },
      [DATASET_FILES.humaneval.upstreamUrl]: () => bytes,
    };
    const loaded = await loadDataset('humaneval', {
      cache,
      sources: ['datasets/HumanEval.jsonl.gz', 'https://mirror.example/he.gz', DATASET_FILES.humaneval.upstreamUrl],
      fetchBytes: async (url) => (answers[url] as () => Uint8Array)(),
    });
    expect(loaded.source).toBe(DATASET_FILES.humaneval.upstreamUrl);
    expect(loaded.sha256).toBe(DATASET_FILES.humaneval.sha256);
    expect(loaded.failures.map((f) => f.source)).toEqual(['datasets/HumanEval.jsonl.gz', 'https://mirror.example/he.gz']);
    expect(loaded.failures[0]?.reason).toMatch(/HTML page/);
    expect(loaded.failures[1]?.reason).toBe('HTTP 404 Not Found');
    expect(cache.stored.get(DATASET_FILES.humaneval.sha256)).toBe(bytes);
  });

  it('skips a damaged cache entry and still loads from a source', async () => {
    const bytes = await readDatasetBytes('mbpp');
    const cache = memoryCache({ [DATASET_FILES.mbpp.sha256]: new Uint8Array([1, 2, 3]) });
    const loaded = await loadDataset('mbpp', { cache, fetchBytes: async () => bytes });
    expect(loaded.source).toBe('datasets/sanitized-mbpp.json');
    expect(loaded.failures[0]?.source).toBe('cache');
  });

  it('still loads when the cache cannot store the file, noting it', async () => {
    const bytes = await readDatasetBytes('mbpp');
    const cache: DatasetCache = {
      get: async () => undefined,
      put: async () => {
        throw new Error('QuotaExceededError');
      },
    };
    const loaded = await loadDataset('mbpp', { cache, fetchBytes: async () => bytes });
    expect(loaded.problems).toHaveLength(427);
    expect(loaded.failures).toEqual([{ source: 'cache', reason: 'could not store the file: QuotaExceededError' }]);
  });

  it('throws one error listing every source and how to get the file when all fail', async () => {
    const error = await loadDataset('mbpp', {
      fetchBytes: async (url) => {
        throw new Error(`cannot reach ${url}`);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetUnavailableError);
    const failure = error as DatasetUnavailableError;
    expect(failure.failures).toHaveLength(2);
    expect(failure.message).toContain('Could not load MBPP from any source');
    expect(failure.message).toContain('datasets/sanitized-mbpp.json: cannot reach datasets/sanitized-mbpp.json');
    expect(failure.message).toContain(DATASET_FILES.mbpp.upstreamUrl);
    expect(failure.message).toContain('npm run datasets -- --from DIR');
  });
});
