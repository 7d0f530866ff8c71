import { beforeEach, describe, expect, it } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import type { ResultEnvironment, ResultFile } from '../../../src/core/results/result-file.ts';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { DATABASE_NAME, openLabDatabase, SCHEMA_VERSION, type LabDatabase } from '../../../src/store/database.ts';
import { importResultFiles } from '../../../src/store/study-import.ts';
import { IdbStudyStore } from '../../../src/store/study-store.ts';
import { contractConfig, contractStep, contractUnit, describeStudyStoreContract } from '../../support/study-store-contract.ts';

beforeEach(() => {
  // A fresh in-memory IndexedDB per test: no test sees another's databases.
  globalThis.indexedDB = new IDBFactory();
});

describeStudyStoreContract('MemoryStudyStore', async () => new MemoryStudyStore());
describeStudyStoreContract('IdbStudyStore', async () => new IdbStudyStore(await openLabDatabase()));

const ENVIRONMENT: ResultEnvironment = {
  appVersion: '0.1.0',
  userAgent: 'Shard browser <script>alert(1)</script>',
  gpu: null,
  webllmVersion: null,
  pyodideVersion: '0.0.0',
  crossOriginIsolated: true,
  recordedAt: '2026-05-02T10:00:00.000Z',
};

/**
 * A result file for `contractConfig(id)` holding the given units: `done` units are finished
 * (passing when listed in `passing`) with `steps` steps, `partial` units have steps only.
 */
async function resultFile(
  options: { id?: string; done?: string[]; passing?: string[]; partial?: Record<string, number>; steps?: number; code?: string } = {},
): Promise<ResultFile> {
  const config = contractConfig(options.id);
  const memory = new MemoryStudyStore();
  await memory.putStudy(config);
  const stepsPerUnit = options.steps ?? 2;
  for (const unitId of options.done ?? []) {
    for (let i = 0; i < stepsPerUnit; i++) await memory.appendStep(config.id, unitId, contractStep(i, options.code));
    await memory.finishUnit(config.id, contractUnit(unitId, options.passing?.includes(unitId) ?? false, stepsPerUnit));
  }
  for (const [unitId, count] of Object.entries(options.partial ?? {})) {
    for (let i = 0; i < count; i++) await memory.appendStep(config.id, unitId, contractStep(i, options.code));
  }
  const stored = await memory.loadStudy(config.id);
  return buildResultFile(config, resultUnitsFromStore(stored!), ENVIRONMENT);
}

/** Everything in the study stores, to compare before and after. */
async function dump(db: LabDatabase) {
  return {
    studies: await db.getAll('studies'),
    steps: await db.getAll('steps'),
    units: await db.getAll('units'),
  };
}

const ALL_UNITS = ['solo', 'refine'].flatMap((arm) => [0, 1].flatMap((r) => [0, 1, 2].map((p) => `${arm}/${r}/HumanEval/${p}`)));

