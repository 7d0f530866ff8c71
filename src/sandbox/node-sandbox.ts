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
import type { PooledSandbox, WorkerHandle } from './pool.ts';
import { startSandbox, workerConfig, workerHandle, type SandboxOptions } from './sandbox-workers.ts';
import { createSharedState } from './shared-state.ts';
import { ensureSnapshotFile } from './snapshot-file.ts';
import { startTsWorkerThread } from './ts-worker-thread.ts';
import { SNAPSHOT_FILE, type SandboxWorkerApi } from './worker-protocol.ts';

export interface NodeSandboxOptions extends SandboxOptions {
  /** The directory holding Pyodide's files; default: the installed `pyodide` package. */
  pyodideDir?: string;
  /**
   * The gzipped memory snapshot workers start from: a file path (made there if missing or
   * stale), or false to start every worker without one. Default: in the package's
   * `node_modules/.cache/feedback-lab/`.
   */
  snapshot?: string | false;
  /** The worker thread's stack in MB (default PYTHON_STACK_MB); tests set a browser-sized one. */
  stackSizeMb?: number;
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
  return startSandbox(() => spawnNodeWorker(options, snapshot), options);
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

/**
 * The worker thread's stack, in MB (Node's default is 4). Pyodide runs Python's C code on the
 * JavaScript stack, so recursion that passes through C (an @lru_cache'd function calling itself,
 * a sort key that recurses) overflows it long before CPython would: at 4 MB a memoised recursion
 * a few hundred calls deep killed the interpreter, where CPython 3.11 goes past 16,000. With
 * 256 MB such programs pass as they do in CPython, deeper ones end in RecursionError (Python's
 * own C-stack check comes first), and freeing a 100,000-frame traceback no longer overflows.
 * Only the pages a program touches are committed. Browsers give a worker no such choice.
 */
const PYTHON_STACK_MB = 256;

function spawnNodeWorker(options: NodeSandboxOptions, snapshot: string | null): WorkerHandle {
  const sharedState = createSharedState();
  const config = workerConfig(options, { indexURL: options.pyodideDir ?? PYODIDE_DIR, snapshot, sharedState });
  const worker = startTsWorkerThread(new URL('./node-worker.ts', import.meta.url), config, { stackSizeMb: options.stackSizeMb ?? PYTHON_STACK_MB });
  let failure: string | null = null;
  worker.on('error', (error) => {
    failure ??= error.message;
  });
  const exited = new Promise<string>((resolve) => {
    worker.once('exit', (code) => resolve(failure ?? `exit code ${code}`));
  });
  return workerHandle(wrap<SandboxWorkerApi>(nodeEndpoint(worker)), sharedState, exited, () => void worker.terminate());
}
