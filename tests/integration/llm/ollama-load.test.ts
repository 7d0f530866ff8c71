/**
 * An Ollama that loads a model inside the first request naming it, and swaps models on a machine
 * that holds one: the endpoint model's `prepare` loads it first, so the call itself (whose wait
 * for the first token counts towards the problem's time cap) starts with the model loaded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/core/ports.ts';
import { OllamaLoader } from '../../../src/llm/ollama-load.ts';
import { createOpenAICompatibleModel } from '../../../src/llm/openai-compatible.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeServerOptions } from '../../support/fake-openai-server.ts';

const messages: ChatMessage[] = [{ role: 'user', content: 'Write add(a, b).' }];
const sampling = { temperature: 0.2, max_tokens: 64 };
const MODELS = ['qwen2.5-coder:1.5b', 'llama3.2:3b'];
const LOAD_MS = 600;
const OLLAMA = { quantization: 'Q4_K_M', parameterSize: '3.2B', sizeBytes: 3_200_000_000, sizeVramBytes: 3_200_000_000, loadMs: LOAD_MS, holdsOne: true };

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: FakeServerOptions): Promise<FakeOpenAIServer> {
  server = await startFakeOpenAIServer({ reply: 'def add(a, b):\n    return a + b\n', models: MODELS, ...options });
  return server;
}

/** Every request the loader makes, by method and path. */
function recordingFetch(): { fetch: typeof globalThis.fetch; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    fetch: (input, init) => {
      asked.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return globalThis.fetch(input, init);
    },
  };
}

/** How long a call takes to its first token. */
async function firstTokenMs(model: ReturnType<typeof createOpenAICompatibleModel>): Promise<number> {
  const reply = await model.chat(messages, sampling);
  return reply.usage.timeToFirstTokenMs ?? Number.NaN;
}

describe('loading a model on Ollama before the call', () => {
  it('loads each model of a cross-model pair in prepare, so neither call waits for a load', async () => {
    const target = await serve({ ollama: OLLAMA });
    const recording = recordingFetch();
    const loader = new OllamaLoader({ fetch: recording.fetch });
    const [qwen, llama] = MODELS.map((name) => loader.wrap(createOpenAICompatibleModel({ baseUrl: target.url, model: name }), target.url, name));

    // Generator, refiner, generator again: each switch unloads the other model on this machine.
    for (const model of [qwen!, llama!, qwen!]) {
      const started = performance.now();
      await model.prepare!();
      expect(performance.now() - started).toBeGreaterThanOrEqual(LOAD_MS - 50);
      expect(await firstTokenMs(model as ReturnType<typeof createOpenAICompatibleModel>)).toBeLessThan(LOAD_MS / 2);
    }
    expect(recording.asked).toEqual(Array.from({ length: 3 }, () => ['GET /api/ps', 'POST /api/generate']).flat());

    // Loaded already: asked, not loaded again.
    await qwen!.prepare!();
    expect(recording.asked.slice(6)).toEqual(['GET /api/ps']);
  });

  it('without it, the call itself waits for the load (what the time cap was charged)', async () => {
    const target = await serve({ ollama: OLLAMA });
    const model = createOpenAICompatibleModel({ baseUrl: target.url, model: MODELS[0]! });
    expect(await firstTokenMs(model)).toBeGreaterThanOrEqual(LOAD_MS - 50);
  });

  it('asks a server that is not Ollama once per run, and never loads anything there', async () => {
    const target = await serve({});
    const recording = recordingFetch();
    const loader = new OllamaLoader({ fetch: recording.fetch });
    const model = loader.wrap(createOpenAICompatibleModel({ baseUrl: target.url, model: MODELS[1]! }), target.url, MODELS[1]!);
    for (let i = 0; i < 3; i++) await model.prepare!();
    expect(recording.asked).toEqual(['GET /api/ps']);
    expect(target.requests).toEqual([]);
  });

  it('leaves a load that fails to the call, which reports what went wrong', async () => {
    const target = await serve({ ollama: OLLAMA });
    const loader = new OllamaLoader();
    const missing = loader.wrap(createOpenAICompatibleModel({ baseUrl: target.url, model: 'no-such-model' }), target.url, 'no-such-model');
    await expect(missing.prepare!()).resolves.toBeUndefined();
    await expect(missing.chat(messages, sampling)).rejects.toThrow(/no-such-model/);
  });
});

describe('a pause during the first question to the server', () => {
  it('does not leave the run taking the server for one that is not Ollama', async () => {
    const target = await serve({ ollama: OLLAMA });
    const asked: string[] = [];
    // Each request a little late, so that the pause lands while /api/ps is on its way.
    const slow: typeof globalThis.fetch = async (input, init) => {
      asked.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return globalThis.fetch(input, init);
    };
    const loader = new OllamaLoader({ fetch: slow });
    const model = loader.wrap(createOpenAICompatibleModel({ baseUrl: target.url, model: MODELS[0]! }), target.url, MODELS[0]!);
    const pause = new AbortController();
    const first = model.prepare!(pause.signal);
    await new Promise((resolve) => setTimeout(resolve, 10));
    pause.abort();
    await first;
    // Resumed: the same run's model asks again, and loads.
    await model.prepare!();
    expect(asked).toEqual(['GET /api/ps', 'GET /api/ps', 'POST /api/generate']);
  });
});
