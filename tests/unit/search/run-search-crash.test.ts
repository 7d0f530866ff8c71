/**
 * A crash, not a cancel: the tab dies after some evaluation was stored, and nothing it would
 * have written afterwards (snapshots, status, later evaluations) ever lands. A new driver that
 * reads the store must go on with the same search: the same next generations, the same end.
 * Crash points cover the middle of a generation and the moment between a generation's last
 * stored evaluation and its boundary snapshot. A tab that dies in the middle of an evaluation
 * leaves what that evaluation had spent, stored as it went.
 */
import { describe, expect, it } from 'vitest';
import type { LanguageModel, SearchStore } from '../../../src/core/ports.ts';
import { MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../../src/core/search/run-search.ts';
import type { SearchState } from '../../../src/core/search/search-state.ts';
import { currentState } from '../../../src/core/search/stored-search.ts';
import { PROBLEMS, fakeWorld, searchSetup } from './run-search-fixtures.ts';

/** The store as a dying tab sees it: after `crashAfter` stored evaluations, every write hangs and never lands. */
function dyingStore(store: MemorySearchStore, crashAfter: number): SearchStore {
  let stored = 0;
  let dead = false;
  const never = () => new Promise<void>(() => undefined);
  return {
    putSearch: (setup) => (dead ? never() : store.putSearch(setup)),
    saveState: (id, state) => (dead ? never() : store.saveState(id, state)),
    setStatus: (id, status) => (dead ? never() : store.setStatus(id, status)),
    setValidation: (id, request) => (dead ? never() : store.setValidation(id, request)),
    loadSearch: (id) => store.loadSearch(id),
    async putEvaluation(id, record) {
      if (dead) return never();
      await store.putEvaluation(id, record);
      if (++stored === crashAfter) dead = true;
    },
  };
}

function comparable(state: SearchState): unknown {
  const strip = (u: SearchState['usage']) => ({ ...u, activeMs: 0 });
  return { ...state, usage: strip(state.usage), generationStartUsage: strip(state.generationStartUsage), history: state.history.map((h) => ({ ...h, activeMs: 0 })) };
}

describe('resuming after a crash', () => {
  const setup = searchSetup();
  // 6 genomes × 3 problems: 18 evaluations per generation, 3 generations.
  const perGeneration = 18;

  it.each([1, 7, perGeneration - 1, perGeneration, perGeneration + 1, 2 * perGeneration, 2 * perGeneration + 5, 3 * perGeneration - 1])(
    'continues the same search when the tab died after stored evaluation %i',
    async (crashAfter) => {
      const reference = await runSearch(setup, PROBLEMS, { model: fakeWorld().model, sandbox: fakeWorld().sandbox, searchStore: new MemorySearchStore(), now: () => 0 }, { concurrency: 2 });

      const store = new MemorySearchStore();
      const world = fakeWorld();
      // The dying run is abandoned: its promise never settles once its writes hang.
      void runSearch(setup, PROBLEMS, { model: world.model, sandbox: world.sandbox, searchStore: dyingStore(store, crashAfter), now: () => 0 }, { concurrency: 2 });
      await expect.poll(async () => (await store.loadSearch(setup.id))?.evaluations.length ?? 0).toBe(crashAfter);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stored = await store.loadSearch(setup.id);
      expect(stored?.evaluations).toHaveLength(crashAfter);
      expect(stored?.status).toBe('running');

      const keysBefore = new Set(stored!.evaluations.map((e) => e.key));
      const rerun: string[] = [];
      const resumed = await runSearch(setup, PROBLEMS, { model: fakeWorld().model, sandbox: fakeWorld().sandbox, searchStore: store, now: () => 0 }, {
        concurrency: 2,
        onEvaluation: (r) => rerun.push(r.key),
      });
      expect(rerun.filter((key) => keysBefore.has(key))).toEqual([]);
      expect(resumed.status).toBe('done');
      expect(comparable(resumed.state)).toEqual(comparable(reference.state));
      expect(resumed.state.innovations).toEqual(reference.state.innovations);
    },
  );
});

describe('a tab that closes in the middle of an evaluation', () => {
  it('leaves what the evaluation had spent, stored as it went; the resumed search counts it, as the endpoint billed it', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    const reference = await runSearch(setup, PROBLEMS, { model: fakeWorld().model, sandbox: fakeWorld().sandbox, searchStore: new MemorySearchStore(), now: () => 0 }, { concurrency: 1 });

    const store = new MemorySearchStore();
    const world = fakeWorld();
    let dead = false;
    const never = () => new Promise<never>(() => undefined);
    const dying: SearchStore = {
      putSearch: (s) => (dead ? never() : store.putSearch(s)),
      saveState: (id, s) => (dead ? never() : store.saveState(id, s)),
      setStatus: (id, s) => (dead ? never() : store.setStatus(id, s)),
      setValidation: (id, r) => (dead ? never() : store.setValidation(id, r)),
      putEvaluation: (id, r) => (dead ? never() : store.putEvaluation(id, r)),
      putSpendSoFar: (id, r) => (dead ? never() : store.putSpendSoFar(id, r)),
      clearSpendSoFar: (id, k) => (dead ? never() : store.clearSpendSoFar(id, k)),
      loadSearch: (id) => store.loadSearch(id),
    };
    // The first refiner call never answers: the tab dies while it waits, its evaluation's
    // generator call answered and paid for.
    const model = (key: string): LanguageModel => {
      const inner = world.model(key);
      return {
        id: inner.id,
        async chat(messages, options, call) {
          if (!dead && (call?.context?.nodeId ?? '').endsWith('refiner')) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            dead = true;
            return never();
          }
          return inner.chat(messages, options, call);
        },
      };
    };
    void runSearch(setup, PROBLEMS, { model, sandbox: world.sandbox, searchStore: dying, now: () => 0 }, { concurrency: 1 });
    await expect.poll(() => dead).toBe(true);

    const left = (await store.loadSearch(setup.id))!.evaluations.filter((r) => r.kind === 'cut-short');
    expect(left).toHaveLength(1);
    const spend = left[0]!;
    expect(spend).toMatchObject({ kind: 'cut-short', interrupted: true, key: `cut0|${spend.evaluation}`, generation: 0, modelCalls: 1, cachedCalls: 0 });
    expect(spend.tokens).toBeGreaterThan(0);

    const resumed = await runSearch(setup, PROBLEMS, { model: fakeWorld().model, sandbox: fakeWorld().sandbox, searchStore: store, now: () => 0 }, { concurrency: 1 });
    expect(resumed.status).toBe('done');
    // The rerun asked the model again and paid again: the totals count both, as the bill does.
    expect(resumed.state.usage.tokens).toBe(reference.state.usage.tokens + spend.tokens);
    expect(resumed.state.history[0]!.tokens).toBe(reference.state.history[0]!.tokens + spend.tokens);
    expect(resumed.state.history[0]!.scores.map((s) => s.fitness)).toEqual(reference.state.history[0]!.scores.map((s) => s.fitness));
    // Stored now as the cut-short record it is (a later verdict of its evaluation cannot hide it), once.
    const after = (await store.loadSearch(setup.id))!.evaluations;
    expect(after.filter((r) => r.kind === 'cut-short')).toEqual([spend]);
    expect(after.filter((r) => r.kind === 'search')).toHaveLength(reference.state.history[0]!.evaluations);
  });
});

