/**
 * One Pyodide interpreter that runs untrusted programs one at a time: the environment-agnostic
 * core of a sandbox worker (the browser and Node entries only wire it to a message channel).
 *
 * Start-up loads Pyodide, installs the Python runner (runner-py.ts), hardens the JavaScript
 * realm (js-hardening.ts) and self-tests the interrupt. Each run then goes: fresh working
 * directory → compile → `exec` called straight from JavaScript (no runner frame below the
 * program) → verdict, decided here from how that call ended and from the deadline and output
 * counters, never from anything the program prints or returns → restore the baseline → report
 * whether this interpreter can take another program.
 */
import { loadPyodide, type PyodideAPI } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';
import type { RunResult } from '../core/harness/outcome.ts';
import { PROGRAM_FILENAME } from '../core/harness/to-outcome.ts';
import type { RunAs, SandboxLimits } from '../core/ports.ts';
import { disableBuiltinModules, type WasmHeap } from './builtin-modules.ts';
import { ClassWatch } from './class-watch.ts';
import { ContainerWatch, type ContainerProbes } from './container-watch.ts';
import { NewlineWatch } from './newline-watch.ts';
import { CodecWatch, type CodecHost, type CodecIds } from './codec-watch.ts';
import { DescriptorWatch, type DescriptorProbes } from './descriptor-watch.ts';
import { DictWatch, type WatcherHost } from './dict-watch.ts';
import { FreezeWatch } from './freeze-watch.ts';
import { clipErrorType, clipTraceback, dropFrames, exceptionMessage } from './exception-text.ts';
import { DeadlineInterrupt } from './interrupt.ts';
import { hardenGlobals, hardenPyodide } from './js-hardening.ts';
import { OutputCapture } from './output-capture.ts';
import { outputLimitError, workerLost } from './run-results.ts';
import { OUTPUT_LIMIT_SLOT } from './shared-state.ts';
import { BASELINE_MODULES, BLOCKED_MODULES, RUNNER_PY } from './runner-py.ts';
import { ScratchFileSystem, type EmscriptenFs } from './scratch-fs.ts';
import { StandardInput } from './standard-input.ts';
import { startInterpreter } from './snapshot.ts';
import { capCStack, guardCStack, type StackGuardReport, type StackHost } from './stack-guard.ts';
import { captureTracebacksInChunks, type CaptureFs } from './traceback-capture.ts';
import type { InterruptMode, WorkerConfig, WorkerInfo, WorkerRunReport } from './worker-protocol.ts';

/**
 * Time the runner gets at least to restore the baseline after a program, before it is interrupted
 * (and the worker replaced). A program that ended before its limit may use what is left of it and
 * of the pool's grace, less CLEANUP_MARGIN_MS: freeing a big heap took 1 s on a laptop 6x slower
 * than this machine after a program of 2.2 s, and each such program cost a new worker (audit R191-3).
 */
const CLEANUP_BUDGET_MS = 500;
/** Kept between the end of a clean-up and the pool's watchdog, for the way the program's message took here. */
const CLEANUP_MARGIN_MS = 500;
const SETTLE_ROUNDS = 3;
/** The runner's code is filed under this name, so its frames can be cut from tracebacks. */
const RUNNER_FILENAME = '<sandbox>';
const SELF_TEST_LOOP = 'import time\nstart = time.monotonic()\nwhile time.monotonic() - start < 1.0:\n    pass\n';

export interface RuntimeOptions extends WorkerConfig {
  /** Environment-specific hardening (Node: process, child_process); returns extra globals to remove. */
  hardenPlatform?: () => string[];
  /** The gzipped memory snapshot to start from (snapshot.ts), or null when there is none. */
  readSnapshot?: () => Promise<Uint8Array | null>;
  /** Imports Pyodide's Emscripten script by URL, where the snapshot was made by another engine (snapshot.ts). */
  importScript?: (url: string) => Promise<unknown>;
}

/** Pyodide's undocumented but stable internals this module relies on. */
interface PyodideInternals {
  _module: Record<string, unknown> & WasmHeap & { memory: WebAssembly.Memory };
  _api: Record<string, unknown>;
}

