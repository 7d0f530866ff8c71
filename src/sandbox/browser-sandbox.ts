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
import { sandboxStartError, type PooledSandbox, type WorkerHandle } from './pool.ts';
import { startSandbox, workerConfig, workerHandle, type SandboxOptions } from './sandbox-workers.ts';
import { createSharedState } from './shared-state.ts';
import { StackCeiling } from './stack-ceiling.ts';
import { SNAPSHOT_FILE, type SandboxWorkerApi } from './worker-protocol.ts';

export interface BrowserSandboxOptions extends SandboxOptions {
  /** Where Pyodide's files are served; default `<base>/pyodide/` on this origin. */
  pyodideURL?: string;
  /** false: start every worker without the memory snapshot the build ships (snapshot.ts). */
  snapshot?: false;
}

/**
 * Starts `workers` Pyodide workers and resolves once they are ready: well under a second each
 * from the build's memory snapshot, 2–3 s without it.
 */
export async function createBrowserSandbox(options: BrowserSandboxOptions): Promise<PooledSandbox> {
  const indexURL = options.pyodideURL ?? new URL(`${import.meta.env.BASE_URL}pyodide/`, location.href).href;
  // Once per sandbox, before any worker starts: a fact of the host, not of each worker.
  await assertWasmServed(indexURL).catch((error: unknown) => {
    throw sandboxStartError(error);
  });
  return startSandbox(() => spawnBrowserWorker(options, indexURL), { startTimeoutMs: FIRST_VISIT_START_TIMEOUT_MS, ...options });
}

/**
 * A first visit downloads Pyodide (about 27 MB) inside the first worker's start: at 1 Mbit/s
 * that alone takes nearly four minutes. Ten minutes still ends a start that a stalled file left
 * pending for ever.
 */
const FIRST_VISIT_START_TIMEOUT_MS = 10 * 60 * 1000;

/** How long the question about pyodide.asm.wasm may go unanswered: headers only, so seconds even on a slow link. */
const HEAD_ANSWER_MS = 15_000;

/**
 * Pyodide compiles its WebAssembly only as a stream, which a browser refuses unless the file is
 * served as application/wasm; it then logs a warning and never settles, so a host with the wrong
 * type (or without the file) left every run "Running the tests…" for ever. Asked first, with a
 * HEAD request, so that such a host gets a start failure that names the file and the fix.
 * Offline the service worker answers it from its copy (sw.ts); a request that gets no answer at
 * all tells nothing, and the start goes on. So does one that hangs: a browser waits on a silent
 * connection for ever, and the page said "Starting Python…" for as long as it was open, before
 * any worker (or its start deadline) was there (audit R183-4). The start's own downloads are
 * watched for stalls (download-stall-watch.ts).
 */
export async function assertWasmServed(indexURL: string, fetchFile: typeof fetch = fetch, answerWithinMs = HEAD_ANSWER_MS): Promise<void> {
  const url = new URL('pyodide.asm.wasm', indexURL);
  let response: Response;
  try {
    response = await fetchFile(url, { method: 'HEAD', signal: AbortSignal.timeout(answerWithinMs) });
  } catch {
    return;
  }
  const where = url.pathname;
  if (response.status === 404) throw new Error(`${where} is missing on this site (HTTP 404): the build was not copied whole.`);
  const type = (response.headers.get('Content-Type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (response.ok && type !== 'application/wasm') {
    throw new Error(
      `${where} is served as ${type ? `"${type}"` : 'no type'}, and browsers compile WebAssembly only from application/wasm: set that type for .wasm files on this host (docs/deploy.md).`,
    );
  }
}

/** The page's C stack limit: every worker of the page keeps to the lowest one measured (stack-ceiling.ts). */
const stackCeiling = new StackCeiling();

function spawnBrowserWorker(options: BrowserSandboxOptions, indexURL: string): WorkerHandle {
  const sharedState = createSharedState();
  const snapshot = options.snapshot === false ? null : new URL(SNAPSHOT_FILE, indexURL).href;
  const config = { ...workerConfig(options, { indexURL, snapshot, sharedState }), cStackCeilingBytes: stackCeiling.lowest };
  const worker = new Worker(new URL('./browser-worker.ts', import.meta.url), { type: 'module', name: 'python-sandbox' });
  const channel = new MessageChannel();
  const start: BrowserWorkerStart = { port: channel.port2, config };
  worker.postMessage(start, [channel.port2]);

  // Browsers say nothing when a worker is terminated, and only an error event when its script
  // fails: both settle `exited` here.
  let markExited: (reason: string) => void = () => {};
  const exited = new Promise<string>((resolve) => (markExited = resolve));
  worker.addEventListener('error', (event) => markExited(event.message || 'the worker script failed'));
  return stackCeiling.keep(
    workerHandle(wrap<SandboxWorkerApi>(channel.port1), sharedState, exited, () => {
      worker.terminate();
      channel.port1.close();
      markExited('terminated');
    }),
  );
}
