/**
 * Starting Pyodide from a memory snapshot, in both environments.
 *
 * Most of a sandbox worker's cold start (2–3 s of a 2-core machine) is CPython initialising
 * itself and importing the standard library. A memory snapshot is the wasm heap taken right
 * after that work (Pyodide's `_makeSnapshot` / `_loadSnapshot`): a worker that starts from it
 * skips the work and is ready in a fraction of the time. The snapshot is made once per Pyodide
 * build — at `vite build` for the browser (shipped as `pyodide/snapshot.bin.gz`), on first use
 * under Node (snapshot-file.ts) — by loading Pyodide with the very options every worker uses
 * and importing the modules the runner's baseline holds. Nothing of the sandbox's own set-up is
 * in it: workers still cut the bridges, install the runner and harden JavaScript themselves.
 *
 * Pyodide refuses a snapshot made by another build of itself (it checks a build id); any
 * problem with a snapshot — missing, unreadable, refused — falls back to a normal start, and
 * the worker says which it did.
 *
 * One consequence: every interpreter started from the same snapshot shares the hash secret
 * CPython drew at initialisation, so the iteration order of a set of strings is the same in
 * every worker (it differs between processes in CPython). `random` draws differently all the
 * same: the runner reseeds it after every program, the start-up self-test included.
 */
import type { loadPyodide as LoadPyodide, PyodideAPI } from 'pyodide';
import { gunzipBounded, gzip, isGzip } from '../core/results/bounded-compression.ts';
import { BASELINE_MODULES } from './runner-py.ts';

/** A snapshot is the wasm heap after start-up (about 30 MB); anything far bigger is not one. */
const MAX_SNAPSHOT_BYTES = 256 * 2 ** 20;

/** How a worker's interpreter came to be. */
export type StartedFrom = 'snapshot' | 'fresh';

/**
 * The loadPyodide options of every sandbox interpreter. A snapshot carries the state these
 * produced when it was made (os.environ, sys.argv), so it must be made with the same ones.
 */
export function interpreterOptions(indexURL: string): Parameters<typeof LoadPyodide>[0] {
  return { indexURL, jsglobals: {}, args: [], env: { HOME: '/home/pyodide' } };
}

/** What runs before the heap is taken: the standard-library imports every worker would do. */
export const SNAPSHOT_PRELUDE = `
for _name in ${JSON.stringify(BASELINE_MODULES)}:
    try:
        __import__(_name)
    except BaseException:
        pass
del _name
`;

/**
 * Identifies what a snapshot holds beyond Pyodide's build: a snapshot with another key was
 * made by an older prelude and is made again.
 */
