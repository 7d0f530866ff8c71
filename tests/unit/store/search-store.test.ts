import { beforeEach, describe, expect, it } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { SearchStore } from '../../../src/core/ports.ts';
import { buildSearchFile } from '../../../src/core/results/search-file.ts';
import { MemoryCallCache, MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch, type SearchPorts } from '../../../src/core/search/run-search.ts';
import type { SearchEvaluationRecord } from '../../../src/core/search/search-record.ts';
import { initSearch, nextEvaluations, recordEvaluation } from '../../../src/core/search/search.ts';
import { currentState } from '../../../src/core/search/stored-search.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { openLabDatabase } from '../../../src/store/database.ts';
import { IdbCallCache, IdbSearchStore } from '../../../src/store/search-store.ts';
import { PROBLEMS, fakeWorld, searchSetup, type FakeWorld } from '../search/run-search-fixtures.ts';

beforeEach(() => {
  // A fresh in-memory IndexedDB per test: no test sees another's databases.
  globalThis.indexedDB = new IDBFactory();
});

function record(key: string, passed = true): SearchEvaluationRecord {
  const [generation, genomeId, index, problemId] = key.split('|');
  return {
    key,
    kind: 'search',
    generation: Number(generation),
    genomeId: genomeId!,
    problemId: problemId!,
    index: Number(index),
    passed,
    executions: 1,
    stopReason: 'early-stop',
    errorType: null,
    tokens: 10,
    modelCalls: 1,
    cachedCalls: 0,
    ms: 5,
  };
}

/** A search stored in a fresh database, not started yet, and its initial state. */
async function storedSearch() {
  const db = await openLabDatabase();
  const store = new IdbSearchStore(db);
  const setup = searchSetup();
  await store.putSearch(setup);
  return { db, store, setup, state: initSearch(setup.config, setup.seed) };
}

function describeSearchStoreContract(name: string, open: () => Promise<SearchStore>) {
  describe(`${name} (SearchStore contract)`, () => {
    it('stores a new search as running with no state, and reads it back', async () => {
      const store = await open();
      const setup = searchSetup();
      await store.putSearch(setup);
      expect(await store.loadSearch(setup.id)).toEqual({ setup, status: 'running', state: null, evaluations: [], validation: null });
      expect(await store.loadSearch('search-nowhere')).toBeNull();
    });

    it('accepts the same setup again and refuses a different one under the same id', async () => {
      const store = await open();
      await store.putSearch(searchSetup());
      await store.putSearch(searchSetup());
      await expect(store.putSearch(searchSetup({ populationSize: 8 }))).rejects.toThrow(/different search/);
    });

    it('keeps the first record of an evaluation written twice', async () => {
      const store = await open();
      const setup = searchSetup();
      await store.putSearch(setup);
      await store.putEvaluation(setup.id, record('0|g0-1|0|HumanEval/900', true));
      await store.putEvaluation(setup.id, record('0|g0-1|0|HumanEval/900', false));
      await store.putEvaluation(setup.id, record('0|g0-2|0|HumanEval/900', false));
      const stored = await store.loadSearch(setup.id);
      expect(stored?.evaluations.map((e) => [e.key, e.kind === 'cut-short' ? null : e.passed])).toEqual([
        ['0|g0-1|0|HumanEval/900', true],
        ['0|g0-2|0|HumanEval/900', false],
      ]);
    });

    it('replaces the state snapshot, the status and the validation request', async () => {
      const store = await open();
      const setup = searchSetup();
      await store.putSearch(setup);
      const state = initSearch(setup.config, setup.seed);
      await store.saveState(setup.id, state);
      await store.setStatus(setup.id, 'paused');
      await store.setValidation(setup.id, { scope: 'champion', repeats: 3, problemIds: ['HumanEval/900'] });
      const stored = await store.loadSearch(setup.id);
      expect(stored?.state).toEqual(state);
      expect(stored?.status).toBe('paused');
      expect(stored?.validation?.repeats).toBe(3);
    });

    it('keeps the last spend so far of an evaluation in flight, and reads it back as interrupted only while nothing of that run or evaluation is stored', async () => {
      const store = await open();
      const setup = searchSetup();
      await store.putSearch(setup);
      const soFar = (evaluation: string, tokens: number) => ({
        key: `cut0|${evaluation}`,
        kind: 'cut-short' as const,
        evaluation,
        generation: 0,
        genomeId: 'g0-1',
        problemId: evaluation.split('|')[3]!,
        index: 0,
        tokens,
        modelCalls: 1,
        cachedCalls: 0,
        ms: 3,
      });
      const [a, b, c, d] = ['900', '901', '902', '903'].map((n) => `0|g0-1|0|HumanEval/${n}`) as [string, string, string, string];
      for (const [key, tokens] of [[a, 10], [a, 25], [b, 30], [c, 40], [d, 50]] as const) await store.putSpendSoFar!(setup.id, soFar(key, tokens));
      // b finished (its verdict counts its calls), c was cut short and stored as such (that figure wins), d forgotten.
      await store.putEvaluation(setup.id, record(b));
      await store.putEvaluation(setup.id, { ...soFar(c, 41) });
      await store.clearSpendSoFar!(setup.id, `cut0|${d}`);
      const stored = await store.loadSearch(setup.id);
      expect(stored?.evaluations.filter((r) => r.kind === 'cut-short')).toEqual(
        expect.arrayContaining([{ ...soFar(a, 25), interrupted: true }, soFar(c, 41)]),
      );
      expect(stored?.evaluations).toHaveLength(3);
      await expect(store.putSpendSoFar!('search-nowhere', soFar(a, 1))).rejects.toThrow(/search-nowhere/);
    });

    it('refuses writes for a search that was never stored', async () => {
      const store = await open();
      await expect(store.putEvaluation('search-nowhere', record('0|g0-1|0|HumanEval/900'))).rejects.toThrow(/search-nowhere/);
      await expect(store.saveState('search-nowhere', initSearch(searchSetup().config, 1))).rejects.toThrow(/search-nowhere/);
      await expect(store.setStatus('search-nowhere', 'done')).rejects.toThrow(/search-nowhere/);
    });
  });
}

