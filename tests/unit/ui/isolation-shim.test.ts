import { describe, expect, it, vi } from 'vitest';
import { serviceWorkerRegistration, startServiceWorker, type ShimHost } from '../../../src/ui/shell/isolation-shim.ts';
import { timeoutMechanism } from '../../../src/ui/shell/isolation-status.ts';

function memorySession(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

function host(overrides: Partial<ShimHost> = {}): ShimHost & { reload: ReturnType<typeof vi.fn<() => void>> } {
  const registration = {} as ServiceWorkerRegistration;
  return {
    isolated: false,
    serviceWorker: { register: vi.fn(async () => registration), ready: Promise.resolve(registration) },
    session: memorySession(),
    baseUrl: '/feedback-lab/',
    timeoutMs: 50,
    ...overrides,
    reload: vi.fn<() => void>(),
  };
}

describe('the cross-origin isolation shim', () => {
  it('tells whether the browser took the worker, so nothing waits for an offline copy after a refusal', async () => {
    const taken = host({ isolated: true });
    await startServiceWorker(taken);
    expect(await serviceWorkerRegistration()).toBe(await taken.serviceWorker!.ready);
    const refused = host({ isolated: true });
    refused.serviceWorker!.register = vi.fn(async () => {
      throw new DOMException('The user denied permission to use Service Worker.', 'SecurityError');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await startServiceWorker(refused);
      expect(await serviceWorkerRegistration()).toBeNull();
    } finally {
      warn.mockRestore();
    }
    await startServiceWorker(host({ serviceWorker: null }));
    expect(await serviceWorkerRegistration()).toBeNull();
  });

  it('registers the worker at the base path, scoped to it', async () => {
    const h = host({ isolated: true });
    await startServiceWorker(h);
    expect(h.serviceWorker!.register).toHaveBeenCalledWith('/feedback-lab/sw.js', { scope: '/feedback-lab/', updateViaCache: 'none' });
  });

  it('reloads a page that is not isolated once the worker is ready, and only once per tab', async () => {
    const h = host();
    expect(await startServiceWorker(h)).toEqual({ kind: 'reloading' });
    expect(h.reload).toHaveBeenCalledTimes(1);
    // The reload did not isolate the page (a browser that ignores the headers): no second try.
    const again = host({ session: h.session });
    expect(await startServiceWorker(again)).toEqual({ kind: 'continue', registered: true });
    expect(again.reload).not.toHaveBeenCalled();
  });

  it('never reloads a page the host already isolates, and forgets an earlier try', async () => {
    const session = memorySession();
    session.setItem('feedback-lab:isolation-reload', '1');
    const h = host({ isolated: true, session });
    expect(await startServiceWorker(h)).toEqual({ kind: 'continue', registered: true });
    expect(h.reload).not.toHaveBeenCalled();
    expect(session.items.size).toBe(0);
  });

  it('goes on without isolation when service workers are missing, blocked or slow', async () => {
    expect(await startServiceWorker(host({ serviceWorker: null }))).toEqual({ kind: 'continue', registered: false });

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const blocked = host({ serviceWorker: { register: vi.fn(async () => Promise.reject(new Error('denied'))), ready: new Promise(() => undefined) } });
    expect(await startServiceWorker(blocked)).toEqual({ kind: 'continue', registered: false });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('denied'));
    warn.mockRestore();

    const slow = host({ serviceWorker: { register: vi.fn(async () => ({}) as ServiceWorkerRegistration), ready: new Promise(() => undefined) } });
    expect(await startServiceWorker(slow)).toEqual({ kind: 'continue', registered: true });
    expect(slow.reload).not.toHaveBeenCalled();
  });

  it('does not reload when it cannot remember having tried (storage refused)', async () => {
    const h = host({ session: null });
    expect(await startServiceWorker(h)).toEqual({ kind: 'continue', registered: true });
    expect(h.reload).not.toHaveBeenCalled();
  });
});

describe('the timeout note', () => {
  it('names the mechanism the sandbox uses on this page', () => {
    expect(timeoutMechanism(true).label).toBe('Timeouts: stopped in place');
    expect(timeoutMechanism(false).label).toBe('Timeouts: by restarting Python');
    expect(timeoutMechanism(false).detail).toMatch(/not cross-origin isolated/);
  });
});
