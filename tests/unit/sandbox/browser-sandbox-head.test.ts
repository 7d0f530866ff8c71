import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertWasmServed } from '../../../src/sandbox/browser-sandbox.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('the question of how pyodide.asm.wasm is served, before Python starts', () => {
  it('goes on with the start when the host never answers it, rather than wait for ever (R183-4)', async () => {
    // A connection that stays open and silent: only the request's own signal ends it.
    const silent = ((_url: URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }))) as typeof fetch;
    const asked = assertWasmServed('https://lab.example.org/pyodide/', silent, 50);
    await expect(asked).resolves.toBeUndefined();
  });

  it('still refuses a host that serves it with the wrong type, and one that lacks it', async () => {
    const served = (response: Response) => (async () => response) as typeof fetch;
    await expect(assertWasmServed('https://lab.example.org/pyodide/', served(new Response(null, { headers: { 'Content-Type': 'text/plain' } })))).rejects.toThrow(
      '/pyodide/pyodide.asm.wasm is served as "text/plain"',
    );
    await expect(assertWasmServed('https://lab.example.org/pyodide/', served(new Response(null, { status: 404 })))).rejects.toThrow('is missing on this site (HTTP 404)');
    await expect(assertWasmServed('https://lab.example.org/pyodide/', served(new Response(null, { headers: { 'Content-Type': 'application/wasm' } })))).resolves.toBeUndefined();
  });
});
