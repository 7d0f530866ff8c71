/**
 * How long an in-browser generation may stay silent, and the error for one that did. The page
 * hears from the WebLLM worker once per chunk of the reply; a GPU that hangs (a shader that never
 * finishes, a device lost without an error) or a worker that died without a word sends nothing at
 * all, and without a limit a study or a search would wait for that chunk forever.
 *
 * The limits are on silence, not on the whole reply: a long reply on a slow GPU is fine while it
 * moves. They are generous because on-device speeds vary a hundredfold: a 1B model on an
 * integrated GPU may read a 4096-token prompt for tens of seconds before its first token, a 3B
 * one for minutes; between tokens, even a slow GPU takes well under a second.
 */
import { WebLLMEngineError } from './webllm-errors.ts';

export interface GenerationStallLimits {
  /** From the request to its first chunk: clearing the chat and reading the whole prompt (prefill). */
  firstChunk: number;
  /** Between two chunks once the reply has started. */
  betweenChunks: number;
  /**
   * After the engine was asked to stop (`interruptGenerate`: the limit ran out, or the caller
   * gave up), how long it has to end the reply before its worker is ended instead. The engine
   * stops after the step it is in; a hung GPU never finishes that step.
   */
  stopGrace: number;
}

export const DEFAULT_GENERATION_STALL_LIMITS: GenerationStallLimits = {
  firstChunk: 4 * 60_000,
  betweenChunks: 60_000,
  stopGrace: 20_000,
};

/** Where the generation was when it went silent. */
export type GenerationStage = 'prompt' | 'reply';

/**
 * What became of a silent generation: the engine stopped it when asked (`stopped`), the worker
 * answered but the generation did not end, so the GPU is stuck (`gpu-stuck`), or the worker
 * answered nothing at all (`worker-silent`). The last two end the worker.
 */
export type StallOutcome = 'stopped' | 'gpu-stuck' | 'worker-silent';

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.round(seconds / 60)} minutes`;
}

export function generationStalledError(
  stage: GenerationStage,
  limitMs: number,
  outcome: StallOutcome,
  modelId: string,
): WebLLMEngineError {
  const silence =
    stage === 'prompt'
      ? `No reply began within ${duration(limitMs)} while the model read the prompt`
      : `The reply stopped: no new text for ${duration(limitMs)}`;
  const after: Record<StallOutcome, string> = {
    stopped: 'so the model was told to stop.',
    'gpu-stuck':
      'and the model did not stop when told to: the GPU or its driver stopped answering. The model worker was ended; the next call loads the model again from this browser’s cache.',
    'worker-silent':
      'and the model worker did not answer at all: it has stopped. It was ended; the next call starts a new one and loads the model again from this browser’s cache.',
  };
  return new WebLLMEngineError({
    kind: 'generation-stalled',
    title: 'The in-browser model stopped answering',
    explanation: `${silence}, ${after[outcome]}`,
    nextStep:
      outcome === 'stopped'
        ? 'Try again; if it stalls again, close other GPU-heavy tabs, or pick a smaller model or a shorter context.'
        : 'Try again; if it stalls again, close other GPU-heavy tabs or reload the page, which gives the GPU a fresh start.',
    raw: `No chunk for ${Math.round(limitMs / 1000)} s while ${stage === 'prompt' ? 'reading the prompt' : 'generating'} (${modelId}); ${outcome}`,
  });
}
