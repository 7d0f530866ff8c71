/**
 * Holds one sandbox for a page: created on first use with the worker count asked for, replaced
 * when a different count is asked for, closed when the page goes away. Pyodide workers cost
 * about 70 MB each, so nothing keeps them alive after their page.
 */
import type { Sandbox } from '../../core/ports.ts';

export type SandboxFactory = (workers: number) => Promise<Sandbox>;

export class SandboxHolder {
  #factory: SandboxFactory;
  #current: { workers: number; sandbox: Promise<Sandbox>; started: boolean } | null = null;

  constructor(factory: SandboxFactory) {
    this.#factory = factory;
  }

  get(workers: number): Promise<Sandbox> {
    if (this.#current?.workers !== workers) {
      void this.close();
      const sandbox = this.#factory(workers);
      const current = { workers, sandbox, started: false };
      this.#current = current;
      // A factory that failed once should be retried on the next get, not remembered.
      sandbox.then(
        () => void (current.started = true),
        () => {
          if (this.#current === current) this.#current = null;
        },
      );
    }
    return this.#current.sandbox;
  }

  /** Whether `get(workers)` would answer at once: the sandbox has started (its Python is loaded). */
  started(workers: number): boolean {
    return this.#current?.workers === workers && this.#current.started;
  }

  async close(): Promise<void> {
    const current = this.#current;
    this.#current = null;
    if (!current) return;
    try {
      await (await current.sandbox).close();
    } catch {
      // It never started: nothing to free.
    }
  }
}
