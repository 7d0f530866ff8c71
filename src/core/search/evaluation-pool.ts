/**
 * Several evaluations in flight at once, as the study runner runs several units: with one GPU,
 * one evaluation's model call goes while the others' programs run in the sandbox pool.
 *
 * Pausing takes no new evaluation and lets those in flight finish (an evaluation is the unit of
 * work that is stored, so stopping one half-way would only waste it). One that stops for the
 * pause instead (it was waiting to retry: PausedUnit) is put back and taken first on resume.
 * Aborting `signal` stops them all at once. The first evaluation that fails for another reason
 * aborts the rest, and `runPool` rejects with its error once they have stopped.
 */
import { anySignal } from '../any-signal.ts';
import { isAbortError } from '../llm/abort.ts';
import type { PauseSwitch } from '../study/pause-switch.ts';

export interface PoolOptions {
  concurrency: number;
  signal?: AbortSignal;
  pause: PauseSwitch;
  /** Asked before each new unit is taken: true takes no more (a budget ran out). */
  stopTaking?: () => boolean;
}

/**
 * Thrown by a unit's work that stopped because of a pause before it was done: the pool runs the
 * unit again, from its start, once resumed. Its work stores what it must before throwing.
 */
export class PausedUnit extends Error {
  constructor() {
    super('The unit stopped for a pause; it runs again on resume.');
    this.name = 'PausedUnit';
  }
}

export async function runPool<T>(units: readonly T[], work: (unit: T, signal: AbortSignal) => Promise<void>, options: PoolOptions): Promise<void> {
  const fatal = new AbortController();
  const signal = options.signal ? anySignal([options.signal, fatal.signal]) : fatal.signal;
  let failure: { error: unknown } | null = null;
  let next = 0;
  // Units stopped by a pause, taken before the next new one so each runs again in the same run.
  const putBack: T[] = [];
  const sleepers = new Set<() => void>();
  const wake = () => {
    for (const resume of [...sleepers]) resume();
    sleepers.clear();
  };
  const stopListening = options.pause.onChange(wake);
  signal.addEventListener('abort', wake);

  const worker = async (): Promise<void> => {
    const noneToTake = () => signal.aborted || options.stopTaking?.() === true || (putBack.length === 0 && next >= units.length);
    for (;;) {
      // With nothing left to take, a pause has nothing to hold: return, so the caller can finish
      // (the search scores a generation whose last evaluation landed while pausing).
      if (noneToTake()) return;
      while (options.pause.paused && !signal.aborted) await new Promise<void>((resolve) => sleepers.add(resolve));
      if (noneToTake()) return;
      const unit = putBack.length > 0 ? (putBack.shift() as T) : (units[next++] as T);
      try {
        await work(unit, signal);
      } catch (error) {
        if (signal.aborted && (isAbortError(error) || error instanceof PausedUnit)) return;
        if (error instanceof PausedUnit) {
          putBack.push(unit);
          continue;
        }
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
