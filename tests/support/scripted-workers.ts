/**
 * Scripted sandbox workers for the pool's tests: they start, run, die and exit on cue, so the
 * pool (src/sandbox/pool.ts) can be checked exactly and in milliseconds, without Pyodide.
 */
import { vi } from 'vitest';
import type { RunResult } from '../../src/core/harness/outcome.ts';
import type { WorkerHandle } from '../../src/sandbox/pool.ts';
import type { WorkerInfo, WorkerRunReport } from '../../src/sandbox/worker-protocol.ts';

const info: WorkerInfo = {
  pyodideVersion: 'scripted',
  // What a worker says of its own start; the pool must measure instead (see coldStartsMs).
  startedFrom: 'fresh',
  snapshotProblem: null,
  interrupt: 'deadline-getter',
  interruptLatencyMs: 1,
  cStackBytes: null,
  hardening: { bridgesRemoved: 1, bridgesLeft: 0, disabledBuiltins: [], reachableGlobals: [], codeGenerationBlocked: true, baselineModules: 1, watchedClasses: 1, watchedDicts: 1, watchedContainers: 1, codecRegistryWatched: true, newlineWatched: true, freezeWatched: true },
};

/** How scripted worker `id` starts: at once, failing, or when the test releases it. */
export type StartPlan = 'ready' | 'fail' | 'hold';

export interface FleetOptions {
  /** Workers are numbered 1, 2, … in the order the pool spawns them. */
  start?: (id: number) => StartPlan;
  /** How long a 'ready' start takes. */
  startDelayMs?: number;
  /** Workers that outlive terminate(): they exit only when the test says. */
  lingers?: (id: number) => boolean;
}

/**
 * Workers that "run" programs by name: `pass` (anything else), `hang` (never answers), `die`
 * (exits while running), `dirty` (passes but asks to be replaced), `gate` (passes once the test
 * opens the gate), `frozen` (a timeout a minute after its 1-s limit, then a pass), `frozen always`. Like the real handles, `ready` and `run` reject once the worker has exited.
 * Records what each worker ran, when it started and whether it was terminated.
 */
export function scriptedFleet(options: FleetOptions = {}) {
  const fleet = {
    spawned: 0,
    /** `id:program`, in the order programs reached workers. */
    runs: [] as string[],
    readyIds: [] as number[],
    terminated: [] as number[],
    /** Per worker, from its spawn to its ready, as the worker itself would see it. */
    startMs: new Map<number, number>(),
    release: new Map<number, (plan: 'ready' | 'fail') => void>(),
    exit: new Map<number, (reason: string) => void>(),
    /** Programs that have had their frozen run (`frozen`). */
    thawed: new Set<string>(),
    openGate: () => {},
    spawn,
  };
  const gate = new Promise<void>((resolve) => (fleet.openGate = resolve));

  function spawn(): WorkerHandle {
    const id = ++fleet.spawned;
    const spawnedAt = performance.now();
    let exit: (reason: string) => void = () => {};
    const exited = new Promise<string>((resolve) => (exit = resolve));
    fleet.exit.set(id, exit);
    const unlessExited = <T>(call: Promise<T>): Promise<T> =>
      Promise.race([call, exited.then((reason): never => { throw new Error(`the worker stopped (${reason})`); })]);
    const started = new Promise<WorkerInfo>((resolve, reject) => {
      const settle = (plan: 'ready' | 'fail') => {
        if (plan === 'fail') return reject(new Error('no wasm here'));
        fleet.startMs.set(id, performance.now() - spawnedAt);
        fleet.readyIds.push(id);
        resolve(info);
      };
      const plan = options.start?.(id) ?? 'ready';
      if (plan === 'hold') fleet.release.set(id, settle);
      else if (plan === 'fail' || !options.startDelayMs) settle(plan);
      else setTimeout(() => settle(plan), options.startDelayMs);
    });
    return {
      ready: () => unlessExited(started),
      run: (program) => {
        fleet.runs.push(`${id}:${program}`);
        const passed: RunResult = { status: 'passed', durationMs: 1, stdout: program };
        const report: WorkerRunReport = { result: passed, recycle: program === 'dirty' ? 'dirty' : null };
        if (program === 'hang') return unlessExited(new Promise<WorkerRunReport>(() => {}));
        if (program === 'die') setTimeout(() => exit('killed'), 5);
        if (program === 'die') return unlessExited(new Promise<WorkerRunReport>(() => {}));
        if (program === 'gate') return unlessExited(gate.then(() => report));
        // Timed out the first time, on a clock that ran while the worker was frozen; passes when run again.
        if (program === 'frozen' && !fleet.thawed.has(program)) {
          fleet.thawed.add(program);
          return unlessExited(Promise.resolve({ result: { status: 'timeout', durationMs: 60_000, limitMs: 1000, stdout: '' }, recycle: null }));
        }
        // Times out every time, each time long after its limit.
        if (program === 'frozen always') {
          return unlessExited(Promise.resolve({ result: { status: 'timeout', durationMs: 60_000, limitMs: 1000, stdout: '' }, recycle: null }));
        }
        return unlessExited(new Promise((resolve) => setTimeout(() => resolve(report), 5)));
      },
      interrupt: () => {},
      outputLimitHit: () => false,
      terminate: () => {
        fleet.terminated.push(id);
        if (!options.lingers?.(id)) exit('terminated');
      },
      exited,
    };
  }
  return fleet;
}

/** Waits until `check` stops throwing (the pool reacts over a few promise turns and timers). */
export const until = (check: () => void) => vi.waitFor(check, { timeout: 2000, interval: 1 });
/** Lets everything already due happen, so that a test can say something did not. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
export const outputs = (results: RunResult[]) => results.map((r) => (r.status === 'passed' ? r.stdout : r.status));
