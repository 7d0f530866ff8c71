/**
 * A pool of sandbox workers behind the `Sandbox` port, the same in the browser and under Node
 * (each environment supplies a `SpawnWorker`).
 *
 * Programs queue FIFO and go to the first idle worker; a caller hears when its program starts to
 * wait and when a worker takes it (`SandboxRunCall`), so it can keep the wait off its clock.
 * Whatever a program does, its `run` resolves with a RunResult: a worker that does not answer by
 * the deadline plus a grace period (a loop inside C) is terminated and the run becomes a timeout;
 * a worker that dies becomes `crashed`; a worker that says it is no longer clean is replaced
 * after answering. The queue goes on with the replacement. `run` rejects only when workers
 * cannot start at all.
 *
 * A replacement is a Pyodide cold start (0.5-3 s) during which its slot scores nothing, and a
 * corpus of broken programs replaces workers often. With `spares`, that many extra workers wait
 * started and idle: a slot being replaced takes one at once and a new spare starts behind it.
 * Spares start only after the pool's first replacement: most pools (a page whose programs pass
 * or fail cleanly) never replace a worker, and a spare started with them would be one more
 * interpreter booting on the cores right as the first programs run, then memory held for nothing.
 */
import type { RunResult } from '../core/harness/outcome.ts';
import type { RunAs, Sandbox, SandboxLimits, SandboxRunCall } from '../core/ports.ts';
import { outputLimitError, workerLost } from './run-results.ts';
import type { WorkerInfo, WorkerRunReport } from './worker-protocol.ts';

/** One worker, as the pool drives it. */
export interface WorkerHandle {
  /** Resolves once the worker can run programs; rejects when it cannot start. Called once. */
  ready(): Promise<WorkerInfo>;
  /** `runAs`: 'script' when absent. */
  run(program: string, limits: SandboxLimits, runAs?: RunAs): Promise<WorkerRunReport>;
  /** Asks the worker to raise KeyboardInterrupt through shared memory (when it has some). */
  interrupt(): void;
  /** Whether the running program has printed past its limit (known only with shared memory). */
  outputLimitHit(): boolean;
  terminate(): void;
  /** Settles, never rejects, once the worker is gone; the value says why. */
  readonly exited: Promise<string>;
}

export type SpawnWorker = () => WorkerHandle;

export interface PoolOptions {
  workers: number;
  /**
   * Extra workers kept started and idle, never given programs until a worker must be replaced;
   * that replacement then costs no cold start. Default 0. None starts until the first
   * replacement (which is therefore a cold start, as without spares), and then only once every
   * slot has a started worker, so they never slow `ready()` nor that first replacement's start.
   * From then on each holds as much memory as a worker (about 70 MB).
   */
  spares?: number;
  /** How long past a program's limit the pool waits for its worker before terminating it. */
  graceMs?: number;
  /** Consecutive failed starts (of workers or spares) after which the sandbox is declared broken. */
  maxStartFailures?: number;
  /**
   * How long a worker may take to start before its start counts as failed. A host that stalls one
   * of Pyodide's files leaves the start pending for ever, the page saying "starting" with nothing
   * to end it. When no worker has started yet the sandbox gives up at once (the cause is the host,
   * and each retry would wait as long); later, it counts as one failed start. Default 120 s, some
   * forty times a cold start on a loaded 2-core laptop.
   */
  startTimeoutMs?: number;
}

export interface SandboxStats {
  /** Programs that have a result. */
  runs: number;
  /** Workers replaced after starting (recycled, crashed, killed by the watchdog), by a spare or a new start. */
  respawns: number;
  /** Why workers were replaced, with counts. */
  respawnReasons: Record<string, number>;
  /**
   * Replacements served by a spare (ready or still starting) instead of a new start. Never the
   * first replacement: spares start after it (PoolOptions.spares).
   */
  spareUses: number;
  /** Spares started so far, those that died or failed to start included; 0 until the first replacement. */
  sparesStarted: number;
  /**
   * Cold start of every worker started so far (first workers, replacements and spares), in ms:
   * measured by the pool from spawning the worker to its `ready()` resolving. Starts that failed
   * are not in it.
   */
  coldStartsMs: number[];
  /** What the most recent worker reported about itself. */
  lastWorker: WorkerInfo | null;
  /** Programs run again because their timeout came from time they were not running (SUSPENDED_SLACK_MS). */
  suspendedReruns: number;
}

