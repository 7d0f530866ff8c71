/**
 * What crosses between the pool and a sandbox worker. Plain data only: it goes through
 * postMessage (comlink), so no class instances and no Error subclasses.
 */
import type { RunResult } from '../core/harness/outcome.ts';
import type { RunAs, SandboxLimits } from '../core/ports.ts';
import type { StartedFrom } from './snapshot.ts';

/** How a worker stops a Python-level loop at the deadline. */
export type InterruptMode =
  /** A getter handed to setInterruptBuffer (works without cross-origin isolation). */
  | 'deadline-getter'
  /** A SharedArrayBuffer the pool writes at the deadline. */
  | 'shared-buffer'
  /** Nothing inside the worker: the pool's watchdog terminates it. */
  | 'watchdog-only';

/** The memory snapshot's file name (snapshot.ts), beside Pyodide's own files. */
export const SNAPSHOT_FILE = 'snapshot.bin.gz';

/** Sent once when a worker starts. */
export interface WorkerConfig {
  /** Where pyodide.asm.wasm, python_stdlib.zip and friends are served (a URL or, under Node, a directory). */
  indexURL: string;
  /** Memory shared with the pool (shared-state.ts), or null without SharedArrayBuffer. */
  sharedState: Int32Array | null;
  /** Wasm memory a program may grow to before allocations fail with MemoryError. */
  maxHeapBytes: number;
  /** After a program, a worker whose wasm memory exceeds this is replaced (memory never shrinks). */
  recycleHeapBytes: number;
  /**
   * How long past a program's limit the pool waits for this worker before terminating it (its
   * watchdog): the clean-up after a program may run until half a second before then.
   */
  graceMs?: number;
  /** Walk the Python heap a second time at start-up to prove no bridge to JavaScript is left (slower start). */
  verifyHardening?: boolean;
  /**
   * The gzipped memory snapshot to start from (snapshot.ts): a URL in the browser, a file path
   * under Node; null to start without one.
   */
  snapshot: string | null;
  /**
   * The lowest C stack limit an earlier worker of this page measured (stack-guard.ts): this one
   * may start while V8 has the interpreter's code optimised and would measure more. Null: none.
   */
  cStackCeilingBytes?: number | null;
}

export interface WorkerInfo {
  pyodideVersion: string;
  /** Whether the interpreter started from the memory snapshot or initialised itself. */
  startedFrom: StartedFrom;
  /** Why an offered snapshot was not used (missing, unreadable, made by another Pyodide), else null. */
  snapshotProblem: string | null;
  interrupt: InterruptMode;
  /** How long after a 50 ms deadline the self-test loop stopped. */
  interruptLatencyMs: number | null;
  /**
   * How much of Emscripten's C stack a program may use before CPython raises RecursionError,
   * measured against the engine's stack at start-up (stack-guard.ts); null where the engine's
   * stack is the larger (Node's workers) and CPython's own limit is kept.
   */
  cStackBytes: number | null;
  hardening: HardeningSummary;
}

export interface HardeningSummary {
  /** References to JsProxy objects and _pyodide_core functions removed from the Python heap. */
  bridgesRemoved: number;
  /** References a second scrub still found (should be 0); null unless `verifyHardening` asked for it. */
  bridgesLeft: number | null;
  /** Built-in extension modules made unimportable (ctypes, CPython's test modules). */
  disabledBuiltins: string[];
  /** Global names still reachable after the JavaScript hardening (should be empty). */
  reachableGlobals: string[];
  codeGenerationBlocked: boolean;
  baselineModules: number;
  /** Standard-library classes whose changes are noticed (0 if the version-tag watch failed). */
  watchedClasses: number;
  /** Baseline dicts whose writes are reported by a CPython dict watcher (0: compared in full instead). */
  watchedDicts: number;
  /** The standard library's lists and sets whose tables are compared in wasm memory (0: compared from Python instead, slower). */
  watchedContainers: number;
  /** Functions held by the standard library's property, classmethod and staticmethod objects, compared in wasm memory (descriptor-watch.ts); 0: compared from Python instead, slower. */
  watchedDescriptorFields?: number;
  /** The codec registry's search functions and cache are checked in wasm memory (codec-watch.ts); false: the cache is emptied after every program, new search functions go unseen. */
  codecRegistryWatched: boolean;
  /** The standard streams' newline setting is checked in wasm memory (newline-watch.ts); false: reset after every program. */
  newlineWatched: boolean;
  /** A program's `gc.freeze()` or `gc.unfreeze()` is seen in wasm memory and replaces the worker (freeze-watch.ts); false: unseen. */
  freezeWatched: boolean;
}

export interface WorkerRunReport {
  result: RunResult;
  /** Why this worker must be replaced before the next program, or null when it is still clean. */
  recycle: string | null;
}

/** The API a worker exposes through comlink. */
export interface SandboxWorkerApi {
  /** Resolves once Pyodide is loaded, hardened and self-tested; rejects if it cannot start. */
  ready(): Promise<WorkerInfo>;
  /** `runAs`: 'script' when absent. */
  run(program: string, limits: SandboxLimits, runAs?: RunAs): Promise<WorkerRunReport>;
  /** Lowers the C stack limit to `bytes` if that is lower (between programs); resolves with the limit in force. */
  capCStack(bytes: number): Promise<number | null>;
}
