/**
 * The search driver over fakes: real trajectories through the interpreter with per-model scripted
 * replies and a judging sandbox, evaluations stored before they count, generations advanced,
 * budgets, pause, cancel and resume from the store, and the temperature-0 call cache.
 */
import { describe, expect, it } from 'vitest';
import type { LanguageModel, Sandbox } from '../../../src/core/ports.ts';
import { MemoryCallCache, MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch, type RunSearchOptions, type SearchPorts } from '../../../src/core/search/run-search.ts';
import { withBudget } from '../../../src/core/search/search.ts';
import type { SearchProgress } from '../../../src/core/search/search-progress.ts';
import type { SearchEvaluationRecord } from '../../../src/core/search/search-record.ts';
import type { SearchSetup } from '../../../src/core/search/search-setup.ts';
import type { SearchState } from '../../../src/core/search/search-state.ts';
import { currentState } from '../../../src/core/search/stored-search.ts';
import { PauseSwitch } from '../../../src/core/study/pause-switch.ts';
import { PROBLEMS, fakeWorld, searchSetup, type FakeWorld } from './run-search-fixtures.ts';

function ports(world: FakeWorld, store: MemorySearchStore, extra: Partial<SearchPorts> = {}): SearchPorts {
  return { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => 0, ...extra };
}

/** Runs a search to its end on a fresh world and store; returns what a test compares. */
async function uninterrupted(setup: SearchSetup, options: RunSearchOptions = {}) {
  const world = fakeWorld();
  const store = new MemorySearchStore();
  const keys: string[] = [];
  const end = await runSearch(setup, PROBLEMS, ports(world, store), { ...options, onEvaluation: (r) => keys.push(r.key) });
  return { end, world, store, keys };
}

/** The state without active time, the one figure a resumed run legitimately differs in. */
function comparable(state: SearchState): unknown {
  const strip = (u: SearchState['usage']) => ({ ...u, activeMs: 0 });
  return {
    ...state,
    usage: strip(state.usage),
    generationStartUsage: strip(state.generationStartUsage),
    history: state.history.map((h) => ({ ...h, activeMs: 0 })),
  };
}

