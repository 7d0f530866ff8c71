import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isLasting } from '../../../src/core/llm/lasting-error.ts';
import { WebLLMModels } from '../../../src/llm/webllm-language-model.ts';
import { failureCause } from '../../../src/ui/shared/run-failure.ts';
import { studyFailureAdvice } from '../../../src/ui/study/study-failure.ts';
import { FakeHandlerWorker, hostWithLimits } from './fake-webllm-worker.ts';

const MODEL = 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC';
const messages = [{ role: 'user' as const, content: 'Write add(a, b).' }];
const sampling = { temperature: 0.3, max_tokens: 512 };
const limits = { firstChunk: 240_000, betweenChunks: 60_000, stopGrace: 20_000 };

function hostOf(...workers: FakeHandlerWorker[]) {
  return hostWithLimits({ generationLimitsMs: limits }, ...workers);
}

/** Follows a promise without waiting for it: whether it has settled yet, and how. */
function watch<T>(work: Promise<T>) {
  const seen: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  work.then(
    (value) => Object.assign(seen, { settled: true, value }),
    (error: unknown) => Object.assign(seen, { settled: true, error }),
  );
  return seen;
}

describe('an in-browser generation that goes silent', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is stopped once no chunk came for the limit, with a retryable error, and the engine keeps its model', async () => {
    const worker = new FakeHandlerWorker();
    worker.reply = ['one ', 'two ', 'three ', 'four'];
    worker.hang = { atChunk: 2, onInterrupt: 'stops' };
    const host = hostOf(worker);
    await host.load([MODEL]);
    const tokens: string[] = [];
    const chat = watch(host.chat(MODEL, messages, sampling, { onToken: (t) => tokens.push(t) }));
    await vi.advanceTimersByTimeAsync(limits.betweenChunks - 1);
    expect(chat.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(tokens).toEqual(['one ', 'two ']);
    expect(chat.error).toMatchObject({ explained: { kind: 'generation-stalled', title: 'The in-browser model stopped answering' } });
    expect(String(chat.error)).toMatch(/The reply stopped: no new text for 60 seconds, so the model was told to stop\. Try again/);
    expect(isLasting(chat.error)).toBe(false);
    expect(worker.kinds()).toEqual(expect.arrayContaining(['interruptGenerate', 'completionStreamReturn']));
    // Nothing was wrong with the engine itself: the same worker and model answer the next call.
    expect(worker.terminated).toBe(false);
    expect(host.loadedModelIds).toEqual([MODEL]);
    worker.hang = undefined;
    await expect(host.chat(MODEL, messages, sampling)).resolves.toMatchObject({ text: 'one two three four' });
  });

  it('gives reading the prompt its own, longer limit before the first chunk', async () => {
    const worker = new FakeHandlerWorker();
    worker.hang = { atChunk: 0, onInterrupt: 'stops' };
    const host = hostOf(worker);
    await host.load([MODEL]);
    const chat = watch(host.chat(MODEL, messages, sampling));
    await vi.advanceTimersByTimeAsync(limits.betweenChunks * 2);
    expect(chat.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(limits.firstChunk - limits.betweenChunks * 2);
    expect(String(chat.error)).toMatch(/No reply began within 4 minutes while the model read the prompt/);
  });

  it('lets a slow reply run as long as its chunks keep coming', async () => {
    const worker = new FakeHandlerWorker();
    worker.reply = Array.from({ length: 12 }, (_, i) => `t${i} `);
    worker.chunkDelayMs = limits.betweenChunks * 0.9;
    const host = hostOf(worker);
    await host.load([MODEL]);
    const chat = watch(host.chat(MODEL, messages, sampling));
    await vi.advanceTimersByTimeAsync(limits.betweenChunks * 20);
    expect(chat.error).toBeUndefined();
    expect(chat.value?.text).toBe(worker.reply.join(''));
  });

  it('ends the worker when the GPU does not stop either, and the next call loads the model again on a new one', async () => {
    const stuck = new FakeHandlerWorker();
    stuck.hang = { atChunk: 1, onInterrupt: 'stuck' };
    const fresh = new FakeHandlerWorker();
    const host = hostOf(stuck, fresh);
    const models = new WebLLMModels(host, { buildOf: () => undefined, memoryBudgetMB: undefined });
    const model = models.model(MODEL);
    const chat = watch(model.chat(messages, sampling));
    await vi.advanceTimersByTimeAsync(limits.betweenChunks);
    expect(chat.settled).toBe(false);
    expect(stuck.kinds()).toContain('interruptGenerate');
    await vi.advanceTimersByTimeAsync(limits.stopGrace);
    expect(String(chat.error)).toMatch(/did not stop when told to: the GPU or its driver stopped answering\. The model worker was ended/);
    expect(isLasting(chat.error)).toBe(false);
    expect(stuck.terminated).toBe(true);
    expect(host.loadedModelIds).toEqual([]);
    await expect(model.chat(messages, sampling)).resolves.toMatchObject({ text: 'def add(a, b):\n    return a + b' });
    expect(fresh.kinds().slice(0, 2)).toEqual(['setAppConfig', 'reload']);
  });

  it('notices a worker that died without a word: it answers nothing, not even the request to stop', async () => {
    const dead = new FakeHandlerWorker();
    const fresh = new FakeHandlerWorker();
    const host = hostOf(dead, fresh);
    await host.load([MODEL]);
    dead.dead = true;
    const chat = watch(host.chat(MODEL, messages, sampling));
    await vi.advanceTimersByTimeAsync(limits.firstChunk + limits.stopGrace);
    expect(String(chat.error)).toMatch(/the model worker did not answer at all: it has stopped/);
    expect(dead.terminated).toBe(true);
    await host.load([MODEL]);
    await expect(host.chat(MODEL, messages, sampling)).resolves.toMatchObject({ finishReason: 'stop' });
  });

  it('hears at once of a worker that crashed with an error mid-reply, without waiting for the limit', async () => {
    const crashing = new FakeHandlerWorker();
    crashing.hang = { atChunk: 1, onInterrupt: 'stuck' };
    const fresh = new FakeHandlerWorker();
    const host = hostOf(crashing, fresh);
    await host.load([MODEL]);
    const chat = watch(host.chat(MODEL, messages, sampling));
    await vi.advanceTimersByTimeAsync(10);
    crashing.crash('The model worker failed: Uncaught Error: mapAsync failed');
    await vi.advanceTimersByTimeAsync(0);
    expect(String(chat.error)).toMatch(/The model worker stopped/);
    expect(isLasting(chat.error)).toBe(false);
    expect(crashing.terminated).toBe(true);
    await host.load([MODEL]);
    await expect(host.chat(MODEL, messages, sampling)).resolves.toMatchObject({ finishReason: 'stop' });
  });

  it('frees the engine when the caller gives up on a hung generation (a problem’s time cap), instead of queueing every later call behind it', async () => {
    const stuck = new FakeHandlerWorker();
    stuck.hang = { atChunk: 0, onInterrupt: 'stuck' };
    const fresh = new FakeHandlerWorker();
    const host = hostOf(stuck, fresh);
    await host.load([MODEL]);
    const controller = new AbortController();
    const chat = watch(host.chat(MODEL, messages, sampling, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(chat.error).toMatchObject({ name: 'AbortError' });
    const reload = watch(host.load([MODEL]));
    await vi.advanceTimersByTimeAsync(limits.stopGrace);
    expect(stuck.terminated).toBe(true);
    expect(reload.error).toBeUndefined();
    expect(reload.value).toMatchObject({ modelIds: [MODEL] });
    await expect(host.chat(MODEL, messages, sampling)).resolves.toMatchObject({ finishReason: 'stop' });
  });
});

describe('a load the worker begins inside the first chat request (WebLLM reloading models it lost)', () => {
  const loadLimits = { network: 300_000, local: 180_000 };
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('may take longer than the first-chunk limit while it moves, and the limit starts once the model is loaded', async () => {
    const worker = new FakeHandlerWorker();
    const host = hostWithLimits({ generationLimitsMs: limits, stallLimitsMs: loadLimits }, worker);
    await host.load([MODEL]);
    worker.reloadInChat = true;
    worker.hang = { atChunk: 0, onInterrupt: 'stops' };
    const phases: string[] = [];
    const chat = watch(host.chat(MODEL, messages, sampling, { onLoadProgress: (p) => phases.push(p.phase) }));
    // Ten minutes of download, a report a minute: more than twice the first-chunk limit.
    for (let minute = 1; minute <= 10; minute++) {
      await vi.advanceTimersByTimeAsync(60_000);
      worker.report(`Fetching param cache[${minute * 4}/40]: ${minute * 200}MB fetched. ${minute * 10}% completed, ${minute * 60} secs elapsed.`, minute / 10);
    }
    expect(chat.settled).toBe(false);
    expect(worker.kinds()).not.toContain('interruptGenerate');
    expect(phases).toContain('downloading');
    worker.finishReload();
    // From here the prompt has its own whole limit, not what the load left of it.
    await vi.advanceTimersByTimeAsync(limits.firstChunk - 1);
    expect(chat.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(String(chat.error)).toMatch(/No reply began within 4 minutes while the model read the prompt/);
    expect(worker.terminated).toBe(false);
  });

  it('answers once loaded, as a call without a load does', async () => {
    const worker = new FakeHandlerWorker();
    const host = hostWithLimits({ generationLimitsMs: limits, stallLimitsMs: loadLimits }, worker);
    await host.load([MODEL]);
    worker.reloadInChat = true;
    const reply = host.chat(MODEL, messages, sampling);
    const chat = watch(reply);
    await vi.advanceTimersByTimeAsync(limits.firstChunk + 1000);
    worker.report('Loading model from cache[40/40]: 2000MB loaded. 100% completed, 250 secs elapsed.', 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(chat.settled).toBe(false);
    worker.finishReload();
    await expect(reply).resolves.toMatchObject({ text: 'def add(a, b):\n    return a + b', finishReason: 'stop' });
  });

  it('is given up as a stalled load when its reports stop, ending the worker', async () => {
    const worker = new FakeHandlerWorker();
    const host = hostWithLimits({ generationLimitsMs: limits, stallLimitsMs: loadLimits }, worker);
    await host.load([MODEL]);
    worker.reloadInChat = true;
    const chat = watch(host.chat(MODEL, messages, sampling));
    await vi.advanceTimersByTimeAsync(1000);
    worker.report('Loading model from cache[3/40]: 150MB loaded. 7% completed, 1 secs elapsed.', 0.07);
    await vi.advanceTimersByTimeAsync(loadLimits.local - 1);
    expect(chat.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(chat.error).toMatchObject({ explained: { kind: 'stalled', title: 'The model load stopped making progress' } });
    expect(String(chat.error)).toMatch(/Nothing moved for 3 minutes while reading weights from this browser’s cache/);
    expect(isLasting(chat.error)).toBe(false);
    expect(worker.terminated).toBe(true);
    expect(host.loadedModelIds).toEqual([]);
  });
});

describe('what the Study page says after a silent generation', () => {
  it('names it apart from a failed load, and says resuming runs the errored units again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const worker = new FakeHandlerWorker();
      worker.hang = { atChunk: 0, onInterrupt: 'stuck' };
      const host = hostOf(worker);
      await host.load([MODEL]);
      const chat = watch(host.chat(MODEL, messages, sampling));
      await vi.advanceTimersByTimeAsync(limits.firstChunk + limits.stopGrace);
      expect(failureCause(chat.error)).toBe('model-stalled');
      expect(studyFailureAdvice(chat.error)).toMatch(/resume the study from its card below \(Resume, or “Run … errored units again” once it has ended\): it runs the errored units again/);
    } finally {
      vi.useRealTimers();
    }
  });
});
