/**
 * The pool's handle on a worker: a call rejects when its worker stops mid-call, a call after that
 * rejects at once, and the calls of a long-lived worker leave nothing behind on its `exited`
 * promise (each used to race it, leaving a reaction there until the worker stopped: one per
 * program run; audit R169-2).
 */
import type { Remote } from 'comlink';
import { describe, expect, it } from 'vitest';
import { workerHandle } from '../../../src/sandbox/sandbox-workers.ts';
import type { SandboxWorkerApi, WorkerRunReport } from '../../../src/sandbox/worker-protocol.ts';

/** A promise that counts what is chained on it (its derived promises are plain ones). */
class CountedPromise<T> extends Promise<T> {
  static reactions = 0;
  static override get [Symbol.species]() {
    return Promise;
  }
  override then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    CountedPromise.reactions++;
    return super.then(onFulfilled, onRejected);
  }
}

function exitSignal() {
  let stop: (reason: string) => void = () => undefined;
  const exited = new CountedPromise<string>((resolve) => (stop = resolve));
  return { exited, stop };
}

const report = { outcome: { kind: 'passed', durationMs: 1 } } as unknown as WorkerRunReport;

function api(run: () => Promise<WorkerRunReport>): Remote<SandboxWorkerApi> {
  return { ready: async () => ({}), run, capCStack: async () => null } as unknown as Remote<SandboxWorkerApi>;
}

describe('a worker handle', () => {
  it('chains one reaction on the worker’s exit however many programs it runs', async () => {
    const { exited } = exitSignal();
    CountedPromise.reactions = 0;
    const handle = workerHandle(api(async () => report), null, exited, () => undefined);
    for (let i = 0; i < 1_000; i++) expect(await handle.run('pass', { timeoutMs: 1000 } as never)).toBe(report);
    expect(CountedPromise.reactions).toBe(1);
  });

  it('rejects a call in flight when the worker stops, and every call after it at once', async () => {
    const { exited, stop } = exitSignal();
    const handle = workerHandle(api(() => new Promise<WorkerRunReport>(() => undefined)), null, exited, () => undefined);
    const running = handle.run('while True: pass', { timeoutMs: 1000 } as never);
    stop('exit code 1');
    await expect(running).rejects.toThrow('the worker stopped (exit code 1)');
    await expect(handle.run('pass', { timeoutMs: 1000 } as never)).rejects.toThrow('the worker stopped (exit code 1)');
  });

  it('passes on a call’s own failure', async () => {
    const { exited } = exitSignal();
    const handle = workerHandle(api(async () => Promise.reject(new Error('bad limits'))), null, exited, () => undefined);
    await expect(handle.run('pass', { timeoutMs: 1000 } as never)).rejects.toThrow('bad limits');
  });
});
