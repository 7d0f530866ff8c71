/**
 * A crash, not a cancel: the tab dies after some evaluation was stored, and nothing it would
 * have written afterwards (snapshots, status, later evaluations) ever lands. A new driver that
 * reads the store must go on with the same search: the same next generations, the same end.
 * Crash points cover the middle of a generation and the moment between a generation's last
 * stored evaluation and its boundary snapshot.
 */
import { describe, expect, it } from 'vitest';
import type { SearchStore } from '../../../src/core/ports.ts';
import { MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../../src/core/search/run-search.ts';
import type { SearchState } from '../../../src/core/search/search-state.ts';
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
