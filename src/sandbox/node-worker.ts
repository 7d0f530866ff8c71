/**
 * The sandbox worker under Node worker_threads (command line, tests). Speaks comlink over the
 * parent port, captured here before the hardening removes every other way to reach it.
 */
import childProcess from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parentPort, workerData } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { PythonRuntime } from './python-runtime.ts';
import type { SandboxWorkerApi, WorkerConfig } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('node-worker.ts runs inside a worker thread (see node-sandbox.ts).');
const config = (workerData as { data: WorkerConfig }).data;

/**
 * Under Node, Emscripten implements os.system with child_process.spawnSync and keeps `process`
 * at hand: both go. `process` becomes an inert stand-in rather than nothing, because Emscripten
 * still writes `process.exitCode` when a program calls os._exit.
 */
function hardenNode(): string[] {
  const refuse = () => {
    throw new Error('child processes are not available in the sandbox');
  };
  const spawning = childProcess as unknown as Record<string, unknown>;
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) spawning[name] = refuse;
  const inert = Object.seal({ exitCode: 0, argv: [], env: {}, versions: {}, platform: 'emscripten', getuid: () => 0, umask: () => 0o022 });
  Reflect.defineProperty(globalThis, 'process', { value: inert, writable: false, configurable: false });
  return [];
}

const runtime = PythonRuntime.start({
  ...config,
  hardenPlatform: hardenNode,
  // Unpacked here by zlib into one buffer: the streams' many small chunks would stay in the
  // thread's resident memory long after the interpreter is made from them.
  readSnapshot: async () => (config.snapshot === null ? null : gunzipSync(await readFile(config.snapshot))),
});
// A start-up failure is reported through ready(); this keeps it from also crashing the thread.
runtime.catch(() => {});

const api: SandboxWorkerApi = {
  ready: async () => (await runtime).info,
  run: async (program, limits, runAs) => (await runtime).run(program, limits, runAs),
  capCStack: async (bytes) => (await runtime).capCStack(bytes),
};

expose(api, nodeEndpoint(port));
