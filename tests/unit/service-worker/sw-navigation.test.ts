/**
 * The service worker's answer to a navigation (src/service-worker/sw.ts), in a fake worker scope:
 * the page must come from the server, not from the HTTP cache. Hosts give index.html a max-age
 * (GitHub Pages: 10 minutes), and a page taken from that cache after a deploy is the old build,
 * told at once by the new worker that a new version is out.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PrecacheManifest } from '../../../src/service-worker/protocol.ts';
import { loadServiceWorker } from '../../support/service-worker-scope.ts';

const SCOPE = 'https://lab.example.org/feedback-lab/';

/** Caches that hold nothing and take anything: enough for a navigation online. */
function emptyCaches(): CacheStorage {
  const cache = { match: async () => undefined, put: async () => undefined, keys: async () => [], delete: async () => false };
  return { open: async () => cache, match: async () => undefined, keys: async () => [], delete: async () => false } as unknown as CacheStorage;
}

/** Loads sw.ts with a fake `self`, and returns its fetch listener and the fetch it calls. */
async function bootWorker() {
  const manifest: PrecacheManifest = { version: 'v1', entries: [{ path: 'index.html', rev: '0123456789abcdef', bytes: 10, shell: true }], optional: [] };
  const network = vi.fn(async () => new Response('<!doctype html>', { status: 200, headers: { 'Content-Type': 'text/html' } }));
  const listeners = await loadServiceWorker({ scope: SCOPE, manifest, caches: emptyCaches(), fetch: network });
  return { onFetch: listeners.get('fetch')!, network };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the service worker on a navigation', () => {
  it('asks the server again (cache: no-cache) instead of taking a page the HTTP cache still counts as fresh', async () => {
    const { onFetch, network } = await bootWorker();
    // What a navigation's request looks like to the worker (a real Request cannot have mode 'navigate' outside a browser).
    const request = { url: SCOPE, method: 'GET', mode: 'navigate', cache: 'default', headers: new Headers() };
    let answer: Promise<Response> | undefined;
    onFetch({ request, respondWith: (response: Promise<Response>) => (answer = response), waitUntil: () => undefined });
    expect(answer, 'the worker answers the navigation').toBeDefined();
    const response = await answer!;
    expect(response.status).toBe(200);
    expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(network).toHaveBeenCalledTimes(1);
    expect(network.mock.calls[0]).toEqual([request, { cache: 'no-cache' }]);
  });
});

describe('the service worker on a data file the build does not list', () => {
  // A host that answers a missing path with index.html says 200 for it: kept, that page was served
  // offline in place of the file for good.
  async function fetched(answer: Response): Promise<{ status: number; kept: string[] }> {
    const kept: string[] = [];
    const cache = { match: async () => undefined, put: async (key: string) => void kept.push(String(key)), keys: async () => [], delete: async () => false };
    const caches = { open: async () => cache, match: async () => undefined, keys: async () => [], delete: async () => false } as unknown as CacheStorage;
    const manifest: PrecacheManifest = { version: 'v1', entries: [{ path: 'index.html', rev: '0123456789abcdef', bytes: 10, shell: true }], optional: [] };
    // As a same-origin answer reads in a browser (one made here says 'default').
    Object.defineProperty(answer, 'type', { value: 'basic' });
    const listeners = await loadServiceWorker({ scope: SCOPE, manifest, caches, fetch: async () => answer });
    const request = { url: `${SCOPE}released/main_results.json`, method: 'GET', mode: 'cors', cache: 'default', headers: new Headers() };
    let response: Promise<Response> | undefined;
    const waits: Promise<unknown>[] = [];
    listeners.get('fetch')!({ request, respondWith: (r: Promise<Response>) => (response = r), waitUntil: (p: Promise<unknown>) => void waits.push(p) });
    const { status } = await response!;
    await Promise.all(waits);
    return { status, kept };
  }

  it('keeps the file for offline use', async () => {
    const json = new Response('{"configs": {}}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    expect(await fetched(json)).toEqual({ status: 200, kept: [`${SCOPE}released/main_results.json`] });
  });

  it('does not keep an HTML page answered in its place', async () => {
    const page = new Response('<!doctype html><title>Feedback Lab</title>', { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    expect(await fetched(page)).toEqual({ status: 200, kept: [] });
  });
});
