/**
 * The sandbox under Node: Pyodide workers on worker_threads, for the command line and the tests.
 * Workers run node-worker.ts from source (ts-worker-thread.ts) and start from a memory snapshot
 * (snapshot.ts) kept in `node_modules/.cache/feedback-lab/`, made there on first use.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { DEFAULT_MAX_HEAP_BYTES, DEFAULT_RECYCLE_HEAP_BYTES } from './heap-limits.ts';
import { createSandboxPool, type PooledSandbox, type WorkerHandle } from './pool.ts';
import { createSharedState, INTERRUPT_SLOT, OUTPUT_LIMIT_SLOT } from './shared-state.ts';
import { ensureSnapshotFile } from './snapshot-file.ts';
import { startTsWorkerThread } from './ts-worker-thread.ts';
import { SNAPSHOT_FILE, type SandboxWorkerApi, type WorkerConfig } from './worker-protocol.ts';

export interface NodeSandboxOptions {
  workers: number;
  /** How long past a program's limit to wait for its worker before terminating it. */
  graceMs?: number;
  /** Wasm memory a program may use before allocations fail with MemoryError. */
  maxHeapBytes?: number;
  /** After a program, a worker whose wasm memory exceeds this is replaced. */
  recycleHeapBytes?: number;
  /** The directory holding Pyodide's files; default: the installed `pyodide` package. */
  pyodideDir?: string;
  /** Prove at each worker start that no bridge to JavaScript is left (adds about half a second). */
  verifyHardening?: boolean;
  /**
   * The gzipped memory snapshot workers start from: a file path (made there if missing or
   * stale), or false to start every worker without one. Default: in the package's
   * `node_modules/.cache/feedback-lab/`.
   */
  snapshot?: string | false;
  /** Workers kept started beside the pool's, to take over at once when one is replaced. Default 1. */
  spares?: number;
}


const require = createRequire(import.meta.url);
const PYODIDE_DIR = `${path.dirname(require.resolve('pyodide'))}/`;
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/feedback-lab/', import.meta.url));

/**
 * Starts `workers` Pyodide workers and resolves once they are ready. The first sandbox on a
 * machine also makes the snapshot (a few seconds, once); if that fails, workers start without.
 */
export async function createNodeSandbox(options: NodeSandboxOptions): Promise<PooledSandbox> {
  const snapshot = await prepareSnapshot(options);
  const sandbox = createSandboxPool(() => spawnNodeWorker(options, snapshot), { spares: 1, ...options });
  try {
    await sandbox.ready();
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return sandbox;
}

async function prepareSnapshot(options: NodeSandboxOptions): Promise<string | null> {
  if (options.snapshot === false) return null;
  const file = options.snapshot ?? path.join(CACHE_DIR, SNAPSHOT_FILE);
  try {
    await ensureSnapshotFile(file, options.pyodideDir ?? PYODIDE_DIR);
    return file;
  } catch {
    // Not fatal: a worker without a snapshot starts slower and says so (WorkerInfo.startedFrom).
    return null;
  }
}

function spawnNodeWorker(options: NodeSandboxOptions, snapshot: string | null): WorkerHandle {
  const sharedState = createSharedState();
  const config: WorkerConfig = {
    indexURL: options.pyodideDir ?? PYODIDE_DIR,
    sharedState,
    maxHeapBytes: options.maxHeapBytes ?? DEFAULT_MAX_HEAP_BYTES,
    recycleHeapBytes: options.recycleHeapBytes ?? DEFAULT_RECYCLE_HEAP_BYTES,
    verifyHardening: options.verifyHardening ?? false,
    snapshot,
  };
  const worker = startTsWorkerThread(new URL('./node-worker.ts', import.meta.url), config);
  const api = wrap<SandboxWorkerApi>(nodeEndpoint(worker));
  let failure: string | null = null;
  worker.on('error', (error) => {
    failure ??= error.message;
  });
  const exited = new Promise<string>((resolve) => {
    worker.once('exit', (code) => resolve(failure ?? `exit code ${code}`));
  });
  const unlessExited = <T>(call: Promise<T>): Promise<T> =>
    Promise.race([
      call,
      exited.then((reason): never => {
        throw new Error(`the worker stopped (${reason})`);
      }),
    ]);
  return {
    ready: () => unlessExited(api.ready()),
    run: (program, limits) => unlessExited(api.run(program, limits)),
    interrupt: () => sharedState && Atomics.store(sharedState, INTERRUPT_SLOT, 2),
    outputLimitHit: () => sharedState !== null && Atomics.load(sharedState, OUTPUT_LIMIT_SLOT) === 1,
    terminate: () => void worker.terminate(),
    exited,
  };
}
