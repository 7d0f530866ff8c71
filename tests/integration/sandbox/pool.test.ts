/**
 * The pool with real Pyodide workers: a queued program hears when a worker takes it, a queue with
 * killers in the middle finishes, each program with its own result, and a sandbox that cannot
 * start says so. Its exact promises (order, replacements, spares, close) are checked with
 * scripted workers in tests/unit/sandbox/pool.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SandboxLimits } from '../../../src/core/ports.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import type { PooledSandbox } from '../../../src/sandbox/pool.ts';

const limits: SandboxLimits = { timeoutMs: 1000, maxOutputChars: 10_000 };

describe('the pool, with Pyodide workers', () => {
  let sandbox: PooledSandbox;

  beforeAll(async () => {
    sandbox = await createNodeSandbox({ workers: 2, graceMs: 1000 });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('starts no spare while its programs pass or raise', async () => {
    const results = await Promise.all(['print(1)', 'assert False', 'raise ValueError'].map((program) => sandbox.run(program, limits)));
    expect(results.map((result) => result.status)).toEqual(['passed', 'error', 'error']);
    expect(sandbox.stats()).toMatchObject({ respawns: 0, sparesStarted: 0 });
    expect(sandbox.stats().coldStartsMs).toHaveLength(2);
  });

  it('tells a program queued behind busy workers when one takes it, so its wait is not counted as its run', async () => {
    const busy = 'import time\nend = time.monotonic() + 0.4\nwhile time.monotonic() < end:\n    pass';
    const timed = async (program: string) => {
      const calledAt = performance.now();
      let startedAt = Number.NaN;
      let queued = false;
      const result = await sandbox.run(program, limits, { onQueued: () => (queued = true), onStart: () => (startedAt = performance.now()) });
      return { result, queued, waitedMs: startedAt - calledAt, ranMs: performance.now() - startedAt };
    };
    const [a, b, c] = await Promise.all([timed(busy), timed(busy), timed('print(1)')]);
    expect([a, b, c].map((run) => [run.result.status, run.queued])).toEqual([['passed', false], ['passed', false], ['passed', true]]);
    expect(c.waitedMs).toBeGreaterThanOrEqual(300);
    expect(c.ranMs).toBeLessThan(300);
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
    // The default spare starts once the first replacement has started.
    await vi.waitFor(() => expect(sandbox.stats().sparesStarted).toBeGreaterThanOrEqual(1), { timeout: 60_000, interval: 50 });
  });

  it('refuses to start, loudly, when Pyodide is not where it was said to be', async () => {
    await expect(createNodeSandbox({ workers: 1, pyodideDir: '/nonexistent/pyodide/' })).rejects.toThrow(/could not start/);
  });
});

describe('the clean-up after a program, with Pyodide workers', () => {
  // 3 s, as a benchmark's; the watchdog's grace is 1 s.
  const threeSeconds: SandboxLimits = { timeoutMs: 3000, maxOutputChars: 10_000 };
  let sandbox: PooledSandbox;

  beforeAll(async () => {
    sandbox = await createNodeSandbox({ workers: 1, graceMs: 1000 });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('may take what is left of the time limit: a second of freeing costs no new worker (R191-3)', async () => {
    // Freeing a big heap took a second on a slow laptop, past the clean-up's old fixed half
    // second, and every such program cost a worker's start. A finalizer that runs 1 s stands in.
    const slowToFree = 'import time\nclass Slow:\n    def __del__(self):\n        end = time.monotonic() + 1.0\n        while time.monotonic() < end:\n            pass\nslow = Slow()\n';
    const before = sandbox.stats().respawns;
    const startedAt = performance.now();
    expect((await sandbox.run(slowToFree, threeSeconds)).status).toBe('passed');
    // Its whole second, not cut at half a second as before (a lower bound: the loop reads the clock).
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(1000);
    expect((await sandbox.run('assert 1 + 1 == 2', threeSeconds)).status).toBe('passed');
    expect(sandbox.stats().respawns).toBe(before);
  });

  it('ends a finalizer that never returns before the watchdog would: the verdict stands', async () => {
    const neverFreed = 'class Stuck:\n    def __del__(self):\n        while True:\n            pass\nstuck = Stuck()\n';
    const startedAt = performance.now();
    // The watchdog's verdict would be a timeout: the program itself passed.
    expect((await sandbox.run(neverFreed, threeSeconds)).status).toBe('passed');
    expect(performance.now() - startedAt).toBeLessThan(threeSeconds.timeoutMs + 1000);
    expect((await sandbox.run('assert 1 + 1 == 2', threeSeconds)).status).toBe('passed');
  }, 30_000);

  it('ends ten finalizers that never return before the watchdog too: each swallows its interrupt (R196)', async () => {
    // Each finalizer's KeyboardInterrupt is printed and dropped, and the next one runs: at one
    // interrupt every 250 ms, ten of them ran past the watchdog and the program that passed timed out.
    const neverFreed = 'class Stuck:\n    def __del__(self):\n        while True:\n            pass\nstuck = [Stuck() for _ in range(10)]\n';
    const startedAt = performance.now();
    expect((await sandbox.run(neverFreed, threeSeconds)).status).toBe('passed');
    expect(performance.now() - startedAt).toBeLessThan(threeSeconds.timeoutMs + 1000);
    expect((await sandbox.run('assert 1 + 1 == 2', threeSeconds)).status).toBe('passed');
  }, 30_000);
});
