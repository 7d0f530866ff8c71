/**
 * WebLLM's `appConfig` for the catalogued builds, optionally pointed at another place for the
 * model files: a Hugging Face mirror that keeps the `<org>/<model>/resolve/main/` layout
 * (hf-mirror.com, a lab's own server), or a local server in tests so nothing reaches the internet.
 */
import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';
import type { WebLLMRecordFacts } from '../core/llm/catalog.ts';

export interface ModelFileSource {
  /** Replaces `https://huggingface.co` in each record's weights URL. */
  weightsBaseUrl?: string;
  /** Replaces the directory of each record's compiled model library (`model_lib`). */
  librariesBaseUrl?: string;
}

const HUGGING_FACE = 'https://huggingface.co';

export function toAppConfig(records: readonly WebLLMRecordFacts[], source: ModelFileSource = {}): AppConfig {
  return { model_list: records.map((record) => toModelRecord(record, source)) };
}

function toModelRecord(facts: WebLLMRecordFacts, source: ModelFileSource): ModelRecord {
  const record: ModelRecord = {
    model: rebase(facts.model, HUGGING_FACE, source.weightsBaseUrl),
    model_id: facts.model_id,
    model_lib: source.librariesBaseUrl ? joinUrl(source.librariesBaseUrl, lastSegment(facts.model_lib)) : facts.model_lib,
  };
  if (facts.vram_required_MB !== undefined) record.vram_required_MB = facts.vram_required_MB;
  if (facts.low_resource_required !== undefined) record.low_resource_required = facts.low_resource_required;
  if (facts.buffer_size_required_bytes !== undefined) record.buffer_size_required_bytes = facts.buffer_size_required_bytes;
  if (facts.required_features !== undefined) record.required_features = [...facts.required_features];
  if (facts.context_window_size !== undefined) record.overrides = { context_window_size: facts.context_window_size };
  // model_type stays unset: the catalogue holds chat models only, WebLLM's default type.
  return record;
}

function rebase(url: string, from: string, to: string | undefined): string {
  if (!to || !url.startsWith(from)) return url;
  return joinUrl(to, url.slice(from.length));
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function lastSegment(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** The directory WebLLM reads a model's files from (its `cleanModelUrl`): `…/resolve/main/`. */
export function modelFilesUrl(modelUrl: string): string {
  let url = modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`;
  if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
  return url;
}
