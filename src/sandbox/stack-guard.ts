/**
 * Deep recursion through C ends in Python's RecursionError, not in a dead interpreter.
 *
 * Pyodide's C code keeps two stacks: Emscripten's stack in wasm memory (10 MB, for locals whose
 * address is taken), which CPython 3.14 watches and turns into a RecursionError when it runs
 * low, and the engine's own call stack, which every wasm call uses and nobody watches. A browser
 * gives a worker about 1 MB of the latter, so recursion that goes through C (an `lru_cache`'d
 * function calling itself, a sort key, `map`, a `__repr__` calling `repr`) exhausted it a few
 * hundred calls deep, long before CPython's check: V8 threw "Maximum call stack size exceeded"
 * through the wasm frames, and Pyodide, whose C state was left half-unwound, declared itself dead.
 *
 * At start-up the worker measures how much of Emscripten's stack a memoised recursion uses for
 * each unit of the engine's stack (a unit: one frame of a small JavaScript function), and how
 * many units a program starts with; it then tells CPython (`PyUnstable_ThreadState_SetStackProtection`)
 * that its stack ends where the engine's would run out, less a reserve. Memoised recursion is
 * the path with the least wasm stack per engine frame of all those measured (docs/sandbox.md),
 * so the others reach CPython's check with more of the engine's stack to spare. Where the
 * engine's stack is large (Node's workers get 256 MB) CPython's own limits come first and
 * nothing is changed.
 */
import type { PyodideAPI } from 'pyodide';

/** The parts of Pyodide's Emscripten module this needs (exported by Pyodide 314's build). */
export interface StackHost {
  _emscripten_stack_get_current(): number;
  _emscripten_stack_get_base(): number;
  _emscripten_stack_get_end(): number;
  _PyThreadState_Get(): number;
  _PyUnstable_ThreadState_SetStackProtection(threadState: number, start: number, size: number): number;
  _PyErr_Clear(): void;
}

export interface StackGuardReport {
  /** Bytes of Emscripten's stack a program may use before CPython raises RecursionError; null when CPython's default is kept. */
  cStackBytes: number | null;
  /** Frames of the probe function the engine's stack held where a program starts (for reports and tests). */
  engineUnits: number;
}

/** An engine stack this many probe frames deep (about 20 MB in V8) outlasts Emscripten's 10 MB whatever the path. */
const LARGE_ENGINE_STACK_UNITS = 200_000;
/**
 * Part of the engine's stack kept back when CPython's check fires: raising the RecursionError,
 * an `except RecursionError:` that calls a little more, and above all the engine's compiled code
 * changing size after the measure (V8 tiers wasm functions up, and may take them back down
 * after a failed speculation: Chromium reaches about 380 memoised calls on its first tier, 420 optimised). With
 * 5 % one worker in eight died on its first program; with 15 %, none in twenty.
 */
const RESERVE_FRACTION = 0.15;
/**
 * CPython raises RecursionError this far before the end of the stack it is given, and gives up
 * (a fatal error) half as far: `_PyOS_STACK_MARGIN_BYTES` twice, 2,048 words of 4 bytes.
 */
const CPYTHON_MARGIN_BYTES = 2 * 2048 * 4;
/** Levels of the calibration recursion between its two measurements, after a few to settle. */
const FIRST_LEVEL = 8;
const LAST_LEVEL = 72;

/** Passes of the measure; the smallest limit is kept (the probe's own frames may change size between passes). */
const PASSES = 2;

const CALIBRATION = `
import functools

def _measure(pass_number):
    @functools.lru_cache(maxsize=None)
    def descend(level):
        if level in (${FIRST_LEVEL}, ${LAST_LEVEL}):
            _probe(pass_number, level)
        if level == ${LAST_LEVEL}:
            return level
        return descend(level + 1)

    _probe(pass_number, 0)
    descend(0)

for _pass_number in range(${PASSES}):
    _measure(_pass_number)
`;

/** How many frames of a small function the engine's stack holds from here, up to `limit`. */
function engineDepth(limit = Infinity): number {
  let depth = 0;
  const descend = (): void => {
    depth++;
    if (depth < limit) descend();
  };
  try {
    descend();
  } catch {
    // RangeError: the engine's stack is full here, which is what was being measured.
  }
  return depth;
}

/**
 * Measures and sets the C stack limit. Call once at start-up, while Python can still call into
 * JavaScript (before the bridges are cut) and before any program runs.
 */
export function guardCStack(py: PyodideAPI, host: StackHost): StackGuardReport {
  // Node's workers: nothing to measure (and a cheap way to learn it).
  if (engineDepth(LARGE_ENGINE_STACK_UNITS) >= LARGE_ENGINE_STACK_UNITS) return { cStackBytes: null, engineUnits: LARGE_ENGINE_STACK_UNITS };
  // Warm the probe up, so that its frames have their final size for every measurement below.
  for (let i = 0; i < 3; i++) engineDepth(LARGE_ENGINE_STACK_UNITS);
  const samples = new Map<string, { shadow: number; units: number }>();
  const probe = (pass: number, level: number): void => {
    samples.set(`${pass}:${level}`, { shadow: host._emscripten_stack_get_current(), units: engineDepth(LARGE_ENGINE_STACK_UNITS) });
  };
  const globals = py.toPy({ _probe: probe }) as { clear(): void; destroy(): void };
  try {
    py.runPython(CALIBRATION, { globals: globals as never });
  } finally {
    // `_measure` holds this dict as its globals: emptied, the cycle and its reference to
    // JavaScript (`_probe`) go now rather than at some later collection.
    globals.clear();
    globals.destroy();
  }
  let budget = Infinity;
  let entry: { shadow: number; units: number } | undefined;
  for (let pass = 0; pass < PASSES; pass++) {
    const [start, first, last] = [0, FIRST_LEVEL, LAST_LEVEL].map((level) => samples.get(`${pass}:${level}`));
    if (!start || !first || !last) throw new Error('the C stack calibration did not reach its probes');
    if (start.units >= LARGE_ENGINE_STACK_UNITS) return { cStackBytes: null, engineUnits: start.units };
    const shadowPerUnit = (first.shadow - last.shadow) / (first.units - last.units);
    if (!(shadowPerUnit > 0) || !Number.isFinite(shadowPerUnit)) throw new Error('the C stack calibration measured no growth');
    budget = Math.min(budget, Math.floor(shadowPerUnit * start.units * (1 - RESERVE_FRACTION)));
    entry = start;
  }
  if (!entry) throw new Error('the C stack calibration made no pass');
  const available = entry.shadow - host._emscripten_stack_get_end();
  if (budget + CPYTHON_MARGIN_BYTES >= available) return { cStackBytes: null, engineUnits: entry.units };

  // The stack's top stays where it is (the base; the stack grows down): only its end moves.
  const start = entry.shadow - budget - CPYTHON_MARGIN_BYTES;
  const status = host._PyUnstable_ThreadState_SetStackProtection(host._PyThreadState_Get(), start, host._emscripten_stack_get_base() - start);
  if (status !== 0) {
    host._PyErr_Clear();
    throw new Error(`CPython refused a C stack of ${budget} bytes`);
  }
  return { cStackBytes: budget, engineUnits: entry.units };
}
