/**
 * A pool of sandbox workers behind the `Sandbox` port, the same in the browser and under Node
 * (each environment supplies a `SpawnWorker`).
 *
 * Programs queue FIFO and go to the first idle worker. Whatever a program does, its `run`
 * resolves with a RunResult: a worker that does not answer by the deadline plus a grace period
 * (a C-level loop, `time.sleep`) is terminated and the run becomes a timeout; a worker that dies
 * becomes `crashed`; a worker that says it is no longer clean is replaced after answering. The
 * queue goes on with the replacement. `run` rejects only when workers cannot start at all.
 */
import type { RunResult } from '../core/harness/outcome.ts';
import type { Sandbox, SandboxLimits } from '../core/ports.ts';
import { outputLimitError, workerLost } from './run-results.ts';
import type { WorkerInfo, WorkerRunReport } from './worker-protocol.ts';

/** One worker, as the pool drives it. */
export interface WorkerHandle {
  /** Resolves once the worker can run programs; rejects when it cannot start. */
  ready(): Promise<WorkerInfo>;
  run(program: string, limits: SandboxLimits): Promise<WorkerRunReport>;
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
  /** How long past a program's limit the pool waits for its worker before terminating it. */
  graceMs?: number;
  /** Consecutive failed starts after which the sandbox is declared broken. */
  maxStartFailures?: number;
}

export interface SandboxStats {
  /** Programs that have a result. */
  runs: number;
  /** Workers replaced after starting (recycled, crashed, killed by the watchdog). */
  respawns: number;
  /** Why workers were replaced, with counts. */
  respawnReasons: Record<string, number>;
  /** Cold start of every worker started so far, in ms. */
  coldStartsMs: number[];
  /** What the most recent worker reported about itself. */
  lastWorker: WorkerInfo | null;
}

/** The `Sandbox` port plus what a command line or a page wants to show. */
export interface PooledSandbox extends Sandbox {
  /** Resolves when every worker has started; rejects when they cannot. */
  ready(): Promise<void>;
  stats(): SandboxStats;
}

interface Job {
  program: string;
  limits: SandboxLimits;
  resolve: (result: RunResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  handle: WorkerHandle;
  state: 'starting' | 'idle' | 'busy';
  info: WorkerInfo | null;
  /** Ends the job in flight; set while busy. */
  finish: ((result: RunResult, recycle: string | null) => void) | null;
  whenReady: Promise<void>;
}

const DEFAULT_GRACE_MS = 2000;

/** What a program the watchdog had to kill did: flooded its output (if the worker said so), else ran out of time. */
function watchdogResult(handle: WorkerHandle, limits: SandboxLimits, durationMs: number): RunResult {
  if (handle.outputLimitHit()) return outputLimitError(limits, durationMs, '');
  return { status: 'timeout', durationMs, limitMs: limits.timeoutMs, stdout: '' };
}

export function createSandboxPool(spawn: SpawnWorker, options: PoolOptions): PooledSandbox {
  if (!(options.workers >= 1)) throw new Error(`A sandbox needs at least one worker, got ${options.workers}.`);
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const maxStartFailures = options.maxStartFailures ?? 3;
  const queue: Job[] = [];
  const slots: Slot[] = [];
  const stats: SandboxStats = { runs: 0, respawns: 0, respawnReasons: {}, coldStartsMs: [], lastWorker: null };
  let startFailures = 0;
  let broken: Error | null = null;
  let closed = false;

  /** Starts a worker in `slot`; every callback checks that the slot still holds this worker. */
  function launch(slot: Slot): void {
    const handle = spawn();
    Object.assign(slot, { handle, state: 'starting', info: null, finish: null });
    slot.whenReady = handle.ready().then(
      (info) => {
        if (slot.handle !== handle || closed) return;
        Object.assign(slot, { info, state: 'idle' });
        startFailures = 0;
        stats.coldStartsMs.push(info.coldStartMs);
        stats.lastWorker = info;
        pump();
      },
      (error: unknown) => {
        if (slot.handle !== handle || closed) return;
        handle.terminate();
        if (++startFailures >= maxStartFailures) giveUp(error);
        else launch(slot);
      },
    );
    void handle.exited.then((reason) => {
      if (slot.handle !== handle || closed) return;
      if (slot.finish) slot.finish(workerLost(reason), `worker lost: ${reason}`);
      else if (slot.state === 'idle') replace(slot, `worker lost: ${reason}`);
    });
  }

  function replace(slot: Slot, reason: string): void {
    slot.handle.terminate();
    stats.respawns++;
    const key = reason.split(':', 1)[0] ?? reason;
    stats.respawnReasons[key] = (stats.respawnReasons[key] ?? 0) + 1;
    launch(slot);
  }

  function giveUp(error: unknown): void {
    broken = new Error(`The Python sandbox could not start: ${error instanceof Error ? error.message : String(error)}`);
    for (const job of queue.splice(0)) job.reject(broken);
  }

  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0 || closed) return;
      if (slot.state === 'idle') dispatch(slot, queue.shift()!);
    }
  }

  function dispatch(slot: Slot, job: Job): void {
    const { handle } = slot;
    const startedAt = performance.now();
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    slot.state = 'busy';
    slot.finish = (result, recycle) => {
      if (slot.handle !== handle || slot.state !== 'busy') return;
      for (const timer of timers) clearTimeout(timer);
      slot.finish = null;
      slot.state = 'idle';
      stats.runs++;
      job.resolve(result);
      if (recycle !== null && !closed) replace(slot, recycle);
      pump();
    };
    if (slot.info?.interrupt === 'shared-buffer') timers.push(setTimeout(() => handle.interrupt(), job.limits.timeoutMs));
    timers.push(
      setTimeout(() => {
        const durationMs = performance.now() - startedAt;
        slot.finish?.(watchdogResult(handle, job.limits, durationMs), 'watchdog: no answer by the deadline');
      }, job.limits.timeoutMs + graceMs),
    );
    handle.run(job.program, job.limits).then(
      (report) => slot.finish?.(report.result, report.recycle),
      (error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        slot.finish?.(workerLost(detail, performance.now() - startedAt), `worker failed: ${detail}`);
      },
    );
  }

  for (let i = 0; i < options.workers; i++) {
    const slot = {} as Slot;
    slots.push(slot);
    launch(slot);
  }

  return {
    run(program, limits) {
      if (closed) return Promise.reject(new Error('The sandbox is closed.'));
      if (broken) return Promise.reject(broken);
      return new Promise<RunResult>((resolve, reject) => {
        queue.push({ program, limits, resolve, reject });
        pump();
      });
    },
    async ready() {
      for (;;) {
        if (broken) throw broken;
        const starting = slots.filter((slot) => slot.state === 'starting');
        if (starting.length === 0) return;
        await Promise.race(starting.map((slot) => slot.whenReady));
      }
    },
    stats: () => structuredClone(stats),
    async close() {
      if (closed) return;
      closed = true;
      const lost = workerLost('the sandbox was closed');
      for (const job of queue.splice(0)) job.resolve(lost);
      for (const slot of slots) {
        slot.finish?.(lost, null);
        slot.handle.terminate();
      }
      await Promise.all(slots.map((slot) => slot.handle.exited));
    },
  };
}
