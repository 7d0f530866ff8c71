import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeHandlerWorker, hostWith, hostWithStallLimits } from './fake-webllm-worker.ts';
import type { LoadProgress } from '../../../src/llm/webllm-progress.ts';
import { quietNote } from '../../../src/llm/webllm-stall.ts';

const MODEL = 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC';
const messages = [
  { role: 'system' as const, content: 'You write Python.' },
  { role: 'user' as const, content: 'Write add(a, b).' },
];
const sampling = { temperature: 0.3, max_tokens: 512 };

describe('the WebLLM engine host', () => {
  it('sends the app config first and reports download progress with bytes while loading', async () => {
    const worker = new FakeHandlerWorker();
    const host = hostWith(worker);
    const seen: LoadProgress[] = [];
    await host.load([MODEL], (p) => seen.push(p));
    expect(worker.kinds().slice(0, 2)).toEqual(['setAppConfig', 'reload']);
    expect(seen.map((p) => p.phase)).toEqual(['downloading', 'downloading']);
    expect(seen[1]?.bytesLoaded).toBe(512 * 2 ** 20);
    expect(seen[1]?.bytesTotal).toBe(2048 * 2 ** 20);
    expect(host.loadedModelIds).toEqual([MODEL]);
  });

  it('turns an error string from the worker into a plain explanation', async () => {
    const worker = new FakeHandlerWorker();
    worker.reloadError = "TypeError: Failed to execute 'add' on 'Cache': Request failed";
    const host = hostWith(worker);
    const failure = host.load([MODEL]);
    await expect(failure).rejects.toThrow(/^A model file could not be downloaded\./);
    await expect(failure).rejects.toMatchObject({ explained: { kind: 'network', raw: worker.reloadError } });
    expect(host.loadedModelIds).toEqual([]);
  });

  it('resets the chat before every request, so no history carries over', async () => {
    const worker = new FakeHandlerWorker();
    const host = hostWith(worker);
    await host.load([MODEL]);
    await host.chat(MODEL, messages, sampling);
    await host.chat(MODEL, messages, sampling);
    const requests = worker.kinds().filter((k) => k === 'resetChat' || k === 'chatCompletionStreamInit');
    expect(requests).toEqual(['resetChat', 'chatCompletionStreamInit', 'resetChat', 'chatCompletionStreamInit']);
    const reset = worker.sent.find((m) => m.kind === 'resetChat');
    expect(reset?.content).toEqual({ keepStats: false, modelId: MODEL });
  });

  it('streams tokens and reports usage with the engine\'s decode speed', async () => {
    const worker = new FakeHandlerWorker();
    const host = hostWith(worker);
    await host.load([MODEL]);
    const tokens: string[] = [];
    const reply = await host.chat(MODEL, messages, sampling, { onToken: (t) => tokens.push(t) });
    expect(tokens).toEqual(worker.reply);
    expect(reply.text).toBe('def add(a, b):\n    return a + b');
    expect(reply.finishReason).toBe('stop');
    expect(reply.usage).toMatchObject({ promptTokens: 40, completionTokens: 9, decodeTokensPerSecond: 12.5 });
    const init = worker.sent.find((m) => m.kind === 'chatCompletionStreamInit');
    expect(init?.content).toMatchObject({
      request: { model: MODEL, stream: true, stream_options: { include_usage: true }, temperature: 0.3, max_tokens: 512 },
      selectedModelId: MODEL,
    });
  });

  it('stops mid-stream on abort: rejects with AbortError, interrupts the engine and stays usable', async () => {
    const worker = new FakeHandlerWorker();
    worker.reply = ['one ', 'two ', 'three ', 'four'];
    const host = hostWith(worker);
    await host.load([MODEL]);
    const controller = new AbortController();
    const tokens: string[] = [];
    const aborted = host.chat(MODEL, messages, sampling, {
      signal: controller.signal,
      onToken: (t) => {
        tokens.push(t);
        if (tokens.length === 1) controller.abort();
      },
    });
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    const next = await host.chat(MODEL, messages, sampling);
    expect(tokens.length).toBeLessThan(4);
    expect(worker.kinds()).toContain('interruptGenerate');
    expect(worker.kinds()).toContain('completionStreamReturn');
    expect(next.text).toBe('one two three four');
  });

  it('ends the worker of a failed load, whose other shard downloads would go on unseen, and loads the retry in a fresh one', async () => {
    // WebLLM fetches shards in four loops; its reload rejects at the first failure while the
    // other three keep downloading (measured: 27 of 40 shards fetched after the error showed).
    const first = new FakeHandlerWorker();
    first.reloadError = "TypeError: Failed to execute 'add' on 'Cache': Request failed";
    const second = new FakeHandlerWorker();
    const host = hostWith(first, second);
    await expect(host.load([MODEL])).rejects.toMatchObject({ explained: { kind: 'network' } });
    expect(first.terminated).toBe(true);
    await host.load([MODEL]);
    expect(second.kinds().slice(0, 2)).toEqual(['setAppConfig', 'reload']);
    expect(host.loadedModelIds).toEqual([MODEL]);
  });

  it('cancels a download by ending the worker, and starts a fresh one for the next load', async () => {
    const first = new FakeHandlerWorker();
    first.holdReload = true;
    const second = new FakeHandlerWorker();
    const host = hostWith(first, second);
    const download = host.load([MODEL]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    host.cancel();
    await expect(download).rejects.toMatchObject({ name: 'AbortError' });
    expect(first.terminated).toBe(true);
    first.finishReload(); // a late answer from the dead worker changes nothing
    await host.load([MODEL]);
    expect(second.kinds().slice(0, 2)).toEqual(['setAppConfig', 'reload']);
    expect(host.loadedModelIds).toEqual([MODEL]);
  });

  it('explains a crashed worker to whoever was waiting', async () => {
    const worker = new FakeHandlerWorker();
    worker.holdReload = true;
    const host = hostWith(worker);
    const download = host.load([MODEL]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    worker.crash('The model worker failed: Uncaught RangeError: Array buffer allocation failed');
    await expect(download).rejects.toThrow(/^The tab ran out of memory\./);
  });

  it('after the GPU is lost, says so, stops counting the model loaded, and loads it afresh in a new worker', async () => {
    const first = new FakeHandlerWorker();
    const second = new FakeHandlerWorker();
    const host = hostWith(first, second);
    await host.load([MODEL]);
    // WebLLM unloaded the model when the device was lost; its worker still names it loaded.
    first.chatError = 'ModelNotLoadedError: Model not loaded before trying to complete ChatCompletionRequest.';
    await expect(host.chat(MODEL, messages, sampling)).rejects.toThrow(/^The GPU ran out of memory\./);
    expect(host.loadedModelIds).toEqual([]);
    expect(first.terminated).toBe(true);
    await host.load([MODEL]);
    expect(second.kinds().slice(0, 2)).toEqual(['setAppConfig', 'reload']);
    expect((await host.chat(MODEL, messages, sampling)).text).toBe('def add(a, b):\n    return a + b');
  });

  it('refuses to chat with a model that is not loaded, in words', async () => {
    const host = hostWith(new FakeHandlerWorker());
    await expect(host.chat(MODEL, messages, sampling)).rejects.toThrow(/not loaded/);
  });
});

describe('a model load that stops moving', () => {
  const limits = { network: 60_000, local: 20_000 };
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is stopped after the network limit with no progress, said as a stall, and a retry starts afresh', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stalled = new FakeHandlerWorker();
    stalled.holdReload = true;
    const next = new FakeHandlerWorker();
    const host = hostWithStallLimits(limits, stalled, next);
    const failure = host.load([MODEL]);
    failure.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(limits.network - 1);
    expect(stalled.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(failure).rejects.toMatchObject({
      explained: { kind: 'stalled', title: 'The model load stopped making progress' },
    });
    await expect(failure).rejects.toThrow(/Nothing arrived for 60 seconds while downloading weights.*Try again: files that finished downloading are kept/);
    expect(stalled.terminated).toBe(true);
    await expect(host.load([MODEL])).resolves.toMatchObject({ modelIds: [MODEL] });
  });

  it('keeps going as long as reports keep coming, however long the whole download takes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const worker = new FakeHandlerWorker();
    worker.holdReload = true;
    const host = hostWithStallLimits(limits, worker);
    const loading = host.load([MODEL]);
    for (let shard = 11; shard <= 40; shard += 1) {
      await vi.advanceTimersByTimeAsync(limits.network * 0.9);
      worker.report(`Fetching param cache[${shard}/40]: ${shard * 50}MB fetched. ${Math.floor((shard / 40) * 100)}% completed, 1 secs elapsed.`, shard / 40);
    }
    worker.finishReload();
    await expect(loading).resolves.toMatchObject({ modelIds: [MODEL] });
    expect(worker.terminated).toBe(false);
  });

  it('allows less silence while compiling shaders than while downloading', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const worker = new FakeHandlerWorker();
    worker.holdReload = true;
    const host = hostWithStallLimits(limits, worker);
    const failure = host.load([MODEL]);
    failure.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1000);
    worker.report('Loading GPU shader modules[3/120]: 2% completed, 1 secs elapsed.', 0.02);
    await vi.advanceTimersByTimeAsync(limits.local);
    await expect(failure).rejects.toThrow(/Nothing moved for 20 seconds while preparing GPU shaders/);
    expect(worker.terminated).toBe(true);
  });
});

describe('what the progress line says while a load is quiet', () => {
  it('nothing for ordinary gaps between reports, then how long and when the load gives up', () => {
    expect(quietNote('downloading', 25_000)).toBe('');
    expect(quietNote('downloading', 47_000)).toBe('nothing new for 40 s; the load stops if nothing comes for 5 minutes');
    expect(quietNote('starting', 185_000)).toBe('nothing new for 3 min; the load stops if nothing comes for 5 minutes');
    expect(quietNote('compiling', 61_000)).toBe('nothing new for 60 s; the load stops if nothing comes for 3 minutes');
  });
});
