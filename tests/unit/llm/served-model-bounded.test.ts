/**
 * What Ollama's native API says about a model is asked beside the study's calls. A server that
 * answers `/api/show` with a body that never ends (a broken proxy, a hostile host) must not grow the
 * tab or the command line for the question's five seconds: the answer is read to 4 MB, and the
 * record says the model could not be described, with the reason.
 */
import { describe, expect, it } from 'vitest';
import { probeServedModel, SERVED_MODEL_BYTE_LIMIT } from '../../../src/llm/served-model.ts';

/** A body of `chunk` repeated without end, counting what the reader pulled. */
function endless(chunk: Uint8Array, pulled: { bytes: number; cancelled: boolean }): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      pulled.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      pulled.cancelled = true;
    },
  });
}

describe('asking Ollama about the model it served', () => {
  it('stops reading an endless /api/show at its limit and says why the quantisation is unknown', async () => {
    const pulled = { bytes: 0, cancelled: false };
    const chunk = new TextEncoder().encode('{"details":{"pad":"' + 'x'.repeat(64 * 1024));
    const fetchImpl: typeof fetch = async (input) => {
      const path = new URL(String(input)).pathname;
      if (path === '/api/ps') return new Response(JSON.stringify({ models: [{ name: 'qwen2.5-coder:1.5b', context_length: 4096, size: 1, size_vram: 1 }] }));
      return new Response(endless(chunk, pulled), { status: 200 });
    };
    const report = await probeServedModel('http://127.0.0.1:11434/v1', 'qwen2.5-coder:1.5b', { fetch: fetchImpl });
    expect(report.server).toBe('ollama');
    expect(report.contextTokens).toBe(4096);
    expect(report.quantization).toBeNull();
    expect(report.unknownBecause).toBe('Ollama did not describe the model: /api/show answered with more than 4 MB');
    expect(pulled.bytes).toBeLessThan(SERVED_MODEL_BYTE_LIMIT + 4 * chunk.byteLength);
    expect(pulled.cancelled).toBe(true);
  });

  it('still reads an honest /api/show with a long licence', async () => {
    const licence = 'Permission is granted… '.repeat(20_000);
    const fetchImpl: typeof fetch = async (input) => {
      const path = new URL(String(input)).pathname;
      if (path === '/api/ps') return new Response(JSON.stringify({ models: [{ name: 'qwen2.5-coder:1.5b', context_length: 4096 }] }));
      return new Response(JSON.stringify({ license: licence, details: { quantization_level: 'Q4_K_M', parameter_size: '1.5B' } }));
    };
    const report = await probeServedModel('http://127.0.0.1:11434/v1', 'qwen2.5-coder:1.5b', { fetch: fetchImpl });
    expect(report.quantization).toBe('Q4_K_M');
    expect(report.parameterSize).toBe('1.5B');
    expect(report.unknownBecause).toBeNull();
  });
});
