import { describe, expect, it } from 'vitest';
import { prebuiltAppConfig, modelVersion } from '@mlc-ai/web-llm';
import { estimateDownloadBytes } from '../../../src/core/llm/catalog.ts';
import { buildWebLLMCatalog, entryForModelId } from '../../../src/llm/model-catalog.ts';
import { toAppConfig } from '../../../src/llm/webllm-app-config.ts';
import { extractPrebuilt } from '../../../src/llm/webllm-prebuilt.ts';
import { weightsToDownload } from '../../../src/llm/weights-to-download.ts';
import { MemoryCaches } from '../../support/memory-caches.ts';

const catalog = buildWebLLMCatalog(extractPrebuilt(prebuiltAppConfig.model_list, 'test', modelVersion));
const LLAMA = 'Llama-3.2-1B-Instruct-q4f16_1-MLC';
const QWEN = 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC';

/** Stores `present` of a build's `shards` weight files (and its config and library), as WebLLM does. */
function store(storage: MemoryCaches, modelId: string, shards: number, present = shards) {
  const record = toAppConfig(catalog.records).model_list.find((r) => r.model_id === modelId)!;
  const base = `${record.model}/resolve/main/`;
  const manifest = { records: Array.from({ length: shards }, (_, i) => ({ dataPath: `params_shard_${i}.bin` })) };
  storage.put('webllm/model', `${base}tensor-cache.json`, JSON.stringify(manifest));
  for (let i = 0; i < present; i++) storage.put('webllm/model', `${base}params_shard_${i}.bin`, new Uint8Array(1000));
  storage.put('webllm/config', `${base}mlc-chat-config.json`, '{}');
  storage.put('webllm/wasm', record.model_lib, new Uint8Array(500));
}

function estimate(modelId: string): number {
  const entry = entryForModelId(catalog, modelId)!;
  return estimateDownloadBytes(entry, 'q4f16_1');
}

describe('the weights a study would download first', () => {
  it('names every build not completely cached, with what is left of its estimated size, and leaves out the downloaded ones', async () => {
    const storage = new MemoryCaches();
    store(storage, LLAMA, 3);
    store(storage, QWEN, 4, 1);
    expect(await weightsToDownload(catalog, [LLAMA, QWEN, QWEN], { storage })).toEqual([{ modelId: QWEN, bytes: expect.any(Number) }]);
    const [qwen] = await weightsToDownload(catalog, [QWEN], { storage });
    expect(qwen!.bytes).toBeLessThan(estimate(QWEN));
    expect(qwen!.bytes).toBeGreaterThan(estimate(QWEN) - 10_000);
  });

  it('counts nothing as cached without Cache Storage, and gives no size for a build the catalogue does not know', async () => {
    expect(await weightsToDownload(catalog, [LLAMA, 'Someones-Own-7B-q4f16_1-MLC'])).toEqual([
      { modelId: LLAMA, bytes: estimate(LLAMA) },
      { modelId: 'Someones-Own-7B-q4f16_1-MLC', bytes: undefined },
    ]);
  });

  it('looks where the model files come from now: a copy from Hugging Face does not count once a mirror is set', async () => {
    const storage = new MemoryCaches();
    store(storage, LLAMA, 2);
    expect(await weightsToDownload(catalog, [LLAMA], { storage })).toEqual([]);
    expect(await weightsToDownload(catalog, [LLAMA], { storage, source: { weightsBaseUrl: 'http://127.0.0.1:9' } })).toEqual([
      { modelId: LLAMA, bytes: expect.any(Number) },
    ]);
  });
});
