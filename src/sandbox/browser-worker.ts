/**
 * The sandbox worker in the browser (a module Web Worker). Its first message hands over a
 * MessagePort, the only channel it answers on: once Pyodide is up, the hardening removes the
 * worker's own postMessage and onmessage, so nothing in it can talk to the page any more.
 */
import { expose } from 'comlink';
import { PythonRuntime } from './python-runtime.ts';
import type { SandboxWorkerApi, WorkerConfig } from './worker-protocol.ts';

/** What the page sends first. */
export interface BrowserWorkerStart {
  port: MessagePort;
  config: WorkerConfig;
}

/** The snapshot's bytes; null when the build has none (a dev server before its first build, a 404). */
async function fetchSnapshot(url: string | null): Promise<Uint8Array | null> {
  if (url === null) return null;
  const response = await fetch(url);
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`the snapshot answered HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Pyodide compiles its WebAssembly only as a stream, which a browser refuses unless the file is
 * served as application/wasm; it then logs a warning and never settles, so a host with the wrong
 * type (or without the file) left every run "Running the tests…" for ever. Asked first, with a
 * HEAD request, so that such a host gets a start failure that names the file and the fix. A
 * request that gets no answer (offline: the service worker keeps the file, not HEAD answers) tells
 * nothing, and the start goes on.
 */
async function assertWasmServed(indexURL: string): Promise<void> {
  const url = new URL('pyodide.asm.wasm', new URL(indexURL, self.location.href));
  let response: Response;
  try {
    response = await fetch(url, { method: 'HEAD' });
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

addEventListener(
  'message',
  (event: MessageEvent<BrowserWorkerStart>) => {
    const { port, config } = event.data;
    const runtime = assertWasmServed(config.indexURL).then(() =>
      PythonRuntime.start({
        ...config,
        readSnapshot: () => fetchSnapshot(config.snapshot),
        // The build's snapshot was made by Node, whose choice of call trampoline it carries.
        importScript: (url) => import(/* @vite-ignore */ url),
      }),
    );
    // A start-up failure is reported through ready().
    runtime.catch(() => {});
    const api: SandboxWorkerApi = {
      ready: async () => (await runtime).info,
      run: async (program, limits) => (await runtime).run(program, limits),
      capCStack: async (bytes) => (await runtime).capCStack(bytes),
    };
    expose(api, port);
  },
  { once: true },
);
