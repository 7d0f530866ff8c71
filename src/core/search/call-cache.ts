/**
 * Keys for a cache of model calls. A search evaluates elites again every generation and clones
 * share nodes, so at temperature 0 (greedy decoding: the same request gives the same reply) many
 * calls repeat exactly; the runner can answer those from the cache instead of the model. Above 0
 * a reply is a draw, and reusing one would silently turn k evaluations into one: no key.
 */
import type { ChatMessage, SamplingOptions } from '../ports.ts';
import { sha256Hex } from '../sha256.ts';

const KEY_FORMAT = 1;

/**
 * The exact request as a canonical string (fixed field order), or null when the call is not
 * deterministic. `model` should be the engine's model id (a WebLLM build or an endpoint's model
 * name), not a study key that maps to different builds on different GPUs.
 */
export function cacheKey(model: string, messages: readonly ChatMessage[], sampling: SamplingOptions): string | null {
  if (sampling.temperature !== 0) return null;
  return JSON.stringify([
    KEY_FORMAT,
    model,
    messages.map((m) => [m.role, m.content]),
    sampling.max_tokens,
    sampling.top_p ?? null,
    sampling.stop ?? null,
    sampling.seed ?? null,
  ]);
}

/** A short fixed-length form of a key (SHA-256, hex), for stores that prefer small keys. */
export async function cacheKeyDigest(key: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(key));
}