export function snapshotKey(pyodideVersion: string): string {
  // FNV-1a: a stable, synchronous fingerprint of the prelude (no security role).
  let hash = 0x811c9dc5;
  for (let i = 0; i < SNAPSHOT_PRELUDE.length; i++) {
    hash ^= SNAPSHOT_PRELUDE.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `pyodide-${pyodideVersion}-${hash.toString(16).padStart(8, '0')}`;
}

/** Loads Pyodide as a worker does, runs the prelude and returns the gzipped heap. */
export async function makeSnapshot(loadPyodide: typeof LoadPyodide, indexURL: string): Promise<Uint8Array> {
  const py: PyodideAPI = await loadPyodide({ ...interpreterOptions(indexURL), _makeSnapshot: true });
  py.runPython(SNAPSHOT_PRELUDE);
  return gzip(py.makeMemorySnapshot());
}

export interface StartedInterpreter {
  py: PyodideAPI;
  startedFrom: StartedFrom;
  /** Why a snapshot was not used, when there was a problem with it (null when none was offered). */
  snapshotProblem: string | null;
}

type CreatePyodideModule = NonNullable<NonNullable<Parameters<typeof LoadPyodide>[0]>['createPyodideModule']>;

/** The parts of Pyodide's Emscripten module that say which call trampoline CPython uses. */
interface TrampolineFields {
  HEAP32: Int32Array;
  /** Address of `_PyRuntime`, CPython's global runtime state. */
  __PyRuntime: number;
  /** Address of a word holding the offset of `emscripten_trampoline` inside `_PyRuntime`. */
  __PyEM_EMSCRIPTEN_TRAMPOLINE_OFFSET: number;
}

function isTrampolineModule(module: unknown): module is TrampolineFields {
  const fields = module as Partial<TrampolineFields> | null;
  return (
    fields !== null &&
    fields.HEAP32 instanceof Int32Array &&
    typeof fields.__PyRuntime === 'number' &&
    typeof fields.__PyEM_EMSCRIPTEN_TRAMPOLINE_OFFSET === 'number'
  );
}

/** The heap index of CPython's trampoline pointer, or null on a Pyodide without one. */
function trampolineIndex(module: unknown): { module: TrampolineFields; index: number } | null {
  if (!isTrampolineModule(module)) return null;
  const offset = module.HEAP32[module.__PyEM_EMSCRIPTEN_TRAMPOLINE_OFFSET >> 2] ?? 0;
  return { module, index: (module.__PyRuntime + offset) >> 2 };
}

/**
 * Wraps Pyodide's module factory so that the trampoline this engine chose, before the snapshot
 * overwrites the heap, can be put back afterwards.
 *
 * Why: CPython's Emscripten build calls C function pointers (every builtin function, every
 * call from C back into Python) through a trampoline. While Pyodide starts, it builds a small
 * wasm one when the engine supports wasm GC, and otherwise leaves 0, which means a JavaScript
 * one. The choice lives in CPython's runtime state, that is in the heap, so a snapshot carries
 * the choice of the engine that made it: the browser's snapshot is made by Node at build time,
 * whose V8 (Node 20) cannot compile the wasm trampoline, and every Chromium worker started
 * from it went through JavaScript on each such call. Those JavaScript frames sit on the
 * worker's ~1 MB stack, so memoised recursion overflowed it about a fifth sooner (≈300 calls
 * instead of ≈380).
 */
function rememberingTrampoline(importScript: (url: string) => Promise<unknown>, indexURL: string) {
  let chosen: number | null = null;
  const createPyodideModule: CreatePyodideModule = async (settings) => {
    const script = (await importScript(`${indexURL}pyodide.asm.mjs`)) as { default: CreatePyodideModule };
    const module = await script.default(settings);
    const found = trampolineIndex(module);
    if (found) chosen = found.module.HEAP32[found.index] ?? null;
    return module;
  };
  /** Writes the engine's choice back over the snapshot's. */
  const restore = (py: PyodideAPI): void => {
    const found = trampolineIndex((py as unknown as { _module: unknown })._module);
    if (found && chosen !== null) found.module.HEAP32[found.index] = chosen;
  };
  return { createPyodideModule, restore };
}

/**
 * Starts an interpreter from the snapshot `readSnapshot` gives (gzipped bytes, or null when
 * there is none), or normally when that fails.
 *
 * `importScript` imports Pyodide's Emscripten script by URL: given where the snapshot was
 * made by another engine (the browser's, made by Node at build time), it lets the worker keep
 * its own engine's call trampoline (see rememberingTrampoline).
 */
export async function startInterpreter(
  loadPyodide: typeof LoadPyodide,
  indexURL: string,
  readSnapshot: (() => Promise<Uint8Array | null>) | undefined,
  importScript?: (url: string) => Promise<unknown>,
): Promise<StartedInterpreter> {
  let problem: string | null = null;
  try {
    const packed = readSnapshot ? await readSnapshot() : null;
    if (packed) {
      // A host that sends the file with Content-Encoding: gzip has the browser unpack it already.
      const heap = isGzip(packed) ? await gunzipBounded(packed, MAX_SNAPSHOT_BYTES) : packed;
      const trampoline = importScript ? rememberingTrampoline(importScript, indexURL) : null;
      const py = await loadPyodide({
        ...interpreterOptions(indexURL),
        _loadSnapshot: heap,
        ...(trampoline ? { createPyodideModule: trampoline.createPyodideModule } : {}),
      });
      trampoline?.restore(py);
      // Pyodide keeps its options for good: without this, every worker would hold the 30 MB
      // of the snapshot's bytes beside the heap made from them.
      (py as unknown as { _api: { config: { _loadSnapshot?: unknown } } })._api.config._loadSnapshot = undefined;
      return { py, startedFrom: 'snapshot', snapshotProblem: null };
    }
  } catch (error) {
    problem = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? 'unknown';
  }
  return { py: await loadPyodide(interpreterOptions(indexURL)), startedFrom: 'fresh', snapshotProblem: problem };
}
