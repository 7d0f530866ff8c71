/**
 * The JavaScript wall: what a program finds if it ever gets hold of a JavaScript object despite
 * the Python-side guards. Applied once, after Pyodide and the runner are initialised and after
 * the worker has captured, in closures, the little it still needs (its message port, the FS
 * object, the runner's entry points).
 *
 * - Code generation is gone: the Function, AsyncFunction, GeneratorFunction and
 *   AsyncGeneratorFunction constructors and `eval` throw, so `x.constructor.constructor("…")`
 *   no longer turns a reachable object into arbitrary code. No new WebAssembly can be compiled
 *   either (a program could otherwise write a shared library and dlopen it).
 * - The worker's reach is gone: network, storage, messaging, nested workers and script loading
 *   are deleted from the global object and shadowed, and their prototype properties deleted.
 * - Pyodide's own escape hatches are gone: package loading, file-system mounts (NODEFS reads the
 *   host disk under Node), sockets, `runPython` and the JS-module registry.
 */

/** Globals a sandboxed worker never needs once Pyodide is running, in either environment. */
export const REMOVED_GLOBALS = [
  // Network and storage.
  'fetch', 'XMLHttpRequest', 'WebSocket', 'WebSocketStream', 'WebTransport', 'EventSource',
  'Request', 'Response', 'Headers', 'FormData', 'indexedDB', 'IDBFactory', 'caches',
  'CacheStorage', 'cookieStore', 'navigator', 'location', 'StorageManager', 'FileSystemHandle',
  'FileSystemDirectoryHandle', 'FileSystemFileHandle', 'FileSystemSyncAccessHandle',
  // Talking to other contexts and starting new ones.
  'postMessage', 'onmessage', 'onmessageerror', 'close', 'importScripts', 'Worker', 'SharedWorker',
  'BroadcastChannel', 'ServiceWorker', 'Notification', 'addEventListener', 'removeEventListener',
  'dispatchEvent',
  // Node.
  'require', 'module', 'exports', '__filename', '__dirname',
] as const;

export interface HardeningReport {
  /** Global names still reachable after hardening (should be empty). */
  reachable: string[];
  /** Whether `Function("…")`, `eval` and friends now throw. */
  codeGenerationBlocked: boolean;
}

const refuse = (what: string) =>
  function refused(): never {
    throw new TypeError(`${what} is not available in the sandbox`);
  };

/** A throwing stand-in that still answers `instanceof` like the constructor it replaces. */
function refuseLike(original: unknown, what: string): () => never {
  const stub = refuse(what);
  const prototype = (original as { prototype?: unknown } | undefined)?.prototype;
  if (prototype !== undefined) Reflect.defineProperty(stub, 'prototype', { value: prototype, writable: false });
  return stub;
}

function replace(target: object, name: string, value: unknown): void {
  Reflect.defineProperty(target, name, { value, writable: false, configurable: false });
}

/** Removes `name` from the global object and its prototype chain, then shadows it with undefined. */
export function removeGlobal(global: object, name: string): void {
  for (let target: object | null = global; target && target !== Object.prototype; target = Object.getPrototypeOf(target)) {
    const descriptor = Object.getOwnPropertyDescriptor(target, name);
    if (!descriptor) continue;
    if (!Reflect.deleteProperty(target, name) && descriptor.writable) Reflect.set(target, name, undefined);
  }
  Reflect.defineProperty(global, name, { value: undefined, writable: false, enumerable: false, configurable: false });
}

/** Replaces a function constructor in its prototype's `constructor` slot and on the global object. */
function tameConstructor(example: { constructor: unknown }, globalName: string | null, global: object): void {
  const stub = refuseLike(example.constructor, 'code generation');
  replace(Object.getPrototypeOf(example) as object, 'constructor', stub);
  if (globalName) replace(global, globalName, stub);
}