describe('IdbStudyStore beyond the contract', () => {
  it('keeps a study across closing and reopening the database, as a reload does', async () => {
    const first = new IdbStudyStore(await openLabDatabase());
    const config = contractConfig();
    await first.putStudy(config);
    await first.appendStep(config.id, 'solo/0/HumanEval/0', contractStep(0));
    await first.finishUnit(config.id, contractUnit('solo/0/HumanEval/0', true));
    first.db.close();

    const again = new IdbStudyStore(await openLabDatabase());
    const loaded = await again.loadStudy(config.id);
    expect(loaded?.status).toBe('running');
    expect(loaded?.steps).toHaveLength(1);
    expect(loaded?.finished).toHaveLength(1);
  });

  it('lists studies newest first with status, counts and passes per arm', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const older = { ...contractConfig('older'), created: '2026-04-01T00:00:00.000Z' };
    const newer = contractConfig('newer');
    await store.putStudy(older);
    await store.putStudy(newer);
    await store.appendStep(newer.id, 'solo/0/HumanEval/0', contractStep(0));
    await store.appendStep(newer.id, 'refine/0/HumanEval/0', contractStep(0));
    await store.appendStep(newer.id, 'refine/0/HumanEval/0', contractStep(1));
    await store.finishUnit(newer.id, contractUnit('solo/0/HumanEval/0', true));
    await store.finishUnit(newer.id, contractUnit('refine/0/HumanEval/0', false, 2));
    await store.setStatus(newer.id, 'paused');
    await store.setLink(newer.id, 'study=1&b=humaneval');

    const list = await store.listStudies();
    expect(list.map((s) => s.id)).toEqual(['newer', 'older']);
    const [first] = list;
    expect(first).toMatchObject({ status: 'paused', totalUnits: 12, doneUnits: 2, erroredUnits: 0, steps: 3, link: 'study=1&b=humaneval', ranHere: true });
    expect(first?.arms.map((a) => [a.armId, a.passed, a.planned])).toEqual([
      ['solo', 1, 6],
      ['refine', 0, 6],
    ]);
    expect(first?.erroredReasons).toEqual([]);
  });

  it('lists with a study what its errored units ended with, for its card', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const config = contractConfig('errored');
    await store.putStudy(config);
    const errored = (unitId: string, message: string) => {
      const [armId, repeat, ...problem] = unitId.split('/');
      const result = { status: 'errored' as const, message, attempts: 3, stepCount: 0 };
      return store.finishUnit(config.id, { unitId, armId: armId!, repeat: Number(repeat), problemId: problem.join('/'), result });
    };
    await errored('solo/0/HumanEval/0', 'HTTP 503: busy');
    await errored('refine/0/HumanEval/0', 'The endpoint has no model "no-such-model" (404).');
    await errored('solo/1/HumanEval/0', 'The endpoint has no model "no-such-model" (404).');
    const [listing] = await store.listStudies();
    expect(listing?.erroredUnits).toBe(3);
    expect(listing?.erroredReasons).toEqual([
      { message: 'The endpoint has no model "no-such-model" (404).', units: 2 },
      { message: 'HTTP 503: busy', units: 1 },
    ]);
  });

  it('keeps its listing true as units finish, and an errored one runs again, reading a study\'s units only when they moved (audit R216-1)', async () => {
    const db = await openLabDatabase();
    const store = new IdbStudyStore(db);
    const config = contractConfig('moving');
    await store.putStudy(config);
    const errored = { unitId: 'solo/0/HumanEval/0', armId: 'solo', repeat: 0, problemId: 'HumanEval/0', result: { status: 'errored' as const, message: 'HTTP 503', attempts: 3, stepCount: 0 } };
    await store.finishUnit(config.id, errored);
    expect((await store.listStudies())[0]).toMatchObject({ doneUnits: 1, erroredUnits: 1 });
    // Listed again with nothing moved: the same counts, without reading the units back.
    const reads: string[] = [];
    const getAll = IDBObjectStore.prototype.getAll;
    IDBObjectStore.prototype.getAll = function (this: IDBObjectStore, ...args: Parameters<typeof getAll>) {
      reads.push(this.name);
      return getAll.apply(this, args);
    };
    try {
      expect((await store.listStudies())[0]).toMatchObject({ doneUnits: 1, erroredUnits: 1 });
      expect(reads.filter((name) => name === 'units')).toEqual([]);
    } finally {
      IDBObjectStore.prototype.getAll = getAll;
    }
    // The errored unit runs again and passes: the same number of units, other counts.
    await store.dropStepsFrom(config.id, errored.unitId, 0);
    await store.appendStep(config.id, errored.unitId, contractStep(0));
    await store.finishUnit(config.id, contractUnit(errored.unitId, true, 1));
    const [after] = await store.listStudies();
    expect(after).toMatchObject({ doneUnits: 1, erroredUnits: 0 });
    expect(after?.arms.find((a) => a.armId === 'solo')?.passed).toBe(1);
  });

  it('deletes a study with every step and unit, and only that study', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const a = contractConfig('study-a');
    const b = contractConfig('study-a-2');
    for (const config of [a, b]) {
      await store.putStudy(config);
      await store.appendStep(config.id, 'solo/0/HumanEval/0', contractStep(0));
      await store.finishUnit(config.id, contractUnit('solo/0/HumanEval/0', true));
    }
    await store.deleteStudy(a.id);
    expect(await store.loadStudy(a.id)).toBeNull();
    expect((await store.listStudies()).map((s) => s.id)).toEqual(['study-a-2']);
    const all = await dump(store.db);
    expect(all.steps.map((s) => s.studyId)).toEqual(['study-a-2']);
    expect(all.units.map((u) => u.studyId)).toEqual(['study-a-2']);
  });
});

