/** The Search page's view of a search: its retry note and time-left estimate while it runs here, and one another tab holds. */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import { perProblemModel } from '../../../src/core/llm/scripted-model.ts';
import type { LanguageModel, Sandbox } from '../../../src/core/ports.ts';
import { MemoryCallCache, MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../../src/core/search/run-search.ts';
import { SearchView } from '../../../src/ui/search/search-view.svelte.ts';
import SearchRunPanel from '../../../src/ui/search/SearchRunPanel.svelte';
import InflationPanel from '../../../src/ui/search/InflationPanel.svelte';
import { PROBLEMS, fakeWorld, searchSetup } from '../search/run-search-fixtures.ts';

const RIGHT = '```python\ndef add(a, b):\n    return a + b  # right\n```';

async function storedView(store: MemorySearchStore, setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } })) {
  await store.putSearch(setup);
  return new SearchView((await store.loadSearch(setup.id))!);
}

describe('a search running in the page', () => {
  it('keeps saying an evaluation waits to be tried again while another finishes on a reply it had before (the model still does not answer)', async () => {
    const store = new MemorySearchStore();
    const view = await storedView(store);
    let calls = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // The first call answers; the second fails; every later call waits until the test has looked.
    const model = perProblemModel(async () => {
      const index = calls++;
      if (index === 0) return RIGHT;
      if (index === 1) return new Error('The endpoint answered 503: model is loading.');
      await gate;
      return RIGHT;
    });
    // The first evaluation's code runs (and passes) only once the other waits to be tried again.
    const world = fakeWorld();
    let runs = 0;
    const sandbox: Sandbox = {
      run: async (program, limits) => {
        if (runs++ === 0) await expect.poll(() => view.retrying, { timeout: 3000, interval: 1 }).not.toBeNull();
        return world.sandbox.run(program, limits);
      },
      close: () => world.sandbox.close(),
    };
    const running = view.run(PROBLEMS, { model: () => model, sandbox, searchStore: store, now: () => performance.now() }, { concurrency: 2, retryDelayMs: 200 });
    await expect.poll(() => view.evaluatedHere, { timeout: 3000, interval: 1 }).toBe(1);
    expect(view.retrying).toMatch(/^No answer for HumanEval\/\d+ .*attempt 2 of 3\.$/);
    open();
    await running;
    expect(view.phase).toBe('done');
    expect(view.retrying).toBeNull();
  });

  it('stops saying so once the model answers again', async () => {
    const store = new MemorySearchStore();
    const view = await storedView(store);
    const world = fakeWorld();
    world.failNext(1);
    const notes: (string | null)[] = [];
    const running = view.run(PROBLEMS, { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => performance.now() }, { concurrency: 1, retryDelayMs: 20 });
    const watch = setInterval(() => notes.push(view.retrying), 1);
    await running;
    clearInterval(watch);
    expect(view.phase).toBe('done');
    expect(notes.some((n) => n !== null)).toBe(true);
    expect(view.retrying).toBeNull();
  });

  it('says nothing of a wait to try again once a pause has ended it, paused or after Resume (the evaluation starts afresh)', async () => {
    const store = new MemorySearchStore();
    const view = await storedView(store);
    const world = fakeWorld();
    world.failNext(1);
    let stored = 0;
    const running = view.run(
      PROBLEMS,
      { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => performance.now() },
      { concurrency: 1, retryDelayMs: 60_000, onStored: () => stored++ },
    );
    await expect.poll(() => view.retrying, { timeout: 3000, interval: 1 }).not.toBeNull();
    view.pause();
    // The wait is over, so the page no longer says when the evaluation will be tried again.
    expect(view.retrying).toBeNull();
    await expect.poll(() => view.phase, { timeout: 3000, interval: 1 }).toBe('paused');
    expect(view.retrying).toBeNull();
    // Once the state it came to rest with is stored, the page reads its list again, whose card
    // then counts what the search stored.
    await expect.poll(() => stored, { timeout: 3000, interval: 1 }).toBe(1);
    view.resume();
    expect(view.retrying).toBeNull();
    await running;
    expect(view.phase).toBe('done');
  });

  it('gives a time-left estimate once enough has run, counts it down without going below zero, shows none while paused, and drops it at the end', async () => {
    const store = new MemorySearchStore();
    const view = await storedView(store, searchSetup({ budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } }));
    const world = fakeWorld();
    let clock = 0;
    // Every reading of the clock is 5 ms later: evaluations take time, and the search has active time.
    const now = () => (clock += 5);
    // Code takes a moment to run, so the test sees the search between evaluations.
    const sandbox: Sandbox = {
      run: async (program, limits) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return world.sandbox.run(program, limits);
      },
      close: () => world.sandbox.close(),
    };
    const running = view.run(PROBLEMS, { model: world.model, sandbox, searchStore: store, now }, { concurrency: 1 });
    expect(view.etaLeftMs(performance.now())).toBeNull();
    await expect.poll(() => view.eta, { timeout: 5000, interval: 1 }).not.toBeNull();
    const left = view.etaLeftMs(view.eta!.at)!;
    expect(left).toBeGreaterThan(0);
    expect(view.etaLeftMs(view.eta!.at + left + 60_000)).toBe(0);
    view.pause();
    await expect.poll(() => view.phase, { timeout: 5000, interval: 1 }).toBe('paused');
    expect(view.etaLeftMs(performance.now())).toBeNull();
    view.resume();
    await running;
    expect(view.phase).toBe('done');
    expect(view.eta).toBeNull();
    expect(view.etaLeftMs(performance.now())).toBeNull();
  });
});

