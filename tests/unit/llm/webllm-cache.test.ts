import { describe, expect, it } from 'vitest';
import { deleteCachedModel, inspectModelCache } from '../../../src/llm/webllm-cache.ts';
import { MemoryCaches } from '../../support/memory-caches.ts';

const coder = {
  model_id: 'Qwen2.5-Coder-3B-Instruct-q4f32_1-MLC',
  model: 'https://huggingface.co/mlc-ai/Qwen2.5-Coder-3B-Instruct-q4f32_1-MLC',
  model_lib: 'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base/Qwen2.5-3B-Instruct-q4f32_1_cs1k-webgpu.wasm',
};
const qwen = {
  model_id: 'Qwen2.5-3B-Instruct-q4f32_1-MLC',
  model: 'https://huggingface.co/mlc-ai/Qwen2.5-3B-Instruct-q4f32_1-MLC',
  model_lib: coder.model_lib,
};
const llama = {
  model_id: 'Llama-3.2-1B-Instruct-q4f32_1-MLC',
  model: 'https://huggingface.co/mlc-ai/Llama-3.2-1B-Instruct-q4f32_1-MLC',
  model_lib: 'https://example.org/Llama-3.2-1B-Instruct-q4f32_1_cs1k-webgpu.wasm',
};

/** The record as the page sees it once the model files come from `mirror` (weights and libraries). */
function fromMirror(record: typeof coder, mirror: string): typeof coder {
  return {
    ...record,
    model: record.model.replace('https://huggingface.co', mirror),
    model_lib: `${mirror}/libs/${record.model_lib.slice(record.model_lib.lastIndexOf('/') + 1)}`,
  };
}

function store(storage: MemoryCaches, record: typeof coder, shards: number, present = shards) {
  const base = `${record.model}/resolve/main/`;
  const manifest = { records: Array.from({ length: shards }, (_, i) => ({ dataPath: `params_shard_${i}.bin` })) };
  storage.put('webllm/model', `${base}tensor-cache.json`, JSON.stringify(manifest));
  for (let i = 0; i < present; i++) storage.put('webllm/model', `${base}params_shard_${i}.bin`, new Uint8Array(1000));
  storage.put('webllm/model', `${base}tokenizer.json`, 'x'.repeat(100), { 'content-length': '100' });
  storage.put('webllm/config', `${base}mlc-chat-config.json`, '{}');
  storage.put('webllm/wasm', record.model_lib, new Uint8Array(500));
}

describe('models cached in this browser', () => {
  it('lists a fully downloaded model with its size, and a half-downloaded one as incomplete', async () => {
    const storage = new MemoryCaches();
    store(storage, coder, 3);
    store(storage, llama, 4, 2);
    const found = await inspectModelCache([coder, qwen, llama], storage);
    const manifestBytes = JSON.stringify({ records: [0, 1, 2].map((i) => ({ dataPath: `params_shard_${i}.bin` })) }).length;
    expect(found).toEqual([
      { modelId: coder.model_id, complete: true, bytes: 3000 + 100 + manifestBytes + 2 + 500 },
      { modelId: llama.model_id, complete: false, bytes: expect.any(Number) },
    ]);
  });

  it('deletes one model and keeps a compiled library another cached model shares', async () => {
    const storage = new MemoryCaches();
    store(storage, coder, 2);
    store(storage, qwen, 2);
    await deleteCachedModel(coder, [coder, qwen], storage);
    const found = await inspectModelCache([coder, qwen], storage);
    expect(found.map((m) => m.modelId)).toEqual([qwen.model_id]);
    expect(storage.stores.get('webllm/wasm')?.has(coder.model_lib)).toBe(true);
    await deleteCachedModel(qwen, [coder, qwen], storage);
    expect(await inspectModelCache([coder, qwen], storage)).toEqual([]);
    expect(storage.stores.get('webllm/wasm')?.size).toBe(0);
  });

  it('does not create caches just by looking', async () => {
    const storage = new MemoryCaches();
    expect(await inspectModelCache([coder], storage)).toEqual([]);
    expect(storage.stores.size).toBe(0);
  });

  it('after the model-file location changes, files from the old one are not taken for a download from the new one', async () => {
    const storage = new MemoryCaches();
    store(storage, coder, 3);
    const mirrored = fromMirror(coder, 'http://localhost:8000');
    const [found] = await inspectModelCache([mirrored], storage);
    // WebLLM keys files by URL: a load from the mirror downloads everything again.
    expect(found).toMatchObject({ modelId: coder.model_id, complete: false, bytes: 0 });
    expect(found?.otherSources?.bases).toEqual([`${coder.model}/resolve/main/`]);
    expect(found?.otherSources?.bytes).toBeGreaterThan(3000);
    // And back: the default location again sees its own files as complete, and the mirror's copy as another.
    store(storage, mirrored, 3);
    const [back] = await inspectModelCache([coder], storage);
    expect(back).toMatchObject({ complete: true, otherSources: { bases: ['http://localhost:8000/mlc-ai/Qwen2.5-Coder-3B-Instruct-q4f32_1-MLC/resolve/main/'] } });
  });

  it('does not call a model ready to load when its compiled library is missing from the current libraries folder', async () => {
    const storage = new MemoryCaches();
    store(storage, llama, 2);
    const otherFolder = { ...llama, model_lib: 'http://192.168.1.20:8000/libs/Llama-3.2-1B-Instruct-q4f32_1_cs1k-webgpu.wasm' };
    const [found] = await inspectModelCache([otherFolder], storage);
    expect(found?.complete).toBe(false);
  });

  it('calls a model from a mirror on localhost complete without its library, which WebLLM fetches at every load and never keeps', async () => {
    const storage = new MemoryCaches();
    const mirrored = fromMirror(llama, 'http://localhost:8000');
    store(storage, mirrored, 2);
    storage.stores.get('webllm/wasm')?.delete(mirrored.model_lib);
    const [found] = await inspectModelCache([mirrored], storage);
    expect(found).toMatchObject({ modelId: llama.model_id, complete: true, libraryFetchedEachLoad: true });
    // The same mirror by its IP address is cached like any other: there the library is needed.
    const byAddress = fromMirror(llama, 'http://127.0.0.1:8000');
    store(storage, byAddress, 2);
    storage.stores.get('webllm/wasm')?.delete(byAddress.model_lib);
    const [missing] = await inspectModelCache([byAddress], storage);
    expect(missing).toMatchObject({ complete: false });
    expect(missing?.libraryFetchedEachLoad).toBeUndefined();
  });

  it('deleting a model removes its copies from every location, library included', async () => {
    const storage = new MemoryCaches();
    store(storage, llama, 2);
    const mirrored = fromMirror(llama, 'http://localhost:8000');
    store(storage, mirrored, 2);
    await deleteCachedModel(mirrored, [mirrored], storage);
    expect(await inspectModelCache([mirrored], storage)).toEqual([]);
    expect(await inspectModelCache([llama], storage)).toEqual([]);
    expect(storage.stores.get('webllm/model')?.size).toBe(0);
    expect(storage.stores.get('webllm/config')?.size).toBe(0);
    expect(storage.stores.get('webllm/wasm')?.size).toBe(0);
  });
});
