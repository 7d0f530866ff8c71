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
 * so the others reach CPython's check with more of the engine's stack to spare.
 *
 * The unit is the probe's frame, and V8 changes its size when it compiles the probe (Chromium
 * 150: 6,341 or 9,059 of them fit, at a program's start, depending on its tier). Under CPU load
 * that compilation lands late, at any moment of the measure. A pass whose points were counted in
 * different units gave a limit a third too small (104,984 bytes, not 150,000: its entry counted
 * in the large unit, its levels in the small; a 320-deep memoised recursion then failed); the
 * other way round it gives a limit past the end, or a growth of zero or less, after which the
 * guard set no limit at all and deep recursion killed the worker with a RangeError. Each point
 * is therefore read twice, the probe's depth is read from the same frame before and after each
 * pass, and a pass that does not agree with itself is thrown away; two passes that do are
 * needed, else the guard says it failed. Where the engine's stack is large (Node's workers get
 * 256 MB) CPython's own limits come first and nothing is changed.
 *
 * The interpreter's own wasm changes frame sizes too, and V8 shares its compiled code between
 * the workers of a page. On its first tier a memoised call takes the most of the engine's stack
 * (Chromium 150: the engine runs out near 377 calls); once V8 has optimised it, the least (near
 * 423). A worker started while the code is optimised measured that and set a limit of about
 * 390 calls, past what the first tier holds, where the code goes back whenever V8 drops an
 * optimised function. So a worker may be given a ceiling: the lowest limit an earlier worker
 * of the page measured, which was measured on the first tier; and a worker started before a
 * lower measure is lowered to it between programs (`capCStack`, stack-ceiling.ts).
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
  /** Where on Emscripten's stack a program starts, which the limit is counted from; null when none was set. */
  entryShadow: number | null;
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

/** Passes of the measure that must agree with themselves; the smallest limit of those is kept. */
const PASSES = 2;
/**
 * Passes tried at most. A pass is thrown away when the probe's own frames changed size during it
 * (V8 compiled or decompiled the probe, which under CPU load lands at any moment): its numbers
 * then mix two units and can say anything, from a limit far too small to one far past the end.
 */
const MAX_ATTEMPTS = 8;
/** Readings of the probe's depth at each point: they must be equal for the point to count. */
const READINGS = 2;

