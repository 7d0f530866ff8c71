import { beforeEach, describe, expect, it } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import { DATABASE_NAME, SCHEMA_VERSION, openLabDatabase, type LabDatabase, type ScoringRunRecord } from '../../../src/store/database.ts';
import { IdbScoringStore, KEPT_SCORINGS, type KeptVerdict } from '../../../src/store/scoring-store.ts';

beforeEach(() => {
  // A fresh in-memory IndexedDB per test: no test sees another's databases.
  globalThis.indexedDB = new IDBFactory();
});

const PASSED: Outcome = { kind: 'passed', durationMs: 3 };
const TIMED_OUT: Outcome = { kind: 'timed-out', durationMs: 3000, limitMs: 3000, studyErrorType: null };

function run(id: string, createdAt = 1): ScoringRunRecord {
  return {
    id,
    name: `${id}.jsonl`,
    settings: { benchmark: 'humaneval', mode: 'standard', workers: 2 },
    source: 'file',
    total: 4,
    done: 0,
    passed: 0,
    status: 'scoring',
    failure: null,
    elapsedMs: 0,
    createdAt,
    updatedAt: createdAt,
  };
}

const verdict = (line: number, outcome: Outcome = PASSED): KeptVerdict => ({ line, taskId: `HumanEval/${line}`, outcome });

/** Counts the transactions opened on `db` from now on. */
function countTransactions(db: LabDatabase): { count: number } {
  const counter = { count: 0 };
  const open = db.transaction.bind(db);
  db.transaction = ((...args: Parameters<typeof open>) => {
    counter.count++;
    return open(...args);
  }) as typeof db.transaction;
  return counter;
}

describe('the kept scorings', () => {
  it('keeps a run with its samples file, and reads back its verdicts in line order after a reopen', async () => {
    const first = await openLabDatabase();
    const store = new IdbScoringStore(first);
    const file = new Blob(['{"task_id": "HumanEval/0", "completion": "    pass\\n"}\n']);
    await store.startRun(run('a'), file);
    await store.record('a', [verdict(3, TIMED_OUT), verdict(1)], { done: 2, passed: 1, elapsedMs: 1200, status: 'scoring', failure: null });
    first.close();

    const kept = await new IdbScoringStore(await openLabDatabase()).loadRun('a');
    expect(kept?.run).toMatchObject({ name: 'a.jsonl', done: 2, passed: 1, elapsedMs: 1200, status: 'scoring' });
    expect(await kept?.file?.text()).toBe(await file.text());
    expect(kept?.verdicts).toEqual([verdict(1), verdict(3, TIMED_OUT)]);
  });

  it('writes a batch of verdicts and the run’s counts in one transaction', async () => {
    const db = await openLabDatabase();
    const store = new IdbScoringStore(db);
    await store.startRun(run('a'), null);
    const transactions = countTransactions(db);
    await store.record('a', [1, 2, 3, 4].map((line) => verdict(line)), { done: 4, passed: 4, elapsedMs: 10, status: 'done', failure: null });
    expect(transactions.count).toBe(1);
    expect((await store.loadRun('a'))?.verdicts).toHaveLength(4);
    expect((await store.listRuns())[0]).toMatchObject({ done: 4, passed: 4, status: 'done' });
  });

  it('refuses verdicts for a run deleted meanwhile, and writes none of them', async () => {
    const db = await openLabDatabase();
    const store = new IdbScoringStore(db);
    await store.startRun(run('a'), new Blob(['x']));
    await store.deleteRun('a');
    await expect(store.record('a', [verdict(1)], { done: 1, passed: 1, elapsedMs: 1, status: 'scoring', failure: null })).rejects.toThrow(/deleted/);
    expect(await db.count('scoringVerdicts')).toBe(0);
    expect(await db.count('scoringFiles')).toBe(0);
  });

  it(`keeps at most ${KEPT_SCORINGS}: a sixth lets go of the oldest, with its file and verdicts, sparing runs a tab holds`, async () => {
    const db = await openLabDatabase();
    const store = new IdbScoringStore(db);
    for (let i = 1; i <= KEPT_SCORINGS; i++) {
      await store.startRun(run(`r${i}`, i), new Blob([`file ${i}`]));
      await store.record(`r${i}`, [verdict(1)], { done: 1, passed: 1, elapsedMs: 1, status: 'done', failure: null });
    }
    expect(await store.startRun(run('r6', 6), new Blob(['file 6']))).toEqual(['r1']);
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['r6', 'r5', 'r4', 'r3', 'r2']);
    expect(await store.loadRun('r1')).toBeNull();
    expect(await db.count('scoringVerdicts')).toBe(KEPT_SCORINGS - 1);
    expect(await db.count('scoringFiles')).toBe(KEPT_SCORINGS);

    // r2 is open in a tab: r3 goes instead.
    expect(await store.startRun(run('r7', 7), null, { spare: new Set(['r2']) })).toEqual(['r3']);
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['r7', 'r6', 'r5', 'r4', 'r2']);
  });
});

describe('the database schema', () => {
  it('adds the scoring stores to a database of the previous version, keeping its datasets, studies and searches', async () => {
    const previous = await openDB(DATABASE_NAME, SCHEMA_VERSION - 1, {
      upgrade(db) {
        db.createObjectStore('datasets', { keyPath: 'sha256' });
        db.createObjectStore('studies', { keyPath: 'id' });
        db.createObjectStore('steps', { keyPath: ['studyId', 'unitId', 'index'] });
        db.createObjectStore('units', { keyPath: ['studyId', 'unitId'] });
        db.createObjectStore('searches', { keyPath: 'id' });
        db.createObjectStore('searchEvaluations', { keyPath: ['searchId', 'key'] });
        db.createObjectStore('callCache', { keyPath: 'digest' });
      },
    });
    await previous.put('datasets', { sha256: 'f'.repeat(64), bytes: new Uint8Array([1, 2]), storedAt: 1 });
    await previous.put('studies', { id: 'study-1', status: 'done' });
    await previous.put('steps', { studyId: 'study-1', unitId: 'u', index: 0 });
    await previous.put('searches', { id: 'search-1', status: 'paused' });
    await previous.put('searchEvaluations', { searchId: 'search-1', key: '0|g|0|HumanEval/0' });
    previous.close();

    const db = await openLabDatabase();
    expect(db.version).toBe(SCHEMA_VERSION);
    expect([...db.objectStoreNames]).toEqual(expect.arrayContaining(['scoringRuns', 'scoringFiles', 'scoringVerdicts']));
    expect((await db.get('datasets', 'f'.repeat(64)))?.storedAt).toBe(1);
    expect(await db.get('studies', 'study-1')).toMatchObject({ status: 'done' });
    expect(await db.count('steps')).toBe(1);
    expect(await db.get('searches', 'search-1')).toMatchObject({ status: 'paused' });
    expect(await db.count('searchEvaluations')).toBe(1);
    await new IdbScoringStore(db).startRun(run('a'), null);
    expect(await db.count('scoringRuns')).toBe(1);
    db.close();
  });
});
