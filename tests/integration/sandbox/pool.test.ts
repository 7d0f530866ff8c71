/**
 * The pool keeps its promises: FIFO, one result per program whatever the program does, dead
 * workers replaced while the queue goes on, a clean close, and a loud failure when Python cannot
 * start at all. First with scripted workers (exact and fast), then with real ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { SandboxLimits } from '../../../src/core/ports.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import { createSandboxPool, type PooledSandbox, type WorkerHandle } from '../../../src/sandbox/pool.ts';
import type { WorkerInfo, WorkerRunReport } from '../../../src/sandbox/worker-protocol.ts';

const limits: SandboxLimits = { timeoutMs: 1000, maxOutputChars: 10_000 };

const info: WorkerInfo = {
  pyodideVersion: 'scripted',
  coldStartMs: 1,
  interrupt: 'deadline-getter',
  interruptLatencyMs: 1,
  hardening: { bridgesRemoved: 1, bridgesLeft: 0, disabledBuiltins: [], reachableGlobals: [], codeGenerationBlocked: true, baselineModules: 1, watchedClasses: 1, watchedDicts: 1 },
};

/**
 * A worker that "runs" programs by name: `pass`, `hang` (never answers), `die` (exits while
 * running), `dirty` (passes but asks to be replaced). Records what it ran.
 */
function scriptedWorkers(log: string[], failStarts = 0) {
  let started = 0;
  return (): WorkerHandle => {
    const id = ++started;
    let exit: (reason: string) => void = () => {};
    const exited = new Promise<string>((resolve) => (exit = resolve));
    return {
      ready: () => (id <= failStarts ? Promise.reject(new Error('no wasm here')) : Promise.resolve(info)),
      run: (program) => {
        log.push(`${id}:${program}`);
        const passed: RunResult = { status: 'passed', durationMs: 1, stdout: program };
        if (program === 'hang') return new Promise<WorkerRunReport>(() => {});
        if (program === 'die') {
          setTimeout(() => exit('killed'), 5);
          return new Promise<WorkerRunReport>(() => {});
        }
        return new Promise((resolve) => setTimeout(() => resolve({ result: passed, recycle: program === 'dirty' ? 'dirty' : null }), 5));
      },
      interrupt: () => {},
      outputLimitHit: () => false,
      terminate: () => exit('terminated'),
      exited,
    };
  };
}

describe('the pool, with scripted workers', () => {
  it('runs programs first in, first out, one result each', async () => {
    const log: string[] = [];
    const pool = createSandboxPool(scriptedWorkers(log), { workers: 1 });
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((p) => pool.run(p, limits)));
    expect(results.map((r) => (r.status === 'passed' ? r.stdout : r.status))).toEqual(['a', 'b', 'c', 'd']);
    expect(log).toEqual(['1:a', '1:b', '1:c', '1:d']);
    await pool.close();
  });

  it('turns a worker that never answers into a timeout and goes on with a new one', async () => {
    const log: string[] = [];
    const pool = createSandboxPool(scriptedWorkers(log), { workers: 1, graceMs: 20 });
    const [hang, next] = await Promise.all([pool.run('hang', { ...limits, timeoutMs: 30 }), pool.run('next', limits)]);
    expect(hang).toMatchObject({ status: 'timeout', limitMs: 30 });
    expect(next).toMatchObject({ status: 'passed', stdout: 'next' });
    expect(log).toEqual(['1:hang', '2:next']);
    expect(pool.stats().respawnReasons).toEqual({ watchdog: 1 });
    await pool.close();
  });

  it('turns a worker that dies into a crash and goes on with a new one', async () => {
    const log: string[] = [];
    const pool = createSandboxPool(scriptedWorkers(log), { workers: 1 });
    const [died, next] = await Promise.all([pool.run('die', limits), pool.run('next', limits)]);
    expect(died).toMatchObject({ status: 'crashed', cause: 'worker-lost', detail: 'killed' });
    expect(next).toMatchObject({ status: 'passed' });
    expect(log).toEqual(['1:die', '2:next']);
    await pool.close();
  });

  it('replaces a worker that says it is no longer clean, after giving its result', async () => {
    const log: string[] = [];
    const pool = createSandboxPool(scriptedWorkers(log), { workers: 1 });
    const results = await Promise.all(['dirty', 'next'].map((p) => pool.run(p, limits)));
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed']);
    expect(log).toEqual(['1:dirty', '2:next']);
    expect(pool.stats().respawns).toBe(1);
    await pool.close();
  });

  it('closes: runs in flight and in the queue end as worker-lost, later runs are refused', async () => {
    const pool = createSandboxPool(scriptedWorkers([]), { workers: 1 });
    await pool.ready();
    const inFlight = pool.run('hang', limits);
    const queued = pool.run('a', limits);
    await pool.close();
    expect(await inFlight).toMatchObject({ status: 'crashed', cause: 'worker-lost' });
    expect(await queued).toMatchObject({ status: 'crashed', cause: 'worker-lost' });
    await expect(pool.run('b', limits)).rejects.toThrow(/closed/);
  });

  it('retries a worker that fails to start, and gives up loudly when none can', async () => {
    const flaky = createSandboxPool(scriptedWorkers([], 2), { workers: 1 });
    await flaky.ready();
    expect(await flaky.run('a', limits)).toMatchObject({ status: 'passed' });
    await flaky.close();

    const broken = createSandboxPool(scriptedWorkers([], 99), { workers: 1 });
    await expect(broken.ready()).rejects.toThrow(/could not start: no wasm here/);
    await expect(broken.run('a', limits)).rejects.toThrow(/could not start/);
    await broken.close();
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
    programs[7] = 'import os\nos._exit(1)';
    programs[11] = 'import time\ntime.sleep(10**9)';
    programs[12] = 'def f(x):\n    return sorted([x], key=f)\nf(1)';
    const results = await Promise.all(programs.map((program) => sandbox.run(program, { ...limits, timeoutMs: 500 })));
    results.forEach((result, i) => {
      if (i === 7) expect(result).toMatchObject({ status: 'crashed', cause: 'exit' });
      else if (i === 11) expect(result).toMatchObject({ status: 'timeout' });
      else if (i === 12) expect(['crashed', 'error']).toContain(result.status);
      else expect(result).toMatchObject({ status: 'passed', stdout: `${i}\n` });
    });
    expect(sandbox.stats().respawns).toBeGreaterThanOrEqual(2);
  });

  it('refuses to start, loudly, when Pyodide is not where it was said to be', async () => {
    await expect(createNodeSandbox({ workers: 1, pyodideDir: '/nonexistent/pyodide/' })).rejects.toThrow(/could not start/);
  });
});
