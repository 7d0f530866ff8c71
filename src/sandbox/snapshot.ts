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

/**
 * Starts an interpreter from the snapshot `readSnapshot` gives (gzipped bytes, or null when
 * there is none), or normally when that fails.
 */
export async function startInterpreter(
  loadPyodide: typeof LoadPyodide,
  indexURL: string,
  readSnapshot: (() => Promise<Uint8Array | null>) | undefined,
): Promise<StartedInterpreter> {
  let problem: string | null = null;
  try {
    const packed = readSnapshot ? await readSnapshot() : null;
    if (packed) {
      // A host that sends the file with Content-Encoding: gzip has the browser unpack it already.
      const heap = isGzip(packed) ? await gunzipBounded(packed, MAX_SNAPSHOT_BYTES) : packed;
      const py = await loadPyodide({ ...interpreterOptions(indexURL), _loadSnapshot: heap });
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
