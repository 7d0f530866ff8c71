/**
 * The offline copy (sw.ts's `warm`) beside the page's own downloads, in a fake worker scope: a
 * build file the page is fetching through the worker when the copy reaches it is stored once, not
 * downloaded a second time (audit R180-3: on a slow first visit the Playground's Pyodide, 20 MB,
 * went over the network twice).
 */
import { webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { offlineCopyState } from '../../../src/service-worker/offline-copy.ts';
import type { PrecacheManifest, WorkerMessage } from '../../../src/service-worker/protocol.ts';
import { loadServiceWorker } from '../../support/service-worker-scope.ts';

const SCOPE = 'https://lab.example.org/';

async function revOf(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await webcrypto.subtle.digest('SHA-256', bytes));
  return [...digest.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Cache Storage in memory, keyed by URL. */
function memoryCaches(): CacheStorage {
  const stores = new Map<string, Map<string, Response>>();
  const keyOf = (request: RequestInfo | URL) => (typeof request === 'string' ? request : request instanceof URL ? request.href : request.url);
  const open = async (name: string) => {
    const store = stores.get(name) ?? new Map<string, Response>();
    stores.set(name, store);
    return {
      match: async (request: RequestInfo) => store.get(keyOf(request))?.clone(),
      put: async (request: RequestInfo, response: Response) => void store.set(keyOf(request), new Response(await response.arrayBuffer(), response)),
      keys: async () => [...store.keys()].map((url) => new Request(url)),
      delete: async (request: RequestInfo) => store.delete(keyOf(request)),
    };
  };
  return {
    open,
    keys: async () => [...stores.keys()],
    delete: async (name: string) => stores.delete(name),
    match: async (request: RequestInfo, options?: { cacheName?: string }) => (options?.cacheName ? (await open(options.cacheName)).match(request) : undefined),
  } as unknown as CacheStorage;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

/**
 * sw.ts in a fake scope whose network sends pyodide.asm.wasm slowly: its body ends when
 * `finishWasm` is called. With `stallFirst`, the first download of it sends a little and then
 * nothing, for ever (a connection that stays open), and later ones arrive whole.
 */
async function bootWithSlowWasm({ stallFirst = false, caches = memoryCaches() } = {}) {
  const wasm = new Uint8Array(64 * 1024).map((_, i) => i % 251);
  const shell = new TextEncoder().encode('<!doctype html>');
  const manifest: PrecacheManifest = {
    version: 'v1',
    entries: [
      { path: 'index.html', rev: await revOf(shell), bytes: shell.length, shell: true },
      { path: 'pyodide/pyodide.asm.wasm', rev: await revOf(wasm), bytes: wasm.length, shell: false },
    ],
    optional: [],
  };
  // The wasm arrives slowly: its body ends only when the test says so.
  const finishers: (() => void)[] = [];
  const finishWasm = () => finishers.splice(0).forEach((finish) => finish());
  const asked: string[] = [];
  let wasmAsked = 0;
  const network = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    asked.push(url.slice(SCOPE.length));
    if (url.endsWith('index.html')) return new Response(shell);
    const stalls = stallFirst && wasmAsked++ === 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(wasm.subarray(0, 1024));
        // As a real fetch: giving the download up fails its body.
        init?.signal?.addEventListener('abort', () => controller.error(init.signal!.reason), { once: true });
        if (stalls) return;
        finishers.push(() => {
          if (init?.signal?.aborted) return;
          controller.enqueue(wasm.subarray(1024));
          controller.close();
        });
      },
    });
    // type 'basic' as a same-origin answer in a browser has it (undici's Response says 'default').
    const response = new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
    Object.defineProperty(response, 'type', { value: 'basic' });
    return response;
  });
  const listeners = await loadServiceWorker({ scope: SCOPE, manifest, caches, fetch: network });

  const kept: Promise<unknown>[] = [];
  /** The page asks for the wasm through the service worker. */
  const pageFetch = (signal?: AbortSignal): Promise<Response> => {
    let answer: Promise<Response> | undefined;
    listeners.get('fetch')!({
      request: new Request(`${SCOPE}pyodide/pyodide.asm.wasm`, { signal }),
      respondWith: (response: Promise<Response>) => (answer = response),
      waitUntil: (promise: Promise<unknown>) => kept.push(promise),
    });
    return answer!;
  };
  /** The page asks for the offline copy. */
  const warm = () =>
    new Promise<WorkerMessage>((resolve) => {
      listeners.get('message')!({ data: { type: 'warm' }, ports: [{ postMessage: resolve }], source: null, waitUntil: (promise: Promise<unknown>) => kept.push(promise) });
    });
  return { wasm, asked, finishWasm, pageFetch, warm, network };
}

const aMoment = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the offline copy while the page downloads the same file', () => {
  it('waits for the copy the page is storing instead of downloading the file again', async () => {
    const { wasm, asked, finishWasm, pageFetch, warm } = await bootWithSlowWasm();
    const pageCopy = (await pageFetch()).arrayBuffer();
    // The offline copy starts while that download is under way.
    const report = warm();
    await aMoment();
    finishWasm();

    expect(new Uint8Array(await pageCopy)).toEqual(wasm);
    const warmed = await report;
    expect(warmed.failed).toEqual([]);
    expect(warmed.cached).toBe(2);
    expect(asked.filter((path) => path === 'pyodide/pyodide.asm.wasm')).toHaveLength(1);
  });

  it('gives a second worker asking for a file being downloaded the stored copy, and a page asking during the offline copy too', async () => {
    const { wasm, asked, finishWasm, pageFetch, warm } = await bootWithSlowWasm();
    const report = warm();
    await aMoment();
    // Two Python workers start while the offline copy downloads the wasm.
    const first = pageFetch();
    const second = pageFetch();
    await aMoment();
    finishWasm();
    expect(new Uint8Array(await (await first).arrayBuffer())).toEqual(wasm);
    expect(new Uint8Array(await (await second).arrayBuffer())).toEqual(wasm);
    expect((await report).failed).toEqual([]);
    expect(asked.filter((path) => path === 'pyodide/pyodide.asm.wasm')).toHaveLength(1);
  });
});

