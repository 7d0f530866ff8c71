import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { ModelBuild } from '../../../src/core/llm/catalog.ts';
import type { StudyConfig } from '../../../src/core/study/config.ts';
import { WebLLMModels } from '../../../src/llm/webllm-language-model.ts';
import type { WebLLMSession } from '../../../src/llm/webllm-session.ts';
import { studyModels, type StudyModelDeps } from '../../../src/ui/study/study-models.ts';
import { startFakeOpenAIServer } from '../../support/fake-openai-server.ts';
import { FakeHandlerWorker, hostWith } from '../llm/fake-webllm-worker.ts';

const deps: StudyModelDeps = {
  apiKeyFor: () => undefined,
  webllm: () => Promise.reject(new Error('not used')),
};

function boundTo(baseUrl: string, id = 'fake-model'): Pick<StudyConfig, 'models'> {
  return { models: { 'llama3.2:3b': { engine: 'openai', id, baseUrl } } };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("binding a study's models to an endpoint", () => {
  it('refuses to start when nothing answers at the endpoint, saying so, instead of erroring unit after unit', async () => {
    const port = await closedPort();
    await expect(studyModels(boundTo(`http://127.0.0.1:${port}/v1`), deps)).rejects.toThrow(
      `Could not reach the language-model server at http://127.0.0.1:${port}`,
    );
  });

  it('starts when the endpoint answers, and the bound model talks to it', async () => {
    const server = await startFakeOpenAIServer({ reply: 'hello' });
    try {
      const model = await studyModels(boundTo(server.url), deps);
      const reply = await model('llama3.2:3b').chat([{ role: 'user', content: 'hi' }], { temperature: 0, max_tokens: 8 });
      expect(reply.text).toBe('hello');
    } finally {
      await server.close();
    }
  });

  it('says the server stopped answering, not how to set up CORS, when it goes away mid-study, whichever of its models asks next', async () => {
    const server = await startFakeOpenAIServer({ reply: 'hello' });
    const config = { models: { generator: { engine: 'openai' as const, id: 'fake-model', baseUrl: server.url }, refiner: { engine: 'openai' as const, id: 'fake-model', baseUrl: server.url } } };
    const model = await studyModels(config, deps);
    const hi = [{ role: 'user' as const, content: 'hi' }];
    await model('generator').chat(hi, { temperature: 0, max_tokens: 8 });
    await server.close();
    // Its three retries wait 0.25–4 s: skipped, not waited for.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let settled = false;
      const refused = expect(model('refiner').chat(hi, { temperature: 0, max_tokens: 8 })).rejects.toThrow(/^The language-model server at http:\/\/127\.0\.0\.1:\d+ stopped answering/);
      void refused.finally(() => (settled = true));
      while (!settled) {
        await new Promise((resolve) => setImmediate(resolve));
        await vi.advanceTimersByTimeAsync(1_000);
      }
      await refused;
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to start on a server that wants an API key it was not given, saying where the key goes (audit R225-4)', async () => {
    const server = await startFakeOpenAIServer({ reply: 'hello', apiKey: 'sk-right' });
    try {
      await expect(studyModels(boundTo(server.url), deps)).rejects.toThrow(/needs a valid API key \(401.*Nothing was started: type its key into API key in the form above/);
      await expect(studyModels(boundTo(server.url), { ...deps, apiKeyFor: () => 'sk-right' })).resolves.toBeTypeOf('function');
    } finally {
      await server.close();
    }
  });

  it('starts when the server answers with an error status: the first request explains it', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('no such route');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(studyModels(boundTo(`http://127.0.0.1:${port}/v1`), deps)).resolves.toBeTypeOf('function');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("binding a study's models to the in-browser engine", () => {
  const QWEN = 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC';
  const build: ModelBuild = {
    modelId: QWEN,
    quantization: 'q4f32_1',
    vramRequiredMB: 1889,
    lowResource: true,
    bufferSizeRequiredBytes: undefined,
    requiredFeatures: [],
    contextWindow: 4096,
  };

  function session(worker: FakeHandlerWorker): WebLLMSession {
    const host = hostWith(worker);
    return {
      host,
      models: new WebLLMModels(host, { buildOf: (id) => (id === QWEN ? build : undefined), memoryBudgetMB: 4096 }),
      setSource: () => undefined,
      setMemoryBudgetMB: () => undefined,
      onLoadProgress: () => undefined,
    };
  }

  it("runs the model with the study's context window, the one its result file records", async () => {
    const worker = new FakeHandlerWorker();
    const config = {
      models: { 'qwen2.5:1.5b': { engine: 'webllm' as const, id: QWEN } },
      sampling: { contextWindowTokens: 2048 },
    };
    const model = await studyModels(config, { ...deps, webllm: () => Promise.resolve(session(worker)) });
    await model('qwen2.5:1.5b').chat([{ role: 'user', content: 'hi' }], { temperature: 0, max_tokens: 8 });
    const reloads = worker.sent.filter((m) => m.kind === 'reload').map((m) => m.content);
    expect(reloads).toEqual([{ modelId: [QWEN], chatOpts: [{ context_window_size: 2048 }] }]);
  });
});
