/**
 * The study's model names (Ollama tags, Q4_K_M) and the WebLLM builds that stand in for them in
 * the browser. Pipelines and presets use the study's names as model keys so a study link reads
 * the same whether it runs on WebLLM or against an Ollama endpoint; the runner maps the key.
 */

export type StudyModelKey = 'gemma3:1b' | 'qwen2.5:1.5b' | 'llama3.2:3b' | 'qwen2.5-coder:3b' | 'qwen2.5:3b';

export interface StudyModel {
  key: StudyModelKey;
  label: string;
  /** Where the model sits in the study. */
  role: 'search-pool' | 'coder-baseline' | 'text-only-baseline';
  /** WebLLM build for GPUs with `shader-f16`. */
  webllmF16: string;
  /** WebLLM build for GPUs without it; null when WebLLM 0.2.86 ships none (gemma3-1b). */
  webllmF32: string | null;
}

export const STUDY_MODELS: readonly StudyModel[] = [
  {
    key: 'gemma3:1b',
    label: 'Gemma 3 1B',
    role: 'search-pool',
    webllmF16: 'gemma3-1b-it-q4f16_1-MLC',
    webllmF32: null,
  },
  {
    key: 'qwen2.5:1.5b',
    label: 'Qwen2.5 1.5B',
    role: 'search-pool',
    webllmF16: 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
    webllmF32: 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC',
  },
  {
    key: 'llama3.2:3b',
    label: 'Llama 3.2 3B',
    role: 'search-pool',
    webllmF16: 'Llama-3.2-3B-Instruct-q4f16_1-MLC',
    webllmF32: 'Llama-3.2-3B-Instruct-q4f32_1-MLC',
  },
  {
    key: 'qwen2.5-coder:3b',
    label: 'Qwen2.5-Coder 3B',
    role: 'coder-baseline',
    webllmF16: 'Qwen2.5-Coder-3B-Instruct-q4f16_1-MLC',
    webllmF32: 'Qwen2.5-Coder-3B-Instruct-q4f32_1-MLC',
  },
  {
    key: 'qwen2.5:3b',
    label: 'Qwen2.5 3B',
    role: 'text-only-baseline',
    webllmF16: 'Qwen2.5-3B-Instruct-q4f16_1-MLC',
    webllmF32: 'Qwen2.5-3B-Instruct-q4f32_1-MLC',
  },
];

/** The study's NEAT search pool. */
export const SEARCH_POOL: readonly StudyModelKey[] = STUDY_MODELS.filter((m) => m.role === 'search-pool').map((m) => m.key);

export function studyModel(key: string): StudyModel | undefined {
  return STUDY_MODELS.find((m) => m.key === key);
}

/**
 * The WebLLM model id for a model key: a study name maps through the table (f32 build when the
 * GPU lacks `shader-f16`, or null when there is none); any other key is taken to be a WebLLM id
 * already and is returned unchanged.
 */
export function webllmIdFor(key: string, shaderF16: boolean): string | null {
  const model = studyModel(key);
  if (!model) return key;
  return shaderF16 ? model.webllmF16 : model.webllmF32;
}

/** The study name of a WebLLM id from the table, so results can be read next to the paper's. */
export function studyKeyForWebllmId(id: string): StudyModelKey | undefined {
  return STUDY_MODELS.find((m) => m.webllmF16 === id || m.webllmF32 === id)?.key;
}
