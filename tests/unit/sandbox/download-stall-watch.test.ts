import { afterEach, describe, expect, it, vi } from 'vitest';
import { DOWNLOAD_STALL_MS, stalledDownload, type FetchHost } from '../../../src/sandbox/download-stall-watch.ts';

/** A network whose answer to every request sends `sent` and then, unless `finish` is called, nothing for ever. */
function network(sent: Uint8Array[]) {
  const signals: AbortSignal[] = [];
  const finishers: (() => void)[] = [];
  const host: FetchHost = {
    fetch: (async (_input: RequestInfo | URL, init?: RequestInit) => {
      signals.push(init!.signal!);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of sent) controller.enqueue(chunk);
          // As a real fetch: giving the download up fails its body.
          init!.signal!.addEventListener('abort', () => controller.error(init!.signal!.reason), { once: true });
          finishers.push(() => controller.close());
        },
      });
      return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
    }) as typeof fetch,
  };
  return { host, signals, finish: () => finishers.splice(0).forEach((finish) => finish()) };
}

/** 'pending', 'settled' or the message it rejected with, a few ticks from now. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  let state = 'pending';
  promise.then(
    () => (state = 'settled'),
    (error: Error) => (state = error.message),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return state;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the watch on the downloads of Python's start (R183-1)", () => {
  it('fails the start when a download of Pyodide goes 30 s without a byte, and gives that download up', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { host, signals } = network([new Uint8Array(1000)]);
    const stalled = stalledDownload(host);
    stalled.catch(() => undefined);
    // What Pyodide does: fetch the wasm and hand the response to the streaming compiler.
    const response = await host.fetch(new URL('https://lab.example.org/pyodide/pyodide.asm.wasm'));
    const compiled = response.arrayBuffer();
    compiled.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(DOWNLOAD_STALL_MS - 1000);
    expect(await outcome(stalled)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await outcome(stalled)).toBe(
      "Python's file pyodide.asm.wasm stopped downloading: nothing arrived for 30 s. The connection may have dropped or stalled; check it.",
    );
    expect(signals[0]!.aborted).toBe(true);
    await expect(compiled).rejects.toThrow('stopped downloading');
  });

  it('counts a server that never answers as stalled too', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host: FetchHost = { fetch: (() => new Promise<Response>(() => undefined)) as typeof fetch };
    const stalled = stalledDownload(host);
    stalled.catch(() => undefined);
    void host.fetch('pyodide/snapshot.bin.gz');
    await vi.advanceTimersByTimeAsync(DOWNLOAD_STALL_MS);
    expect(await outcome(stalled)).toMatch(/^Python's file snapshot\.bin\.gz stopped downloading/);
  });

  it('leaves a slow download that keeps moving, hands over the response itself with all its bytes, and stays pending', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { host, finish } = network([new Uint8Array([1, 2, 3])]);
    const stalled = stalledDownload(host);
    const response = await host.fetch('pyodide/pyodide.asm.wasm');
    expect(response.headers.get('Content-Type')).toBe('application/wasm');
    const bytes = response.arrayBuffer();
    await vi.advanceTimersByTimeAsync(DOWNLOAD_STALL_MS - 1000);
    finish();
    expect(new Uint8Array(await bytes)).toEqual(new Uint8Array([1, 2, 3]));
    // Long after the download ended, nothing fires.
    await vi.advanceTimersByTimeAsync(10 * DOWNLOAD_STALL_MS);
    expect(await outcome(stalled)).toBe('pending');
  });

  it("keeps the caller's own abort working", async () => {
    const { host, signals } = network([]);
    void stalledDownload(host);
    const caller = new AbortController();
    await host.fetch('pyodide/pyodide-lock.json', { signal: caller.signal });
    caller.abort();
    expect(signals[0]!.aborted).toBe(true);
  });
});
