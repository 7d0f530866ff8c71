/**
 * A search on a browser whose models must be downloaded first: the download is kept off the
 * per-problem time cap, as in a study, and a call answered from the call cache loads nothing.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatReply, LanguageModel, ModelRequest } from '../../../src/core/ports.ts';
import { CachedCalls } from '../../../src/core/search/cached-calls.ts';
import { MemoryCallCache, MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch, type SearchPorts } from '../../../src/core/search/run-search.ts';
import type { SearchEvaluationRecord } from '../../../src/core/search/search-record.ts';
import { PROBLEMS, fakeWorld, searchSetup, type FakeWorld } from './run-search-fixtures.ts';

const DOWNLOAD_MS = 200_000;

/**
 * The world's models as WebLLM models on a fresh browser: whichever comes first for a model,
 * prepare or chat, spends 200 s downloading it on the shared clock.
 */
function downloadingWorld(world: FakeWorld, clock: { now: number }) {
  const loaded = new Set<string>();
  const prepared: string[] = [];
  const load = (key: string) => {
    if (!loaded.has(key)) clock.now += DOWNLOAD_MS;
    loaded.add(key);
  };
  const model = (key: string): LanguageModel => {
    const inner = world.model(key);
    return {
      id: inner.id,
      chat: async (messages, sampling, call) => {
        load(key);
        return inner.chat(messages, sampling, call);
      },
      prepare: async () => {
        prepared.push(key);
        load(key);
      },
    };
  };
  return { model, loaded, prepared };
}

function ports(model: (key: string) => LanguageModel, world: FakeWorld, clock: { now: number }, extra: Partial<SearchPorts> = {}): SearchPorts {
  return { model, sandbox: world.sandbox, searchStore: new MemorySearchStore(), now: () => clock.now, ...extra };
}

describe('a search whose models must be downloaded first', () => {
  it("does not charge a model's first download to the evaluation that needed it", async () => {
    const clock = { now: 0 };
    const world = fakeWorld();
    const downloading = downloadingWorld(world, clock);
    const records: SearchEvaluationRecord[] = [];
    // One evaluation at a time, so one evaluation's download does not fall inside another's clock.
    await runSearch(searchSetup(), PROBLEMS, ports(downloading.model, world, clock), { concurrency: 1, onEvaluation: (r) => records.push(r) });

    expect(downloading.loaded.size).toBeGreaterThan(0);
    expect(clock.now).toBeGreaterThanOrEqual(downloading.loaded.size * DOWNLOAD_MS);
    expect(records.length).toBeGreaterThan(0);
    expect(records.filter((r) => r.stopReason === 'time-cap')).toEqual([]);
  });

  it('prepares a model only for the calls that go to it, never for one the cache answers', async () => {
    const cache = new MemoryCallCache();
    const clock = { now: 0 };
    const world = fakeWorld();
    const downloading = downloadingWorld(world, clock);
    const first = await runSearch(searchSetup({ evaluationTemperature: 0 }), PROBLEMS, ports(downloading.model, world, clock, { callCache: cache }), {
      concurrency: 1,
    });
    expect(first.progress.cachedCalls).toBeGreaterThan(0);
    expect(world.calls()).toBeGreaterThan(0);
    expect(downloading.prepared).toHaveLength(world.calls());

    // The same search again on a fresh browser, wholly answered from the persisted cache.
    const again = { now: 0 };
    const freshWorld = fakeWorld();
    const fresh = downloadingWorld(freshWorld, again);
    const end = await runSearch(
      searchSetup({ evaluationTemperature: 0 }, { id: 'search-again' }),
      PROBLEMS,
      ports(fresh.model, freshWorld, again, { callCache: cache }),
      { concurrency: 1 },
    );
    expect(end.progress.cachedCalls).toBe(end.progress.modelCalls);
    expect(fresh.prepared).toEqual([]);
    expect(fresh.loaded.size).toBe(0);
    expect(again.now).toBe(0);
  });
});

describe('CachedCalls.prepare', () => {
  const messages: ChatMessage[] = [{ role: 'user', content: 'def add(a, b):' }];
  const request: ModelRequest = { messages, options: { temperature: 0, max_tokens: 64 } };
  const reply: ChatReply = { text: 'return a + b', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 4, timeToFirstTokenMs: 1, decodeTokensPerSecond: 4, totalMs: 2 } };

  it('loads nothing for a call whose twin is already in flight, and prepares for a sampled call', async () => {
    let prepares = 0;
    let answer: (r: ChatReply) => void = () => undefined;
    const model: LanguageModel = {
      id: 'm',
      chat: () => new Promise<ChatReply>((resolve) => (answer = resolve)),
      prepare: async () => {
        prepares++;
      },
    };
    const calls = new CachedCalls(new MemoryCallCache());
    await calls.prepare('m', model, undefined, request);
    expect(prepares).toBe(1);
    const firstCall = calls.chat('m', model, messages, request.options);
    // Let the first call register itself as in flight.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await calls.prepare('m', model, undefined, request);
    expect(prepares).toBe(1);
    answer(reply);
    await firstCall;
    await calls.prepare('m', model, undefined, { messages, options: { temperature: 0.7, max_tokens: 64 } });
    expect(prepares).toBe(2);
  });
});
