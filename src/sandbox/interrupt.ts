import { INTERRUPT_SLOT } from './shared-state.ts';

/**
 * Stops Python-level loops at a deadline without SharedArrayBuffer.
 *
 * `pyodide.setInterruptBuffer` reads index 0 of whatever object it is given at each of its
 * periodic checks and raises KeyboardInterrupt (SIGINT, 2) when the value is non-zero, then
 * writes 0 back. A getter at index 0 that compares `performance.now()` with a deadline therefore
 * interrupts a runaway loop a few milliseconds after the deadline, with no other thread
 * involved. It fires once, then again every `REFIRE_MS` (a bare `except:` swallows one
 * KeyboardInterrupt; firing on every check would garble the traceback). This relies on
 * undocumented behaviour, so the worker self-tests it at start-up.
 *
 * When the page is cross-origin isolated, the pool may also hand over a SharedArrayBuffer it
 * writes 2 into at the deadline: the fallback if the getter stops working in a future Pyodide.
 */

export const REFIRE_MS = 250;
const SIGINT = 2;

export class DeadlineInterrupt {
  #nextFireAt = Infinity;
  #refireMs = REFIRE_MS;
  #fired = false;
  readonly #shared: Int32Array | null;

  constructor(shared: Int32Array | null = null) {
    this.#shared = shared;
  }

  /**
   * Interrupts Python once `performance.now()` passes `deadlineMs`, then again every `refireMs`
   * (0: at every check, where no traceback is kept and each interrupt must count).
   */
  arm(deadlineMs: number, refireMs = REFIRE_MS): void {
    this.#nextFireAt = deadlineMs;
    this.#refireMs = refireMs;
    this.#fired = false;
    if (this.#shared) Atomics.store(this.#shared, INTERRUPT_SLOT, 0);
  }

  /** Interrupts at the next check (output flood). */
  fireNow(): void {
    this.#nextFireAt = performance.now();
  }

  disarm(): void {
    this.#nextFireAt = Infinity;
  }

  /** True once an interrupt has been delivered since the last `arm`. */
  get fired(): boolean {
    return this.#fired;
  }

  /** What Pyodide reads at each check. */
  read(): number {
    if (this.#shared && Atomics.exchange(this.#shared, INTERRUPT_SLOT, 0) === SIGINT) return this.#fire(performance.now());
    if (this.#nextFireAt === Infinity) return 0;
    const now = performance.now();
    return now >= this.#nextFireAt ? this.#fire(now) : 0;
  }

  #fire(now: number): number {
    this.#fired = true;
    this.#nextFireAt = now + this.#refireMs;
    return SIGINT;
  }

  /** The object to give `pyodide.setInterruptBuffer`: index 0 reads the deadline, writes are ignored. */
  asInterruptBuffer(): Int32Array {
    const source = this;
    const buffer = {
      get 0(): number {
        return source.read();
      },
      set 0(_value: number) {
        // Pyodide writes 0 back after reading a signal; the deadline decides instead.
      },
    };
    // Pyodide only indexes it; typing it as the documented Int32Array keeps the call honest.
    return buffer as unknown as Int32Array;
  }
}