/** The `Sandbox` port plus what a command line or a page wants to show. */
export interface PooledSandbox extends Sandbox {
  /** Resolves when every worker has started (spares start later, if ever); rejects when they cannot or the sandbox is closed. */
  ready(): Promise<void>;
  stats(): SandboxStats;
}

interface Job {
  program: string;
  limits: SandboxLimits;
  call: SandboxRunCall | undefined;
  resolve: (result: RunResult) => void;
  reject: (error: Error) => void;
  /** Already run again once after a timeout that was the clock's, not the program's. */
  rerun?: true;
}

/** A started (or starting) worker and what the pool knows of it. */
interface PoolWorker {
  handle: WorkerHandle;
  /** The slot it serves, or null while it waits as a spare. */
  slot: Slot | null;
  /** Set once it has started. */
  info: WorkerInfo | null;
  /** Set when the pool is done with it (replaced, lost, failed to start): its callbacks then do nothing. */
  retired: boolean;
}

/** A place for one program at a time; its worker changes, the slot does not. */
interface Slot {
  worker: PoolWorker;
  /** Ends the job in flight; set while busy. */
  finish: ((result: RunResult, recycle: string | null) => void) | null;
}

/**
 * The worker has answered by then unless the program is stuck inside C: a program stopped at its
 * deadline needs a few ms to unwind and at most the runtime's 500 ms clean-up budget (a program
 * that ended earlier may clean up until half a second before this ends, python-runtime.ts). One
 * second, like openai/human-eval's `join(timeout + 1)` before it kills a process.
 */
export const DEFAULT_GRACE_MS = 1000;

/**
 * A worker stops a program within milliseconds of its deadline, and the watchdog ends it by the
 * deadline plus the grace: a timeout that took this much longer than both was measured across
 * time the program's thread did not run (a background tab the browser froze, a laptop asleep on a
 * clock that counts sleep, a command line stopped with Ctrl+Z). That is not the program's time:
 * it runs again, once, rather than be recorded as too slow. A genuine timeout seen this late (a
 * page thread blocked for seconds) costs one more limit, and its second verdict stands.
 */
const SUSPENDED_SLACK_MS = 5_000;
const DEFAULT_START_TIMEOUT_MS = 120_000;

/** What a program the watchdog had to kill did: flooded its output (if the worker said so), else ran out of time. */
function watchdogResult(handle: WorkerHandle, limits: SandboxLimits, durationMs: number): RunResult {
  if (handle.outputLimitHit()) return outputLimitError(limits, durationMs, '');
  return { status: 'timeout', durationMs, limitMs: limits.timeoutMs, stdout: '' };
}

/**
 * Timers take at most 2^31 - 1 ms (24.8 days); a longer delay overflows and fires at once, which
 * would time out every program given a "no limit" timeout. Longer limits wait that long.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;
const timerDelay = (ms: number): number => Math.min(ms, MAX_TIMER_MS);

/** What a sandbox that cannot start says, whatever stopped it (its workers, or the host checked first). */
export function sandboxStartError(error: unknown): Error {
  return new Error(`The Python sandbox could not start: ${error instanceof Error ? error.message : String(error)}`);
}

