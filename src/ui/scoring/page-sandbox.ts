/**
 * The Scoring page's Python workers (about 70 MB each): kept from run to run while the page is
 * shown, and freed once it is left, at once or when the run in flight ends.
 */
import type { Sandbox } from '../../core/ports.ts';
import type { SandboxHolder } from '../sandbox/sandbox-holder.ts';

export class PageSandbox {
  readonly #holder: SandboxHolder;
  /** Free the workers when the run in flight ends: nobody is looking. */
  #freeWhenIdle = false;

  constructor(holder: SandboxHolder) {
    this.#holder = holder;
  }

  /** The workers for a run, started if need be. */
  get(workers: number): Promise<Sandbox> {
    return this.#holder.get(workers);
  }

  /** Ends the workers now: the next run starts Python afresh. */
  close(): void {
    void this.#holder.close();
  }

  /** The page was left: frees the workers now, or once the run in flight (`busy`) has ended. */
  leave(busy: boolean): void {
    if (busy) this.#freeWhenIdle = true;
    else this.close();
  }

  /** The page is shown again: keeps the workers after the run in flight after all. */
  retain(): void {
    this.#freeWhenIdle = false;
  }

  /** The run in flight has ended: frees the workers if the page was left meanwhile. */
  runEnded(): void {
    if (!this.#freeWhenIdle) return;
    this.#freeWhenIdle = false;
    this.close();
  }
}
