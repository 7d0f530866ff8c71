/**
 * Champion re-validation through the search's own evaluator: every champion on every problem, n
 * times, stored as it goes, resumable, and the inflation report that compares it with the
 * search-time fitness.
 */
import { describe, expect, it } from 'vitest';
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

  it('refuses a search that has no champion yet', async () => {
    const setup = searchSetup();
    const store = new MemorySearchStore();
    await store.putSearch(setup);
    await expect(runValidation(setup, PROBLEMS, ports(fakeWorld(), store), { scope: 'champion', repeats: 1, problemIds: ALL })).rejects.toThrow(/no champion/);
  });
});
