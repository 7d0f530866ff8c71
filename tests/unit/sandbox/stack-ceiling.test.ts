import { describe, expect, it } from 'vitest';
import type { SandboxLimits } from '../../../src/core/ports.ts';
import type { CappableWorkerHandle } from '../../../src/sandbox/sandbox-workers.ts';
import { StackCeiling } from '../../../src/sandbox/stack-ceiling.ts';
import type { WorkerInfo } from '../../../src/sandbox/worker-protocol.ts';

const limits: SandboxLimits = { timeoutMs: 1000, maxOutputChars: 10_000 };

/** A worker that measured `measured` bytes at start and keeps what it is lowered to; records every call in order. */
function worker(measured: number | null, calls: string[], name: string) {
  let limit = measured;
  const handle: CappableWorkerHandle = {
    ready: () => Promise.resolve({ cStackBytes: measured } as WorkerInfo),
    run: () => {
      calls.push(`${name} runs at ${limit}`);
      return Promise.resolve({ result: { status: 'passed', durationMs: 1, stdout: '' }, recycle: null });
    },
    capCStack: (bytes) => {
      calls.push(`${name} lowered to ${bytes}`);
      if (limit !== null && bytes < limit) limit = bytes;
      return Promise.resolve(limit);
    },
    interrupt: () => {},
    outputLimitHit: () => false,
    terminate: () => {},
    exited: new Promise(() => {}),
  };
  return handle;
}

describe('StackCeiling', () => {
  // A spare starts after the page's first replacement, with the lowest limit measured by then as
  // its ceiling. A worker started later may measure less (V8's code changed under it): the spare
  // then took over a slot with the higher limit, and the same deep recursion passed on it and
  // failed on the other. Every worker now runs its next program at the page's lowest limit.
  it('lowers a worker started earlier to a lower limit measured since, once, before its next program', async () => {
    const ceiling = new StackCeiling();
    const calls: string[] = [];
    const first = ceiling.keep(worker(150_000, calls, 'first'));
    await first.ready();
    expect(ceiling.lowest).toBe(150_000);
    const spare = ceiling.keep(worker(150_000, calls, 'spare'));
    await spare.ready();
    await spare.run('pass', limits);
    const later = ceiling.keep(worker(145_000, calls, 'later'));
    await later.ready();
    expect(ceiling.lowest).toBe(145_000);
    await spare.run('pass', limits);
    await spare.run('pass', limits);
    await first.run('pass', limits);
    await later.run('pass', limits);
    expect(calls).toEqual([
      'spare runs at 150000',
      'spare lowered to 145000',
      'spare runs at 145000',
      'spare runs at 145000',
      'first lowered to 145000',
      'first runs at 145000',
      'later runs at 145000',
    ]);
  });

  it('leaves alone a worker without a limit (a Node-sized stack), and a page where none was measured', async () => {
    const ceiling = new StackCeiling();
    const calls: string[] = [];
    const unlimited = ceiling.keep(worker(null, calls, 'node'));
    await unlimited.ready();
    expect(ceiling.lowest).toBeNull();
    await unlimited.run('pass', limits);
    const measured = ceiling.keep(worker(150_000, calls, 'browser'));
    await measured.ready();
    await unlimited.run('pass', limits);
    await measured.run('pass', limits);
    expect(calls).toEqual(['node runs at null', 'node runs at null', 'browser runs at 150000']);
  });
});