describe('a tab that dies while a model holds a call (audit R184-3)', () => {
  it('has stored the active time up to a few seconds before, not only up to the last evaluation that finished', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: 10 * 60_000, maxTokens: null } });
    const store = new MemorySearchStore();
    const world = fakeWorld();
    let clock = 0;
    let asked = false;
    // The first call is held, as an endpoint holds a request while its model loads; it ends only when the run is stopped.
    const model = (key: string): LanguageModel => {
      const inner = world.model(key);
      return {
        id: inner.id,
        async chat(messages, options, call) {
          if (!asked) {
            asked = true;
            return new Promise((_, reject) => call?.signal?.addEventListener('abort', () => reject(new DOMException('Stopped.', 'AbortError')), { once: true }));
          }
          return inner.chat(messages, options, call);
        },
      };
    };
    const stop = new AbortController();
    const running = runSearch(setup, PROBLEMS, { model, sandbox: world.sandbox, searchStore: store, now: () => clock }, { concurrency: 1, signal: stop.signal, snapshotEveryMs: 20 });
    await expect.poll(() => asked).toBe(true);
    // Two minutes go by with the call held; the tab dies then (what it stored is what a reload finds).
    for (let i = 0; i < 12; i++) {
      clock += 10_000;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const left = currentState((await store.loadSearch(setup.id))!);
    stop.abort();
    await running;
    expect(left.usage.activeMs).toBeGreaterThanOrEqual(110_000);
  });
});
