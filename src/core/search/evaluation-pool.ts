/**
 * Several evaluations in flight at once, as the study runner runs several units: with one GPU,
 * one evaluation's model call goes while the others' programs run in the sandbox pool.
 *
 * Pausing takes no new evaluation and lets those in flight finish (an evaluation is the unit of
 * work that is stored, so stopping one half-way would only waste it). Aborting `signal` stops
 * them all at once. The first evaluation that fails for another reason aborts the rest, and
 * `runPool` rejects with its error once they have stopped.
 */
import { isAbortError } from '../llm/abort.ts';
import type { PauseSwitch } from '../study/pause-switch.ts';

export interface PoolOptions {
  concurrency: number;
  signal?: AbortSignal;
  pause: PauseSwitch;
  /** Asked before each new unit is taken: true takes no more (a budget ran out). */
  stopTaking?: () => boolean;
}

export async function runPool<T>(units: readonly T[], work: (unit: T, signal: AbortSignal) => Promise<void>, options: PoolOptions): Promise<void> {
  const fatal = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, fatal.signal]) : fatal.signal;
  let failure: { error: unknown } | null = null;
  let next = 0;
  const sleepers = new Set<() => void>();
  const wake = () => {
    for (const resume of [...sleepers]) resume();
    sleepers.clear();
  };
  const stopListening = options.pause.onChange(wake);
  signal.addEventListener('abort', wake);

  const worker = async (): Promise<void> => {
    const noneToTake = () => signal.aborted || options.stopTaking?.() === true || next >= units.length;
    for (;;) {
      // With nothing left to take, a pause has nothing to hold: return, so the caller can finish
      // (the search scores a generation whose last evaluation landed while pausing).
      if (noneToTake()) return;
      while (options.pause.paused && !signal.aborted) await new Promise<void>((resolve) => sleepers.add(resolve));
      if (noneToTake()) return;
      const unit = units[next++] as T;
      try {
        await work(unit, signal);
      } catch (error) {
        if (signal.aborted && isAbortError(error)) return;
        failure ??= { error };
        fatal.abort();
        return;
      }
    }
  };

  try {
    const workers = Math.max(1, Math.min(Math.floor(options.concurrency), units.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    stopListening();
    signal.removeEventListener('abort', wake);
  }
  if (failure) throw (failure as { error: unknown }).error;
}