describe('a search whose model says nothing for a while', () => {
  /** The panel's figures and what its live region says, rendered as the page shows them. */
  function panel(view: SearchView): { figures: string; said: string | undefined } {
    const noop = () => {};
    const { body } = render(SearchRunPanel, { props: { view, canResume: false, onpause: noop, onresume: noop, onstop: noop, oncontinue: noop, onextend: noop } });
    return {
      figures: body.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '),
      said: /<p[^>]*data-run-announcement[^>]*>([^<]*)<\/p>/.exec(body)?.[1],
    };
  }

  it('says “no word from the model” instead of a time left counting down, tells a screen reader once, and stops once the model answers (audit R179-1)', async () => {
    const store = new MemorySearchStore();
    const view = await storedView(store);
    const world = fakeWorld();
    let calls = 0;
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    // The second call is held, as an endpoint holds a request while its model loads: no token comes.
    const model = (key: string): LanguageModel => {
      const inner = world.model(key);
      return {
        id: inner.id,
        chat: async (messages, sampling, call) => {
          if (calls++ === 1) await held;
          return inner.chat(messages, sampling, call);
        },
      };
    };
    const running = view.run(PROBLEMS, { model, sandbox: world.sandbox, searchStore: store, now: () => performance.now() }, { concurrency: 1, silentAfterMs: 200 });
    await expect.poll(() => view.silentSeconds, { timeout: 5000, interval: 5 }).not.toBeNull();
    expect(view.phase).toBe('running');
    expect(view.etaLeftMs(performance.now())).toBeNull();
    const silent = panel(view);
    expect(silent.figures).toMatch(/no word from the model for 0 s: no estimate of time left until it answers/);
    expect(silent.said).toBe('Running, waiting for the model to answer: 0 of 1 generations scored.');
    answer();
    await expect.poll(() => view.silentSeconds, { timeout: 5000, interval: 1 }).toBeNull();
    await running;
    expect(view.phase).toBe('done');
    expect(view.silentSeconds).toBeNull();
    expect(panel(view).figures).not.toMatch(/no word from the model/);
  });

  it('is not silent while paused: nothing is asked of the model then', async () => {
    const store = new MemorySearchStore();
    const view = await storedView(store);
    const world = fakeWorld();
    const sandbox: Sandbox = {
      run: async (program, limits) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return world.sandbox.run(program, limits);
      },
      close: () => world.sandbox.close(),
    };
    const running = view.run(PROBLEMS, { model: world.model, sandbox, searchStore: store, now: () => performance.now() }, { concurrency: 1, silentAfterMs: 100 });
    view.pause();
    await expect.poll(() => view.phase, { timeout: 5000, interval: 1 }).toBe('paused');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(view.silentSeconds).toBeNull();
    view.resume();
    await running;
    expect(view.phase).toBe('done');
  });
});

