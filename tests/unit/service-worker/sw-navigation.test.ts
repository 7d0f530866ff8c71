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
