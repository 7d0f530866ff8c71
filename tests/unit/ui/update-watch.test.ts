/** An open tab hears of a new deploy: a new service worker taking control of a page one already controlled. */
import { describe, expect, it, vi } from 'vitest';
import { watchForUpdates, type UpdateContainer } from '../../../src/ui/shell/update-watch.ts';

const OUTDATED = async () => true;

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
  it('says a new version is out when a new worker takes over a page a worker already controlled', async () => {
    const { container, takeOver } = fakeContainer(true);
    const onUpdate = vi.fn();
    watchForUpdates(onUpdate, container, 60_000, OUTDATED);
    takeOver();
    await vi.waitFor(() => expect(onUpdate).toHaveBeenCalledTimes(1));
  });

  it('says nothing on a first visit, when the first worker takes control, but does on a deploy after it', async () => {
    const { container, takeOver } = fakeContainer(false);
    const onUpdate = vi.fn();
    watchForUpdates(onUpdate, container, 60_000, OUTDATED);
    takeOver();
    await Promise.resolve();
    expect(onUpdate).not.toHaveBeenCalled();
    takeOver();
    await vi.waitFor(() => expect(onUpdate).toHaveBeenCalledTimes(1));
  });

  it('says nothing when the new worker serves the build the page already runs (the first visit after a deploy)', async () => {
    const { container, takeOver } = fakeContainer(true);
    const onUpdate = vi.fn();
    const asked = vi.fn(async () => false);
    watchForUpdates(onUpdate, container, 60_000, asked);
    takeOver();
    await vi.waitFor(() => expect(asked).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(onUpdate).not.toHaveBeenCalled();
  });

  it('asks for a new worker now and then, since a hash-routed tab never navigates, and stops when told', async () => {
    vi.useFakeTimers();
    try {
      const { container, update, listeners } = fakeContainer(true);
      const stop = watchForUpdates(() => undefined, container, 1000, OUTDATED);
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