interface RunnerEntries {
  prepare: PyProxy & ((source: string, asExec: boolean) => PyProxy);
  flush: PyProxy & (() => void);
  restore: PyProxy & (() => PyProxy);
  // undefined reaches Python as None; null would be jsnull.
  settle: PyProxy & ((written: string | undefined, moved: string | undefined) => boolean);
  finish: PyProxy & (() => PyProxy);
  grave_clear: PyProxy & (() => void);
  reset_codecs: PyProxy & (() => void);
  reset_newlines: PyProxy & (() => PyProxy);
  gc_collect: PyProxy & (() => number);
  descriptors_changed: PyProxy & (() => boolean);
}

interface InstallReport {
  bridgesRemoved: number;
  bridgesLeft: number | null;
  baselineModules: number;
  typeAddresses: number[];
  dictAddresses: number[];
  probeAddress: number;
  codecIds: CodecIds;
  newlineProbe: number;
  streamAddresses: number[];
  containerAddresses: number[];
  containerKinds: string;
  containerProbes: ContainerProbes;
  descriptorAddresses: number[];
  descriptorKinds: string;
  descriptorProbes: DescriptorProbes;
}

/** What the runtime reads in wasm memory or C hooks instead of comparing from Python; each is null where it could not be installed. */
interface Watches {
  classes: ClassWatch | null;
  dicts: DictWatch | null;
  codecs: CodecWatch | null;
  newlines: NewlineWatch | null;
  freeze: FreezeWatch | null;
  containers: ContainerWatch | null;
  descriptors: DescriptorWatch | null;
}

type Ending = { kind: 'returned' } | { kind: 'threw'; error: unknown } | { kind: 'syntax'; errorType: string; text: string };

export class PythonRuntime {
  readonly #options: RuntimeOptions;
  readonly #py: PyodideAPI;
  readonly #heap: PyodideInternals['_module'];
  readonly #entries: RunnerEntries;
  readonly #fs: ScratchFileSystem;
  readonly #output: OutputCapture;
  readonly #interrupt: DeadlineInterrupt;
  readonly #stdin: StandardInput;
  readonly #classWatch: ClassWatch | null;
  readonly #dictWatch: DictWatch | null;
  readonly #codecWatch: CodecWatch | null;
  readonly #newlineWatch: NewlineWatch | null;
  readonly #freezeWatch: FreezeWatch | null;
  readonly #containerWatch: ContainerWatch | null;
  readonly #descriptorWatch: DescriptorWatch | null;
  readonly #PythonError: new (...args: never[]) => Error & { type: string };
  #dead: string | null = null;
  #stackGuard: StackGuardReport | null = null;
  info!: WorkerInfo;

  private constructor(
    options: RuntimeOptions,
    py: PyodideAPI,
    entries: RunnerEntries,
    output: OutputCapture,
    interrupt: DeadlineInterrupt,
    stdin: StandardInput,
    watches: Watches,
  ) {
    this.#stdin = stdin;
    this.#classWatch = watches.classes;
    this.#dictWatch = watches.dicts;
    this.#codecWatch = watches.codecs;
    this.#newlineWatch = watches.newlines;
    this.#freezeWatch = watches.freeze;
    this.#containerWatch = watches.containers;
    this.#descriptorWatch = watches.descriptors;
    this.#options = options;
    this.#py = py;
    this.#heap = (py as unknown as PyodideInternals)._module;
    this.#entries = entries;
    this.#output = output;
    this.#interrupt = interrupt;
    this.#PythonError = py.ffi.PythonError as unknown as new (...args: never[]) => Error & { type: string };
    this.#fs = new ScratchFileSystem(py.FS as unknown as EmscriptenFs);
  }