describe('runSearch', () => {
  it('runs three generations, storing every evaluation once, with the cost of each generation', async () => {
    const setup = searchSetup();
    const progress: SearchProgress[] = [];
    const { end, world, store, keys } = await uninterrupted(setup, { onProgress: (p) => progress.push(p) });

    expect(end.status).toBe('done');
    expect(end.state).toMatchObject({ status: 'done', stopReason: 'generations' });
    expect(end.state.history).toHaveLength(3);
    // 6 genomes × 3 problems × 1 evaluation per generation, none twice.
    expect(keys).toHaveLength(3 * 18);
    expect(new Set(keys).size).toBe(keys.length);
    const stored = await store.loadSearch(setup.id);
    expect(stored?.status).toBe('done');
    expect(stored?.evaluations).toHaveLength(54);
    expect(store.evaluationWrites).toBe(54);

    const last = end.progress;
    expect(last.phase).toBe('done');
    // The end reports the last generation it ran, complete (not the bred one it never starts).
    expect(last).toMatchObject({ generation: 2, generationsDone: 3, done: 18, total: 18 });
    expect(last.generations.map((g) => g.generation)).toEqual([0, 1, 2]);
    for (const g of last.generations) {
      expect(g.evaluations).toBe(18);
      expect(g.tokens).toBeGreaterThan(0);
      expect(g.modelCalls).toBeGreaterThanOrEqual(18);
      expect(g.finished).toBe(true);
    }
    expect(last.modelCalls).toBe(world.calls());
    expect(last.cachedCalls).toBe(0);
    // Progress was reported while the generations ran, not only at the end.
    expect(progress.some((p) => p.phase === 'running' && p.inFlight > 0 && p.done < p.total)).toBe(true);
    // The stored snapshot is the final state.
    expect(stored?.state).toEqual(end.state);
  });

  it('says when each new generation is stored, so a list read then shows it', async () => {
    const setup = searchSetup();
    const world = fakeWorld();
    const store = new MemorySearchStore();
    const seen: number[] = [];
    await runSearch(setup, PROBLEMS, ports(world, store), {
      onStored: () => void store.loadSearch(setup.id).then((stored) => seen.push(stored ? currentState(stored).history.length : -1)),
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual([1, 2, 3]);
  });

  it('finds that refining with llama or qwen passes everything here', async () => {
    const { end } = await uninterrupted(searchSetup());
    const champion = end.state.champion;
    expect(champion?.passRate).toBe(1);
    const genome = end.state.genomes[champion?.genomeId ?? ''];
    expect(genome?.pipeline.stages.some((s) => s.refiner.model !== 'gemma3:1b')).toBe(true);
  });

  it('resumes a search cancelled mid-generation without running a finished evaluation again, to the same end', async () => {
    const setup = searchSetup();
    const reference = await uninterrupted(setup, { concurrency: 3 });

    const world = fakeWorld();
    const store = new MemorySearchStore();
    const first: string[] = [];
    const cancel = new AbortController();
    const stopped = await runSearch(setup, PROBLEMS, ports(world, store), {
      concurrency: 3,
      signal: cancel.signal,
      onEvaluation: (r) => {
        first.push(r.key);
        // Part-way through generation 1, with other evaluations in flight.
        if (first.length === 18 + 7) cancel.abort();
      },
    });
    expect(stopped.status).toBe('cancelled');
    expect((await store.loadSearch(setup.id))?.status).toBe('cancelled');
    expect(stopped.state.generation).toBe(1);

    // A new driver, as after a reload: only the store survives.
    const second: string[] = [];
    const resumed = await runSearch(setup, PROBLEMS, ports(world, store), { concurrency: 3, onEvaluation: (r) => second.push(r.key) });

    expect(second.filter((key) => first.includes(key))).toEqual([]);
    expect(new Set([...first, ...second])).toEqual(new Set(reference.keys));
    // The same search, except for the tokens: the evaluations the cancel cut short had calls
    // answered (above temperature 0, never cached), their reruns paid for them again, and the
    // totals count both, as the endpoint's bill does.
    const spent = ((await store.loadSearch(setup.id))?.evaluations ?? []).flatMap((r) => (r.kind === 'cut-short' ? [r] : []));
    expect(spent.length).toBeGreaterThan(0);
    expect(spent.every((r) => r.generation === 1 && r.tokens > 0)).toBe(true);
    const wasted = spent.reduce((n, r) => n + r.tokens, 0);
    expect(resumed.state.usage.tokens).toBe(reference.end.state.usage.tokens + wasted);
    expect(resumed.state.history[1]?.tokens).toBe((reference.end.state.history[1]?.tokens ?? 0) + wasted);
    const noTokens = (state: SearchState) => JSON.parse(JSON.stringify(comparable(state), (key, value: unknown) => (key === 'tokens' ? 0 : value))) as unknown;
    expect(noTokens(resumed.state)).toEqual(noTokens(reference.end.state));
    expect(resumed.status).toBe('done');
  });

  it('makes no model call twice across an interruption when nothing was in flight', async () => {
    const setup = searchSetup();
    const reference = await uninterrupted(setup, { concurrency: 1 });

    const world = fakeWorld();
    const store = new MemorySearchStore();
    const cancel = new AbortController();
    let recorded = 0;
    await runSearch(setup, PROBLEMS, ports(world, store), {
      concurrency: 1,
      signal: cancel.signal,
      onEvaluation: () => {
        if (++recorded === 11) cancel.abort();
      },
    });
    const callsBefore = world.calls();
    expect(callsBefore).toBeGreaterThan(0);
    const resumed = await runSearch(setup, PROBLEMS, ports(world, store), { concurrency: 1 });

    expect(world.calls()).toBe(reference.world.calls());
    expect(comparable(resumed.state)).toEqual(comparable(reference.end.state));
  });

  it('applies evaluations stored after the last snapshot when it resumes', async () => {
    const setup = searchSetup();
    const world = fakeWorld();
    const store = new MemorySearchStore();
    const cancel = new AbortController();
    let recorded = 0;
    await runSearch(setup, PROBLEMS, ports(world, store), {
      concurrency: 1,
      signal: cancel.signal,
      onEvaluation: () => {
        if (++recorded === 5) cancel.abort();
      },
    });
    const stored = await store.loadSearch(setup.id);
    // Pretend the last snapshot was written before any evaluation (a crash, not a cancel).
    const state = currentState({ ...stored!, state: null, evaluations: [] });
    const rebuilt = currentState({ ...stored!, state });
    expect(Object.keys(rebuilt.evaluations).sort()).toEqual(stored!.evaluations.map((e) => e.key).sort());
  });
});

describe('budgets', () => {
  it('stops when the token budget is spent, keeps what was in flight, and carries on under a larger budget', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 3, maxWallMs: null, maxTokens: 2500 } });
    const world = fakeWorld();
    const store = new MemorySearchStore();
    const end = await runSearch(setup, PROBLEMS, ports(world, store), { concurrency: 3 });
    expect(end.state).toMatchObject({ status: 'done', stopReason: 'tokens' });
    expect(end.state.usage.tokens).toBeGreaterThanOrEqual(2500);
    const stored = await store.loadSearch(setup.id);
    expect(stored?.evaluations).toHaveLength(end.state.usage.evaluations);

    // Nothing more runs while the budget stays spent.
    const calls = world.calls();
    const again = await runSearch(setup, PROBLEMS, ports(world, store));
    expect(again.status).toBe('done');
    expect(world.calls()).toBe(calls);

    await store.saveState(setup.id, withBudget(again.state, { maxGenerations: 3, maxWallMs: null, maxTokens: null }));
    const carried = await runSearch(setup, PROBLEMS, ports(world, store));
    expect(carried.state).toMatchObject({ status: 'done', stopReason: 'generations' });
    expect(carried.state.history).toHaveLength(3);
  });

  it('stops on the wall-time budget, counting only the time it worked', async () => {
    let clock = 0;
    const world = fakeWorld();
    const timed: Sandbox = {
      run: async (program, limits) => {
        clock += 1000;
        return world.sandbox.run(program, limits);
      },
      close: async () => undefined,
    };
    const setup = searchSetup({ budget: { maxGenerations: 3, maxWallMs: 20_000, maxTokens: null } });
    const store = new MemorySearchStore();
    const end = await runSearch(setup, PROBLEMS, ports(world, store, { sandbox: timed, now: () => clock }), { concurrency: 1 });
    expect(end.state).toMatchObject({ status: 'done', stopReason: 'wall-time' });
    expect(end.state.usage.activeMs).toBeGreaterThanOrEqual(20_000);
    expect(end.state.usage.activeMs).toBeLessThan(20_000 + 10_000);
  });

  it('stops after the last generation the budget allows', async () => {
    const { end } = await uninterrupted(searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } }));
    expect(end.state.history).toHaveLength(1);
    expect(end.progress.generations).toHaveLength(1);
  });
});