describe('a page asking for a file the offline copy is downloading on a slow link', () => {
  it('is answered at once with the bytes so far, then the rest as they come, from the one download (R188-1)', async () => {
    const { wasm, asked, finishWasm, pageFetch, warm } = await bootWithSlowWasm();
    const report = warm();
    await aMoment();
    // Kept waiting for the stored copy, the page heard nothing, and its own watch gave Python's
    // start up after 30 s though the download moved.
    const answered = await Promise.race([pageFetch(), aMoment().then(() => null)]);
    expect(answered).not.toBeNull();
    const reader = answered!.body!.getReader();
    expect((await reader.read()).value).toEqual(wasm.subarray(0, 1024));
    finishWasm();
    const rest: number[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) rest.push(...read.value);
    expect(new Uint8Array(rest)).toEqual(wasm.subarray(1024));
    expect(answered!.headers.get('Content-Type')).toBe('application/wasm');
    expect((await report).failed).toEqual([]);
    expect(asked.filter((path) => path === 'pyodide/pyodide.asm.wasm')).toHaveLength(1);
  });
});

describe('the page whose request began a shared download cancelling it', () => {
  it('leaves the download to the page streaming it and to the offline copy, which both get the whole file', async () => {
    const { wasm, asked, finishWasm, pageFetch, warm } = await bootWithSlowWasm();
    // The first worker's request began the download; a browser that follows the spec (Handle
    // Fetch) aborts that request's signal when the worker's fetch is aborted.
    const leaving = new AbortController();
    await pageFetch(leaving.signal);
    const second = await pageFetch();
    const report = warm();
    await aMoment();
    leaving.abort(new DOMException('The worker was ended', 'AbortError'));
    await aMoment();
    finishWasm();
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(wasm);
    expect((await report).failed).toEqual([]);
    expect(asked.filter((path) => path === 'pyodide/pyodide.asm.wasm')).toHaveLength(1);
  });
});

describe('a download of a build file that stalls (the connection open, no bytes)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is given up, so the offline copy and the next Python worker download the file afresh instead of waiting on it for ever (R183-1)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { wasm, asked, finishWasm, pageFetch, warm } = await bootWithSlowWasm({ stallFirst: true });
    const first = await pageFetch();
    const firstBody = first.arrayBuffer();
    firstBody.catch(() => undefined);
    // The offline copy starts while that download is under way, and waits on it.
    const report = warm();
    await vi.advanceTimersByTimeAsync(30_000);
    // The page has given up at 30 s (its own watch); the pool's next worker asks again, and is
    // given the download under way too, as far as it has come.
    const secondBody = (await pageFetch()).arrayBuffer();
    secondBody.catch(() => undefined);
    // Nothing more arrives: the download is given up, and every page's copy of it with it.
    await vi.advanceTimersByTimeAsync(30_000);
    await expect(firstBody).rejects.toThrow('the download stalled: nothing arrived for 45 s');
    await expect(secondBody).rejects.toThrow('the download stalled: nothing arrived for 45 s');
    // The offline copy downloads afresh; the network has come back. The worker after asks meanwhile.
    const third = pageFetch();
    finishWasm();
    expect(new Uint8Array(await (await third).arrayBuffer())).toEqual(wasm);
    const warmed = await report;
    expect(warmed.failed).toEqual([]);
    expect(warmed.cached).toBe(2);
    // The stalled download, then one more, shared by the offline copy and the new worker.
    expect(asked.filter((path) => path === 'pyodide/pyodide.asm.wasm')).toHaveLength(2);
  });
});

describe('the offline copy in a browser with no room left', () => {
  /** Cache Storage that stores the small shell but refuses the wasm, as Chromium does over quota (its message may be empty). */
  function fullCaches(): CacheStorage {
    const inner = memoryCaches();
    const open = inner.open.bind(inner);
    return Object.assign(inner, {
      open: async (name: string) => {
        const cache = await open(name);
        const put = cache.put.bind(cache);
        return Object.assign(cache, {
          put: async (request: RequestInfo, response: Response) => {
            const url = typeof request === 'string' ? request : request.url;
            if (url.includes('pyodide.asm.wasm')) throw new DOMException('', 'QuotaExceededError');
            return put(request, response);
          },
        });
      },
    });
  }

  it('says the browser is full, so the page asks for room instead of waiting for the network (R190-2)', async () => {
    const { finishWasm, warm } = await bootWithSlowWasm({ caches: fullCaches() });
    const report = warm();
    await aMoment();
    finishWasm();
    const warmed = await report;
    expect(warmed.failed).toEqual([{ path: 'pyodide/pyodide.asm.wasm', reason: 'QuotaExceededError', full: true }]);
    expect(offlineCopyState(warmed)).toBe('full');
    // A file the network did not bring is still the network's to put right.
    expect(offlineCopyState({ ...warmed, failed: [{ path: 'pyodide/pyodide.asm.wasm', reason: 'HTTP 503' }] })).toBe('incomplete');
    expect(offlineCopyState({ ...warmed, failed: [] })).toBe('ready');
  });
});
