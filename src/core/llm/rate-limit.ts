/**
 * A server that limits how often it may be asked (HTTP 429 Too Many Requests), as core sees it.
 * Core cannot see the engines' error classes, so their errors say it themselves: an HTTP status
 * error with `status: 429`, or any error with `rateLimited: true`; and `retryAfterMs` when the
 * server said how long to wait (its Retry-After header: a page can read that header only when
 * the server exposes it to CORS, so in a browser it is usually unknown).
 *
 * The study runner and the search evaluator wait longer before running such a unit again than
 * after other failures (core/study/retry-wait.ts): a quota per minute is not over in 2 s.
 */
export interface RateLimitMark {
  readonly rateLimited?: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
}

export interface RateLimit {
  /** The wait the server asked for, when it said one this app could read. */
  retryAfterMs: number | undefined;
}

/** The rate limit `error` reports, or null when it reports none. */
export function rateLimitOf(error: unknown): RateLimit | null {
  if (typeof error !== 'object' || error === null) return null;
  const mark = error as { [K in keyof RateLimitMark]?: unknown };
  if (mark.rateLimited !== true && mark.status !== 429) return null;
  const ms = mark.retryAfterMs;
  return { retryAfterMs: typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined };
}
