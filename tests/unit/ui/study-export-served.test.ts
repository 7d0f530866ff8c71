import { beforeEach, describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { ResultServedModel } from '../../../src/core/results/result-file.ts';
import { openLabDatabase } from '../../../src/store/database.ts';
import { IdbStudyStore } from '../../../src/store/study-store.ts';
import { studyResultFile } from '../../../src/ui/study/study-export.ts';
import { environment } from '../results/result-file-fixtures.ts';
import { studyConfig } from '../study/study-fixtures.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

const report = (contextTokens: number | null, askedAt: string): ResultServedModel => ({
  endpoint: 'http://localhost:11434/v1',
  model: 'llama3.2:3b',
  server: 'ollama',
  contextTokens,
  sizeBytes: 3_400_000_000,
  gpuBytes: 3_400_000_000,
  quantization: 'Q4_K_M',
  parameterSize: '3.2B',
  unknownBecause: contextTokens === null ? 'Ollama did not list llama3.2:3b as loaded when asked' : null,
  askedAt,
});

describe('what Ollama said it ran a study’s model with, in the study’s export', () => {
  it('is kept with the stored study and joins this browser’s environment in the file, the latest word per model', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const config = studyConfig();
    await store.putStudy(config);
    await store.noteServedModel(config.id, report(2048, '2026-11-23T01:00:00.000Z'));
    // A resumed run asks again: its answer replaces the first.
    await store.noteServedModel(config.id, report(4096, '2026-11-23T02:00:00.000Z'));
    const doc = await studyResultFile(store, config.id, async () => environment());
    expect(doc.environments).toHaveLength(1);
    expect(doc.environments[0]?.servedModels).toEqual([report(4096, '2026-11-23T02:00:00.000Z')]);
    // A study that no endpoint described exports no such field.
    const other = { ...studyConfig(), id: 'study-other' };
    await store.putStudy(other);
    expect((await studyResultFile(store, other.id, async () => environment())).environments[0]).not.toHaveProperty('servedModels');
  });

  it('is dropped without a word for a study deleted meanwhile', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    await expect(store.noteServedModel('gone', report(4096, '2026-11-23T02:00:00.000Z'))).resolves.toBeUndefined();
  });
});
