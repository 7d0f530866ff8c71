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

const startedAt = performance.now();

addEventListener(
  'message',
  (event: MessageEvent<BrowserWorkerStart>) => {
    const { port, config } = event.data;
    const runtime = PythonRuntime.start({ ...config, startedAt });
    // A start-up failure is reported through ready().
    runtime.catch(() => {});
    const api: SandboxWorkerApi = {
      ready: async () => (await runtime).info,
      run: async (program, limits) => (await runtime).run(program, limits),
    };
    expose(api, port);
  },
  { once: true },
);
