/**
 * The pool keeps its promises, checked with scripted workers (exact and fast; the real ones are in
 * tests/integration/sandbox/pool.test.ts): FIFO, one result per program whatever the program does,
 * a caller told when its program waits and when it starts, dead workers replaced while the queue
 * goes on, a clean close, a loud failure when workers cannot start at all, and spares that start
 * only once a worker has been replaced.
 */
import { describe, expect, it } from 'vitest';
import type { SandboxLimits } from '../../../src/core/ports.ts';
import { createSandboxPool } from '../../../src/sandbox/pool.ts';
import { outputs, scriptedFleet, settle, until } from '../../support/scripted-workers.ts';

const limits: SandboxLimits = { timeoutMs: 1000, maxOutputChars: 10_000 };

describe('the pool, with scripted workers', () => {
  it('runs programs first in, first out, one result each', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 1 });
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((p) => pool.run(p, limits)));
    expect(outputs(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(fleet.runs).toEqual(['1:a', '1:b', '1:c', '1:d']);
    await pool.close();
  });

  it('tells a caller when its program waits for a busy worker and when a worker takes it', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 1 });
    await pool.ready();
    const heard: string[] = [];
    const hear = (name: string) => ({ onQueued: () => heard.push(`${name} queued`), onStart: () => heard.push(`${name} started`) });
    const first = pool.run('gate', limits, hear('first')).then(() => heard.push('first done'));
    await settle();
    const second = pool.run('next', limits, hear('second')).then(() => heard.push('second done'));
    await settle();
    // The second waits while the first runs: its clock should not start yet.
    expect(heard).toEqual(['first started', 'second queued']);
    fleet.openGate();
    await Promise.all([first, second]);
    expect(heard).toEqual(['first started', 'second queued', 'first done', 'second started', 'second done']);
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

  it('runs again, once, a program whose timeout came a minute after its limit: time it spent frozen is not its own', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 1 });
    let starts = 0;
    const [thawed, next] = await Promise.all([pool.run('frozen', limits, { onStart: () => starts++ }), pool.run('next', limits)]);
    // Started once, as far as its caller knows: the port promises onStart at most once.
    expect(starts).toBe(1);
    expect(thawed).toMatchObject({ status: 'passed', stdout: 'frozen' });
    expect(next).toMatchObject({ status: 'passed' });
    // Ahead of the program queued behind it: its caller was waiting first.
    expect(fleet.runs).toEqual(['1:frozen', '1:frozen', '1:next']);
    expect(pool.stats()).toMatchObject({ runs: 2, suspendedReruns: 1 });
    // The second verdict stands, whatever it is.
    expect(await pool.run('frozen always', limits)).toMatchObject({ status: 'timeout', durationMs: 60_000 });
    expect(fleet.runs.filter((r) => r.endsWith('frozen always'))).toHaveLength(2);
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