export function hardenGlobals(global: typeof globalThis, extraNames: readonly string[] = []): HardeningReport {
  // Timers stay (Pyodide's event loop uses them), but a string of code is refused: in a
  // browser, setTimeout("…") is one more way to evaluate it.
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const original = global[name] as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') continue;
    replace(global, name, (handler: unknown, ...rest: unknown[]) => {
      if (typeof handler !== 'function') throw new TypeError('timers take functions in the sandbox');
      return Reflect.apply(original, global, [handler, ...rest]);
    });
  }

  tameConstructor(function () {}, 'Function', global);
  tameConstructor(async function () {}, null, global);
  tameConstructor(function* () {}, null, global);
  tameConstructor(async function* () {}, null, global);
  replace(global, 'eval', refuse('eval'));

  // V8 calls Error.prepareStackTrace with call sites: a way to reach functions on the stack.
  replace(Error, 'prepareStackTrace', undefined);

  const wasm = global.WebAssembly as unknown as Record<string, unknown> | undefined;
  if (wasm) {
    for (const name of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming', 'Module']) {
      replace(wasm, name, refuseLike(wasm[name], 'compiling WebAssembly'));
    }
  }

  const names = [...REMOVED_GLOBALS, ...extraNames];
  for (const name of names) removeGlobal(global, name);

  return {
    reachable: names.filter((name) => (global as unknown as Record<string, unknown>)[name] !== undefined),
    codeGenerationBlocked: codeGenerationBlocked(),
  };
}

function codeGenerationBlocked(): boolean {
  const attempts: Array<() => unknown> = [
    () => (function () {}).constructor('return 1')(),
    () => (async function () {}).constructor('return 1'),
    () => (function* () {}).constructor('yield 1'),
    () => (async function* () {}).constructor('yield 1'),
    // An indirect eval, the only kind a reachable object could perform.
    () => (0, globalThis.eval)('1'),
  ];
  return attempts.every((attempt) => {
    try {
      attempt();
      return false;
    } catch {
      return true;
    }
  });
}

/** The parts of a loaded Pyodide this module neuters; typed loosely because most are internal. */
export interface PyodideSurface {
  api: Record<string, unknown>;
  internals: Record<string, unknown>;
  module: Record<string, unknown>;
  fs: { filesystems: Record<string, unknown>; ErrnoError: new (errno: number) => Error };
  errnoCodes: Record<string, number>;
}

/** Pyodide entry points a program could use to load code, mount the host disk or open sockets. */
export function hardenPyodide({ api, internals, module, fs, errnoCodes }: PyodideSurface): void {
  for (const name of [
    'loadPackage', 'loadPackagesFromImports', 'runPython', 'runPythonAsync', 'pyimport',
    'registerJsModule', 'unregisterJsModule', 'mountNodeFS', 'mountNativeFS', 'unpackArchive',
    'setStdin', 'setStdout', 'setStderr', 'setInterruptBuffer', 'registerComlink', 'toPy',
  ]) {
    // Configurable: Pyodide redefines its API when the interpreter dies (os._exit, fatal error).
    if (name in api) Reflect.defineProperty(api, name, { value: refuse(`pyodide.${name}`), configurable: true });
  }
  for (const name of ['loadBinaryFile', 'loadDynlib', 'install', 'rawRun', 'runPythonInternal', 'loadScript', 'initializeNodeSockFS', 'restoreSnapshot', 'makeSnapshot']) {
    if (name in internals) replace(internals, name, refuse(`pyodide.${name}`));
  }
  for (const name of Object.keys(fs.filesystems)) if (name !== 'MEMFS') delete fs.filesystems[name];

  // Emscripten sockets tunnel TCP over WebSocket (the `ws` package under Node): refuse them in
  // the file-system layer, where every socket call from Python arrives.
  const sockfs = module['SOCKFS'] as Record<string, unknown> | undefined;
  const refuseSocket = () => {
    throw new fs.ErrnoError(errnoCodes['EACCES'] ?? 2);
  };
  if (sockfs) {
    sockfs['createSocket'] = refuseSocket;
    const ops = sockfs['websocket_sock_ops'] as Record<string, unknown> | undefined;
    if (ops) for (const name of ['connect', 'bind', 'listen', 'sendmsg', 'createPeer']) ops[name] = refuseSocket;
  }
}
