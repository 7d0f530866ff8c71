import type { ChatUsage } from '../ports.ts';

/** Clock readings of one completion, in milliseconds on one monotonic clock (performance.now()). */
export interface CompletionTimes {
  startedMs: number;
  /**
   * When the model's first output arrived: text, or reasoning a server sends apart from the text
   * (`reasoning_content`), which the model generates first. Undefined when nothing arrived.
   */
  firstTokenMs: number | undefined;
  endedMs: number;
}

export interface CompletionTokens {
  promptTokens: number;
  /** Every generated token, reasoning included. */
  completionTokens: number;
  /** How many of `completionTokens` were reasoning sent apart from the reply (0 or absent: none). */
  reasoningTokens?: number;
}

/**
 * Usage as the port defines it. Decode speed counts the tokens after the first one over the
 * time after the first one, so prompt processing and model loading stay out of it (they are in
 * `timeToFirstTokenMs`). Reasoning counts as generation on both sides: `completionTokens`
 * includes it, so the clock must start at its first token too, or a model that thought for
 * five seconds would be credited with its whole count in the seconds after it.
 */
export function measureUsage(times: CompletionTimes, tokens: CompletionTokens): ChatUsage {
  const totalMs = times.endedMs - times.startedMs;
  const firstTokenMs = times.firstTokenMs ?? times.endedMs;
  const decodeMs = times.endedMs - firstTokenMs;
  const decodeTokensPerSecond =
    tokens.completionTokens > 1 && decodeMs > 0 ? ((tokens.completionTokens - 1) * 1000) / decodeMs : 0;
  return {
    promptTokens: tokens.promptTokens,
    completionTokens: tokens.completionTokens,
    timeToFirstTokenMs: firstTokenMs - times.startedMs,
    decodeTokensPerSecond,
    totalMs,
    ...(tokens.reasoningTokens ? { reasoningTokens: tokens.reasoningTokens } : {}),
  };
}
