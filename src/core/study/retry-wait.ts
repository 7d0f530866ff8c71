/**
 * Whether to run again a unit (or a search evaluation) whose model did not answer, and how long
 * to wait first. Shared by the study runner and the search evaluator.
 *
 * - A lasting refusal (a key, a model name, a prompt too long: core/llm/lasting-error.ts) would
 *   only fail again, later: not tried again.
 * - A rate limit (core/llm/rate-limit.ts) waits as long as the server asked (Retry-After), up to
 *   5 minutes; a server that asks for longer (a daily quota) is not tried again, since no unit
 *   could run before it resets. When the server gave no wait this app could read (a browser
 *   cannot see Retry-After unless the server exposes it), 30 s, then 60 s: a quota per minute
 *   has reset by the third attempt, where 2 s and 4 s spent all three inside the same minute.
 *   The engine has already tried the request again itself for a few seconds by then.
 * - Another failure with a wait the server asked for (a 503 with Retry-After: a model loading,
 *   maintenance) waits that long, up to the same 5 minutes, rather than 2 s and 4 s that would
 *   spend every attempt inside the wait.
 * - Anything else (an endpoint that went away, a reply that stalled) after 2 s, then 4 s: a
 *   server that restarts is back within seconds, and a user waiting on a dead one should hear soon.
 */
import { isLasting } from '../llm/lasting-error.ts';
import { rateLimitOf } from '../llm/rate-limit.ts';

/** The longest Retry-After a unit waits for. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** The longest wait after a rate limit the server gave no wait for. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/** The study runner's and the search evaluator's options of the same names. */
export interface RetryTiming {
  /** Wait after an ordinary failure, times the attempt number. Default 2 s. */
  retryDelayMs?: number;
  /**
   * First wait after a rate limit the server gave no wait for; it doubles with each attempt, up
   * to MAX_RATE_LIMIT_WAIT_MS. Default 30 s.
   */
  rateLimitDelayMs?: number;
}

export interface RetryWait {
  delayMs: number;
  /** For a rate limit: whether the wait is the server's (Retry-After) or this app's own. */
  rateLimit?: 'server-asked' | 'backoff';
  /** Not a rate limit, but the server said how long to wait (Retry-After): `delayMs` is that wait. */
  serverAsked?: true;
}

/** The wait before the run after attempt `attempt` (from 1) failed with `error`, or null when there is to be none. */
export function retryWait(error: unknown, attempt: number, timing: RetryTiming = {}): RetryWait | null {
  if (isLasting(error)) return null;
  const limited = rateLimitOf(error);
  if (limited) {
    if (limited.retryAfterMs !== undefined) {
      return limited.retryAfterMs > MAX_RETRY_AFTER_MS ? null : { delayMs: limited.retryAfterMs, rateLimit: 'server-asked' };
    }
    const firstMs = timing.rateLimitDelayMs ?? 30_000;
    return { delayMs: Math.min(MAX_RATE_LIMIT_WAIT_MS, firstMs * 2 ** (attempt - 1)), rateLimit: 'backoff' };
  }
  const askedMs = serverAskedWaitMs(error);
  if (askedMs !== undefined) return askedMs > MAX_RETRY_AFTER_MS ? null : { delayMs: askedMs, serverAsked: true };
  return { delayMs: (timing.retryDelayMs ?? 2000) * attempt };
}

/** The wait an error says its server asked for (`retryAfterMs`, as engines set it from Retry-After), if any. */
function serverAskedWaitMs(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const ms = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
