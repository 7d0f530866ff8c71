/**
 * What `merge --out` says of a file already there that it could not read: the user's own earlier
 * merge past 512 MB was called "not a result file", as if it were damaged (audit R181-2).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../../cli/usage-error.ts';

const failure = { current: new Error('unset') as Error };
vi.mock('../../../cli/result-files.ts', () => ({
  readResultFiles: async () => {
    throw failure.current;
  },
}));

const { readExistingOutput } = await import('../../../cli/merge/existing-output.ts');

const status = { update: () => undefined, done: () => undefined } as unknown as Parameters<typeof readExistingOutput>[2];

describe('merge --out over a file it cannot read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'merge-out-'));
  writeFileSync(join(dir, 'big.json.gz'), 'x');

  it('says it could not be read, and why, for a file too big to read', async () => {
    failure.current = new InputError('big.json.gz: The file is too big: decompressed, it is more than 512 MB. Split the study into shards.');
    await expect(readExistingOutput('big.json.gz', dir, status)).rejects.toThrow(
      /^--out big\.json\.gz is already there and could not be read to see whether it is an earlier merge \(big\.json\.gz: The file is too big: .*\), and merge writes over nothing but an earlier merge of the same study\./,
    );
  });

  it('still calls a file that is not JSON not a result file', async () => {
    failure.current = new InputError('big.json.gz: The file is not valid JSON: the error is at line 1, column 1.');
    await expect(readExistingOutput('big.json.gz', dir, status)).rejects.toThrow(/^--out big\.json\.gz is already there and is not a result file, /);
  });
});
