/**
 * One C stack limit for all the workers of the app in this browser (stack-guard.ts,
 * docs/sandbox.md).
 *
 * V8 shares the interpreter's compiled code between the workers of a renderer process. A worker
 * that starts once that code is optimised measures more room than the first tier leaves, where
 * V8 goes back whenever it drops an optimised function: without a ceiling a replacement allowed
 * memoised recursion about 390 deep where the page's first worker stopped at 334, and the same
 * program passed on one worker and failed on another. So the lowest limit any worker measured is
 * kept. A worker starting gets it as its ceiling; a worker that started before a lower one was
 * measured (the spare, started right after the first workers, or a slot's first worker) has its
 * limit lowered to it before its next program.
 *
 * The lowest limit is also kept in localStorage, for this build and browser: a second tab of the
 * app in the same renderer process starts its first worker on code the first tab optimised, and
 * would otherwise measure the higher limit.
 */
import type { WorkerHandle } from './pool.ts';
import type { CappableWorkerHandle } from './sandbox-workers.ts';

/** Where the lowest limit is shared with the app's other tabs. */
export interface CeilingStore {
  read(): number | null;
  write(bytes: number): void;
}

const STORAGE_KEY = 'feedback-lab:sandbox-c-stack-limit';

/**
 * A store in `storage` (localStorage) for one `build` (the browser and the worker's script, whose
 * name changes with every build): a limit stored by another build or browser is not read. Storage
 * that is off or full is no store at all.
 */
export function storageCeilingStore(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined, build: string): CeilingStore {
  const read = (): number | null => {
    try {
      const stored = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') as { build?: unknown; bytes?: unknown } | null;
      const bytes = stored?.bytes;
      return stored?.build === build && typeof bytes === 'number' && Number.isFinite(bytes) && bytes > 0 ? bytes : null;
    } catch {
      return null;
    }
  };
  return {
    read,
    write: (bytes) => {
      const stored = read();
      if (stored !== null && stored <= bytes) return;
      try {
        storage?.setItem(STORAGE_KEY, JSON.stringify({ build, bytes }));
      } catch {
        // Storage full or refused: each tab keeps its own ceiling, as before.
      }
    },
  };
}

export class StackCeiling {
  readonly #store: CeilingStore | null;
  #lowest: number | null = null;

  constructor(store: CeilingStore | null = null) {
    this.#store = store;
  }

  /** The lowest limit a worker here (or in another tab) has measured or been lowered to; null before any. */
  get lowest(): number | null {
    this.#note(this.#store?.read() ?? null, false);
    return this.#lowest;
  }

  #note(bytes: number | null, share = true): void {
    if (bytes === null || (this.#lowest !== null && bytes >= this.#lowest)) return;
    this.#lowest = bytes;
    if (share) this.#store?.write(bytes);
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
      run: async (program, limits) => {
        const lowest = this.lowest;
        if (inForce !== null && lowest !== null && lowest < inForce) {
          inForce = await capCStack(lowest);
          this.#note(inForce);
        }
        return handle.run(program, limits);
      },
    };
  }
}
