/**
 * Whether a wait has lasted long enough to be worth saying. A benchmark kept in this browser is
 * ready some tens of milliseconds after a page asks for it: a "Loading…" or "Waiting for…" line
 * put up at once was taken down as soon, a flash on every visit with nothing to wait for (and a
 * screen reader could begin reading it). Said only once the wait lasts, it stays until the wait
 * ends. Used by the dataset status line of every page and the Scoring page's start note.
 */

/** Long enough for a benchmark read from this browser's cache, even on a busy machine; short beside a download. */
export const SAY_WAIT_AFTER_MS = 500;

export class LastingWait {
  /** The wait under way has lasted `afterMs`. */
  lasted = $state(false);
  readonly #afterMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(afterMs = SAY_WAIT_AFTER_MS) {
    this.#afterMs = afterMs;
  }

  /** Whether there is something to wait for now: the clock starts when a wait does, and goes back to naught when it ends. */
  update(waiting: boolean): void {
    if (!waiting) {
      this.stop();
      this.lasted = false;
      return;
    }
    this.#timer ??= setTimeout(() => (this.lasted = true), this.#afterMs);
  }

  /** Nobody is looking any more (the page went away): no clock left running. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