describe('pause and failures', () => {
  it('pauses after the evaluations in flight, counts no time while paused, and resumes', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    const world = fakeWorld();
    const store = new MemorySearchStore();
    const pause = new PauseSwitch();
    let clock = 0;
    const phases: string[] = [];
    let recorded = 0;
    let resolvePaused: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => (resolvePaused = resolve));
    const running = runSearch(setup, PROBLEMS, ports(world, store, { now: () => clock }), {
      concurrency: 2,
      pause,
      onEvaluation: () => {
        clock += 100;
        if (++recorded === 4) pause.pause();
      },
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase === 'paused') resolvePaused();
      },
    });
    await paused;
    const done = recorded;
    expect((await store.loadSearch(setup.id))?.status).toBe('paused');
    // Paused, the stored snapshot holds the time worked so far: a reload now does not lose it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await store.loadSearch(setup.id))?.state?.usage.activeMs).toBeGreaterThanOrEqual(400);
    clock += 1_000_000; // the page sits paused for a long time
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(recorded).toBe(done);
    pause.resume();
    const end = await running;
    expect(end.status).toBe('done');
    expect(phases).toContain('pausing');
    expect(end.state.usage.activeMs).toBeLessThan(1_000_000);
  });

  it('scores a generation whose last evaluation finished while pausing, without waiting for Resume', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } });
    const store = new MemorySearchStore();
    const pause = new PauseSwitch();
    let perGeneration = 0;
    let recorded = 0;
    let last: SearchProgress | null = null;
    const running = runSearch(setup, PROBLEMS, ports(fakeWorld(), store), {
      concurrency: 2,
      pause,
      onProgress: (p) => {
        perGeneration ||= p.total;
        last = p;
      },
      // Pause pressed while generation 0's last evaluation is in flight: it lands, and nothing is left to take.
      onEvaluation: () => {
        if (++recorded === perGeneration) pause.pause();
      },
    });
    await expect.poll(() => (last as SearchProgress | null)?.phase).toBe('paused');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Paused, the page shows generation 0 scored (its charts and champion), and so does a reload.
    expect((last as SearchProgress | null)?.generationsDone).toBe(1);
    expect((await store.loadSearch(setup.id))?.state?.history).toHaveLength(1);
    expect(recorded).toBe(perGeneration);
    pause.resume();
    const end = await running;
    expect(end.status).toBe('done');
    expect(end.state.history).toHaveLength(2);
  });

  it('retries a failing model, then stops the search with its error and keeps what was stored', async () => {
    const setup = searchSetup();
    const world = fakeWorld();
    const store = new MemorySearchStore();
    let recorded = 0;
    const failing = runSearch(setup, PROBLEMS, ports(world, store), {
      concurrency: 1,
      retryDelayMs: 0,
      maxAttempts: 2,
      onEvaluation: () => {
        if (++recorded === 3) world.failNext(1000);
      },
    });
    await expect(failing).rejects.toThrow(/503: model is loading/);
    const stored = await store.loadSearch(setup.id);
    expect(stored?.evaluations).toHaveLength(3);
    expect(stored?.status).toBe('running');
  });

  it('recovers from a model failure that a retry gets past, telling the page about the retry as it waits', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    const world = fakeWorld();
    world.failNext(1);
    const retries: string[] = [];
    const end = await runSearch(setup, PROBLEMS, ports(world, new MemorySearchStore()), {
      retryDelayMs: 5,
      concurrency: 1,
      onRetry: (unit, retry) => retries.push(`${unit.problemId} ${retry.attempt}/${retry.maxAttempts} ${retry.delayMs} ${String(retry.error)}`),
    });
    expect(end.status).toBe('done');
    expect(retries).toEqual([expect.stringMatching(/^HumanEval\/\d+ 1\/3 5 .*503: model is loading/)]);
  });

  it('is paused at once when paused while an evaluation waits 60 s after a rate limit, and after Resume runs that evaluation again to the same end', async () => {
    const setup = searchSetup({ budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } });
    const reference = await runSearch(setup, PROBLEMS, ports(fakeWorld(), new MemorySearchStore()), { concurrency: 2 });

    // The 6th evaluation's refiner call is refused by a rate limit whose server asks for 60 s;
    // Pause is pressed as the wait begins.
    const world = fakeWorld();
    let armed = false;
    let limited: string | null = null;
    const limiting = (key: string): LanguageModel => {
      const model = world.model(key);
      return {
        id: model.id,
        chat: (messages, sampling, call) => {
          if (armed && (call?.context?.nodeId ?? '').endsWith('refiner')) {
            armed = false;
            limited = `${call?.context?.problemId}`;
            return Promise.reject(Object.assign(new Error('429 Too Many Requests'), { status: 429, retryAfterMs: 60_000 }));
          }
          return model.chat(messages, sampling, call);
        },
      };
    };
    const store = new MemorySearchStore();
    const pause = new PauseSwitch();
    const retries: number[] = [];
    const recorded: string[] = [];
    let last: SearchProgress | null = null;
    const running = runSearch(setup, PROBLEMS, ports(world, store, { model: limiting }), {
      concurrency: 2,
      pause,
      onEvaluation: (record) => {
        if (recorded.push(record.key) === 5) armed = true;
      },
      onRetry: (_unit, retry) => {
        retries.push(retry.delayMs);
        pause.pause();
      },
      onProgress: (p) => (last = p),
    });
    // Paused within moments, not after the 60 s the server asked for.
    await expect.poll(() => (last as SearchProgress | null)?.phase, { timeout: 1000 }).toBe('paused');
    expect(retries).toEqual([60_000]);
    expect(limited).not.toBeNull();
    const atPause = recorded.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(recorded).toHaveLength(atPause);
    expect((await store.loadSearch(setup.id))?.status).toBe('paused');

    pause.resume();
    const end = await running;
    expect(end.status).toBe('done');
    // The evaluation stopped by the pause ran again, and the search found what it finds unpaused.
    const stored = (await store.loadSearch(setup.id))?.evaluations ?? [];
    const verdicts = stored.filter((r) => r.kind === 'search');
    expect(verdicts).toHaveLength(reference.state.history.length * 18);
    expect(end.state.champion).toEqual(reference.state.champion);
    // Scores alike but for tokens: a genome's count what its evaluations paid, the failed attempt's call too.
    const scores = (state: SearchState) => state.history.map((h) => h.scores.map(({ tokens: _tokens, ...score }) => score));
    expect(scores(end.state)).toEqual(scores(reference.state));
    expect(end.state.population).toEqual(reference.state.population);

    // What the attempt the rate limit broke off had paid (the calls answered before the refiner's)
    // is counted once: the totals are an unpaused run's plus those calls.
    const spent = stored.flatMap((r) => (r.kind === 'cut-short' ? [r] : []));
    expect(spent).toHaveLength(1);
    expect(spent[0]).toMatchObject({ problemId: limited, cachedCalls: 0 });
    expect(spent[0]?.modelCalls).toBeGreaterThan(0);
    expect(spent[0]?.tokens).toBeGreaterThan(0);
    expect(end.state.usage.tokens).toBe(reference.state.usage.tokens + (spent[0]?.tokens ?? 0));
    expect(end.progress.usage.tokens).toBe(end.state.usage.tokens);
    expect(currentState((await store.loadSearch(setup.id))!).usage.tokens).toBe(end.state.usage.tokens);
  });

  it('refuses problems it was not given', async () => {
    await expect(runSearch(searchSetup(), PROBLEMS.slice(1), ports(fakeWorld(), new MemorySearchStore()))).rejects.toThrow(/HumanEval\/900/);
  });

  it('is cancelled before it starts when the signal has already fired', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const world = fakeWorld();
    const end = await runSearch(searchSetup(), PROBLEMS, ports(world, new MemorySearchStore()), { signal: cancel.signal });
    expect(end.status).toBe('cancelled');
    expect(world.calls()).toBe(0);
  });
});

