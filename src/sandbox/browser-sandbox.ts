/**
 * The sandbox in the browser: Pyodide in module Web Workers, served from the app's own origin
 * (vite.config.ts copies the files to `pyodide/`; never a CDN, never loadPackage).
 *
 * A page gets the `Sandbox` port plus `ready()` and `stats()`:
 *
 *   const sandbox = await createBrowserSandbox({ workers: 2 });
 *   const result = await sandbox.run(program, limits);
 *   await sandbox.close(); // when the page goes away: each worker holds about 70 MB
 */
import { wrap } from 'comlink';
import type { BrowserWorkerStart } from './browser-worker.ts';
import { DEFAULT_MAX_HEAP_BYTES, DEFAULT_RECYCLE_HEAP_BYTES } from './heap-limits.ts';
import { createSandboxPool, type PooledSandbox, type WorkerHandle } from './pool.ts';
import { createSharedState, INTERRUPT_SLOT, OUTPUT_LIMIT_SLOT } from './shared-state.ts';
import { SNAPSHOT_FILE, type SandboxWorkerApi, type WorkerConfig } from './worker-protocol.ts';

export interface BrowserSandboxOptions {
  workers: number;
  /** How long past a program's limit to wait for its worker before terminating it. */
  graceMs?: number;
  /** Wasm memory a program may use before allocations fail with MemoryError. */
  maxHeapBytes?: number;
  /** After a program, a worker whose wasm memory exceeds this is replaced. */
  recycleHeapBytes?: number;
  /** Where Pyodide's files are served; default `<base>/pyodide/` on this origin. */
  pyodideURL?: string;
  /** Prove at each worker start that no bridge to JavaScript is left (adds about half a second). */
  verifyHardening?: boolean;
  /** false: start every worker without the memory snapshot the build ships (snapshot.ts). */
  snapshot?: false;
  /** Workers kept started beside the pool's, to take over at once when one is replaced. Default 1. */
  spares?: number;
}

/**
 * Starts `workers` Pyodide workers and resolves once they are ready: well under a second each
 * from the build's memory snapshot, 2–3 s without it.
 */
export async function createBrowserSandbox(options: BrowserSandboxOptions): Promise<PooledSandbox> {
  const sandbox = createSandboxPool(() => spawnBrowserWorker(options), { spares: 1, ...options });
  try {
    await sandbox.ready();
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return sandbox;
}

function spawnBrowserWorker(options: BrowserSandboxOptions): WorkerHandle {
  const sharedState = createSharedState();
  const indexURL = options.pyodideURL ?? new URL(`${import.meta.env.BASE_URL}pyodide/`, location.href).href;
  const config: WorkerConfig = {
    indexURL,
    snapshot: options.snapshot === false ? null : new URL(SNAPSHOT_FILE, indexURL).href,
    sharedState,
    maxHeapBytes: options.maxHeapBytes ?? DEFAULT_MAX_HEAP_BYTES,
    recycleHeapBytes: options.recycleHeapBytes ?? DEFAULT_RECYCLE_HEAP_BYTES,
    verifyHardening: options.verifyHardening ?? false,
  };
  const worker = new Worker(new URL('./browser-worker.ts', import.meta.url), { type: 'module', name: 'python-sandbox' });
  const channel = new MessageChannel();
  const start: BrowserWorkerStart = { port: channel.port2, config };
  worker.postMessage(start, [channel.port2]);
  const api = wrap<SandboxWorkerApi>(channel.port1);

  // Browsers say nothing when a worker is terminated, and only an error event when its script
  // fails: both settle `exited` here.
  let markExited: (reason: string) => void = () => {};
  const exited = new Promise<string>((resolve) => (markExited = resolve));
  worker.addEventListener('error', (event) => markExited(event.message || 'the worker script failed'));
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
    terminate: () => {
      worker.terminate();
      channel.port1.close();
      markExited('terminated');
    },
    exited,
  };
}
