/**
 * A study's export says what ran it here, kept as each run started: not the page that happens to
 * export it, which may be a later version of the app or the browser.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openLabDatabase } from '../../../src/store/database.ts';
import { IdbStudyStore } from '../../../src/store/study-store.ts';
import { studyResultFile } from '../../../src/ui/study/study-export.ts';
import { environment, ollamaServedModel } from '../results/result-file-fixtures.ts';
import { studyConfig } from '../study/study-fixtures.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

const ranWith = environment({ appVersion: '0.1.0', recordedAt: '2026-11-20T09:00:00.000Z' });
/** The page exporting, days later, after an update. */
const exporting = async () => environment({ appVersion: '0.2.0', recordedAt: '2026-11-24T18:00:00.000Z' });

describe('the environments of a study run here, in its export', () => {
  it('are the ones its runs started with, so two exports, and an export after an update, agree', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const config = studyConfig();
    await store.putStudy(config);
    await store.noteEnvironmentHere(config.id, ranWith);
    const first = await studyResultFile(store, config.id, exporting);
    const second = await studyResultFile(store, config.id, async () => environment({ appVersion: '0.3.0' }));
    expect(first.environments).toEqual([ranWith]);
    expect(second.environments).toEqual(first.environments);
  });

  it('add one for a resume only when the app or the browser changed, in the order they ran', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const config = studyConfig();
    await store.putStudy(config);
    await store.noteEnvironmentHere(config.id, ranWith);
    // Resumed after a reload on the same app: nothing new ran it.
    await store.noteEnvironmentHere(config.id, { ...ranWith, recordedAt: '2026-11-20T10:00:00.000Z' });
    // Resumed after an update.
    const updated = environment({ appVersion: '0.2.0', recordedAt: '2026-11-22T08:00:00.000Z' });
    await store.noteEnvironmentHere(config.id, updated);
    await store.noteServedModel(config.id, ollamaServedModel());
    const doc = await studyResultFile(store, config.id, exporting);
    // What an endpoint said joins the latest run, as it did the exporting page's environment before.
    expect(doc.environments).toEqual([ranWith, { ...updated, servedModels: [ollamaServedModel()] }]);
    expect(doc.appVersion).toBe('0.2.0');
  });

  it('follow an imported shard’s when the study was resumed here', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const config = studyConfig();
    const elsewhere = environment({ userAgent: 'Mozilla/5.0 (Macintosh) Chrome/150.0.0.0' });
    await store.putStudy(config);
    const db = store.db;
    const record = await db.get('studies', config.id);
    if (!record) throw new Error('the study was not stored');
    await db.put('studies', { ...record, ranHere: false, importedEnvironments: [elsewhere] });
    await store.putStudy(config);
    await store.noteEnvironmentHere(config.id, ranWith);
    expect((await studyResultFile(store, config.id, exporting)).environments).toEqual([elsewhere, ranWith]);
  });

  it('fall back to the exporting page’s for a study stored before they were kept', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const config = studyConfig();
    await store.putStudy(config);
    expect((await studyResultFile(store, config.id, exporting)).environments).toEqual([await exporting()]);
  });

  it('are not written for a study deleted meanwhile', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    await expect(store.noteEnvironmentHere('gone', ranWith)).resolves.toBeUndefined();
    expect(await store.studyRecord('gone')).toBeUndefined();
  });
});
