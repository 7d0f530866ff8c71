/**
 * One search continued in two browsers, then one copy's file imported into the other: the copy
 * further along wins, and its verdicts must come with it, or the stored records contradict the
 * history and scores shown, and an export carries both (audit R207-3).
 */
import { beforeEach, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { LanguageModel } from '../../../src/core/ports.ts';
import { buildSearchFile } from '../../../src/core/results/search-file.ts';
import { MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../../src/core/search/run-search.ts';
import { currentState } from '../../../src/core/search/stored-search.ts';
import { openLabDatabase } from '../../../src/store/database.ts';
import { IdbSearchStore } from '../../../src/store/search-store.ts';
import { PROBLEMS, fakeWorld, searchSetup } from '../search/run-search-fixtures.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

it('keeps the verdicts of the copy whose state wins, so every score agrees with its records', async () => {
  const setup = searchSetup({ budget: { maxGenerations: 3, maxWallMs: null, maxTokens: null } });
  // Browser X runs part of generation 0 and is stopped.
  const x = new IdbSearchStore(await openLabDatabase());
  const wx = fakeWorld();
  const first = new AbortController();
  let n = 0;
  await runSearch(setup, PROBLEMS, { model: wx.model, sandbox: wx.sandbox, searchStore: x, now: () => 0 }, {
    concurrency: 1,
    signal: first.signal,
    onEvaluation: () => void (++n === 6 && first.abort()),
  });
  const fileX = buildSearchFile((await x.loadSearch(setup.id))!);
  // Browser Y imports that file and finishes the search; its models answer differently (sampling at T > 0).
  const y = new MemorySearchStore();
  await y.putSearch(setup);
  await y.saveState(setup.id, fileX.state);
  for (const record of fileX.evaluations) await y.putEvaluation(setup.id, record);
  const wy = fakeWorld();
  const lucky = (key: string): LanguageModel => (key === 'gemma3:1b' ? wy.model('llama3.2:3b') : wy.model(key));
  // X meanwhile goes on a little on its own models.
  const second = new AbortController();
  let m = 0;
  await runSearch(setup, PROBLEMS, { model: wx.model, sandbox: wx.sandbox, searchStore: x, now: () => 0 }, {
    concurrency: 1,
    signal: second.signal,
    onEvaluation: () => void (++m === 20 && second.abort()),
  });
  await runSearch(setup, PROBLEMS, { model: lucky, sandbox: wy.sandbox, searchStore: y, now: () => 0 }, { concurrency: 1 });
  const storedY = (await y.loadSearch(setup.id))!;

  await x.importSearch(buildSearchFile(storedY));
  const merged = (await x.loadSearch(setup.id))!;
  const state = currentState(merged);
  expect(JSON.stringify(state.history)).toBe(JSON.stringify(currentState(storedY).history));
  let scores = 0;
  for (const generation of state.history) {
    for (const score of generation.scores) {
      const records = merged.evaluations.filter((r) => r.kind === 'search' && r.generation === generation.generation && r.genomeId === score.id);
      const rate = records.filter((r) => r.kind === 'search' && r.passed).length / records.length;
      expect(rate, `generation ${generation.generation}, ${score.id}`).toBeCloseTo(score.passRate, 9);
      scores++;
    }
  }
  expect(scores).toBeGreaterThan(0);
});
