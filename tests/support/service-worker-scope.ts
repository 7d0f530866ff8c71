/**
 * Loads src/service-worker/sw.ts afresh in a fake worker scope: `self` at `scope`, the given Cache
 * Storage and network, and `manifest` handed over where the build writes it over a placeholder
 * (precache-plugin.ts). Returns the listeners the worker added, by event type. Undo the stubs with
 * `vi.unstubAllGlobals()` after each test.
 */
import { vi } from 'vitest';
import type { PrecacheManifest } from '../../src/service-worker/protocol.ts';

const PLACEHOLDER = '__FEEDBACK_LAB_PRECACHE_MANIFEST__';

export async function loadServiceWorker(options: {
  scope: string;
  manifest: PrecacheManifest;
  caches: CacheStorage;
  fetch: (input: RequestInfo | URL) => Promise<Response>;
}): Promise<Map<string, (event: unknown) => void>> {
  const listeners = new Map<string, (event: unknown) => void>();
  const parse = JSON.parse;
  const parsing = vi
    .spyOn(JSON, 'parse')
    .mockImplementation((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => (text === PLACEHOLDER ? options.manifest : parse(text, reviver)));
  vi.stubGlobal('self', {
    registration: { scope: options.scope },
    location: new URL(`${options.scope}sw.js`),
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
  });
  vi.stubGlobal('caches', options.caches);
  vi.stubGlobal('fetch', options.fetch);
  vi.resetModules();
  try {
    await import('../../src/service-worker/sw.ts');
  } finally {
    parsing.mockRestore();
  }
  return listeners;
}
