import { afterEach, describe, expect, it } from 'vitest';
import { modelVersion, prebuiltAppConfig, type AppConfig } from '@mlc-ai/web-llm';
import { buildWebLLMCatalog } from '../../../src/llm/model-catalog.ts';
import { MODEL_SETTINGS_KEY, readSavedModelSettings } from '../../../src/llm/saved-model-source.ts';
import { extractPrebuilt } from '../../../src/llm/webllm-prebuilt.ts';
import { resetSharedWebLLMSession, sharedWebLLMSession } from '../../../src/llm/webllm-session.ts';
import { FakeHandlerWorker } from './fake-webllm-worker.ts';

const catalog = buildWebLLMCatalog(extractPrebuilt(prebuiltAppConfig.model_list, 'test', modelVersion));
const MODEL = 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC';

function storageWith(value: unknown) {
  return { getItem: (key: string) => (key === MODEL_SETTINGS_KEY ? JSON.stringify(value) : null) };
}

afterEach(() => resetSharedWebLLMSession());

describe("the tab's one WebLLM engine", () => {
  it('fetches from the mirror saved on the Models page even when another page creates it first (a study after a reload)', async () => {
    const worker = new FakeHandlerWorker();
    const session = sharedWebLLMSession(catalog, {
      settings: storageWith({ weightsBaseUrl: 'https://hf-mirror.example', librariesBaseUrl: 'https://libs.example/v1/', memoryBudgetMB: 4096 }),
      createWorker: () => worker,
    });
    await session.host.load([MODEL]);
    const config = worker.sent.find((message) => message.kind === 'setAppConfig')?.content as AppConfig | undefined;
    const record = config?.model_list.find((r) => r.model_id === MODEL);
    expect(record?.model).toBe(`https://hf-mirror.example/mlc-ai/${MODEL}`);
    expect(record?.model_lib).toMatch(/^https:\/\/libs\.example\/v1\/[^/]+\.wasm$/);
  });

  it('reads nothing it cannot use: no storage, bad JSON or an older shape give the defaults', () => {
    expect(readSavedModelSettings(undefined)).toEqual({ weightsBaseUrl: '', librariesBaseUrl: '', memoryBudgetMB: null });
    expect(readSavedModelSettings({ getItem: () => '{oops' }).weightsBaseUrl).toBe('');
    expect(readSavedModelSettings(storageWith({ weightsBaseUrl: 7, memoryBudgetMB: '2048' }))).toEqual({
      weightsBaseUrl: '',
      librariesBaseUrl: '',
      memoryBudgetMB: null,
    });
  });
});
