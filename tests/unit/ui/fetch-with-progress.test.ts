import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchBytesWithProgress, type DownloadProgress } from '../../../src/ui/datasets/fetch-with-progress.ts';

/** A response whose body sends `first` and then nothing more, as a server that stalls mid-file. */
function stallingResponse(first: Uint8Array, total: number): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(first);
    },
  });
  return new Response(body, { headers: { 'Content-Length': String(total) } });
}

/** fetch that honours its signal the way a browser's does, around `answer`. */
function fetchAnswering(answer: (signal: AbortSignal) => Promise<Response>) {
  return vi.fn((_url: string, init?: RequestInit) => {
    const signal = init?.signal ?? new AbortController().signal;
    return new Promise<Response>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason));
      answer(signal).then(resolve, reject);
    });
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('a benchmark download with progress', () => {
  it('gives up with a stall message when the body stops arriving, instead of waiting for ever (R180-1)', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('fetch', fetchAnswering(async () => stallingResponse(new Uint8Array(10_000), 44_877)));
    const progress: DownloadProgress[] = [];
    const fetchBytes = fetchBytesWithProgress((p) => progress.push(p), 30_000);
    const download = fetchBytes('/datasets/HumanEval.jsonl.gz');
    const settled = expect(download).rejects.toThrow('the download stalled: nothing arrived for 30 s');
    await vi.advanceTimersByTimeAsync(29_000);
    expect(progress.at(-1)).toEqual({ url: '/datasets/HumanEval.jsonl.gz', receivedBytes: 10_000, totalBytes: 44_877 });
    await vi.advanceTimersByTimeAsync(2_000);
    await settled;
  });

  it('gives up when the server never answers at all', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('fetch', fetchAnswering(() => new Promise<Response>(() => {})));
    const download = fetchBytesWithProgress(() => {}, 30_000)('/datasets/sanitized-mbpp.json');
    const settled = expect(download).rejects.toThrow('the download stalled');
    await vi.advanceTimersByTimeAsync(30_001);
    await settled;
  });

  it('lets a slow download that keeps moving finish, however long it takes', async () => {
    vi.useFakeTimers();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        // A chunk every 20 s: slow, never silent for the whole stall timeout.
        await new Promise((resolve) => setTimeout(resolve, 20_000));
        if (sent === 5) return controller.close();
        sent++;
        controller.enqueue(new Uint8Array([sent]));
      },
    });
    vi.stubGlobal('fetch', fetchAnswering(async () => new Response(body)));
    const download = fetchBytesWithProgress(() => {}, 30_000)('/datasets/sanitized-mbpp.json');
    await vi.advanceTimersByTimeAsync(130_000);
    await expect(download).resolves.toEqual(new Uint8Array([1, 2, 3, 4, 5]));
  });

  it('still names the likely causes when nothing answers', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(fetchBytesWithProgress(() => {})('/datasets/HumanEval.jsonl.gz')).rejects.toThrow(/^no answer \(offline, blocked.*Failed to fetch$/);
  });
});
