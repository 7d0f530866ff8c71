/**
 * A search that a budget ends while other evaluations are still out (audit R207): what those
 * spend is in the cost table, and their failures do not turn the budget's end into an error.
 */
import { expect, it } from 'vitest';
import type { LanguageModel } from '../../../src/core/ports.ts';
import { MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../../src/core/search/run-search.ts';
import { CostLedger, searchProgress } from '../../../src/core/search/search-progress.ts';
import { currentState } from '../../../src/core/search/stored-search.ts';
import { PROBLEMS, fakeWorld, searchSetup } from './run-search-fixtures.ts';

it('ends on its token budget, not on an error, when an evaluation in flight then fails for good', async () => {
  const setup = searchSetup({ budget: { maxGenerations: 3, maxWallMs: null, maxTokens: 300 } });
  const world = fakeWorld();
  // One problem's calls always fail (its model is "loading"); the others answer.
  const failing = (key: string): LanguageModel => {
    const model = world.model(key);
    return {
      id: model.id,
      chat: (messages, sampling, call) =>
        call?.context?.problemId === 'HumanEval/901' ? Promise.reject(new Error('503 Service Unavailable')) : model.chat(messages, sampling, call),
    };
  };
  const store = new MemorySearchStore();
  const end = await runSearch(setup, PROBLEMS, { model: failing, sandbox: world.sandbox, searchStore: store, now: () => 0 }, { concurrency: 3, retryDelayMs: 1 });
  expect([end.status, end.state.stopReason]).toEqual(['done', 'tokens']);
  const stored = (await store.loadSearch(setup.id))!;
  expect(stored.status).toBe('done');
  expect(currentState(stored).stopReason).toBe('tokens');
});

it('counts in the cost table what a run cut short at the start of a generation spent', async () => {
  // The tokens of generation 0 alone, from a search that runs only that.
  const first = fakeWorld();
  const reference = await runSearch(
    searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } }),
    PROBLEMS,
    { model: first.model, sandbox: first.sandbox, searchStore: new MemorySearchStore(), now: () => 0 },
    { concurrency: 1 },
  );
  const setup = searchSetup({ budget: { maxGenerations: 3, maxWallMs: null, maxTokens: reference.state.usage.tokens + 1 } });
  const world = fakeWorld();
  let generation = 0;
  // From generation 1 on, every refiner call fails: the first evaluation there is cut short after its generator's call.
  const failing = (key: string): LanguageModel => {
    const model = world.model(key);
    return {
      id: model.id,
      chat: (messages, sampling, call) =>
        generation >= 1 && (call?.context?.nodeId ?? '').endsWith('refiner') ? Promise.reject(new Error('503 Service Unavailable')) : model.chat(messages, sampling, call),
    };
  };
  const store = new MemorySearchStore();
  await runSearch(setup, PROBLEMS, { model: failing, sandbox: world.sandbox, searchStore: store, now: () => 0 }, {
    concurrency: 1,
    maxAttempts: 2,
    retryDelayMs: 0,
    onState: (state) => (generation = state.generation),
  }).catch(() => undefined);
  const stored = (await store.loadSearch(setup.id))!;
  const state = currentState(stored);
  const progress = searchProgress(state, new CostLedger(stored.evaluations), 'done', 0);
  expect(progress.usage.tokens).toBeGreaterThan(reference.state.usage.tokens);
  expect(progress.generations.map((row) => row.generation)).toEqual([0, 1]);
  expect(progress.generations.reduce((n, row) => n + row.tokens, 0)).toBe(progress.usage.tokens);
  expect(progress.generations[1]!.finished).toBe(false);
  expect(progress.generations[1]!.modelCalls).toBeGreaterThan(0);
});