describe('a search whose model is not being asked (audit R184-1)', () => {
  /** A sandbox whose every run takes `ms`, as code that runs into its time limit does. */
  function slowSandbox(world: ReturnType<typeof fakeWorld>, ms: number): Sandbox {
    return {
      run: async (program, limits) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return world.sandbox.run(program, limits);
      },
      close: () => world.sandbox.close(),
    };
  }

  it('says no “no word from the model” while every call is answered from the cache and only code runs, however long it takes', async () => {
    const atZero = searchSetup({ evaluationTemperature: 0, budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    const cache = new MemoryCallCache();
    await runSearch(atZero, PROBLEMS, { model: fakeWorld().model, sandbox: fakeWorld().sandbox, searchStore: new MemorySearchStore(), callCache: cache, now: () => performance.now() });
    // The same search again, in another store: every call is in the cache, and each run of code is slow.
    const store = new MemorySearchStore();
    const view = await storedView(store, searchSetup({ evaluationTemperature: 0, budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } }, { id: 'search-cached' }));
    const world = fakeWorld();
    const seen: (number | null)[] = [];
    const running = view.run(PROBLEMS, { model: world.model, sandbox: slowSandbox(world, 50), searchStore: store, callCache: cache, now: () => performance.now() }, { concurrency: 1, silentAfterMs: 20 });
    const watch = setInterval(() => seen.push(view.silentSeconds), 2);
    await running;
    clearInterval(watch);
    expect(view.phase).toBe('done');
    expect(world.calls()).toBe(0);
    expect(seen.filter((s) => s !== null)).toEqual([]);
  });
});

describe('champion re-validation whose model says nothing for a while (audit R184-2)', () => {
  it('says “no word from the model” beside its progress, tells a screen reader, and stops once the model answers', async () => {
    const store = new MemorySearchStore();
    const view = await storedView(store);
    const world = fakeWorld();
    const ports = { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => performance.now() };
    await view.run(PROBLEMS, ports, { concurrency: 1 });
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    let calls = 0;
    const model = (key: string): LanguageModel => {
      const inner = world.model(key);
      return {
        id: inner.id,
        chat: async (messages, sampling, call) => {
          if (calls++ === 1) await held;
          return inner.chat(messages, sampling, call);
        },
      };
    };
    const validating = view.validate(PROBLEMS, { ...ports, model }, { scope: 'champion', repeats: 1, problemIds: PROBLEMS.map((p) => p.id) }, { concurrency: 1, silentAfterMs: 200 });
    await expect.poll(() => view.validationSilentSeconds, { timeout: 5000, interval: 5 }).not.toBeNull();
    const { body } = render(InflationPanel, { props: { view, canValidate: false, onvalidate: () => {}, onstop: () => {} } });
    const text = body.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toMatch(/no word from the model for 0 s/);
    expect(/<p[^>]*data-validation-announcement[^>]*>([^<]*)<\/p>/.exec(body)?.[1]).toBe('Validating champions, waiting for the model to answer…');
    answer();
    await expect.poll(() => view.validationSilentSeconds, { timeout: 5000, interval: 1 }).toBeNull();
    await validating;
    expect(view.validationFailure).toBeNull();
    expect(view.validationSilentSeconds).toBeNull();
  });
});