describeSearchStoreContract('MemorySearchStore', async () => new MemorySearchStore());
describeSearchStoreContract('IdbSearchStore', async () => new IdbSearchStore(await openLabDatabase()));

function ports(world: FakeWorld, store: SearchStore, cache?: IdbCallCache): SearchPorts {
  return { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => 0, ...(cache ? { callCache: cache } : {}) };
}

describe('a search over IndexedDB', () => {
  it('resumes after the database is closed mid-generation, as after a reload, to the state of an uninterrupted run', async () => {
    const setup = searchSetup();
    const reference = await runSearch(setup, PROBLEMS, ports(fakeWorld(), new MemorySearchStore()), { concurrency: 2 });

    const world = fakeWorld();
    const first = await openLabDatabase();
    const cancel = new AbortController();
    const before: string[] = [];
    await runSearch(setup, PROBLEMS, ports(world, new IdbSearchStore(first)), {
      concurrency: 2,
      signal: cancel.signal,
      onEvaluation: (r) => {
        before.push(r.key);
        if (before.length === 10) cancel.abort();
      },
    });
    first.close();

    const second = await openLabDatabase();
    const store = new IdbSearchStore(second);
    const after: string[] = [];
    const end = await runSearch(setup, PROBLEMS, ports(world, store), { concurrency: 2, onEvaluation: (r) => after.push(r.key) });
    expect(after.filter((key) => before.includes(key))).toEqual([]);
    expect(end.state.champion).toEqual(reference.state.champion);
    expect(end.state.history.map((h) => h.scores)).toEqual(reference.state.history.map((h) => h.scores));
    expect((await store.loadSearch(setup.id))?.evaluations).toHaveLength(before.length + after.length);
    second.close();
  });

  it('lists searches with their progress and champion, and deletes one with its evaluations', async () => {
    const db = await openLabDatabase();
    const store = new IdbSearchStore(db);
    const setup = searchSetup({ budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } });
    const end = await runSearch(setup, PROBLEMS, ports(fakeWorld(), store));
    await store.putSearch(searchSetup({}, { id: 'search-other' }));

    const listed = await store.listSearches();
    expect(listed.map((s) => s.id).sort()).toEqual(['search-other', 'search-unit']);
    const done = listed.find((s) => s.id === setup.id);
    expect(done).toMatchObject({ status: 'done', generationsDone: 2, maxGenerations: 2, stopReason: 'generations', evaluations: 36, championFitness: end.state.champion?.fitness });
    expect(done?.championShape).toMatch(/^gen\(/);

    await store.deleteSearch(setup.id);
    expect(await store.loadSearch(setup.id)).toBeNull();
    expect(await db.count('searchEvaluations')).toBe(0);
    expect((await store.listSearches()).map((s) => s.id)).toEqual(['search-other']);
    db.close();
  });

  it('lists the tokens of evaluations stored after the last snapshot, as the page shows them (an interrupted or paused search)', async () => {
    const { db, store, setup, state } = await storedSearch();
    const [a, b, c] = nextEvaluations(state);
    // No snapshot yet: a tab that died (or was paused and reloaded) before its first timed snapshot.
    for (const request of [a!, b!]) await store.putEvaluation(setup.id, { ...record(request.key), tokens: 40 });
    expect((await store.listSearches())[0]).toMatchObject({ evaluations: 2, tokens: 80 });
    // A snapshot that counts the first; the others are added once, whatever their generation's prefix.
    await store.saveState(setup.id, recordEvaluation(state, { key: a!.key, passed: true, tokens: 40 }));
    await store.putEvaluation(setup.id, { ...record(c!.key), tokens: 5 });
    await store.putEvaluation(setup.id, { ...record(`1${c!.key.slice(1)}`), tokens: 1000 });
    expect((await store.listSearches())[0]).toMatchObject({ tokens: 40 + 40 + 5 });
    expect((await store.listSearches())[0]!.tokens).toBe(currentState((await store.loadSearch(setup.id))!).usage.tokens);
    // What a run of the next request spent before it was cut short counts too, once.
    const [, , , d] = nextEvaluations(state);
    const spend = { kind: 'cut-short' as const, evaluation: d!.key, generation: 0, genomeId: d!.genomeId, problemId: d!.problemId, index: 0, tokens: 7, modelCalls: 1, cachedCalls: 0, ms: 1 };
    await store.putEvaluation(setup.id, { ...spend, key: `cut0|${d!.key}` });
    expect((await store.listSearches())[0]).toMatchObject({ tokens: 40 + 40 + 5 + 7 });
    expect((await store.listSearches())[0]!.tokens).toBe(currentState((await store.loadSearch(setup.id))!).usage.tokens);
    db.close();
  });

  it('counts on the card only evaluations with a verdict, runs cut short apart, and re-validation apart from the search', async () => {
    const { db, store, setup, state } = await storedSearch();
    const [a, b, c] = nextEvaluations(state);
    await store.saveState(setup.id, state);
    await store.putEvaluation(setup.id, { ...record(a!.key), tokens: 40 });
    const spend = (key: string, evaluation: string, generation: number | null, tokens: number) => ({
      key,
      kind: 'cut-short' as const,
      evaluation,
      generation,
      genomeId: 'g0-1',
      problemId: 'HumanEval/900',
      index: 0,
      tokens,
      modelCalls: 1,
      cachedCalls: 0,
      ms: 1,
    });
    await store.putEvaluation(setup.id, spend(`cut0|${b!.key}`, b!.key, 0, 7));
    // c is in flight, or its tab closed in the middle of it: what it has stored as it went counts
    // in the tokens; it is named cut short only once stored as such (by the next run).
    await store.putSpendSoFar(setup.id, spend(`cut0|${c!.key}`, c!.key, 0, 9));
    // Re-validation: two runs with a verdict and one cut short.
    const unit = (repeat: number) => `g0-1|${repeat}|HumanEval/900`;
    for (const repeat of [0, 1]) await store.putEvaluation(setup.id, { ...record(`0|g0-1|${repeat}|HumanEval/900`), key: unit(repeat), kind: 'validation', generation: null, index: repeat, tokens: 100 });
    await store.putEvaluation(setup.id, spend(`cut0|${unit(2)}`, unit(2), null, 11));
    expect((await store.listSearches())[0]).toMatchObject({ evaluations: 1, cutShort: 1, tokens: 40 + 7 + 9, validation: { runs: 2, cutShort: 1, tokens: 211 } });
    expect((await store.listSearches())[0]!.tokens).toBe(currentState((await store.loadSearch(setup.id))!).usage.tokens);
    db.close();
  });

  it('keeps the call cache across a reopen', async () => {
    const setup = searchSetup({ evaluationTemperature: 0, budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    const first = await openLabDatabase();
    await runSearch(setup, PROBLEMS, ports(fakeWorld(), new IdbSearchStore(first), new IdbCallCache(first)));
    const cached = await new IdbCallCache(first).count();
    expect(cached).toBeGreaterThan(0);
    first.close();

    const second = await openLabDatabase();
    const world = fakeWorld();
    await runSearch(searchSetup(setup.config, { id: 'search-again' }), PROBLEMS, ports(world, new IdbSearchStore(second), new IdbCallCache(second)));
    expect(world.calls()).toBe(0);
    await new IdbCallCache(second).clear();
    expect(await new IdbCallCache(second).count()).toBe(0);
    second.close();
  });
});

describe('importing search files', () => {
  async function exported(stopAfter?: number) {
    const store = new MemorySearchStore();
    const setup = searchSetup({ budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } });
    const cancel = new AbortController();
    let n = 0;
    await runSearch(setup, PROBLEMS, ports(fakeWorld(), store), {
      signal: cancel.signal,
      concurrency: 1,
      onEvaluation: () => {
        if (++n === stopAfter) cancel.abort();
      },
    });
    return buildSearchFile((await store.loadSearch(setup.id))!);
  }

  it('adds a half-run search as paused, and it resumes here without running its evaluations again', async () => {
    const doc = await exported(12);
    const db = await openLabDatabase();
    const store = new IdbSearchStore(db);
    expect(await store.importSearch(doc)).toBe('added');
    const listed = await store.listSearches();
    expect(listed[0]).toMatchObject({ status: 'paused', ranHere: false, evaluations: 12 });

    const after: string[] = [];
    await runSearch(doc.config, PROBLEMS, ports(fakeWorld(), store), { onEvaluation: (r) => after.push(r.key) });
    expect(after.filter((key) => doc.evaluations.some((e) => e.key === key))).toEqual([]);
    expect((await store.listSearches())[0]).toMatchObject({ status: 'done', ranHere: true, evaluations: 36 });
    db.close();
  });

  it('merges a file of the same search, keeping the state that is further along', async () => {
    const early = await exported(5);
    const late = await exported();
    const db = await openLabDatabase();
    const store = new IdbSearchStore(db);
    await store.importSearch(late);
    expect(await store.importSearch(early)).toBe('merged');
    const stored = await store.loadSearch(late.config.id);
    expect(stored?.state).toEqual(late.state);
    expect(stored?.status).toBe('done');
    expect(stored?.evaluations).toHaveLength(36);
    db.close();
  });

  it('refuses a file of a different search under a stored id and leaves the store as it was', async () => {
    const doc = await exported();
    const db = await openLabDatabase();
    const store = new IdbSearchStore(db);
    await store.putSearch(searchSetup({ populationSize: 8 }));
    const error = await store.importSearch(doc).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(await db.count('searchEvaluations')).toBe(0);
    expect((await store.loadSearch(doc.config.id))?.setup.config.populationSize).toBe(8);
    db.close();
  });

  it('stores several files in one transaction: a refused one leaves the others unwritten too', async () => {
    const doc = await exported();
    const other = { ...doc, config: searchSetup({}, { id: 'search-other' }) };
    const db = await openLabDatabase();
    const store = new IdbSearchStore(db);
    await store.putSearch(searchSetup({ populationSize: 8 }));
    // The second file is refused, after the first was written in the same transaction.
    const error = await store.importSearches([other, doc]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(await store.loadSearch('search-other')).toBeNull();
    expect(await db.count('searchEvaluations')).toBe(0);

    // Two files of one search: the second merges into the first.
    await store.deleteSearch(doc.config.id);
    expect(await store.importSearches([other, doc, doc])).toEqual(['added', 'added', 'merged']);
    expect((await store.loadSearch(doc.config.id))?.evaluations).toHaveLength(36);
    db.close();
  });
});

it('memory call cache keeps the first reply of a digest', async () => {
  const cache = new MemoryCallCache();
  const reply = (text: string) => ({ text, finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, timeToFirstTokenMs: 0, decodeTokensPerSecond: 0, totalMs: 0 } });
  await cache.put('d', reply('first'));
  await cache.put('d', reply('second'));
  expect((await cache.get('d'))?.text).toBe('first');
});
