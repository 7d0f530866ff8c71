/**
 * A clock for time caps and estimates that leaves out the time this program was suspended: a
 * laptop asleep (Windows' monotonic clock counts sleep), a background tab Safari suspended, a
 * command line stopped with Ctrl+Z. Without it a problem's 120-s cap ran out across a sleep and
 * the problem was recorded as failed by the cap, and the time left shown after waking counted
 * the sleep as work.
 *
 * Suspension is seen as a gap in a heartbeat: nothing ran for longer than any throttling of a
 * hidden tab delays a timer (Chromium's intensive throttling: once a minute). `now()` looks for
 * a gap itself too, so a cap's timer that fires on waking, before the heartbeat does, already
 * reads the time without the sleep.
 */
export interface AwakeClock {
  now(): number;
  /** Time left out so far. */
  suspendedMs(): number;
  stop(): void;
}

export interface AwakeClockOptions {
  /** The underlying monotonic clock, in ms. */
  base?: () => number;
  beatMs?: number;
  /** A gap longer than this between two beats is suspension. */
  suspendedAfterMs?: number;
}

export function startAwakeClock(options: AwakeClockOptions = {}): AwakeClock {
  const base = options.base ?? (() => performance.now());
  const beatMs = options.beatMs ?? 1000;
  const threshold = options.suspendedAfterMs ?? 90_000;
  let suspended = 0;
  let last = base();
  /** Reads the base clock, counting a gap since the last reading past the threshold as suspension. */
  const read = (): number => {
    const t = base();
    const gap = t - last;
    // One beat of the gap is time that would have passed anyway.
    if (gap > threshold) suspended += gap - beatMs;
    last = t;
    return t;
  };
  const timer = setInterval(read, beatMs);
  // Under Node the heartbeat must not keep a finished command alive.
  (timer as { unref?: () => void }).unref?.();
  return {
    now: () => read() - suspended,
    suspendedMs: () => suspended,
    stop: () => clearInterval(timer),
  };
}
