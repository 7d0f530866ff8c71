import { anySignal } from '../any-signal.ts';
import { sleep } from '../llm/abort.ts';

/**
 * Pausing a running study, in the style of AbortController: the caller keeps the switch, the
 * runner listens to it. Pausing lets the steps in flight finish and starts no new ones; resuming
 * continues where the units stopped (their steps are replayed, never run again).
 */
export class PauseSwitch {
  #paused = false;
  readonly #listeners = new Set<(paused: boolean) => void>();

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#set(true);
  }

  resume(): void {
    this.#set(false);
  }

  /** Calls `listener` on every change; returns the function that stops listening. */
  onChange(listener: (paused: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(paused: boolean): void {
    if (this.#paused === paused) return;
    this.#paused = paused;
    for (const listener of [...this.#listeners]) listener(paused);
  }
}

/**
 * Sleeps `delayMs` (a wait before a retry), unless `pause` is on or turns on meanwhile: after a
 * rate limit the wait may be minutes, and "pausing" must not last that long. `signal` aborting
 * rejects as `sleep` does. Used by a study's units and a search's evaluations alike.
 */
export async function sleepUnlessPaused(delayMs: number, signal: AbortSignal, pause: PauseSwitch): Promise<'slept' | 'paused'> {
  if (pause.paused) return 'paused';
  const paused = new AbortController();
  const stopListening = pause.onChange((isPaused) => {
    if (isPaused) paused.abort();
  });
  try {
    await sleep(delayMs, anySignal([signal, paused.signal]));
    return 'slept';
  } catch (error) {
    if (signal.aborted || !paused.signal.aborted) throw error;
    return 'paused';
  } finally {
    stopListening();
  }
}
