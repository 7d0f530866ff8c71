import type { ChatUsage } from '../ports.ts';

/** Clock readings of one completion, in milliseconds on one monotonic clock (performance.now()). */
export interface CompletionTimes {
  startedMs: number;
  /** When the first text delta arrived; undefined when no text arrived at all. */
  firstTokenMs: number | undefined;
  endedMs: number;
}

/**
 * Usage as the port defines it. Decode speed counts the tokens after the first one over the
 * time after the first one, so prompt processing and model loading stay out of it (they are in
 * `timeToFirstTokenMs`).
 */
export function measureUsage(
  times: CompletionTimes,
  tokens: { promptTokens: number; completionTokens: number },
): ChatUsage {
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
  };
}
