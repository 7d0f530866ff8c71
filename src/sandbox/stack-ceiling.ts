/**
 * One C stack limit for all the workers of a page (stack-guard.ts, docs/sandbox.md).
 *
 * V8 shares the interpreter's compiled code between the workers of a page. A worker
 * that starts once that code is optimised measures more room than the first tier leaves, where
 * V8 goes back whenever it drops an optimised function: without a ceiling a replacement allowed
 * memoised recursion about 390 deep where the page's first worker stopped at 334, and the same
 * program passed on one worker and failed on another. So the lowest limit any worker measured is
 * kept. A worker starting gets it as its ceiling; a worker that started before a lower one was
 * measured (a spare waiting since the pool's first replacement, or a slot's first worker) has its
 * limit lowered to it before its next program.
 *
 * Not shared between tabs: a second tab of the app in the same renderer process starts its first
 * worker on code the first tab optimised (docs/sandbox.md). Sharing through localStorage was
 * tried and left out: measures under load come out up to 6 % low (141 kB where 150 kB is usual),
 * and a stored lowest would keep every later tab and visit at that depth.
 */
import type { WorkerHandle } from './pool.ts';
import type { CappableWorkerHandle } from './sandbox-workers.ts';

export class StackCeiling {
  #lowest: number | null = null;

  /** The lowest limit a worker of the page has measured or been lowered to; null before any. */
  get lowest(): number | null {
    return this.#lowest;
  }

  #note(bytes: number | null): void {
    if (bytes !== null && (this.#lowest === null || bytes < this.#lowest)) this.#lowest = bytes;
  }

  /**
   * The handle the pool drives: `ready()` notes the limit the worker measured; each `run` first
   * lowers the worker's limit when the lowest is lower by then (one message, only then).
   */
  keep(handle: CappableWorkerHandle): WorkerHandle {
    // What the worker has in force; null: no limit at all (a Node-sized stack, or a guard that
    // could not measure), which no ceiling changes.
    let inForce: number | null = null;
    const { capCStack, ...rest } = handle;
    return {
      ...rest,
      ready: async () => {
        const info = await handle.ready();
        inForce = info.cStackBytes;
        this.#note(inForce);
        return info;
      },
      run: async (program, limits, runAs) => {
        const lowest = this.lowest;
        if (inForce !== null && lowest !== null && lowest < inForce) {
          inForce = await capCStack(lowest);
          this.#note(inForce);
        }
        return handle.run(program, limits, runAs);
      },
    };
  }
}
