/**
 * Champion re-validation through the search's own evaluator: every champion on every problem, n
 * times, stored as it goes, resumable, and the inflation report that compares it with the
 * search-time fitness.
 */
import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '../../../src/core/ports.ts';
import { MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch, type SearchPorts } from '../../../src/core/search/run-search.ts';
import { runValidation } from '../../../src/core/search/run-validation.ts';
import { currentState, validationStatus } from '../../../src/core/search/stored-search.ts';
import { PROBLEMS, fakeWorld, searchSetup, type FakeWorld } from './run-search-fixtures.ts';

function ports(world: FakeWorld, store: MemorySearchStore): SearchPorts {
  return { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => 0 };
}

const ALL = PROBLEMS.map((p) => p.id);

describe('runValidation', () => {
  it('tells what re-validation has cost as it goes, apart from the search, and the stored search says the same', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    const world = fakeWorld();
    const store = new MemorySearchStore();
    const searched = await runSearch(setup, PROBLEMS, ports(world, store));
    const costs: number[] = [];
    const end = await runValidation(setup, PROBLEMS, ports(world, store), { scope: 'champion', repeats: 1, problemIds: ALL }, {
      concurrency: 1,
      onProgress: (_done, _total, _inFlight, cost) => costs.push(cost.tokens),
    });
    const records = (await store.loadSearch(setup.id))!.evaluations.filter((r) => r.kind === 'validation');
    const tokens = records.reduce((n, r) => n + r.tokens, 0);
    expect(tokens).toBeGreaterThan(0);
    expect(end.validation.cost).toMatchObject({ runs: ALL.length, cutShort: 0, tokens, modelCalls: records.reduce((n, r) => n + r.modelCalls, 0) });
    // From nothing to everything, one run at a time; the search's own tokens are not in it.
    expect(costs[0]).toBe(0);
    expect(costs.at(-1)).toBe(tokens);
    expect([...costs].sort((a, b) => a - b)).toEqual(costs);
    expect(currentState((await store.loadSearch(setup.id))!).usage.tokens).toBe(searched.state.usage.tokens);
  });

  it('runs every champion on every problem n times and reports inflation per generation and for the champion', async () => {
    const setup = searchSetup();
    const world = fakeWorld();
    const store = new MemorySearchStore();
    const searched = await runSearch(setup, PROBLEMS, ports(world, store));
    const calls = world.calls();

    const end = await runValidation(setup, PROBLEMS, ports(world, store), { scope: 'per-generation', repeats: 2, problemIds: ALL });
    expect(end.status).toBe('done');
    const champions = new Set([searched.state.champion?.genomeId, ...searched.state.history.map((h) => h.championId)]);
    expect(end.validation.plan).toHaveLength(champions.size * 2 * ALL.length);
    expect(end.validation.done).toBe(end.validation.plan.length);
    expect(world.calls()).toBeGreaterThan(calls);

    const report = end.validation.report;
    expect(report.perGeneration).toHaveLength(3);
    expect(report.champion?.genomeId).toBe(searched.state.champion?.genomeId);
    // The fake is deterministic, so search-time and validated pass rates agree: no inflation.
    expect(report.champion?.inflation).toBeCloseTo(0, 9);

    const stored = await store.loadSearch(setup.id);
    expect(stored?.validation).toEqual({ scope: 'per-generation', repeats: 2, problemIds: ALL });
    expect(validationStatus(stored!, currentState(stored!))?.report).toEqual(report);
  });

  it('resumes a cancelled validation without running a finished unit again', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    const world = fakeWorld();
    const store = new MemorySearchStore();
    await runSearch(setup, PROBLEMS, ports(world, store));
    const request = { scope: 'champion' as const, repeats: 3, problemIds: ALL };
    const cancel = new AbortController();
    const first = await runValidation(setup, PROBLEMS, ports(world, store), request, {
      concurrency: 1,
      signal: cancel.signal,
      onProgress: (done) => {
        if (done === 5) cancel.abort();
      },
    });
    expect(first.status).toBe('cancelled');
    expect(first.validation.report.champion).toBeNull();
    const writes = store.evaluationWrites;

    const second = await runValidation(setup, PROBLEMS, ports(world, store), request, { concurrency: 1 });
    expect(second.status).toBe('done');
    expect(store.evaluationWrites - writes).toBe(3 * ALL.length - 5);
    expect(second.validation.report.champion).not.toBeNull();
  });

  it('stores what a validation run cut short had spent, apart from the verdicts, and a second cut under the next key', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    const world = fakeWorld();
    const store = new MemorySearchStore();
    await runSearch(setup, PROBLEMS, ports(world, store));
    const request = { scope: 'champion' as const, repeats: 1, problemIds: ALL };
    const before = (await store.loadSearch(setup.id))?.evaluations.length ?? 0;
    // Stop at the second call of any run, once its first call was answered and paid for.
    const cutAtSecondCall = async () => {
      const cancel = new AbortController();
      let calls = 0;
      const model = (key: string): LanguageModel => {
        const inner = world.model(key);
        return {
          id: inner.id,
          chat: (messages, sampling, call) => {
            if (++calls === 2) cancel.abort();
            return inner.chat(messages, sampling, call);
          },
        };
      };
      return runValidation(setup, PROBLEMS, { ...ports(world, store), model }, request, { concurrency: 1, signal: cancel.signal });
    };
    expect((await cutAtSecondCall()).status).toBe('cancelled');
    const after = (await store.loadSearch(setup.id))?.evaluations ?? [];
    const spent = after.slice(before).flatMap((r) => (r.kind === 'cut-short' ? [r] : []));
    expect(spent).toHaveLength(1);
    expect(spent[0]).toMatchObject({ generation: null, modelCalls: 1 });
    expect(spent[0]?.key).toBe(`cut0|${spent[0]?.evaluation}`);
    expect(spent[0]?.tokens).toBeGreaterThan(0);
    await cutAtSecondCall();
    const again = ((await store.loadSearch(setup.id))?.evaluations ?? []).filter((r) => r.kind === 'cut-short' && r.evaluation === spent[0]?.evaluation);
    expect(again.map((r) => r.key).sort()).toEqual([`cut0|${spent[0]?.evaluation}`, `cut1|${spent[0]?.evaluation}`]);
    // Spends are no verdicts: the validation carries on to the same end.
    const done = await runValidation(setup, PROBLEMS, ports(world, store), request, { concurrency: 1 });
    expect(done.status).toBe('done');
    expect(done.validation.done).toBe(ALL.length);
  });

  it('refuses a search that has no champion yet', async () => {
    const setup = searchSetup();
    const store = new MemorySearchStore();
    await store.putSearch(setup);
    await expect(runValidation(setup, PROBLEMS, ports(fakeWorld(), store), { scope: 'champion', repeats: 1, problemIds: ALL })).rejects.toThrow(/no champion/);
  });
});