describe('the call cache', () => {
  const atZero = { evaluationTemperature: 0 };

  it('answers identical temperature-0 calls from the cache instead of the model', async () => {
    const cache = new MemoryCallCache();
    const world = fakeWorld();
    const store = new MemorySearchStore();
    const end = await runSearch(searchSetup(atZero), PROBLEMS, ports(world, store, { callCache: cache }));
    const total = end.progress.modelCalls;
    expect(end.progress.cachedCalls).toBeGreaterThan(0);
    expect(world.calls()).toBe(total - end.progress.cachedCalls);
    expect(cache.size).toBe(world.calls());
    const records = (await store.loadSearch('search-unit'))?.evaluations ?? [];
    const cachedTokens = records.filter((r) => r.cachedCalls === r.modelCalls).map((r) => r.tokens);
    expect(cachedTokens.length).toBeGreaterThan(0);
    expect(cachedTokens.every((t) => t === 0)).toBe(true);
  });

  it('reaches the same search with the cache as without it', async () => {
    const cached = await runSearch(searchSetup(atZero), PROBLEMS, ports(fakeWorld(), new MemorySearchStore(), { callCache: new MemoryCallCache() }));
    const plain = await runSearch(searchSetup(atZero, { cacheCalls: false }), PROBLEMS, ports(fakeWorld(), new MemorySearchStore(), { callCache: new MemoryCallCache() }));
    expect(plain.progress.cachedCalls).toBe(0);
    expect(cached.state.history.map((h) => h.scores.map((s) => s.passRate))).toEqual(plain.state.history.map((h) => h.scores.map((s) => s.passRate)));
    expect(cached.state.champion?.genomeId).toBe(plain.state.champion?.genomeId);
  });

  it('answers a second run of the same search wholly from a persisted cache', async () => {
    const cache = new MemoryCallCache();
    await runSearch(searchSetup(atZero), PROBLEMS, ports(fakeWorld(), new MemorySearchStore(), { callCache: cache }));
    const world = fakeWorld();
    const again = await runSearch(searchSetup(atZero, { id: 'search-again' }), PROBLEMS, ports(world, new MemorySearchStore(), { callCache: cache }));
    expect(world.calls()).toBe(0);
    expect(again.progress.cachedCalls).toBe(again.progress.modelCalls);
    expect(again.state.usage.tokens).toBe(0);
  });

  it('counts the same tokens as an uninterrupted search when resumed after a cancel cut an evaluation short', async () => {
    const setup = searchSetup(atZero);
    const reference = await runSearch(setup, PROBLEMS, ports(fakeWorld(), new MemorySearchStore(), { callCache: new MemoryCallCache() }), { concurrency: 1 });

    // Cancel at a refiner call, once the same evaluation's generator call was answered (and paid).
    const world = fakeWorld();
    const cancel = new AbortController();
    let armed = false;
    let cutShort = false;
    const cutting = (key: string): LanguageModel => {
      const model = world.model(key);
      return {
        id: model.id,
        chat: (messages, sampling, call) => {
          if (armed && (call?.context?.nodeId ?? '').endsWith('refiner')) {
            armed = false;
            cutShort = true;
            cancel.abort();
          }
          return model.chat(messages, sampling, call);
        },
      };
    };
    const store = new MemorySearchStore();
    const cache = new MemoryCallCache();
    let recorded = 0;
    const stopped = await runSearch(setup, PROBLEMS, ports(world, store, { model: cutting, callCache: cache }), {
      concurrency: 1,
      signal: cancel.signal,
      onEvaluation: () => {
        if (++recorded === 8) armed = true;
      },
    });
    expect(stopped.status).toBe('cancelled');
    expect(cutShort).toBe(true);
    // The generator call the cut-short evaluation paid for is in the totals read after the stop.
    const stored = await store.loadSearch(setup.id);
    const spent = (stored?.evaluations ?? []).flatMap((r) => (r.kind === 'cut-short' ? [r] : []));
    expect(spent).toHaveLength(1);
    expect(spent[0]?.tokens).toBeGreaterThan(0);
    const verdicts = (stored?.evaluations ?? []).filter((r) => r.kind === 'search');
    const paid = [...verdicts, ...spent].reduce((n, r) => n + r.tokens, 0);
    expect(stopped.state.usage.tokens).toBe(paid);
    expect(stopped.progress.usage.tokens).toBe(paid);
    expect(stopped.progress.generations.reduce((n, g) => n + g.tokens, 0)).toBe(paid);
    // As a reload reads it back, too.
    expect(currentState(stored!).usage.tokens).toBe(paid);

    const resumed = await runSearch(setup, PROBLEMS, ports(world, store, { callCache: cache }), { concurrency: 1 });
    expect(resumed.status).toBe('done');
    // The rerun takes the paid-for reply from the cache (its cost is counted with the cut-short
    // run), so the resumed search ends with the totals of one run straight through.
    expect(resumed.state.usage.tokens).toBe(reference.state.usage.tokens);
    expect(comparable(resumed.state)).toEqual(comparable(reference.state));
  });

  it('counts what an evaluation spent before its model kept failing, in the totals and against the token budget', async () => {
    const setup = searchSetup();
    // Every refiner call fails (a 503, say): evaluations whose code fails first spend a generator call on each attempt, then stop the search.
    const world = fakeWorld();
    const failing = (key: string): LanguageModel => {
      const model = world.model(key);
      return {
        id: model.id,
        chat: (messages, sampling, call) => ((call?.context?.nodeId ?? '').endsWith('refiner') ? Promise.reject(new Error('503 Service Unavailable')) : model.chat(messages, sampling, call)),
      };
    };
    const store = new MemorySearchStore();
    await expect(runSearch(setup, PROBLEMS, ports(world, store, { model: failing }), { concurrency: 1, maxAttempts: 2, retryDelayMs: 0 })).rejects.toThrow(/503/);
    const stored = await store.loadSearch(setup.id);
    const spent = (stored?.evaluations ?? []).flatMap((r) => (r.kind === 'cut-short' ? [r] : []));
    expect(spent).toHaveLength(1);
    // Both attempts' generator calls.
    expect(spent[0]?.modelCalls).toBe(2);
    const verdicts = (stored?.evaluations ?? []).filter((r) => r.kind === 'search');
    const paid = [...verdicts, ...spent].reduce((n, r) => n + r.tokens, 0);
    expect(currentState(stored!).usage.tokens).toBe(paid);

    // A token budget the verdicts alone stay under, but not with what the failed evaluation spent.
    const budget = verdicts.reduce((n, r) => n + r.tokens, 0) + 1;
    expect(paid).toBeGreaterThan(budget);
    const limited = withBudget(currentState(stored!), { maxGenerations: 3, maxWallMs: null, maxTokens: budget });
    expect(limited).toMatchObject({ status: 'done', stopReason: 'tokens' });
  });

  it('never caches calls above temperature 0', async () => {
    const cache = new MemoryCallCache();
    const world = fakeWorld();
    const end = await runSearch(searchSetup(), PROBLEMS, ports(world, new MemorySearchStore(), { callCache: cache }));
    expect(end.progress.cachedCalls).toBe(0);
    expect(cache.size).toBe(0);
  });
});

it('ends as cancelled, not as an error, when cancelled with evaluations in flight', async () => {
  const cancel = new AbortController();
  const store = new MemorySearchStore();
  let n = 0;
  const end = await runSearch(searchSetup(), PROBLEMS, ports(fakeWorld(), store), {
    concurrency: 3,
    signal: cancel.signal,
    onProgress: (p) => {
      if (p.inFlight === 3 && ++n === 2) cancel.abort();
    },
  });
  expect(end.status).toBe('cancelled');
  expect(end.progress.phase).toBe('cancelled');
  expect((await store.loadSearch('search-unit'))?.state).toEqual(end.state);
});
