/**
 * Where model files come from and the GPU memory budget, as the Models page saves them in this
 * browser. Read here, where the tab's one engine is created, and not only by the Models page:
 * a study or a presentation started after a reload, without a visit to the Models page, must
 * fetch from the same mirror the page showed as cached, not from Hugging Face.
 */
import { MIN_MEMORY_BUDGET_MB } from '../core/llm/catalog.ts';
import type { ModelFileSource } from './webllm-app-config.ts';

export const MODEL_SETTINGS_KEY = 'feedback-lab.models';

export interface SavedModelSettings {
  weightsBaseUrl: string;
  librariesBaseUrl: string;
  /** Null means "use the estimate from the device". */
  memoryBudgetMB: number | null;
}

export const NO_MODEL_SETTINGS: SavedModelSettings = { weightsBaseUrl: '', librariesBaseUrl: '', memoryBudgetMB: null };

/** The parts of `localStorage` read; undefined where storage is off. */
export interface SettingsReader {
  getItem(key: string): string | null;
}

/** The saved settings, or none; never throws (storage may be off, or hold an older shape). */
export function readSavedModelSettings(storage: SettingsReader | undefined): SavedModelSettings {
  try {
    const raw = storage?.getItem(MODEL_SETTINGS_KEY);
    if (!raw) return NO_MODEL_SETTINGS;
    const parsed = JSON.parse(raw) as Partial<Record<keyof SavedModelSettings, unknown>> | null;
    if (!parsed || typeof parsed !== 'object') return NO_MODEL_SETTINGS;
    return {
      weightsBaseUrl: typeof parsed.weightsBaseUrl === 'string' ? parsed.weightsBaseUrl : '',
      librariesBaseUrl: typeof parsed.librariesBaseUrl === 'string' ? parsed.librariesBaseUrl : '',
      // Older builds saved any number typed (0, -5), and every model then stood "over budget".
      memoryBudgetMB:
        typeof parsed.memoryBudgetMB === 'number' && Number.isFinite(parsed.memoryBudgetMB) && parsed.memoryBudgetMB >= MIN_MEMORY_BUDGET_MB
          ? parsed.memoryBudgetMB
          : null,
    };
  } catch {
    return NO_MODEL_SETTINGS;
  }
}

/** The file source the saved fields name (blank fields: WebLLM's defaults). */
export function savedSource(settings: SavedModelSettings): ModelFileSource {
  const source: ModelFileSource = {};
  if (settings.weightsBaseUrl.trim()) source.weightsBaseUrl = settings.weightsBaseUrl.trim();
  if (settings.librariesBaseUrl.trim()) source.librariesBaseUrl = settings.librariesBaseUrl.trim();
  return source;
}

/** This browser's localStorage, or undefined where it is refused (privacy settings, sandboxed frames). */
export function browserSettings(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
