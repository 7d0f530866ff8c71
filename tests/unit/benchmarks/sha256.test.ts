/**
 * A page served over plain http from another machine is not a secure context: no crypto.subtle.
 * The benchmark files and study configs must still hash to their published digests there.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATASET_FILES, decodeDataset } from '../../../src/core/benchmarks/datasets.ts';
import { sha256Hex, sha256HexPortable } from '../../../src/core/sha256.ts';
import { readDatasetBytes } from '../../support/datasets.ts';

async function webCrypto(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(bytes));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** As on http://10.0.0.5:4173/: `crypto` is there, `crypto.subtle` is not. */
function withoutSubtle(): void {
  vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('SHA-256 without Web Crypto', () => {
  it('gives the standard digests, at every padding boundary', async () => {
    expect(await sha256HexPortable(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256HexPortable(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (const length of [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 100_003]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      expect(await sha256HexPortable(bytes), `${length} bytes`).toBe(await webCrypto(bytes));
    }
  });

  it('checks and decodes both benchmark files on a page without crypto.subtle', async () => {
    const humaneval = await readDatasetBytes('humaneval');
    const mbpp = await readDatasetBytes('mbpp');
    withoutSubtle();
    expect(globalThis.crypto.subtle).toBeUndefined();
    expect(await sha256Hex(humaneval)).toBe(DATASET_FILES.humaneval.sha256);
    expect(await sha256Hex(mbpp)).toBe(DATASET_FILES.mbpp.sha256);
    expect(await decodeDataset('humaneval', humaneval, 'HumanEval.jsonl.gz')).toHaveLength(164);
    expect(await decodeDataset('mbpp', mbpp, 'sanitized-mbpp.json')).toHaveLength(427);
  });
});