describe('the database schema', () => {
  it('adds the study stores to a database written by the first version, keeping its datasets', async () => {
    const v1 = await openDB(DATABASE_NAME, 1, {
      upgrade(db) {
        db.createObjectStore('datasets', { keyPath: 'sha256' });
      },
    });
    await v1.put('datasets', { sha256: 'f'.repeat(64), bytes: new Uint8Array([1, 2]), storedAt: 1 });
    v1.close();

    const db = await openLabDatabase();
    expect(db.version).toBe(SCHEMA_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['callCache', 'datasets', 'scoringFiles', 'scoringRuns', 'scoringVerdicts', 'searchEvaluations', 'searches', 'steps', 'studies', 'units']);
    expect((await db.get('datasets', 'f'.repeat(64)))?.storedAt).toBe(1);
    db.close();
  });
});

describe('importing result files into the store', () => {
  it('stores a partial study as paused, with every step and unit, so it reads back as the same file', async () => {
    const db = await openLabDatabase();
    const doc = await resultFile({ done: ['solo/0/HumanEval/0', 'refine/0/HumanEval/0'], passing: ['solo/0/HumanEval/0'], partial: { 'refine/0/HumanEval/1': 3 } });
    const [imported] = await importResultFiles(db, [doc]);
    expect(imported).toMatchObject({ studyId: 'contract-study', created: true, unitsWritten: 3, unitsKept: 0 });

    const store = new IdbStudyStore(db);
    const loaded = await store.loadStudy(doc.config.id);
    expect(loaded?.status).toBe('paused');
    expect(loaded?.config).toEqual(doc.config);
    const again = await buildResultFile(loaded!.config, resultUnitsFromStore(loaded!), ENVIRONMENT);
    expect(again.units).toEqual(doc.units);
    const record = await store.studyRecord(doc.config.id);
    expect(record?.ranHere).toBe(false);
    expect(record?.importedEnvironments).toEqual([ENVIRONMENT]);
  });

  it('marks a complete study done', async () => {
    const db = await openLabDatabase();
    await importResultFiles(db, [await resultFile({ done: ALL_UNITS, passing: ALL_UNITS.slice(0, 4) })]);
    const [listed] = await new IdbStudyStore(db).listStudies();
    expect(listed).toMatchObject({ status: 'done', doneUnits: 12, steps: 24 });
    expect(listed?.arms.map((a) => a.passed)).toEqual([4, 0]);
  });

  it('adds a shard to the study stored under its id: finished beats unfinished, then (of unfinished copies) more steps, and ties keep the stored copy', async () => {
    const db = await openLabDatabase();
    await importResultFiles(db, [
      await resultFile({ done: ['solo/0/HumanEval/0'], partial: { 'solo/0/HumanEval/1': 1, 'solo/0/HumanEval/2': 2 }, code: 'stored' }),
    ]);
    const shard = await resultFile({
      done: ['solo/0/HumanEval/0', 'solo/0/HumanEval/1'],
      partial: { 'solo/0/HumanEval/2': 2, 'refine/1/HumanEval/2': 1 },
      code: 'shard',
    });
    const [imported] = await importResultFiles(db, [shard]);
    expect(imported).toMatchObject({ created: false, unitsWritten: 2, unitsKept: 2 });

    const loaded = await new IdbStudyStore(db).loadStudy(shard.config.id);
    const codes = new Map<string, string[]>();
    for (const { unitId, step } of loaded!.steps) codes.set(unitId, [...(codes.get(unitId) ?? []), (step as { code: string }).code]);
    expect(Object.fromEntries(codes)).toEqual({
      'refine/1/HumanEval/2': ['shard'],
      'solo/0/HumanEval/0': ['stored', 'stored'],
      'solo/0/HumanEval/1': ['shard', 'shard'],
      'solo/0/HumanEval/2': ['stored', 'stored'],
    });
    expect(loaded!.finished.map((f) => f.unitId).sort()).toEqual(['solo/0/HumanEval/0', 'solo/0/HumanEval/1']);
  });

  it('keeps the stored copy of a unit finished in both, though the file’s has more steps (a failed refinement runs every iteration)', async () => {
    const db = await openLabDatabase();
    const unit = 'refine/0/HumanEval/0';
    await importResultFiles(db, [await resultFile({ done: [unit], passing: [unit], steps: 2, code: 'stored' })]);
    const [imported] = await importResultFiles(db, [await resultFile({ done: [unit], passing: [], steps: 4, code: 'shard' })]);
    expect(imported).toMatchObject({ created: false, unitsWritten: 0, unitsKept: 1, verdictConflicts: 1 });
    const loaded = await new IdbStudyStore(db).loadStudy('contract-study');
    expect(loaded!.steps.map(({ step }) => (step as { code: string }).code)).toEqual(['stored', 'stored']);
  });

  it('counts the units finished both in the store and in the file with different verdicts', async () => {
    const db = await openLabDatabase();
    const units = ['solo/0/HumanEval/0', 'solo/0/HumanEval/1', 'solo/0/HumanEval/2'];
    await importResultFiles(db, [await resultFile({ done: units, passing: units.slice(0, 2) })]);
    // Stored: the first two pass. The file: the first and the last pass. The first agrees; the other two differ.
    const [imported] = await importResultFiles(db, [await resultFile({ done: units, passing: [units[0]!, units[2]!] })]);
    expect(imported).toMatchObject({ created: false, unitsWritten: 0, unitsKept: 3, verdictConflicts: 2 });
    const [agreeing] = await importResultFiles(db, [await resultFile({ done: units, passing: units.slice(0, 2) })]);
    expect(agreeing?.verdictConflicts).toBe(0);
  });

  it('refuses a file whose study id is stored with another config, and writes nothing, not even the files before it', async () => {
    const db = await openLabDatabase();
    const store = new IdbStudyStore(db);
    await store.putStudy(contractConfig('clash', 3));
    await store.appendStep('clash', 'solo/0/HumanEval/0', contractStep(0));
    const before = await dump(db);

    const fine = await resultFile({ id: 'fine', done: ['solo/0/HumanEval/0'] });
    const clash = await resultFile({ id: 'clash', done: ['solo/0/HumanEval/0'] });
    const error = await importResultFiles(db, [fine, clash]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    // The setting that differs is named, as a merge names it.
    expect((error as UserError).message).toBe(
      'A different study with the id "clash" is already stored here (Store contract <b>study</b>): config.repeats is 3 in the stored study and 2 in the file.',
    );
    expect(await dump(db)).toEqual(before);
  });

  it('refuses a study that is running in this tab', async () => {
    const db = await openLabDatabase();
    const doc = await resultFile({ done: ['solo/0/HumanEval/0'] });
    await expect(importResultFiles(db, [doc], { busyStudyIds: new Set([doc.config.id]) })).rejects.toThrow(/running or paused in this tab/);
    expect(await dump(db)).toEqual({ studies: [], steps: [], units: [] });
  });

  it('writes a study of 10^4 steps in one go', async () => {
    const db = await openLabDatabase();
    const doc = await resultFile({ done: ALL_UNITS, steps: 800 });
    await importResultFiles(db, [doc]);
    const [listed] = await new IdbStudyStore(db).listStudies();
    expect(listed?.steps).toBe(ALL_UNITS.length * 800);
  });
});
