/**
 * A stored study too big to write as one result file (shards of a gigabyte imported into one
 * study): Export says so, that the study stays stored, and where its shards can be analysed,
 * not only "Invalid string length" after half a minute (audit R164-3). The RangeError is
 * simulated: the real one needs half a gigabyte of JSON.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';

vi.mock('../../../src/core/results/result-file-export.ts', async (original) => {
  const actual = await original<typeof import('../../../src/core/results/result-file-export.ts')>();
  return { ...actual, exportResultFile: async () => Promise.reject(new RangeError('Invalid string length')) };
});

const { openLabDatabase } = await import('../../../src/store/database.ts');
const { IdbStudyStore } = await import('../../../src/store/study-store.ts');
const { exportStoredStudy } = await import('../../../src/ui/study/study-export.ts');
const { UserError } = await import('../../../src/core/user-error.ts');
const { environment } = await import('../results/result-file-fixtures.ts');
const { studyConfig } = await import('../study/study-fixtures.ts');

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('exporting a stored study too big for one file', () => {
  it('says it is too big, that it stays stored, and how to analyse it', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const config = studyConfig();
    await store.putStudy(config);
    const error = await exportStoredStudy(store, config.id, { kind: 'result', gzip: true }, { environmentHere: async () => environment() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(new RegExp(`^“${config.name}” is too big to write as one result file: .* would pass 512 MB`));
    expect((error as InstanceType<typeof UserError>).hint).toMatch(/stays stored here.*feedback-lab report/);
  });
});
