/**
 * The one WebLLM engine of this tab. A GPU holds few models, so the Models page, the playground
 * and a study run share a single worker rather than each loading their own copy.
 */
import type { CatalogEntry, ModelBuild } from '../core/llm/catalog.ts';
import { toAppConfig, type ModelFileSource } from './webllm-app-config.ts';
import { createModuleWorker, WebLLMEngineHost, type EngineWorkerFactory } from './webllm-engine.ts';
import { WebLLMModels, type ResidencyOptions } from './webllm-language-model.ts';
import type { WebLLMCatalog } from './model-catalog.ts';
import { browserSettings, readSavedModelSettings, savedSource, type SettingsReader } from './saved-model-source.ts';

export interface WebLLMSession {
  host: WebLLMEngineHost;
  models: WebLLMModels;
  /** Points the engine at another place for the model files; takes effect at the next load. */
  setSource(source: ModelFileSource): void;
  /** Changes the GPU memory budget used to decide whether two models stay loaded. */
  setMemoryBudgetMB(budget: number | undefined): void;
  /**
   * Hears the loads a `LanguageModel` call starts on its own (a model not yet on the GPU is
   * downloaded or read from cache first), so a study page can show that progress.
   */
  onLoadProgress(listener: ResidencyOptions['onProgress']): void;
}

export function buildLookup(entries: readonly CatalogEntry[]): (modelId: string) => ModelBuild | undefined {
  const builds = new Map(entries.flatMap((entry) => Object.values(entry.builds).map((build) => [build.modelId, build] as const)));
  return (modelId) => builds.get(modelId);
}

export function createWebLLMSession(
  catalog: WebLLMCatalog,
  options: { source?: ModelFileSource; memoryBudgetMB?: number; createWorker?: EngineWorkerFactory } = {},
): WebLLMSession {
  const host = new WebLLMEngineHost({
    createWorker: options.createWorker ?? createModuleWorker,
    appConfig: toAppConfig(catalog.records, options.source),
  });
  const residency: ResidencyOptions = { buildOf: buildLookup(catalog.entries), memoryBudgetMB: options.memoryBudgetMB };
  const models = new WebLLMModels(host, residency);
  return {
    host,
    models,
    setSource: (source) => host.setAppConfig(toAppConfig(catalog.records, source)),
    setMemoryBudgetMB: (budget) => {
      residency.memoryBudgetMB = budget;
    },
    onLoadProgress: (listener) => {
      if (listener) residency.onProgress = listener;
      else delete residency.onProgress;
    },
  };
}

let shared: WebLLMSession | undefined;

/**
 * The tab's engine, created on first use (the worker itself starts at the first load), with the
 * model-file location and memory budget saved on the Models page, whichever page asks first.
 */
export function sharedWebLLMSession(
  catalog: WebLLMCatalog,
  options: { settings?: SettingsReader | undefined; createWorker?: EngineWorkerFactory } = {},
): WebLLMSession {
  if (!shared) {
    const saved = readSavedModelSettings('settings' in options ? options.settings : browserSettings());
    shared = createWebLLMSession(catalog, {
      source: savedSource(saved),
      ...(saved.memoryBudgetMB === null ? {} : { memoryBudgetMB: saved.memoryBudgetMB }),
      ...(options.createWorker ? { createWorker: options.createWorker } : {}),
    });
  }
  return shared;
}

/** Forgets the tab's engine, for tests that build it more than once. */
export function resetSharedWebLLMSession(): void {
  shared?.host.dispose();
  shared = undefined;
}
