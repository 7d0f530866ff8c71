/**
 * The pool keeps its promises: FIFO, one result per program whatever the program does, dead
 * workers replaced while the queue goes on, a clean close, and a loud failure when Python cannot
 * start at all. First with scripted workers (exact and fast), then with real ones.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { SandboxLimits } from '../../../src/core/ports.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import { createSandboxPool, type PooledSandbox, type WorkerHandle } from '../../../src/sandbox/pool.ts';
import type { WorkerInfo, WorkerRunReport } from '../../../src/sandbox/worker-protocol.ts';

const limits: SandboxLimits = { timeoutMs: 1000, maxOutputChars: 10_000 };

const info: WorkerInfo = {
  pyodideVersion: 'scripted',
  // What a worker says of its own start; the pool must measure instead (see coldStartsMs).
  startedFrom: 'fresh',
  snapshotProblem: null,
  interrupt: 'deadline-getter',
  interruptLatencyMs: 1,
  cStackBytes: null,
  hardening: { bridgesRemoved: 1, bridgesLeft: 0, disabledBuiltins: [], reachableGlobals: [], codeGenerationBlocked: true, baselineModules: 1, watchedClasses: 1, watchedDicts: 1, codecRegistryWatched: true, newlineWatched: true, freezeWatched: true },
};

/** How scripted worker `id` starts: at once, failing, or when the test releases it. */
type StartPlan = 'ready' | 'fail' | 'hold';

interface FleetOptions {
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
 * opens the gate). Like the real handles, `ready` and `run` reject once the worker has exited.
 * Records what each worker ran, when it started and whether it was terminated.
 */
