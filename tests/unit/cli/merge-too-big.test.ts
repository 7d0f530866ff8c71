/**
 * `feedback-lab merge` of shards whose merged JSON passes the longest string V8 holds (shards
 * of 1 GB together): the command says the study is too big for one file and what to do instead,
 * not "Cannot write …: Invalid string length" as if the disk were at fault. The RangeError is
 * simulated: the real one needs a gigabyte of shards.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

/** Off while the shards are written, on for the merge's own export. */
let tooBig = false;
vi.mock('../../../src/core/results/result-file-export.ts', async (original) => {
  const actual = await original<typeof import('../../../src/core/results/result-file-export.ts')>();
  return {
    ...actual,
    exportResultFile: async (...args: Parameters<typeof actual.exportResultFile>) => {
      if (tooBig) throw new RangeError('Invalid string length');
      return actual.exportResultFile(...args);
    },
  };
});

const { mergeCommand } = await import('../../../cli/merge/merge-command.ts');
const { studyFile, tempDir, writeResultFile } = await import('../../integration/cli-report/report-fixtures.ts');
const { InputError } = await import('../../../cli/usage-error.ts');

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('feedback-lab merge of shards too big for one file', () => {
  it('says the merged study is too big to write, and names report as the way to read the shards together', async () => {
    await writeResultFile(dir, 'a.json', await studyFile({ only: (order) => order % 2 === 0 }));
    await writeResultFile(dir, 'b.json', await studyFile({ only: (order) => order % 2 === 1 }));
    tooBig = true;
    const io = { stdout: { write: () => undefined }, stderr: { write: () => undefined }, env: {}, cwd: dir };
    const refused = await mergeCommand.run(['a.json', 'b.json', '--out', 'merged.json.gz'], io).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InputError);
    const message = (refused as Error).message;
    expect(message).toMatch(/^The merged study \(30 units\) is too big to write as one file: its JSON would pass 512 MB, the most feedback-lab reads\. Keep the shards: ".*report a\.json b\.json" reports them together/);
    expect(message).not.toContain('Invalid string length');
    expect(existsSync(join(dir, 'merged.json.gz'))).toBe(false);
  });
});