  static async start(options: RuntimeOptions): Promise<PythonRuntime> {
    const { py, startedFrom, snapshotProblem } = await startInterpreter(loadPyodide, options.indexURL, options.readSnapshot, options.importScript);
    const output = new OutputCapture();
    // Never Pyodide's default, prompt(), absent in a worker. An I/O error for every run failed a
    // script's guarded or EOFError-catching read of it, where a script given /dev/null passes
    // (audit R182-3): each run now reads what its harness gives (standard-input.ts).
    const stdin = new StandardInput((py.FS as unknown as { ErrnoError: new (errno: number) => unknown }).ErrnoError);
    py.setStdin({ stdin: () => stdin.read() });
    py.setStdout(output.stdout);
    py.setStderr(output.stderr);
    const interrupt = new DeadlineInterrupt(options.sharedState);
    py.setInterruptBuffer(interrupt.asInterruptBuffer());
    const internals = py as unknown as PyodideInternals;
    capMemory(internals._module.memory, options.maxHeapBytes);
    // Needs Python to call JavaScript, so before the bridges go. A Pyodide without the exports
    // it uses still starts, with CPython's own limit (deep recursion through C then kills it).
    let stackGuard: StackGuardReport | null = null;
    try {
      stackGuard = guardCStack(py, internals._module as unknown as StackHost, { ceilingBytes: options.cStackCeilingBytes ?? null });
    } catch {
      stackGuard = null;
    }

    // Order matters: the JS modules go before the Python scrub (which then finds no registry
    // entry to keep them alive), and the JavaScript wall goes up last, once nothing else needs
    // runPython or the loaders.
    py.unregisterJsModule('js');
    py.unregisterJsModule('pyodide_js');
    const disabledBuiltins = disableBuiltinModules(internals._module, BLOCKED_MODULES);
    // The runner's functions look builtins up in a copy of builtins' dict taken now, which no
    // program can reach: one that patched `builtins.id` was called by the audit hook, and took
    // from the hook's frame its policy table (and could have let anything through for later programs).
    const namespace = py.runPython("{'__builtins__': __import__('builtins').__dict__.copy()}") as PyProxy & {
      get(key: string): unknown;
      delete(key: string): void;
    };
    py.runPython(RUNNER_PY, { globals: namespace, filename: RUNNER_FILENAME });
    const install = namespace.get('install') as PyProxy & ((config: string) => PyProxy & { get(key: string): unknown });
    const installed = install(
      JSON.stringify({ filename: PROGRAM_FILENAME, baseline: BASELINE_MODULES, blockedModules: BLOCKED_MODULES, verify: options.verifyHardening ?? false }),
    );
    const entries = Object.fromEntries(
      ['prepare', 'flush', 'restore', 'settle', 'finish', 'grave_clear', 'reset_codecs', 'reset_newlines', 'gc_collect', 'descriptors_changed'].map((name) => [name, installed.get(name)]),
    ) as unknown as RunnerEntries;
    const report = JSON.parse(installed.get('report') as string) as InstallReport;
    const touchProbe = installed.get('touch_probe') as PyProxy & ((step: number) => void);
    const classWatch = ClassWatch.start(internals._module, report.probeAddress, report.typeAddresses, touchProbe);
    const dictWatch = DictWatch.start(internals._module as unknown as WatcherHost, report.dictAddresses, () => touchProbe(3));
    const containerWatch = ContainerWatch.start(internals._module, report.containerProbes, report.containerAddresses, report.containerKinds, () =>
      touchProbe(4),
    );
    touchProbe.destroy();
    const probeCodecs = installed.get('probe_codecs') as PyProxy & ((step: number) => void);
    const codecWatch = CodecWatch.start(internals._module as unknown as CodecHost, report.codecIds, probeCodecs);
    probeCodecs.destroy();
    const probeNewline = installed.get('probe_newline') as PyProxy & ((step: number) => void);
    const newlineWatch = NewlineWatch.start(internals._module, report.newlineProbe, report.streamAddresses, probeNewline);
    probeNewline.destroy();
    const probeDescriptors = installed.get('probe_descriptors') as PyProxy & ((step: number) => void);
    const descriptorWatch = DescriptorWatch.start(internals._module, report.descriptorProbes, report.descriptorAddresses, report.descriptorKinds, () =>
      probeDescriptors(0),
    );
    probeDescriptors.destroy();
    const probeFreeze = installed.get('probe_freeze') as PyProxy & ((step: number) => number);
    const freezeWatch = FreezeWatch.start(internals._module, probeFreeze);
    probeFreeze.destroy();
    installed.destroy();
    install.destroy();
    // The runner's functions keep this dict as their globals (with __builtins__, which the
    // warnings machinery needs when compile() warns); only the installer goes.
    namespace.delete('install');
    namespace.destroy();

    captureTracebacksInChunks(internals._api, py.FS as unknown as CaptureFs);
    const runtime = new PythonRuntime(options, py, entries, output, interrupt, stdin, {
      classes: classWatch,
      dicts: dictWatch,
      codecs: codecWatch,
      newlines: newlineWatch,
      freeze: freezeWatch,
      containers: containerWatch,
      descriptors: descriptorWatch,
    });
    runtime.#stackGuard = stackGuard;
    hardenPyodide({
      api: py as unknown as Record<string, unknown>,
      internals: internals._api,
      module: internals._module,
      fs: py.FS as unknown as Parameters<typeof hardenPyodide>[0]['fs'],
      errnoCodes: py.ERRNO_CODES,
    });
    const extraGlobals = options.hardenPlatform?.() ?? [];
    const globals = hardenGlobals(globalThis, extraGlobals);

    const selfTest = runtime.#selfTestInterrupt();
    runtime.info = {
      pyodideVersion: py.version,
      startedFrom,
      snapshotProblem,
      interrupt: selfTest.mode,
      interruptLatencyMs: selfTest.latencyMs,
      cStackBytes: stackGuard?.cStackBytes ?? null,
      hardening: {
        bridgesRemoved: report.bridgesRemoved,
        bridgesLeft: report.bridgesLeft,
        disabledBuiltins,
        reachableGlobals: globals.reachable,
        codeGenerationBlocked: globals.codeGenerationBlocked,
        baselineModules: report.baselineModules,
        watchedClasses: classWatch?.size ?? 0,
        watchedDicts: dictWatch?.size ?? 0,
        watchedContainers: containerWatch?.size ?? 0,
        watchedDescriptorFields: descriptorWatch?.size ?? 0,
        codecRegistryWatched: codecWatch !== null,
        newlineWatched: newlineWatch !== null,
        freezeWatched: freezeWatch !== null,
      },
    };
    return runtime;
  }

