/**
 * The sandbox worker in the browser (a module Web Worker). Its first message hands over a
 * MessagePort, the only channel it answers on: once Pyodide is up, the hardening removes the
 * worker's own postMessage and onmessage, so nothing in it can talk to the page any more.
 */
import { expose } from 'comlink';
import { stalledDownload } from './download-stall-watch.ts';
import { PythonRuntime } from './python-runtime.ts';
import { failedWasmCompile } from './wasm-compile-watch.ts';
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

addEventListener(
  'message',
  (event: MessageEvent<BrowserWorkerStart>) => {
    const { port, config } = event.data;
    // Before Pyodide starts: a cut download of its wasm would otherwise leave the start pending for ever.
    const wasmFailed = failedWasmCompile();
    wasmFailed.catch(() => {});
    // And a download of Pyodide's files that stalls (the connection open, no bytes) would too.
    const downloadStalled = stalledDownload();
    downloadStalled.catch(() => {});
    const started = PythonRuntime.start({
      ...config,
      readSnapshot: () => fetchSnapshot(config.snapshot),
      // The build's snapshot was made by Node, whose choice of call trampoline it carries.
      importScript: (url) => import(/* @vite-ignore */ url),
    });
    const runtime = Promise.race([started, wasmFailed, downloadStalled]);
    // A start-up failure is reported through ready().
    runtime.catch(() => {});
    const api: SandboxWorkerApi = {
      ready: async () => (await runtime).info,
      run: async (program, limits, runAs) => (await runtime).run(program, limits, runAs),
      capCStack: async (bytes) => (await runtime).capCStack(bytes),
    };
    expose(api, port);
  },
  { once: true },
);
