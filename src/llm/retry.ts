/**
 * When to try a failed request again and how long to wait first. Transient failures (the
 * connection dropped, the server was briefly overloaded) deserve a few patient retries; anything
 * else is reported at once, because retrying a wrong URL or key only delays the explanation.
 */

export interface BackoffPolicy {
  /** Delay before the first retry; it doubles for each further one. */
  baseDelayMs: number;
  /** Ceiling on a single backoff delay. */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so clients
 * that failed together do not retry together, yet never retry immediately.
 * `retryIndex` is 0 before the first retry.
 */
export function backoffDelayMs(
  retryIndex: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Statuses that mean "try again later": rate limiting and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: either delta-seconds or an HTTP
 * date (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}