  /**
   * Lowers this worker's C stack limit to `ceilingBytes` if that is lower (stack-guard.ts), between
   * programs; returns the limit now in force, which `info` reports too.
   */
  capCStack(ceilingBytes: number): number | null {
    if (!this.#stackGuard || this.#dead) return this.info.cStackBytes;
    const cStackBytes = capCStack(this.#heap as unknown as StackHost, this.#stackGuard, ceilingBytes);
    this.#stackGuard = { ...this.#stackGuard, cStackBytes };
    this.info = { ...this.info, cStackBytes };
    return cStackBytes;
  }

  /** Runs one program to its end. Never throws: every ending is a RunResult. */
  run(program: string, limits: SandboxLimits, runAs: RunAs = 'script'): WorkerRunReport {
    if (this.#dead) return { result: workerLost(this.#dead), recycle: this.#dead };
    let setupFailure: string | null = null;
    try {
      this.#fs.beginRun();
    } catch (error) {
      setupFailure = `could not prepare the working directory: ${String(error)}`;
    }
    const shared = this.#options.sharedState;
    if (shared) Atomics.store(shared, OUTPUT_LIMIT_SLOT, 0);
    this.#output.reset(limits.maxOutputChars, () => {
      // A program that swallows the interrupt can only be stopped by the pool's watchdog: this
      // tells the pool why.
      if (shared) Atomics.store(shared, OUTPUT_LIMIT_SLOT, 1);
      this.#interrupt.fireNow();
    });
    const started = performance.now();
    const deadline = started + limits.timeoutMs;
    this.#interrupt.arm(deadline);
    this.#stdin.runAs = runAs;
    const ending = this.#execute(program, runAs);
    const ended = performance.now();
    const timedOut = this.#interrupt.fired || ended > deadline;

    // From here on the runner's own code runs: no more interrupts for output, and a fresh
    // budget so that a finalizer that never returns cannot hold the worker past the watchdog.
    // Past the budget, an interrupt at every check: a finalizer swallows its KeyboardInterrupt
    // ("Exception ignored in") and the next one runs, so ten endless finalizers took 2.25 s more
    // at one every 250 ms, past the watchdog, and a program that passed became a timeout.
    const graceMs = this.#options.graceMs ?? 0;
    this.#interrupt.arm(Math.max(performance.now() + CLEANUP_BUDGET_MS, deadline + graceMs - CLEANUP_MARGIN_MS), 0);
    this.#output.onOverflow = () => {};
    const exitStatus = this.#flush();
    const result = this.#judge(ending, ended - started, limits, timedOut, exitStatus);
    if (result.status !== 'crashed' && this.#output.stdoutDropped) result.stdoutTruncated = true;
    const recycle = setupFailure ?? this.#cleanUp();
    this.#interrupt.disarm();
    return { result, recycle };
  }

  #execute(program: string, runAs: RunAs): Ending {
    let prepared: PyProxy | undefined;
    try {
      prepared = this.#entries.prepare(program, runAs === 'exec');
      if (prepared.type === 'tuple') {
        const [errorType, text] = prepared.toJs() as [string, string];
        return { kind: 'syntax', errorType, text };
      }
      (prepared as PyProxy & (() => void))();
      return { kind: 'returned' };
    } catch (error) {
      return { kind: 'threw', error };
    } finally {
      prepared?.destroy();
    }
  }

  /**
   * Pushes what the program left in Python's stdout/stderr buffers to the capture. Returns the
   * status the program gave os._exit, or null.
   */
  #flush(): number | null {
    if (this.#dead) return null;
    try {
      const status: unknown = this.#entries.flush();
      return typeof status === 'number' ? status : null;
    } catch (error) {
      this.#noteDeath(error);
      return null;
    }
  }

  #judge(ending: Ending, durationMs: number, limits: SandboxLimits, timedOut: boolean, exitStatus: number | null): RunResult {
    const stdout = this.#output.keptStdout;
    if (ending.kind === 'threw' && !(ending.error instanceof this.#PythonError)) {
      const detail = this.#noteDeath(ending.error);
      // The runtime itself exited: os._exit reached through a reference the runner did not replace.
      const exit = /exit\((-?\d+)\)/.exec(detail);
      return exit ? processExit(Number(exit[1]), durationMs) : { status: 'crashed', durationMs, cause: 'fatal', detail };
    }
    if (this.#output.overflowed) return outputLimitError(limits, durationMs, stdout);
    if (exitStatus !== null) return processExit(exitStatus, durationMs);
    if (timedOut) return { status: 'timeout', durationMs, limitMs: limits.timeoutMs, stdout };
    switch (ending.kind) {
      case 'returned':
        return { status: 'passed', durationMs, stdout };
      case 'syntax':
        return { status: 'error', durationMs, stdout, errorType: ending.errorType, message: exceptionMessage(ending.text, ending.errorType), traceback: clipTraceback(ending.text) };
      case 'threw': {
        const error = ending.error as Error & { type: string };
        const traceback = dropFrames(error.message, RUNNER_FILENAME);
        const message = exceptionMessage(traceback, error.type);
        return { status: 'error', durationMs, stdout, errorType: clipErrorType(error.type), message, traceback: clipTraceback(traceback) };
      }
    }
  }

  /** Restores the baseline; returns why this interpreter must be replaced, or null. */
  #cleanUp(): string | null {
    if (this.#dead) return this.#dead;
    const reasons: string[] = [];
    // Read before the runner's own freeze (in finish). Undoing it would take unfreezing the
    // whole heap and a full collection: 50–300 ms, past the clean-up budget on a loaded machine.
    if (this.#freezeWatch?.changed()) reasons.push("the program froze or unfroze the collector's objects (gc.freeze)");
    try {
      reasons.push(...this.#strings(this.#entries.restore()));
      // Freeing the program's objects runs their finalizers, straight from here with no Python
      // frame below them; settle() then restores whatever they (or the program) changed, until
      // a round changes nothing.
      let settled = false;
      for (let round = 0; round < SETTLE_ROUNDS && !settled; round++) {
        this.#entries.grave_clear();
        this.#entries.gc_collect();
        // A codec looked up stays cached for every later program, whatever the program had
        // changed to find it. Emptied before settle, which puts back what freeing it changed.
        if (this.#codecWatch?.cacheUsed() ?? round === 0) this.#entries.reset_codecs();
        // undefined, not null: Pyodide passes null as `jsnull`, which the runner's `is None` would not see.
        const moved = this.#containerWatch?.changed();
        settled = this.#entries.settle(this.#dictWatch ? this.#dictWatch.take() : undefined, moved);
        if (moved) this.#containerWatch!.rebase(moved);
        // Writes made by the restoring itself are not news.
        this.#dictWatch?.take();
      }
      if (!settled) reasons.push('finalizers kept changing the standard library');
      const changedClasses = this.#classWatch?.changed() ?? 0;
      if (changedClasses > 0) reasons.push(`${changedClasses} standard-library classes were changed`);
      reasons.push(...this.#strings(this.#entries.finish()));
      // finish() reseeds random, which writes its instance's dict: not the next program's doing.
      this.#dictWatch?.take();
      // Last, with the streams' own attributes back. Reconfiguring a stream (in finish() or
      // here) looks its codec up; emptying the cache again frees only standard objects, unless
      // a finalizer left one of its own, whose writes the dict watch then sees.
      if (this.#newlineWatch?.changed() ?? true) reasons.push(...this.#strings(this.#entries.reset_newlines()));
      if (this.#codecWatch?.cacheUsed()) this.#entries.reset_codecs();
      if (this.#dictWatch?.take()) reasons.push('finalizers kept changing the standard library');
      if (this.#codecWatch && !this.#codecWatch.pathIntact()) reasons.push('a codec search function was registered');
      // After the finalizers too. Read in wasm memory, or compared from Python without the watch.
      if (this.#descriptorWatch ? this.#descriptorWatch.changed() : this.#entries.descriptors_changed()) {
        reasons.push('a standard property, classmethod or staticmethod was set up again in place (its __init__ called again)');
      }
      this.#freezeWatch?.rebase();
    } catch (error) {
      reasons.push(`the baseline could not be restored (${this.#describe(error)})`);
      this.#noteDeath(error);
    }
    try {
      reasons.push(...this.#fs.endRun().map((path) => `the program changed ${path}`));
    } catch (error) {
      reasons.push(`the scratch folders could not be cleaned (${this.#describe(error)})`);
    }
    // Wasm memory never shrinks: a program that grew it (a MemoryError at the cap, or just a big
    // list) leaves an interpreter that would hold that memory for good. A MemoryError or a
    // RecursionError by itself leaves nothing to undo: CPython unwinds both cleanly.
    const heapBytes = this.#heap.HEAPU8.buffer.byteLength;
    // Three quarters of the cap at most, so that a small cap (tests) still recycles.
    const recycleAt = Math.min(this.#options.recycleHeapBytes, this.#options.maxHeapBytes * 0.75);
    if (heapBytes > recycleAt) reasons.push(`wasm memory grew to ${Math.round(heapBytes / 2 ** 20)} MB`);
    return reasons.length > 0 ? [...new Set(reasons)].join('; ') : null;
  }

  #strings(list: PyProxy): string[] {
    try {
      return list.toJs() as string[];
    } finally {
      list.destroy();
    }
  }

  /**
   * A Python error by its last line (`KeyboardInterrupt`, `RecursionError: Stack overflow …`):
   * its first is always "Traceback (most recent call last):", which said nothing of the cause.
   */
  #describe(error: unknown): string {
    if (!(error instanceof this.#PythonError)) return firstLine(error);
    const lines = error.message.trimEnd().split('\n');
    return lines[lines.length - 1]?.trim() || error.type;
  }

  /** Records a JavaScript-level failure; returns its description. */
  #noteDeath(error: unknown): string {
    const detail = firstLine(error);
    if (!(error instanceof this.#PythonError)) this.#dead ??= `the interpreter died: ${detail}`;
    return detail;
  }

  #selfTestInterrupt(): { mode: InterruptMode; latencyMs: number | null } {
    const limits = { timeoutMs: 50, maxOutputChars: 10_000 };
    const { result } = this.run(SELF_TEST_LOOP, limits);
    if (result.status === 'timeout') return { mode: 'deadline-getter', latencyMs: result.durationMs - limits.timeoutMs };
    return { mode: this.#options.sharedState ? 'shared-buffer' : 'watchdog-only', latencyMs: null };
  }
}

/** A program that called os._exit: a process would have ended there, with no verdict of its own. */
function processExit(status: number, durationMs: number): RunResult {
  return { status: 'crashed', durationMs, cause: 'exit', detail: `The program ended its process with os._exit(${status}).` };
}

/** Makes wasm memory growth past `maxBytes` fail, which Python reports as MemoryError. */
function capMemory(memory: WebAssembly.Memory, maxBytes: number): void {
  const grow = memory.grow.bind(memory);
  Reflect.defineProperty(memory, 'grow', {
    value: (pages: number) => {
      if (memory.buffer.byteLength + pages * 65_536 > maxBytes) throw new RangeError('the sandbox memory limit was reached');
      return grow(pages);
    },
  });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n', 1)[0] ?? text;
}
