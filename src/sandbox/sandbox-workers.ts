/**
 * What the browser's and Node's sandboxes share: their common options, the worker config built
 * from them, starting the pool, and the pool's handle on a worker once its messages have a
 * channel. Each environment adds only how a worker is started and how it is seen to exit.
 */
import type { Remote } from 'comlink';
import { DEFAULT_MAX_HEAP_BYTES, DEFAULT_RECYCLE_HEAP_BYTES } from './heap-limits.ts';
import { DEFAULT_GRACE_MS, createSandboxPool, type PooledSandbox, type SpawnWorker, type WorkerHandle } from './pool.ts';
import { INTERRUPT_SLOT, OUTPUT_LIMIT_SLOT } from './shared-state.ts';
import type { SandboxWorkerApi, WorkerConfig } from './worker-protocol.ts';

export interface SandboxOptions {
  workers: number;
  /** How long past a program's limit to wait for its worker before terminating it. */
  graceMs?: number;
  /** Wasm memory a program may use before allocations fail with MemoryError. */
  maxHeapBytes?: number;
  /** After a program, a worker whose wasm memory exceeds this is replaced. */
  recycleHeapBytes?: number;
  /** Prove at each worker start that no bridge to JavaScript is left (adds about half a second). */
  verifyHardening?: boolean;
  /**
   * Workers kept started beside the pool's, to take over at once when one is replaced. Default 1.
   * They start after the pool's first replacement, not with the pool (PoolOptions.spares).
   */
  spares?: number;
  /** How long a worker may take to start before the start counts as failed (PoolOptions.startTimeoutMs). */
  startTimeoutMs?: number;
}

export function workerConfig(options: SandboxOptions, where: Pick<WorkerConfig, 'indexURL' | 'snapshot' | 'sharedState'>): WorkerConfig {
  return {
    ...where,
    maxHeapBytes: options.maxHeapBytes ?? DEFAULT_MAX_HEAP_BYTES,
    recycleHeapBytes: options.recycleHeapBytes ?? DEFAULT_RECYCLE_HEAP_BYTES,
    verifyHardening: options.verifyHardening ?? false,
    graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
  };
}

/** Starts the pool (one spare by default, started after its first replacement) and resolves once its workers are ready. */
export async function startSandbox(spawn: SpawnWorker, options: SandboxOptions): Promise<PooledSandbox> {
  const sandbox = createSandboxPool(spawn, { spares: 1, ...options });
  try {
    await sandbox.ready();
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return sandbox;
}

/** A worker handle that can also lower the worker's C stack limit (stack-ceiling.ts). */
export interface CappableWorkerHandle extends WorkerHandle {
  capCStack(bytes: number): Promise<number | null>;
}

/**
 * The pool's handle on a worker: a worker that dies mid-call rejects the call instead of leaving
 * it pending for ever. Not by racing each call against `exited`: every race left a reaction on
 * that promise, which settles only when the worker stops, so a worker that ran 10,000 programs
 * held 10,000 of them (170 B each in Chromium, up to 1.7 kB under Node; audit R169-2). The calls
 * in flight are kept in a set, and the one reaction on `exited` rejects them.
 */
export function workerHandle(
  api: Remote<SandboxWorkerApi>,
  sharedState: Int32Array | null,
  exited: Promise<string>,
  terminate: () => void,
): CappableWorkerHandle {
  const inFlight = new Set<(error: Error) => void>();
  let stopped: string | null = null;
  void exited.then((reason) => {
    stopped = reason;
    for (const reject of inFlight) reject(new Error(`the worker stopped (${reason})`));
    inFlight.clear();
  });
  const unlessExited = <T>(call: Promise<T>): Promise<T> => {
    if (stopped !== null) {
      call.catch(() => undefined);
      return Promise.reject(new Error(`the worker stopped (${stopped})`));
    }
    return new Promise<T>((resolve, reject) => {
      inFlight.add(reject);
      call.then(
        (value) => {
          inFlight.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          inFlight.delete(reject);
          reject(error);
        },
      );
    });
  };
  return {
    ready: () => unlessExited(api.ready()),
    run: (program, limits, runAs) => unlessExited(api.run(program, limits, runAs)),
    capCStack: (bytes) => unlessExited(api.capCStack(bytes)),
    interrupt: () => sharedState && Atomics.store(sharedState, INTERRUPT_SLOT, 2),
    outputLimitHit: () => sharedState !== null && Atomics.load(sharedState, OUTPUT_LIMIT_SLOT) === 1,
    terminate,
    exited,
  };
}
