/**
 * A model download takes minutes: while it runs, the tab counts it as work a reload would stop,
 * so a page of an older deploy asks before reloading (page-load-failure.ts) instead of cutting
 * the download short. Once it ends, however it ends, the tab holds nothing again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WebLLMCatalog } from '../../../src/llm/model-catalog.ts';
import type { WebLLMSession } from '../../../src/llm/webllm-session.ts';
import { ModelsView } from '../../../src/ui/models/models-view.svelte.ts';
import { tabWork } from '../../../src/ui/shell/tab-work.ts';

const catalog: WebLLMCatalog = { webllmVersion: '0.2.86', entries: [], missing: [], records: [] };

/** A view over an engine whose load ends when the test says, as it says. */
function viewWithPendingLoad() {
  let settle: (outcome: { ms: number } | Error) => void = () => undefined;
  const host = {
    loadedModelIds: [] as string[],
    load: () => new Promise<{ ms: number }>((resolve, reject) => (settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)))),
    cancel: () => undefined,
  };
  // Only what the view calls: the engine host's load and loaded ids, and the session's settings.
  const session = { host, setSource: () => undefined, setMemoryBudgetMB: () => undefined } as unknown as WebLLMSession;
  const view = new ModelsView({ catalog, session, probe: () => Promise.reject(new Error('not probed')), cacheStorage: undefined, settings: undefined });
  return { view, settle: (outcome: { ms: number } | Error) => settle(outcome) };
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
