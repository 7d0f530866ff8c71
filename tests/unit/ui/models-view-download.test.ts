/**
 * A model download takes minutes: while it runs, the tab counts it as work a reload would stop,
 * so a page of an older deploy asks before reloading (page-load-failure.ts) instead of cutting
 * the download short. Once it ends, however it ends, the tab holds nothing again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WebLLMCatalog } from '../../../src/llm/model-catalog.ts';
import type { WebLLMSession } from '../../../src/llm/webllm-session.ts';
import type { LoadProgress } from '../../../src/llm/webllm-progress.ts';
import { ModelsView } from '../../../src/ui/models/models-view.svelte.ts';
import { tabWork } from '../../../src/ui/shell/tab-work.ts';

const record = (id: string) => ({ model_id: id, model: `https://huggingface.co/mlc-ai/${id}`, model_lib: `https://example.org/${id}.wasm` });
const catalog: WebLLMCatalog = {
  webllmVersion: '0.2.86',
  entries: [],
  missing: [],
  records: [record('Qwen2.5-0.5B-Instruct-q4f32_1-MLC'), record('Llama-3.2-1B-Instruct-q4f32_1-MLC')],
};

/**
 * A view over an engine whose load ends when the test says, as it says. `loaded`: the models the
 * engine holds before; a load, like WebLLM's, drops them as it starts and holds its own once done.
 */
function viewWithPendingLoad(loaded: string[] = []) {
  let settle: (outcome: { ms: number } | Error) => void = () => undefined;
  let onProgress: (progress: LoadProgress) => void = () => undefined;
  const unloads: string[][] = [];
  const host = {
    loadedModelIds: loaded,
    load: (ids: string[], progress: (progress: LoadProgress) => void) => {
      host.loadedModelIds = [];
      onProgress = progress;
      return new Promise<{ ms: number }>((resolve, reject) => {
        settle = (outcome) => {
          if (outcome instanceof Error) return reject(outcome);
          host.loadedModelIds = ids;
          resolve(outcome);
        };
      });
    },
    unload: async () => {
      unloads.push(host.loadedModelIds);
      host.loadedModelIds = [];
    },
    cancel: () => undefined,
  };
  // Only what the view calls: the engine host's load and loaded ids, and the session's settings.
  const session = { host, setSource: () => undefined, setMemoryBudgetMB: () => undefined } as unknown as WebLLMSession;
  const cacheStorage = { has: async () => false, open: () => Promise.reject(new Error('no caches here')) };
  const view = new ModelsView({ catalog, session, probe: () => Promise.reject(new Error('not probed')), cacheStorage, settings: undefined });
  return {
    view,
    unloads,
    settle: (outcome: { ms: number } | Error) => settle(outcome),
    report: (text: string, phase: LoadProgress['phase']) => onProgress({ phase, fraction: 0.5, text }),
  };
}

afterEach(() => expect(tabWork()).toEqual([]));

describe('a model download and the tab reloading itself', () => {
  it('is work a reload would stop while it runs, and is not once it has finished', async () => {
    const { view, settle } = viewWithPendingLoad();
    const downloading = view.downloadModel('Llama-3.2-3B-Instruct-q4f16_1-MLC');
    expect(tabWork()).toEqual(['a model download']);
    settle({ ms: 1200 });
    expect(await downloading).toBe(true);
    expect(tabWork()).toEqual([]);
  });

  it('is let go when the download fails too', async () => {
    const { view, settle } = viewWithPendingLoad();
    const downloading = view.downloadModel('Llama-3.2-3B-Instruct-q4f16_1-MLC');
    expect(tabWork()).toEqual(['a model download']);
    settle(new Error('Failed to fetch'));
    expect(await downloading).toBe(false);
    expect(view.failure?.modelId).toBe('Llama-3.2-3B-Instruct-q4f16_1-MLC');
    expect(tabWork()).toEqual([]);
  });
});

describe('a download while another model is loaded', () => {
  const loadedBefore = 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC';
  const downloading = 'Llama-3.2-1B-Instruct-q4f32_1-MLC';

  it('marks nothing loaded once it starts, since the load replaces every loaded model', async () => {
    const { view, settle } = viewWithPendingLoad([loadedBefore]);
    expect(view.loadedIds).toEqual([loadedBefore]);
    const download = view.downloadModel(downloading);
    expect(view.loadedIds).toEqual([]);
    settle({ ms: 8000 });
    await download;
    expect(view.loadedIds).toEqual([downloading]);
  });

  it('refuses to delete the model loaded before, instead of unloading the new one once it has loaded', async () => {
    const { view, settle, unloads } = viewWithPendingLoad([loadedBefore]);
    const download = view.downloadModel(downloading);
    await view.deleteModel(loadedBefore);
    settle({ ms: 8000 });
    await download;
    expect(unloads).toEqual([]);
    expect(view.loadedIds).toEqual([downloading]);
    // Once it has loaded, a delete goes through: the model deleted is the one unloaded.
    await view.deleteModel(downloading);
    expect(unloads).toEqual([[downloading]]);
  });
});

describe('what the last load is said to cost', () => {
  const model = 'Llama-3.2-1B-Instruct-q4f32_1-MLC';

  it('a first download is not shown as the cost of switching models', async () => {
    const { view, settle, report } = viewWithPendingLoad();
    const download = view.downloadModel(model);
    report('Start to fetch params', 'downloading');
    report('Fetching param cache[10/40]: 512MB fetched. 25% completed, 2 secs elapsed.', 'downloading');
    settle({ ms: 95_000 });
    await download;
    expect(view.lastLoad).toBeUndefined();
  });

  it('a load from the cache is', async () => {
    const { view, settle, report } = viewWithPendingLoad();
    const load = view.downloadModel(model);
    report('Start to fetch params', 'downloading');
    report('Loading model from cache[10/40]: 512MB loaded. 25% completed, 2 secs elapsed.', 'reading-cache');
    settle({ ms: 8010 });
    await load;
    expect(view.lastLoad).toEqual({ modelId: model, ms: 8010 });
  });
});
