import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/core/ports.ts';
import { servedModelSentence } from '../../../src/core/results/served-model-text.ts';
import { createOpenAICompatibleModel } from '../../../src/llm/openai-compatible.ts';
import { probeServedModel, ServedModelLog } from '../../../src/llm/served-model.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeServerOptions } from '../../support/fake-openai-server.ts';

const messages: ChatMessage[] = [{ role: 'user', content: 'Write add(a, b).' }];
const sampling = { temperature: 0.2, max_tokens: 64 };
const OLLAMA = { contextLength: 4096, quantization: 'Q4_K_M', parameterSize: '3.2B', sizeBytes: 3_200_000_000, sizeVramBytes: 3_200_000_000 };

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: FakeServerOptions): Promise<FakeOpenAIServer> {
  server = await startFakeOpenAIServer({ reply: 'def add(a, b):\n    return a + b\n', models: ['llama3.2:3b'], ...options });
  return server;
}

/** A run's model as the study and `feedback-lab run` bind it: watched, then asked once. */
async function runOnce(target: FakeOpenAIServer, calls = 1) {
  let asked = 0;
  const log = new ServedModelLog({
    probe: (endpoint, name, apiKey) => {
      asked++;
      return probeServedModel(endpoint, name, apiKey ? { apiKey } : {});
    },
  });
  const model = log.watch(createOpenAICompatibleModel({ baseUrl: target.url, model: 'llama3.2:3b' }), target.url, 'llama3.2:3b');
  for (let i = 0; i < calls; i++) await model.chat(messages, sampling);
  await log.settled();
  expect(asked).toBe(1);
  return log.reports();
}

describe('what an endpoint says about the model it served', () => {
  it('records the context, memory and quantisation Ollama reports for the loaded model, asked once however many calls', async () => {
    const target = await serve({ ollama: OLLAMA });
    const reports = await runOnce(target, 3);
    expect(reports).toEqual([
      {
        endpoint: target.url,
        model: 'llama3.2:3b',
        server: 'ollama',
        contextTokens: 4096,
        sizeBytes: 3_200_000_000,
        gpuBytes: 3_200_000_000,
        quantization: 'Q4_K_M',
        parameterSize: '3.2B',
        unknownBecause: null,
        askedAt: expect.any(String) as string,
      },
    ]);
    expect(servedModelSentence(reports[0]!)).toBe('llama3.2:3b ran on Ollama with a 4096-token context (Q4_K_M, 3.2B parameters; 3.2 GB, all on the GPU).');
  });

  it('says plainly that another server did not describe the model', async () => {
    const target = await serve({});
    const [report] = await runOnce(target);
    expect(report).toMatchObject({ server: null, contextTokens: null, quantization: null });
    expect(report?.unknownBecause).toMatch(/it has no \/api\/ps \(it is not Ollama/);
    expect(servedModelSentence(report!)).toMatch(
      new RegExp(`^llama3\\.2:3b ran on ${target.url.replace(/[.]/g, '\\.')}; the context it ran with is unknown: the server did not describe the model: it has no /api/ps`),
    );
  });

  it('says so when the endpoint refuses to describe it', async () => {
    const target = await serve({ ollama: 'refuse' });
    const [report] = await runOnce(target);
    expect(report).toMatchObject({ server: null, contextTokens: null });
    expect(report?.unknownBecause).toBe('the server did not describe the model: /api/ps answered HTTP 403 Forbidden');
  });

  it('keeps the quantisation of a model Ollama no longer lists as loaded, and says why its context is unknown', async () => {
    const target = await serve({ ollama: OLLAMA });
    // Nothing asked for it yet: Ollama lists only loaded models.
    const report = await probeServedModel(target.url, 'llama3.2:3b');
    expect(report).toMatchObject({ server: 'ollama', contextTokens: null, quantization: 'Q4_K_M', parameterSize: '3.2B' });
    expect(report.unknownBecause).toMatch(/Ollama did not list llama3\.2:3b as loaded when asked/);
    expect(servedModelSentence(report)).toMatch(/^llama3\.2:3b ran on Ollama \(Q4_K_M, 3\.2B parameters\); the context it ran with is unknown: Ollama did not list/);
  });

  it('says when an older Ollama does not report the context', async () => {
    const { contextLength: _dropped, ...older } = OLLAMA;
    const target = await serve({ ollama: older });
    const [report] = await runOnce(target);
    expect(report).toMatchObject({ server: 'ollama', contextTokens: null, quantization: 'Q4_K_M', sizeBytes: 3_200_000_000 });
    expect(report?.unknownBecause).toMatch(/this Ollama does not report the context a model runs with/);
  });

  it('matches a model asked for without a tag to Ollama’s `:latest`', async () => {
    const target = await serve({ ollama: OLLAMA, models: ['llama3.2', 'llama3.2:latest'] });
    await createOpenAICompatibleModel({ baseUrl: target.url, model: 'llama3.2:latest' }).chat(messages, sampling);
    const report = await probeServedModel(target.url, 'llama3.2');
    expect(report.contextTokens).toBe(4096);
  });
});