export function createSandboxPool(spawn: SpawnWorker, options: PoolOptions): PooledSandbox {
  if (!(options.workers >= 1)) throw new Error(`A sandbox needs at least one worker, got ${options.workers}.`);
  const spareCount = options.spares ?? 0;
  if (!(Number.isInteger(spareCount) && spareCount >= 0)) throw new Error(`Spares must be a whole number from 0, got ${spareCount}.`);
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const maxStartFailures = options.maxStartFailures ?? 3;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const queue: Job[] = [];
  const slots: Slot[] = [];
  const spares: PoolWorker[] = [];
  /** Every worker not yet gone, retired ones included, so that `close()` can wait for all of them. */
  const alive = new Set<Promise<string>>();
  const stats: SandboxStats = { runs: 0, respawns: 0, respawnReasons: {}, spareUses: 0, sparesStarted: 0, coldStartsMs: [], lastWorker: null, suspendedReruns: 0 };
  let startFailures = 0;
  /** Set by the first replacement: from then on the pool keeps `spareCount` spares. */
  let sparesWanted = false;
  let sparesLaunched = false;
  let broken: Error | null = null;
  let closed = false;
  // `ready()` waits for any change of state rather than for one worker's start, which may never settle.
  let wake = (): void => {};
  let changed = new Promise<void>((resolve) => (wake = resolve));
  function notify(): void {
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  }

  /** Starts a worker for `slot`, or a spare when `slot` is null. */
  function launch(slot: Slot | null): void {
    const spawnedAt = performance.now();
    const handle = spawn();
    const worker: PoolWorker = { handle, slot, info: null, retired: false };
    if (slot) slot.worker = worker;
    else {
      spares.push(worker);
      stats.sparesStarted++;
    }
    alive.add(handle.exited);
    void handle.exited.then(() => alive.delete(handle.exited));
    // Cleared as the start settles or the worker goes, so it never holds a Node process open.
    const deadline = setTimeout(() => startTimedOut(worker), startTimeoutMs);
    void handle.ready().then(
      (info) => {
        clearTimeout(deadline);
        started(worker, info, performance.now() - spawnedAt);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        startFailed(worker, error);
      },
    );
    void handle.exited.then((reason) => {
      clearTimeout(deadline);
      lost(worker, reason);
    });
  }

  function startTimedOut(worker: PoolWorker): void {
    if (worker.info || worker.retired || closed) return;
    const error = new Error(
      `Python did not start within ${startTimeoutMs / 1000} s (one of Pyodide's files may have stalled on its way, or the machine is too busy).`,
    );
    if (stats.coldStartsMs.length > 0) return startFailed(worker, error);
    retire(worker);
    giveUp(error);
    notify();
  }

  function started(worker: PoolWorker, info: WorkerInfo, coldStartMs: number): void {
    if (worker.retired || closed) return;
    worker.info = info;
    startFailures = 0;
    // Measured here, from spawn: a worker's own clock does not start at spawn under Node.
    stats.coldStartsMs.push(coldStartMs);
    stats.lastWorker = info;
    if (worker.slot) {
      pump();
      launchSpares();
    }
    notify();
  }

  function startFailed(worker: PoolWorker, error: unknown): void {
    if (worker.retired || closed) return;
    retire(worker);
    if (++startFailures >= maxStartFailures) giveUp(error);
    else if (!broken) launch(worker.slot);
    notify();
  }

  /** The worker is gone without the pool asking. */
  function lost(worker: PoolWorker, reason: string): void {
    if (worker.retired || closed) return;
    if (!worker.info) return startFailed(worker, new Error(`the worker stopped (${reason})`));
    const { slot } = worker;
    if (!slot) {
      // A spare that started and then died: start another, as a worker lost while idle would be.
      retire(worker);
      if (!broken) launch(null);
    } else if (slot.finish) slot.finish(workerLost(reason), `worker lost: ${reason}`);
    else replace(slot, `worker lost: ${reason}`);
  }

  function retire(worker: PoolWorker): void {
    worker.retired = true;
    worker.handle.terminate();
    const spareAt = spares.indexOf(worker);
    if (spareAt >= 0) spares.splice(spareAt, 1);
  }

  /**
   * The first spares, once a replacement has asked for them and every slot has a started worker
   * (called as each slot's worker starts): no spare competes for the cores with that
   * replacement's cold start or with a first worker still starting. After that, a spare taken or
   * lost is started again at once (`replace`, `lost`).
   */
  function launchSpares(): void {
    if (!sparesWanted || sparesLaunched || closed || broken) return;
    if (!slots.every((slot) => slot.worker.info !== null && !slot.worker.retired)) return;
    sparesLaunched = true;
    for (let i = 0; i < spareCount; i++) launch(null);
  }

  /** Gives `slot` a new worker: a spare if there is one (a started one first), else a new start. */
  function replace(slot: Slot, reason: string): void {
    retire(slot.worker);
    stats.respawns++;
    const key = reason.split(':', 1)[0] ?? reason;
    stats.respawnReasons[key] = (stats.respawnReasons[key] ?? 0) + 1;
    // A spare still starting is still ahead of a new start.
    const spare = spares.find((worker) => worker.info !== null) ?? spares[0];
    if (spare) {
      spares.splice(spares.indexOf(spare), 1);
      spare.slot = slot;
      slot.worker = spare;
      stats.spareUses++;
      if (!broken) launch(null);
    } else {
      // The first replacement (or one with no spare left): a cold start; the spares start once it has.
      sparesWanted = true;
      launch(slot);
    }
    notify();
    pump();
  }

  function giveUp(error: unknown): void {
    broken ??= sandboxStartError(error);
    for (const job of queue.splice(0)) job.reject(broken);
  }

  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0 || closed) return;
      if (slot.worker.info && !slot.worker.retired && !slot.finish) dispatch(slot, queue.shift()!);
    }
  }

  function dispatch(slot: Slot, job: Job): void {
    const { handle } = slot.worker;
    const startedAt = performance.now();
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    let done = false;
    // The worker's own callbacks call this `finish`, never `slot.finish`: by the time a killed
    // worker's run settles, the slot may hold a spare running the next job.
    const finish = (result: RunResult, recycle: string | null): void => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      slot.finish = null;
      if (result.status === 'timeout' && !job.rerun && !closed && result.durationMs > job.limits.timeoutMs + graceMs + SUSPENDED_SLACK_MS) {
        // First in the queue again: its caller is still waiting on it.
        job.rerun = true;
        stats.suspendedReruns++;
        queue.unshift(job);
      } else {
        stats.runs++;
        job.resolve(result);
      }
      if (recycle !== null && !closed) replace(slot, recycle);
      pump();
    };
    slot.finish = finish;
    // In a microtask: a caller's callback that throws must not leave the slot half dispatched.
    const { onStart } = job.call ?? {};
    // Once per program (the port's promise): a rerun after a frozen timeout is the same run to its caller.
    if (onStart && !job.rerun) queueMicrotask(onStart);
    if (slot.worker.info?.interrupt === 'shared-buffer') timers.push(setTimeout(() => handle.interrupt(), timerDelay(job.limits.timeoutMs)));
    timers.push(
      setTimeout(() => {
        const durationMs = performance.now() - startedAt;
        finish(watchdogResult(handle, job.limits, durationMs), 'watchdog: no answer by the deadline');
      }, timerDelay(job.limits.timeoutMs + graceMs)),
    );
    handle.run(job.program, job.limits, job.call?.runAs).then(
      (report) => finish(report.result, report.recycle),
      (error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        finish(workerLost(detail, performance.now() - startedAt), `worker failed: ${detail}`);
      },
    );
  }

  for (let i = 0; i < options.workers; i++) {
    // `launch` sets the worker.
    const slot = { finish: null } as Omit<Slot, 'worker'> as Slot;
    slots.push(slot);
    launch(slot);
  }

  return {
    run(program, limits, call) {
      if (closed) return Promise.reject(new Error('The sandbox is closed.'));
      if (!(limits.timeoutMs > 0)) return Promise.reject(new Error(`A time limit must be a positive number of ms, got ${limits.timeoutMs}.`));
      if (broken) return Promise.reject(broken);
      return new Promise<RunResult>((resolve, reject) => {
        const job: Job = { program, limits, call, resolve, reject };
        queue.push(job);
        pump();
        // Every worker is busy (or still starting): the time until `onStart` is the queue's.
        if (queue.includes(job)) call?.onQueued?.();
      });
    },
    async ready() {
      for (;;) {
        if (broken) throw broken;
        if (closed) throw new Error('The sandbox is closed.');
        if (slots.every((slot) => slot.worker.info !== null)) return;
        await changed;
      }
    },
    stats: () => structuredClone(stats),
    async close() {
      if (closed) return;
      closed = true;
      notify();
      const lostResult = workerLost('the sandbox was closed');
      for (const job of queue.splice(0)) job.resolve(lostResult);
      for (const slot of slots) {
        slot.finish?.(lostResult, null);
        slot.worker.handle.terminate();
      }
      for (const spare of spares.splice(0)) spare.handle.terminate();
      await Promise.all(alive);
    },
  };
}
