import { describe, expect, it } from 'vitest';
import type { ModelBuild } from '../../../src/core/llm/catalog.ts';
import { WebLLMModels } from '../../../src/llm/webllm-language-model.ts';
import { FakeHandlerWorker, hostWith } from './fake-webllm-worker.ts';

const QWEN = 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC';
const LLAMA = 'Llama-3.2-3B-Instruct-q4f32_1-MLC';
const builds: Record<string, ModelBuild> = {
  [QWEN]: build(QWEN, 1889),
  [LLAMA]: build(LLAMA, 2952),
};
function build(modelId: string, vramRequiredMB: number): ModelBuild {
  return { modelId, quantization: 'q4f32_1', vramRequiredMB, lowResource: true, bufferSizeRequiredBytes: undefined, requiredFeatures: [], contextWindow: 4096 };
}
const messages = [{ role: 'user' as const, content: 'Write add(a, b).' }];
const sampling = { temperature: 0.3, max_tokens: 512 };

function reloads(worker: FakeHandlerWorker): unknown[] {
  return worker.sent.filter((m) => m.kind === 'reload').map((m) => m.content);
}

describe('generator and refiner on one WebLLM engine', () => {
  it('loads both at once and keeps them when their memory estimates fit the budget', async () => {
    const worker = new FakeHandlerWorker();
    const models = new WebLLMModels(hostWith(worker), { buildOf: (id) => builds[id], memoryBudgetMB: 8192 });
    models.plan([QWEN, LLAMA]);
    expect(models.keepsPlanResident()).toBe(true);
    for (let i = 0; i < 3; i++) {
      await models.model(QWEN).chat(messages, sampling);
      await models.model(LLAMA).chat(messages, sampling);
    }
    expect(reloads(worker)).toEqual([{ modelId: [QWEN, LLAMA] }]);
    expect(models.swapStats.swaps).toBe(0);
  });

  it('swaps when they do not fit, and counts what each swap cost', async () => {
    const worker = new FakeHandlerWorker();
    const models = new WebLLMModels(hostWith(worker), { buildOf: (id) => builds[id], memoryBudgetMB: 4096 });
    models.plan([QWEN, LLAMA]);
    await models.model(QWEN).chat(messages, sampling);
    await models.model(LLAMA).chat(messages, sampling);
    await models.model(QWEN).chat(messages, sampling);
    expect(reloads(worker)).toEqual([{ modelId: [QWEN] }, { modelId: [LLAMA] }, { modelId: [QWEN] }]);
    expect(models.swapStats.swaps).toBe(2);
    expect(models.swapStats.lastMs).toBeGreaterThanOrEqual(0);
  });

  it('loads a model the GPU dropped again at the next call, instead of failing every call after', async () => {
    const first = new FakeHandlerWorker();
    const second = new FakeHandlerWorker();
    const models = new WebLLMModels(hostWith(first, second), { buildOf: (id) => builds[id], memoryBudgetMB: 4096 });
    await models.model(QWEN).chat(messages, sampling);
    first.chatError = "AbortError: Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost";
    await expect(models.model(QWEN).chat(messages, sampling)).rejects.toThrow(/^The GPU ran out of memory\./);
    expect((await models.model(QWEN).chat(messages, sampling)).text).toBe('def add(a, b):\n    return a + b');
    expect(reloads(second)).toEqual([{ modelId: [QWEN] }]);
    // Loading again after a loss is not a swap between models.
    expect(models.swapStats.swaps).toBe(0);
  });

  it('loads (or swaps in) a model when asked to prepare it, so the chat that follows does not load', async () => {
    const worker = new FakeHandlerWorker();
    const models = new WebLLMModels(hostWith(worker), { buildOf: (id) => builds[id], memoryBudgetMB: 4096 });
    models.plan([QWEN, LLAMA]);
    await models.model(QWEN).prepare?.();
    expect(reloads(worker)).toEqual([{ modelId: [QWEN] }]);
    await models.model(QWEN).chat(messages, sampling);
    await models.model(LLAMA).prepare?.();
    await models.model(LLAMA).chat(messages, sampling);
    expect(reloads(worker)).toEqual([{ modelId: [QWEN] }, { modelId: [LLAMA] }]);
  });

  it("loads a model with a study's context window, and loads it again when another context is asked for", async () => {
    const worker = new FakeHandlerWorker();
    const models = new WebLLMModels(hostWith(worker), { buildOf: (id) => builds[id], memoryBudgetMB: 4096 });
    await models.model(QWEN, { contextWindowTokens: 2048 }).chat(messages, sampling);
    await models.model(QWEN, { contextWindowTokens: 2048 }).chat(messages, sampling);
    expect(reloads(worker)).toEqual([{ modelId: [QWEN], chatOpts: [{ context_window_size: 2048 }] }]);
    // The stream names the options too, so a worker that reloads on its own keeps the context.
    const init = worker.sent.filter((m) => m.kind === 'chatCompletionStreamInit').map((m) => (m.content as { chatOpts?: unknown }).chatOpts);
    expect(init).toEqual([[{ context_window_size: 2048 }], [{ context_window_size: 2048 }]]);
    // The build's own context (the paper's 4096) is loaded as WebLLM's record describes it: no options.
    await models.model(QWEN, { contextWindowTokens: 4096 }).prepare?.();
    await models.model(QWEN).chat(messages, sampling);
    expect(reloads(worker)).toEqual([{ modelId: [QWEN], chatOpts: [{ context_window_size: 2048 }] }, { modelId: [QWEN] }]);
  });

  it('does not keep two models loaded together above the context their memory estimates are for', async () => {
    const worker = new FakeHandlerWorker();
    const models = new WebLLMModels(hostWith(worker), { buildOf: (id) => builds[id], memoryBudgetMB: 8192 });
    models.plan([QWEN, LLAMA]);
    await models.model(QWEN, { contextWindowTokens: 8192 }).chat(messages, sampling);
    expect(reloads(worker)).toEqual([{ modelId: [QWEN], chatOpts: [{ context_window_size: 8192 }] }]);
    await models.model(QWEN, { contextWindowTokens: 2048 }).chat(messages, sampling);
    expect(reloads(worker).at(-1)).toEqual({ modelId: [QWEN, LLAMA], chatOpts: [{ context_window_size: 2048 }, { context_window_size: 2048 }] });
  });

  it('names each model in results as webllm:<id>', () => {
    const models = new WebLLMModels(hostWith(new FakeHandlerWorker()), { buildOf: () => undefined, memoryBudgetMB: undefined });
    expect(models.model(LLAMA).id).toBe(`webllm:${LLAMA}`);
  });
});
