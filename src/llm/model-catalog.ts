/**
 * Which of WebLLM's prebuilt models the app offers, and in what role. The table says only which
 * models and what the study called them; every number (memory, context, features) comes from
 * the installed WebLLM's own `prebuiltAppConfig` (see `webllm-prebuilt.ts`).
 */
import { buildCatalog, type CatalogEntry, type FamilyRule, type StudyRole } from '../core/llm/catalog.ts';
import type { WebLLMRecordFacts } from '../core/llm/catalog.ts';
import type { WebLLMPrebuilt } from './webllm-prebuilt.ts';

export const MODEL_FAMILIES: readonly FamilyRule[] = [
  // The study's search pool (Ollama Q4_K_M in the paper).
  { key: 'gemma3-1b-it', family: 'Gemma 3', role: 'search-pool', codeSpecialised: false, studyName: 'gemma3:1b' },
  { key: 'Qwen2.5-1.5B-Instruct', family: 'Qwen2.5', role: 'search-pool', codeSpecialised: false, studyName: 'qwen2.5:1.5b' },
  { key: 'Llama-3.2-3B-Instruct', family: 'Llama 3.2', role: 'search-pool', codeSpecialised: false, studyName: 'llama3.2:3b' },
  // Outside baseline and the text-only baseline.
  { key: 'Qwen2.5-Coder-3B-Instruct', family: 'Qwen2.5-Coder', role: 'baseline', codeSpecialised: true, studyName: 'qwen2.5-coder:3b' },
  { key: 'Qwen2.5-3B-Instruct', family: 'Qwen2.5', role: 'text-only-baseline', codeSpecialised: false, studyName: 'qwen2.5:3b' },
  // Extras in the study's size range, for extending it.
  { key: 'Qwen2.5-Coder-0.5B-Instruct', family: 'Qwen2.5-Coder', role: 'extra', codeSpecialised: true },
  { key: 'Qwen2.5-Coder-1.5B-Instruct', family: 'Qwen2.5-Coder', role: 'extra', codeSpecialised: true },
  { key: 'Qwen2.5-0.5B-Instruct', family: 'Qwen2.5', role: 'extra', codeSpecialised: false },
  { key: 'Llama-3.2-1B-Instruct', family: 'Llama 3.2', role: 'extra', codeSpecialised: false },
  { key: 'SmolLM2-1.7B-Instruct', family: 'SmolLM2', role: 'extra', codeSpecialised: false },
  // The id says 2b; the model has 2.6 B parameters.
  { key: 'gemma-2-2b-it', family: 'Gemma 2', role: 'extra', codeSpecialised: false, parametersB: 2.6 },
  // "mini" is 3.8 B parameters.
  { key: 'Phi-3.5-mini-instruct', family: 'Phi-3.5', role: 'extra', codeSpecialised: false, parametersB: 3.8 },
];

export const ROLE_LABELS: Record<StudyRole, string> = {
  'search-pool': 'search pool',
  baseline: 'baseline',
  'text-only-baseline': 'text-only baseline',
  extra: 'extra',
};

export interface WebLLMCatalog {
  webllmVersion: string;
  entries: CatalogEntry[];
  /** Table rows the installed WebLLM does not ship (a newer WebLLM may have renamed them). */
  missing: string[];
  /** WebLLM's records of the catalogued builds, to hand to the engine as its `appConfig`. */
  records: WebLLMRecordFacts[];
}

export function buildWebLLMCatalog(prebuilt: WebLLMPrebuilt, families: readonly FamilyRule[] = MODEL_FAMILIES): WebLLMCatalog {
  const { entries, missing } = buildCatalog(prebuilt.records, families);
  const ids = new Set(entries.flatMap((entry) => Object.values(entry.builds).map((build) => build.modelId)));
  return {
    webllmVersion: prebuilt.webllmVersion,
    entries,
    missing,
    records: prebuilt.records.filter((record) => ids.has(record.model_id)),
  };
}

/** Finds the entry a WebLLM model id belongs to. */
export function entryForModelId(catalog: WebLLMCatalog, modelId: string): CatalogEntry | undefined {
  return catalog.entries.find((entry) => Object.values(entry.builds).some((build) => build.modelId === modelId));
}
