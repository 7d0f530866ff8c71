/**
 * The part of WebLLM's `prebuiltAppConfig` the app needs, as plain JSON.
 *
 * Importing anything from `@mlc-ai/web-llm` in the page pulls its whole 6 MB bundle (it does not
 * tree-shake; measured: importing only `prebuiltAppConfig` gave a 6.07 MB chunk). So the model
 * list is read from the installed package at build time (see `webllm-prebuilt-plugin.ts`) and
 * only the worker loads WebLLM itself.
 */
import type { WebLLMRecordFacts } from '../core/llm/catalog.ts';

export interface WebLLMPrebuilt {
  /** Version of the installed `@mlc-ai/web-llm`, recorded in results. */
  webllmVersion: string;
  /** WebLLM's `modelVersion`: which compiled model libraries this package pairs with. */
  modelLibVersion: string;
  records: WebLLMRecordFacts[];
}

/** The subset of WebLLM's `ModelRecord` read here (its own type would need the package). */
interface ModelRecordLike {
  model: string;
  model_id: string;
  model_lib: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  buffer_size_required_bytes?: number;
  required_features?: string[];
  overrides?: { context_window_size?: number };
  model_type?: number;
}

export function extractPrebuilt(
  modelList: readonly ModelRecordLike[],
  webllmVersion: string,
  modelLibVersion: string,
): WebLLMPrebuilt {
  const records = modelList.map((record): WebLLMRecordFacts => {
    const facts: WebLLMRecordFacts = { model_id: record.model_id, model: record.model, model_lib: record.model_lib };
    if (record.vram_required_MB !== undefined) facts.vram_required_MB = record.vram_required_MB;
    if (record.low_resource_required !== undefined) facts.low_resource_required = record.low_resource_required;
    if (record.buffer_size_required_bytes !== undefined) facts.buffer_size_required_bytes = record.buffer_size_required_bytes;
    if (record.required_features !== undefined) facts.required_features = [...record.required_features];
    if (record.overrides?.context_window_size !== undefined) facts.context_window_size = record.overrides.context_window_size;
    if (record.model_type !== undefined) facts.model_type = record.model_type;
    return facts;
  });
  return { webllmVersion, modelLibVersion, records };
}
