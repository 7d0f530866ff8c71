/**
 * The sandbox under Node: Pyodide workers on worker_threads, for the command line and the tests.
 *
 * Workers run the TypeScript entry directly (no build step): each starts from a two-line
 * bootstrap that registers tsx in the thread, then imports node-worker.ts. `execArgv:
 * ['--import', 'tsx']` would be simpler, but Node 20 does not apply loaders registered that way
 * to a worker's entry point.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { DEFAULT_MAX_HEAP_BYTES, DEFAULT_RECYCLE_HEAP_BYTES } from './heap-limits.ts';
import { createSandboxPool, type PooledSandbox, type WorkerHandle } from './pool.ts';
import { createSharedState, INTERRUPT_SLOT, OUTPUT_LIMIT_SLOT } from './shared-state.ts';
import type { SandboxWorkerApi, WorkerConfig } from './worker-protocol.ts';

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
}


const require = createRequire(import.meta.url);
const PYODIDE_DIR = `${path.dirname(require.resolve('pyodide'))}/`;
const TSX_API = new URL('dist/esm/api/index.mjs', pathToFileURL(require.resolve('tsx/package.json'))).href;
const ENTRY = new URL('./node-worker.ts', import.meta.url).href;
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

/** Starts `workers` Pyodide workers and resolves once they are ready. */
export async function createNodeSandbox(options: NodeSandboxOptions): Promise<PooledSandbox> {
  const sandbox = createSandboxPool(() => spawnNodeWorker(options), options);
  try {
    await sandbox.ready();
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return sandbox;
}

function spawnNodeWorker(options: NodeSandboxOptions): WorkerHandle {
  const sharedState = createSharedState();
  const config: WorkerConfig = {
    indexURL: options.pyodideDir ?? PYODIDE_DIR,
    sharedState,
    maxHeapBytes: options.maxHeapBytes ?? DEFAULT_MAX_HEAP_BYTES,
    recycleHeapBytes: options.recycleHeapBytes ?? DEFAULT_RECYCLE_HEAP_BYTES,
    verifyHardening: options.verifyHardening ?? false,
  };
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { tsxApi: TSX_API, entry: ENTRY, config } });
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
