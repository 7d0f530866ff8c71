/**
 * The size a gzip file says it unzips to, which the status line's bar fills against while report
 * and merge decompress a file: read wrong, the bar sat at 0 (or full) and the tests of the bar's
 * order alone still passed.
 */
import { describe, expect, it } from 'vitest';
import { gzipSize } from '../../../cli/result-files.ts';
import { gzip } from '../../../src/core/results/bounded-compression.ts';

describe('the unzipped size of a gzip file', () => {
  it('is the size in its last four bytes, for a file read into a view of a larger buffer too', async () => {
    const plain = new TextEncoder().encode('{"units": []}\n'.repeat(70_000));
    const zipped = await gzip(plain);
    expect(gzipSize(zipped)).toBe(plain.length);
    const padded = new Uint8Array(zipped.length + 16);
    padded.set(zipped, 8);
    expect(gzipSize(padded.subarray(8, 8 + zipped.length))).toBe(plain.length);
  });

  it('is null for a file that is not gzip, or too short to be', () => {
    expect(gzipSize(new TextEncoder().encode('{"units": []}\n'.repeat(10)))).toBeNull();
    expect(gzipSize(new Uint8Array([0x1f, 0x8b, 8, 0]))).toBeNull();
  });
});
