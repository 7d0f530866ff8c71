/** An open tab hears of a new deploy: a new service worker taking control of a page one already controlled. */
import { describe, expect, it, vi } from 'vitest';
import { watchForUpdates, type UpdateContainer } from '../../../src/ui/shell/update-watch.ts';

function fakeContainer(controlled: boolean) {
  const listeners = new Set<() => void>();
  const update = vi.fn(async () => undefined);
  const container = {
    controller: controlled ? ({} as ServiceWorker) : null,
    addEventListener: (_type: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => listeners.delete(listener),
    getRegistration: async () => ({ update }) as unknown as ServiceWorkerRegistration,
  } as unknown as UpdateContainer;
  return { container, update, takeOver: () => listeners.forEach((listener) => listener()), listeners };
}

describe('watchForUpdates', () => {
  it('says a new version is out when a new worker takes over a page a worker already controlled', () => {
    const { container, takeOver } = fakeContainer(true);
    const onUpdate = vi.fn();
    watchForUpdates(onUpdate, container);
    takeOver();
    expect(onUpdate).toHaveBeenCalledTimes(1);
  });

  it('says nothing on a first visit, when the first worker takes control, but does on a deploy after it', () => {
    const { container, takeOver } = fakeContainer(false);
    const onUpdate = vi.fn();
    watchForUpdates(onUpdate, container);
    takeOver();
    expect(onUpdate).not.toHaveBeenCalled();
    takeOver();
    expect(onUpdate).toHaveBeenCalledTimes(1);
  });

  it('asks for a new worker now and then, since a hash-routed tab never navigates, and stops when told', async () => {
    vi.useFakeTimers();
    try {
      const { container, update, listeners } = fakeContainer(true);
      const stop = watchForUpdates(() => undefined, container, 1000);
      await vi.advanceTimersByTimeAsync(3000);
      expect(update).toHaveBeenCalledTimes(3);
      stop();
      expect(listeners.size).toBe(0);
      await vi.advanceTimersByTimeAsync(3000);
      expect(update).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
