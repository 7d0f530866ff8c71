/**
 * The Results page, `feedback-lab report` and `feedback-lab run` say what an endpoint's server ran
 * a model with. When Ollama no longer listed the model as loaded, the sentence said "the context it
 * ran with is unknown" twice over: once itself and once again at the end of the reason it quotes.
 */
import { describe, expect, it } from 'vitest';
import { probeServedModel } from '../../../src/llm/served-model.ts';
import { servedModelSentence } from '../../../src/core/results/served-model-text.ts';
import type { ResultServedModel } from '../../../src/core/results/result-file.ts';

/** An Ollama that has unloaded every model: /api/ps lists none, /api/show still describes it. */
const idleOllama: typeof fetch = async (input) => {
  const path = new URL(String(input)).pathname;
  if (path === '/api/ps') return new Response(JSON.stringify({ models: [] }), { status: 200 });
  if (path === '/api/show') return new Response(JSON.stringify({ details: { quantization_level: 'Q4_K_M', parameter_size: '3.2B' } }), { status: 200 });
  return new Response('404 page not found', { status: 404 });
};

const times = (text: string, phrase: string) => text.split(phrase).length - 1;

describe('the sentence about a model Ollama no longer lists as loaded', () => {
  it('says once that its context is unknown, and why', async () => {
    const report = await probeServedModel('http://localhost:11434/v1', 'llama3.2:3b', { fetch: idleOllama });
    const sentence = servedModelSentence(report);
    expect(sentence).toBe(
      'llama3.2:3b ran on Ollama (Q4_K_M, 3.2B parameters); the context it ran with is unknown: ' +
        'Ollama did not list llama3.2:3b as loaded when asked (it unloads a model after some idle minutes).',
    );
  });

  it('says it once too for a result file written with the older reason', () => {
    const report: ResultServedModel = {
      endpoint: 'http://localhost:11434/v1',
      model: 'llama3.2:3b',
      server: 'ollama',
      contextTokens: null,
      sizeBytes: null,
      gpuBytes: null,
      quantization: 'Q4_K_M',
      parameterSize: '3B',
      unknownBecause:
        'Ollama did not list llama3.2:3b as loaded when asked (it unloads a model after some idle minutes), so the context it ran with is unknown',
      askedAt: '2026-11-25T18:06:57.668Z',
    };
    expect(times(servedModelSentence(report), 'the context it ran with is unknown')).toBe(1);
  });
});