const CALIBRATION = `
import functools

def _measure():
    @functools.lru_cache(maxsize=None)
    def descend(level):
        if level in (${FIRST_LEVEL}, ${LAST_LEVEL}):
            _probe(level)
        if level == ${LAST_LEVEL}:
            return level
        return descend(level + 1)

    _probe(0)
    descend(0)

_measure()
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

interface Sample {
  shadow: number;
  units: number;
}

/** One pass's limit in bytes, or null when its probe did not keep one frame size throughout. */
export function passBudget(before: number, after: number, samples: ReadonlyMap<number, readonly number[]>, shadows: ReadonlyMap<number, number>): { budget: number; entry: Sample } | null {
  // The probe measured from this same frame before and after the pass: equal, its frames kept their size in between
  // (barring a change and its undoing, which the readings at each point would catch too).
  if (before !== after) return null;
  const points: Sample[] = [];
  for (const level of [0, FIRST_LEVEL, LAST_LEVEL]) {
    const readings = samples.get(level);
    const shadow = shadows.get(level);
    if (!readings || shadow === undefined) throw new Error('the C stack calibration did not reach its probes');
    if (readings.some((units) => units !== readings[0])) return null;
    points.push({ shadow, units: readings[0] ?? 0 });
  }
  const [entry, first, last] = points as [Sample, Sample, Sample];
  // Deeper is less engine stack left and lower addresses on Emscripten's; anything else is a unit that changed.
  if (!(entry.units > first.units && first.units > last.units && entry.shadow > first.shadow && first.shadow > last.shadow)) return null;
  const shadowPerUnit = (first.shadow - last.shadow) / (first.units - last.units);
  return { budget: Math.floor(shadowPerUnit * entry.units * (1 - RESERVE_FRACTION)), entry };
}

export interface StackGuardOptions {
  /** The most a measure may set (an earlier worker's limit), or null for none. */
  ceilingBytes?: number | null;
  /** How many probe frames the engine's stack holds from here (tests replace it). */
  depthProbe?: (limit: number) => number;
}

/**
 * Measures and sets the C stack limit. Call once at start-up, while Python can still call into
 * JavaScript (before the bridges are cut) and before any program runs.
 */
export function guardCStack(py: PyodideAPI, host: StackHost, { ceilingBytes = null, depthProbe = engineDepth }: StackGuardOptions = {}): StackGuardReport {
  // Node's workers: nothing to measure (and a cheap way to learn it).
  if (depthProbe(LARGE_ENGINE_STACK_UNITS) >= LARGE_ENGINE_STACK_UNITS) return { cStackBytes: null, engineUnits: LARGE_ENGINE_STACK_UNITS, entryShadow: null };
  // Warm the probe up, so that its frames are likely to have their final size below (the checks make sure).
  for (let i = 0; i < 3; i++) depthProbe(LARGE_ENGINE_STACK_UNITS);
  let samples = new Map<number, number[]>();
  const shadows = new Map<number, number>();
  const probe = (level: number): void => {
    shadows.set(level, host._emscripten_stack_get_current());
    samples.set(level, Array.from({ length: READINGS }, () => depthProbe(LARGE_ENGINE_STACK_UNITS)));
  };
  const globals = py.toPy({ _probe: probe }) as { clear(): void; destroy(): void };
  let budget = Infinity;
  let entry: Sample | undefined;
  let agreed = 0;
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS && agreed < PASSES; attempt++) {
      samples = new Map();
      shadows.clear();
      const before = depthProbe(LARGE_ENGINE_STACK_UNITS);
      py.runPython(CALIBRATION, { globals: globals as never });
      const after = depthProbe(LARGE_ENGINE_STACK_UNITS);
      if (before >= LARGE_ENGINE_STACK_UNITS) return { cStackBytes: null, engineUnits: before, entryShadow: null };
      const pass = passBudget(before, after, samples, shadows);
      if (!pass) continue;
      agreed++;
      if (pass.budget < budget) [budget, entry] = [pass.budget, pass.entry];
    }
  } finally {
    // `_measure` holds this dict as its globals: emptied, the cycle and its reference to
    // JavaScript (`_probe`) go now rather than at some later collection.
    globals.clear();
    globals.destroy();
  }
  if (!entry || agreed < PASSES) throw new Error(`the C stack calibration agreed with itself ${agreed} times in ${MAX_ATTEMPTS}`);
  if (ceilingBytes !== null && ceilingBytes > 0 && budget > ceilingBytes) budget = ceilingBytes;
  const available = entry.shadow - host._emscripten_stack_get_end();
  if (budget + CPYTHON_MARGIN_BYTES >= available) return { cStackBytes: null, engineUnits: entry.units, entryShadow: null };
  setCStack(host, entry.shadow, budget);
  return { cStackBytes: budget, engineUnits: entry.units, entryShadow: entry.shadow };
}

/** Tells CPython that its stack ends `budget` bytes (and its own margin) below `entryShadow`. */
function setCStack(host: StackHost, entryShadow: number, budget: number): void {
  // The stack's top stays where it is (the base; the stack grows down): only its end moves.
  const start = entryShadow - budget - CPYTHON_MARGIN_BYTES;
  const status = host._PyUnstable_ThreadState_SetStackProtection(host._PyThreadState_Get(), start, host._emscripten_stack_get_base() - start);
  if (status !== 0) {
    host._PyErr_Clear();
    throw new Error(`CPython refused a C stack of ${budget} bytes`);
  }
}

/**
 * Lowers the limit `guardCStack` set to `ceilingBytes`, between programs, when another worker of
 * the page has since measured less (browser-sandbox.ts): a spare started before that measure
 * would otherwise keep the higher limit when it takes over. Never raises a limit, and sets none
 * where the guard set none. Returns the limit now in force.
 */
export function capCStack(host: StackHost, guard: Pick<StackGuardReport, 'cStackBytes' | 'entryShadow'>, ceilingBytes: number): number | null {
  if (guard.cStackBytes === null || guard.entryShadow === null || !(ceilingBytes > 0) || ceilingBytes >= guard.cStackBytes) return guard.cStackBytes;
  setCStack(host, guard.entryShadow, ceilingBytes);
  return ceilingBytes;
}