function scriptedFleet(options: FleetOptions = {}) {
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
const until = (check: () => void) => vi.waitFor(check, { timeout: 2000, interval: 1 });
/** Lets everything already due happen, so that a test can say something did not. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const outputs = (results: RunResult[]) => results.map((r) => (r.status === 'passed' ? r.stdout : r.status));

describe('the pool, with scripted workers', () => {
  it('runs programs first in, first out, one result each', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 1 });
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((p) => pool.run(p, limits)));
    expect(outputs(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(fleet.runs).toEqual(['1:a', '1:b', '1:c', '1:d']);
    await pool.close();
  });

  it('turns a worker that never answers into a timeout and goes on with a new one', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 1, graceMs: 20 });
    const [hang, next] = await Promise.all([pool.run('hang', { ...limits, timeoutMs: 30 }), pool.run('next', limits)]);
    expect(hang).toMatchObject({ status: 'timeout', limitMs: 30 });
    expect(next).toMatchObject({ status: 'passed', stdout: 'next' });
    expect(fleet.runs).toEqual(['1:hang', '2:next']);
    expect(pool.stats()).toMatchObject({ respawns: 1, respawnReasons: { watchdog: 1 }, spareUses: 0 });
    await pool.close();
  });

  it('waits out a limit too long for a timer (a "no limit" of years) instead of timing out at once', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 1 });
    expect(await pool.run('slow but fine', { ...limits, timeoutMs: 1e12 })).toMatchObject({ status: 'passed' });
    await expect(pool.run('x', { ...limits, timeoutMs: Number.NaN })).rejects.toThrow(/time limit must be a positive number/);
    await expect(pool.run('x', { ...limits, timeoutMs: 0 })).rejects.toThrow(/time limit must be a positive number/);
    await pool.close();
  });

  it('turns a worker that dies into a crash and goes on with a new one', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 1 });
    const [died, next] = await Promise.all([pool.run('die', limits), pool.run('next', limits)]);
    expect(died).toMatchObject({ status: 'crashed', cause: 'worker-lost', detail: 'killed' });
    expect(next).toMatchObject({ status: 'passed' });
    expect(fleet.runs).toEqual(['1:die', '2:next']);
    expect(pool.stats().respawns).toBe(1);
    await pool.close();
  });

  it('replaces a worker that says it is no longer clean, after giving its result', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 1 });
    const results = await Promise.all(['dirty', 'next'].map((p) => pool.run(p, limits)));
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed']);
    expect(fleet.runs).toEqual(['1:dirty', '2:next']);
    expect(pool.stats().respawns).toBe(1);
    await pool.close();
  });

  it('closes: runs in flight and in the queue end as worker-lost, later runs are refused', async () => {
    const pool = createSandboxPool(scriptedFleet().spawn, { workers: 1 });
    await pool.ready();
    const inFlight = pool.run('hang', limits);
    const queued = pool.run('a', limits);
    await pool.close();
    expect(await inFlight).toMatchObject({ status: 'crashed', cause: 'worker-lost' });
    expect(await queued).toMatchObject({ status: 'crashed', cause: 'worker-lost' });
    await expect(pool.run('b', limits)).rejects.toThrow(/closed/);
  });

  it('retries a worker that fails to start, and gives up loudly when none can', async () => {
    const flaky = createSandboxPool(scriptedFleet({ start: (id) => (id <= 2 ? 'fail' : 'ready') }).spawn, { workers: 1 });
    await flaky.ready();
    expect(await flaky.run('a', limits)).toMatchObject({ status: 'passed' });
    await flaky.close();

    const broken = createSandboxPool(scriptedFleet({ start: () => 'fail' }).spawn, { workers: 1 });
    await expect(broken.ready()).rejects.toThrow(/could not start: no wasm here/);
    await expect(broken.run('a', limits)).rejects.toThrow(/could not start/);
    await broken.close();
  });

  it('measures each cold start itself, from spawning the worker to its ready', async () => {
    const fleet = scriptedFleet({ startDelayMs: 30 });
    const pool = createSandboxPool(fleet.spawn, { workers: 1 });
    expect(await pool.run('dirty', limits)).toMatchObject({ status: 'passed' });
    await until(() => expect(pool.stats().coldStartsMs).toHaveLength(2));
    // The workers report 0; each start took at least the scripted delay, as the worker itself saw it.
    pool.stats().coldStartsMs.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(fleet.startMs.get(i + 1)!));
    expect(Math.min(...pool.stats().coldStartsMs)).toBeGreaterThan(0);
    await pool.close();
  });
});

describe('the pool, with spare workers (scripted)', { timeout: 10_000 }, () => {
  it('gives the next program after a recycle to the spare, without waiting for a new start', async () => {
    // Worker 3 (the spare started behind the one taken) never finishes starting.
    const fleet = scriptedFleet({ start: (id) => (id <= 2 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1 });
    await pool.ready();
    await until(() => expect(fleet.readyIds).toEqual([1, 2]));
    const results = await Promise.all(['dirty', 'next'].map((p) => pool.run(p, limits)));
    expect(outputs(results)).toEqual(['dirty', 'next']);
    expect(fleet.runs).toEqual(['1:dirty', '2:next']);
    expect(fleet.spawned).toBe(3);
    expect(pool.stats()).toMatchObject({ respawns: 1, respawnReasons: { dirty: 1 }, spareUses: 1 });
    await pool.close();
  });

  it('takes a spare that is still starting rather than starting another worker', async () => {
    const fleet = scriptedFleet({ start: (id) => (id === 1 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1 });
    await pool.ready();
    const results = Promise.all(['dirty', 'next'].map((p) => pool.run(p, limits)));
    await until(() => expect(fleet.spawned).toBe(3));
    // The new spare starting first changes nothing: the slot waits for the spare it took.
    fleet.release.get(3)!('ready');
    await settle();
    expect(fleet.runs).toEqual(['1:dirty']);
    fleet.release.get(2)!('ready');
    expect(outputs(await results)).toEqual(['dirty', 'next']);
    expect(fleet.runs).toEqual(['1:dirty', '2:next']);
    expect(pool.stats()).toMatchObject({ respawns: 1, spareUses: 1 });
    await pool.close();
  });

  it('starts spares only once every worker is ready, and is ready without waiting for them', async () => {
    const fleet = scriptedFleet({ start: (id) => (id === 1 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 2, spares: 1 });
    await until(() => expect(fleet.readyIds).toEqual([1]));
    await settle();
    expect(fleet.spawned).toBe(2);
    fleet.release.get(2)!('ready');
    await pool.ready();
    expect(fleet.spawned).toBe(3);
    expect(fleet.readyIds).toEqual([1, 2]);
    await pool.close();
  });

  it('starts another spare when one dies while it waits, without counting a replacement', async () => {
    const fleet = scriptedFleet({ start: (id) => (id <= 3 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1 });
    await pool.ready();
    await until(() => expect(fleet.readyIds).toEqual([1, 2]));
    fleet.exit.get(2)!('killed');
    await until(() => expect(fleet.readyIds).toEqual([1, 2, 3]));
    expect(pool.stats().respawns).toBe(0);
    const results = await Promise.all(['dirty', 'next'].map((p) => pool.run(p, limits)));
    expect(outputs(results)).toEqual(['dirty', 'next']);
    expect(fleet.runs).toEqual(['1:dirty', '3:next']);
    expect(pool.stats()).toMatchObject({ respawns: 1, spareUses: 1 });
    await pool.close();
  });

  it('gives up after maxStartFailures spares fail to start, and rejects the programs waiting', async () => {
    const fleet = scriptedFleet({ start: (id) => (id === 1 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1, maxStartFailures: 3 });
    await pool.ready();
    const inFlight = pool.run('gate', limits);
    const queued = pool.run('a', limits);
    for (const id of [2, 3, 4]) {
      await until(() => expect(fleet.spawned).toBe(id));
      fleet.release.get(id)!('fail');
    }
    await expect(queued).rejects.toThrow(/could not start: no wasm here/);
    await expect(pool.run('b', limits)).rejects.toThrow(/could not start/);
    await expect(pool.ready()).rejects.toThrow(/could not start/);
    expect(fleet.spawned).toBe(4);
    fleet.openGate();
    expect(await inFlight).toMatchObject({ status: 'passed', stdout: 'gate' });
    await pool.close();
  });

  it('closes the spares too, started or starting, and waits until they are gone', async () => {
    const fleet = scriptedFleet({ start: (id) => (id <= 2 ? 'ready' : 'hold'), lingers: (id) => id === 3 });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 2 });
    await pool.ready();
    await until(() => expect(fleet.readyIds).toEqual([1, 2]));
    let closed = false;
    const closing = pool.close().then(() => (closed = true));
    await settle();
    expect(fleet.terminated.toSorted()).toEqual([1, 2, 3]);
    expect(closed).toBe(false);
    fleet.exit.get(3)!('terminated at last');
    await closing;
    await expect(pool.ready()).rejects.toThrow(/closed/);
  });

  it('counts cold starts of spares and replacements, each from its spawn', async () => {
    const fleet = scriptedFleet({ startDelayMs: 20 });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1 });
    await pool.ready();
    expect(await pool.run('dirty', limits)).toMatchObject({ status: 'passed' });
    await until(() => expect(pool.stats().coldStartsMs).toHaveLength(3));
    pool.stats().coldStartsMs.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(fleet.startMs.get(i + 1)!));
    expect(pool.stats()).toMatchObject({ respawns: 1, spareUses: 1 });
    await pool.close();
  });

  it('ignores a replaced worker that exits late: one replacement, and the next program keeps its result', async () => {
    const fleet = scriptedFleet({ lingers: (id) => id === 1 });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1, graceMs: 10 });
    await pool.ready();
    await until(() => expect(fleet.readyIds).toEqual([1, 2]));
    const hang = pool.run('hang', { ...limits, timeoutMs: 10 });
    const next = pool.run('gate', limits);
    await until(() => expect(fleet.runs).toEqual(['1:hang', '2:gate']));
    // The watchdog's terminate() did not end worker 1 at once; its exit (and its run's rejection) come now.
    fleet.exit.get(1)!('killed late');
    await settle();
    fleet.openGate();
    expect(await hang).toMatchObject({ status: 'timeout', limitMs: 10 });
    expect(await next).toMatchObject({ status: 'passed', stdout: 'gate' });
    expect(pool.stats()).toMatchObject({ respawns: 1, respawnReasons: { watchdog: 1 }, spareUses: 1 });
    expect(fleet.spawned).toBe(3);
    await pool.close();
  });
});

describe('the pool, with Pyodide workers', () => {
  let sandbox: PooledSandbox;

  beforeAll(async () => {
    sandbox = await createNodeSandbox({ workers: 2, graceMs: 1000 });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('finishes a queue of 20 programs with killers in the middle, each with its own result', async () => {
    const programs = Array.from({ length: 20 }, (_, i) => `print(${i})`);
    // A loop inside C: only the watchdog can stop it, by killing the worker.
    programs[7] = 'sum(range(10**15))';
    programs[11] = 'import time\ntime.sleep(10**9)';
    programs[12] = 'import os\nos._exit(3)';
    const results = await Promise.all(programs.map((program) => sandbox.run(program, { ...limits, timeoutMs: 500 })));
    results.forEach((result, i) => {
      if (i === 7) expect(result).toMatchObject({ status: 'timeout' });
      else if (i === 11) expect(result).toMatchObject({ status: 'timeout' });
      else if (i === 12) expect(result).toMatchObject({ status: 'crashed', cause: 'exit', detail: expect.stringContaining('os._exit(3)') });
      else expect(result).toMatchObject({ status: 'passed', stdout: `${i}\n` });
    });
    expect(sandbox.stats().respawns).toBeGreaterThanOrEqual(1);
  });

  it('refuses to start, loudly, when Pyodide is not where it was said to be', async () => {
    await expect(createNodeSandbox({ workers: 1, pyodideDir: '/nonexistent/pyodide/' })).rejects.toThrow(/could not start/);
  });
});