describe('re-validation of a search run at one temperature', () => {
  it('says the search ran at that temperature and validation at the genomes\' own, so the gap holds both (audit R218-2)', async () => {
    const text = async (evaluationTemperature: number | null) => {
      const view = await storedView(new MemorySearchStore(), searchSetup({ evaluationTemperature, budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } }));
      const { body } = render(InflationPanel, { props: { view, canValidate: true, onvalidate: () => {}, onstop: () => {} } });
      return body.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    };
    expect(await text(0)).toMatch(/This search ran every node at temperature 0, so the genomes' own temperatures evolved without bearing on their fitness\. Validation runs at those temperatures/);
    expect(await text(null)).not.toMatch(/This search ran every node at temperature/);
  });
});

describe('re-validation’s cost in the page', () => {
  it('is counted as runs finish, kept apart from the search’s tokens, and read back the same after a reload', async () => {
    const store = new MemorySearchStore();
    const view = await storedView(store);
    const world = fakeWorld();
    const ports = { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => performance.now() };
    await view.run(PROBLEMS, ports, { concurrency: 1 });
    const searchTokens = view.progress!.usage.tokens;
    expect(view.validationCost).toMatchObject({ runs: 0, tokens: 0 });
    await view.validate(PROBLEMS, ports, { scope: 'champion', repeats: 1, problemIds: PROBLEMS.map((p) => p.id) }, { concurrency: 1 });
    const records = (await store.loadSearch(view.setup.id))!.evaluations.filter((r) => r.kind === 'validation');
    expect(view.validationCost).toMatchObject({ runs: PROBLEMS.length, cutShort: 0, tokens: records.reduce((n, r) => n + r.tokens, 0) });
    expect(view.validationCost!.tokens).toBeGreaterThan(0);
    expect(view.progress!.usage.tokens).toBe(searchTokens);
    const reloaded = new SearchView((await store.loadSearch(view.setup.id))!);
    expect(reloaded.validationCost).toEqual(view.validationCost);
  });
});

describe('a search another tab holds, on show here', () => {
  it('follows what that tab stores, and once it lets go shows the search as it left it', async () => {
    const store = new MemorySearchStore();
    const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    await store.putSearch(setup);
    // This tab opened the address while the search had not started evaluating yet.
    const view = new SearchView((await store.loadSearch(setup.id))!);
    view.follow((await store.loadSearch(setup.id))!, true);
    expect(view.heldElsewhere).toBe(true);
    expect(view.busy).toBe(false);
    // "That tab" runs it to the end through the same store.
    const world = fakeWorld();
    await runSearch(setup, PROBLEMS, { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => 0 });
    view.follow((await store.loadSearch(setup.id))!, false);
    expect(view.heldElsewhere).toBe(false);
    expect(view.phase).toBe('done');
    expect(view.state.stopReason).toBe('generations');
  });

  it('is left alone while it runs in this tab: its own figures are newer than the store’s', async () => {
    const store = new MemorySearchStore();
    const view = await storedView(store);
    const stale = (await store.loadSearch(view.setup.id))!;
    const world = fakeWorld();
    const running = view.run(PROBLEMS, { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => 0 }, { concurrency: 1 });
    view.follow(stale, true);
    expect(view.heldElsewhere).toBe(false);
    expect(view.phase).toBe('running');
    await running;
    expect(view.phase).toBe('done');
  });
});

describe('a search that is not running in the page', () => {
  it('is told apart as paused (left so by its person) from interrupted (a closed tab, a crash)', async () => {
    const store = new MemorySearchStore();
    const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    await store.putSearch(setup);
    await store.setStatus(setup.id, 'paused');
    const paused = new SearchView((await store.loadSearch(setup.id))!);
    expect([paused.phase, paused.storedPaused]).toEqual(['stored', true]);
    await store.setStatus(setup.id, 'running');
    const interrupted = new SearchView((await store.loadSearch(setup.id))!);
    expect([interrupted.phase, interrupted.storedPaused]).toEqual(['stored', false]);
  });
});
