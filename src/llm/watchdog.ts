/**
 * Ends a request whose server has gone quiet, so a stalled server becomes an error, never a
 * hang. Two limits: the wait for the first text (which includes model loading and prompt
 * processing, so it is long), then the silence allowed between chunks once text has started.
 */

export type WatchdogLimit = 'first-token' | 'idle';

export interface Watchdog {
  /** Which limit ran out, once the watchdog has aborted the request. */
  readonly expired: WatchdogLimit | undefined;
  /** The model's first output (text, or reasoning streamed before it) arrived: from now on the idle limit applies. */
  textStarted(): void;
  /** A chunk arrived. */
  progress(): void;
  stop(): void;
}

/**
 * Aborts `controller` when a limit runs out. One timer, re-armed lazily when it fires, rather
 * than one per chunk: a chunk costs a clock read.
 */
export function createWatchdog(controller: AbortController, firstTokenTimeoutMs: number, idleTimeoutMs: number): Watchdog {
  let expired: WatchdogLimit | undefined;
  let phase: WatchdogLimit = 'first-token';
  let lastProgressMs = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number) => {
    clearTimeout(timer);
    if (Number.isFinite(ms)) timer = setTimeout(check, Math.max(0, ms));
  };
  const check = () => {
    if (phase === 'idle') {
      const quietMs = performance.now() - lastProgressMs;
      if (quietMs < idleTimeoutMs) {
        arm(idleTimeoutMs - quietMs);
        return;
      }
    }
    expired = phase;
    controller.abort();
  };
  arm(firstTokenTimeoutMs);
  return {
    get expired() {
      return expired;
    },
    textStarted() {
      phase = 'idle';
      lastProgressMs = performance.now();
      arm(idleTimeoutMs);
    },
    progress() {
      if (phase === 'idle') lastProgressMs = performance.now();
    },
    stop() {
      clearTimeout(timer);
    },
  };
}