describe('the pool, with spare workers (scripted)', () => {
  it('starts no spare while no worker is replaced, however many programs run', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 2, spares: 1 });
    await pool.ready();
    const programs = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(outputs(await Promise.all(programs.map((p) => pool.run(p, limits))))).toEqual(programs);
    await settle();
    // Two interpreters started, not three: the spare is for pools that replace workers.
    expect(fleet.spawned).toBe(2);
    expect(pool.stats()).toMatchObject({ respawns: 0, spareUses: 0, sparesStarted: 0 });
    expect(pool.stats().coldStartsMs).toHaveLength(2);
    await pool.close();
  });

  it('makes the first replacement a cold start, starts the spare once it has started, and gives the spare to the second', async () => {
    const fleet = scriptedFleet({ start: (id) => (id === 1 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1 });
    await pool.ready();
    const first = Promise.all(['dirty', 'next'].map((p) => pool.run(p, limits)));
    await until(() => expect(fleet.spawned).toBe(2));
    await settle();
    // Nothing starts beside the replacement while the slot waits for it.
    expect(fleet.spawned).toBe(2);
    expect(pool.stats()).toMatchObject({ respawns: 1, spareUses: 0, sparesStarted: 0 });
    fleet.release.get(2)!('ready');
    expect(outputs(await first)).toEqual(['dirty', 'next']);
    await until(() => expect(fleet.spawned).toBe(3));
    expect(pool.stats()).toMatchObject({ respawns: 1, spareUses: 0, sparesStarted: 1 });
    fleet.release.get(3)!('ready');
    await until(() => expect(fleet.readyIds).toEqual([1, 2, 3]));
    // The second replacement takes the started spare at once, and a new spare starts behind it.
    const second = await Promise.all(['dirty', 'after'].map((p) => pool.run(p, limits)));
    expect(outputs(second)).toEqual(['dirty', 'after']);
    expect(fleet.runs).toEqual(['1:dirty', '2:next', '2:dirty', '3:after']);
    expect(fleet.spawned).toBe(4);
    expect(pool.stats()).toMatchObject({ respawns: 2, respawnReasons: { dirty: 2 }, spareUses: 1, sparesStarted: 2 });
    await pool.close();
  });

  it('starts the spare after a first replacement by the watchdog, and gives it the next killed worker', async () => {
    const fleet = scriptedFleet();
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1, graceMs: 10 });
    await pool.ready();
    const hang = { ...limits, timeoutMs: 10 };
    expect(await pool.run('hang', hang)).toMatchObject({ status: 'timeout' });
    await until(() => expect(fleet.readyIds).toEqual([1, 2, 3]));
    const [again, next] = await Promise.all([pool.run('hang', hang), pool.run('next', limits)]);
    expect(again).toMatchObject({ status: 'timeout' });
    expect(next).toMatchObject({ status: 'passed' });
    expect(fleet.runs).toEqual(['1:hang', '2:hang', '3:next']);
    expect(pool.stats()).toMatchObject({ respawns: 2, respawnReasons: { watchdog: 2 }, spareUses: 1, sparesStarted: 2 });
    await pool.close();
  });

  it('takes a spare that is still starting rather than starting another worker', async () => {
    const fleet = scriptedFleet({ start: (id) => (id <= 2 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1 });
    expect(await pool.run('dirty', limits)).toMatchObject({ status: 'passed' });
    await until(() => expect(fleet.spawned).toBe(3));
    const results = Promise.all(['dirty', 'next'].map((p) => pool.run(p, limits)));
    await until(() => expect(fleet.spawned).toBe(4));
    // The new spare starting first changes nothing: the slot waits for the spare it took.
    fleet.release.get(4)!('ready');
    await settle();
    expect(fleet.runs).toEqual(['1:dirty', '2:dirty']);
    fleet.release.get(3)!('ready');
    expect(outputs(await results)).toEqual(['dirty', 'next']);
    expect(fleet.runs).toEqual(['1:dirty', '2:dirty', '3:next']);
    expect(pool.stats()).toMatchObject({ respawns: 2, spareUses: 1 });
    await pool.close();
  });

  it('waits for every slot to have a started worker before the spare, when the first replacement comes before', async () => {
    const fleet = scriptedFleet({ start: (id) => (id === 2 ? 'hold' : 'ready') });
    const pool = createSandboxPool(fleet.spawn, { workers: 2, spares: 1 });
    // Slot 1 runs it while slot 2's first worker is still starting.
    expect(await pool.run('dirty', limits)).toMatchObject({ status: 'passed' });
    await until(() => expect(fleet.readyIds).toEqual([1, 3]));
    await settle();
    expect(fleet.spawned).toBe(3);
    fleet.release.get(2)!('ready');
    await pool.ready();
    await until(() => expect(fleet.spawned).toBe(4));
    expect(pool.stats()).toMatchObject({ respawns: 1, spareUses: 0, sparesStarted: 1 });
    await pool.close();
  });

  it('starts another spare when one dies while it waits, without counting a replacement', async () => {
    const fleet = scriptedFleet({ start: (id) => (id <= 4 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1 });
    expect(await pool.run('dirty', limits)).toMatchObject({ status: 'passed' });
    await until(() => expect(fleet.readyIds).toEqual([1, 2, 3]));
    fleet.exit.get(3)!('killed');
    await until(() => expect(fleet.readyIds).toEqual([1, 2, 3, 4]));
    expect(pool.stats()).toMatchObject({ respawns: 1, sparesStarted: 2 });
    const results = await Promise.all(['dirty', 'next'].map((p) => pool.run(p, limits)));
    expect(outputs(results)).toEqual(['dirty', 'next']);
    expect(fleet.runs).toEqual(['1:dirty', '2:dirty', '4:next']);
    expect(pool.stats()).toMatchObject({ respawns: 2, spareUses: 1, sparesStarted: 3 });
    await pool.close();
  });

  it('gives up after maxStartFailures spares fail to start, and rejects the programs waiting', async () => {
    const fleet = scriptedFleet({ start: (id) => (id <= 2 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1, maxStartFailures: 3 });
    expect(await pool.run('dirty', limits)).toMatchObject({ status: 'passed' });
    const inFlight = pool.run('gate', limits);
    const queued = pool.run('a', limits);
    for (const id of [3, 4, 5]) {
      await until(() => expect(fleet.spawned).toBe(id));
      fleet.release.get(id)!('fail');
    }
    await expect(queued).rejects.toThrow(/could not start: no wasm here/);
    await expect(pool.run('b', limits)).rejects.toThrow(/could not start/);
    await expect(pool.ready()).rejects.toThrow(/could not start/);
    expect(fleet.spawned).toBe(5);
    fleet.openGate();
    expect(await inFlight).toMatchObject({ status: 'passed', stdout: 'gate' });
    await pool.close();
  });

  it('gives up at once when the first start never settles, with a sentence, instead of starting for ever', async () => {
    const fleet = scriptedFleet({ start: () => 'hold' });
    const pool = createSandboxPool(fleet.spawn, { workers: 2, startTimeoutMs: 40 });
    const waiting = pool.run('a', limits);
    await expect(pool.ready()).rejects.toThrow('The Python sandbox could not start: Python did not start within 0.04 s');
    await expect(waiting).rejects.toThrow(/did not start within/);
    expect(fleet.terminated).toContain(1);
    await pool.close();
  });

  it('counts a replacement that never starts as one failed start, and goes on with the next', async () => {
    const fleet = scriptedFleet({ start: (id) => (id === 2 ? 'hold' : 'ready') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, startTimeoutMs: 40 });
    const results = await Promise.all(['dirty', 'next'].map((p) => pool.run(p, limits)));
    expect(outputs(results)).toEqual(['dirty', 'next']);
    // Worker 2 (the replacement) hung in its start; worker 3 took its place.
    expect(fleet.runs).toEqual(['1:dirty', '3:next']);
    expect(fleet.terminated).toContain(2);
    await pool.close();
  });

  it('closes the spares too, started or starting, and waits until they are gone', async () => {
    const fleet = scriptedFleet({ start: (id) => (id <= 3 ? 'ready' : 'hold'), lingers: (id) => id === 4 });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 2 });
    expect(await pool.run('dirty', limits)).toMatchObject({ status: 'passed' });
    await until(() => expect(fleet.readyIds).toEqual([1, 2, 3]));
    expect(fleet.spawned).toBe(4);
    let closed = false;
    const closing = pool.close().then(() => (closed = true));
    await settle();
    expect(fleet.terminated.toSorted()).toEqual([1, 2, 3, 4]);
    expect(closed).toBe(false);
    fleet.exit.get(4)!('terminated at last');
    await closing;
    await expect(pool.ready()).rejects.toThrow(/closed/);
  });

  it('starts no spare when it is closed while its first replacement is starting', async () => {
    const fleet = scriptedFleet({ start: (id) => (id === 1 ? 'ready' : 'hold') });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1 });
    expect(await pool.run('dirty', limits)).toMatchObject({ status: 'passed' });
    await until(() => expect(fleet.spawned).toBe(2));
    await pool.close();
    fleet.release.get(2)!('ready');
    await settle();
    expect(fleet.spawned).toBe(2);
    expect(pool.stats().sparesStarted).toBe(0);
  });

  it('counts cold starts of replacements and spares, each from its spawn', async () => {
    const fleet = scriptedFleet({ startDelayMs: 20 });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1 });
    await pool.ready();
    expect(await pool.run('dirty', limits)).toMatchObject({ status: 'passed' });
    // The first worker, its replacement, then the spare.
    await until(() => expect(pool.stats().coldStartsMs).toHaveLength(3));
    pool.stats().coldStartsMs.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(fleet.startMs.get(i + 1)!));
    expect(pool.stats()).toMatchObject({ respawns: 1, spareUses: 0, sparesStarted: 1 });
    await pool.close();
  });

  it('ignores a replaced worker that exits late: one replacement, and the next program keeps its result', async () => {
    const fleet = scriptedFleet({ lingers: (id) => id === 1 });
    const pool = createSandboxPool(fleet.spawn, { workers: 1, spares: 1, graceMs: 10 });
    await pool.ready();
    const hang = pool.run('hang', { ...limits, timeoutMs: 10 });
    const next = pool.run('gate', limits);
    await until(() => expect(fleet.runs).toEqual(['1:hang', '2:gate']));
    // The watchdog's terminate() did not end worker 1 at once; its exit (and its run's rejection) come now.
    fleet.exit.get(1)!('killed late');
    await settle();
    fleet.openGate();
    expect(await hang).toMatchObject({ status: 'timeout', limitMs: 10 });
    expect(await next).toMatchObject({ status: 'passed', stdout: 'gate' });
    expect(pool.stats()).toMatchObject({ respawns: 1, respawnReasons: { watchdog: 1 }, spareUses: 0 });
    // Worker 2 replaced it, worker 3 is the spare started behind: nothing for the late exit.
    await until(() => expect(fleet.spawned).toBe(3));
    await settle();
    expect(fleet.spawned).toBe(3);
    await pool.close();
  });
});
