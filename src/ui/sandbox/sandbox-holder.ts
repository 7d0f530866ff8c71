/**
 * Holds one sandbox for a page: created on first use with the worker count asked for, replaced
 * when a different count is asked for, closed when the page goes away. Pyodide workers cost
 * about 70 MB each, so nothing keeps them alive after their page.
 */
import type { Sandbox } from '../../core/ports.ts';

export type SandboxFactory = (workers: number) => Promise<Sandbox>;

export class SandboxHolder {
  #factory: SandboxFactory;
  #current: { workers: number; sandbox: Promise<Sandbox> } | null = null;

  constructor(factory: SandboxFactory) {
    this.#factory = factory;
  }

  get(workers: number): Promise<Sandbox> {
    if (this.#current?.workers !== workers) {
      void this.close();
      const sandbox = this.#factory(workers);
      this.#current = { workers, sandbox };
      // A factory that failed once should be retried on the next get, not remembered.
      sandbox.catch(() => {
        if (this.#current?.sandbox === sandbox) this.#current = null;
      });
    }
    return this.#current.sandbox;
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
