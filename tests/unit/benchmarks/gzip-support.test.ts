import { afterEach, describe, expect, it, vi } from 'vitest';
import { DatasetUnavailableError, decodeDataset, gunzip, loadDataset } from '../../../src/core/benchmarks/datasets.ts';
import { fileLines } from '../../../src/ui/scoring/file-lines.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { packJson, unpackJson } from '../../../src/core/study/compact-json.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { readDatasetBytes } from '../../support/datasets.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';

/** The real HumanEval bytes and their decompressed form, read while the platform can still unpack them. */
async function humanEval(): Promise<{ gz: Uint8Array; plain: Uint8Array }> {
  const gz = await readDatasetBytes('humaneval');
  return { gz, plain: await gunzip(gz) };
}

describe('a browser without DecompressionStream (Safari before 16.4)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('says HumanEval fails because of the browser, not the file, and which browsers can', async () => {
    const { gz, plain } = await humanEval();
    vi.stubGlobal('DecompressionStream', undefined);
    const failed = await loadDataset('humaneval', { sources: ['datasets/HumanEval.jsonl.gz'], fetchBytes: async () => gz }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(DatasetUnavailableError);
    const reason = (failed as DatasetUnavailableError).failures[0]?.reason ?? '';
    expect(reason).not.toMatch(/not a valid gzip/i);
    expect(reason).toContain('This browser cannot unpack gzip files');
    expect(reason).toContain('Safari 16.4+');
    expect(reason).toContain('pick HumanEval.jsonl already decompressed');
    // … and that way out works: the decompressed file passes its own pinned hash.
    expect(await decodeDataset('humaneval', plain)).toHaveLength(164);
  });

  it('says the same for a gzip samples file on the Scoring page', async () => {
    const { gz } = await humanEval();
    vi.stubGlobal('DecompressionStream', undefined);
    const read = async () => {
      for await (const line of fileLines(new Blob([gz as Uint8Array<ArrayBuffer>]))) void line;
    };
    await expect(read()).rejects.toThrow(/This browser cannot unpack gzip files .*Firefox 113\+.*gunzip it first/);
  });

  it('says a .json.gz result file is refused because of the browser, not because the file is broken', async () => {
    const gz = await fileBytes(await studyResultFile(), true);
    vi.stubGlobal('DecompressionStream', undefined);
    const failed = await importResultFile(gz).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(UserError);
    expect((failed as UserError).message).not.toMatch(/truncated|not gzip/);
    expect((failed as UserError).message).toMatch(/This browser cannot unpack gzip files .*Safari 16\.4\+.*decompress the file first/);
  });

  it("says a study link's packed pipeline cannot be read by this browser, not that the link was cut short", async () => {
    const packed = await packJson({ id: 'arm', label: 'An arm' });
    vi.stubGlobal('DecompressionStream', undefined);
    await expect(unpackJson(packed, 10_000)).rejects.toThrow(/this browser cannot unpack it .*Firefox 113\+/);
  });
});
