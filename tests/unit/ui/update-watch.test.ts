/** An open tab hears of a new deploy: a new service worker taking control of a page running another build. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nudgeWaitingWorker, watchForUpdates, type UpdateContainer } from '../../../src/ui/shell/update-watch.ts';

const OUTDATED = async () => true;

function fakeContainer(controlled: boolean, { active = true } = {}) {
  const listeners = new Set<() => void>();
  const update = vi.fn(async () => undefined);
  const found = new Set<() => void>();
  const registration = {
    update,
    active: active ? ({} as ServiceWorker) : null,
    installing: null as unknown,
    addEventListener: (_type: string, listener: () => void) => found.add(listener),
    removeEventListener: (_type: string, listener: () => void) => found.delete(listener),
  };
  const container = {
    controller: controlled ? ({} as ServiceWorker) : null,
    addEventListener: (_type: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => listeners.delete(listener),
    getRegistration: async () => registration as unknown as ServiceWorkerRegistration,
  } as unknown as UpdateContainer;
  /** A new worker installs and activates without taking the page over (as a page loaded past the worker may stay). */
  const activateWithoutClaim = () => {
    const stateListeners = new Set<() => void>();
    const worker = {
      state: 'installing',
      addEventListener: (_type: string, listener: () => void) => stateListeners.add(listener),
      removeEventListener: (_type: string, listener: () => void) => stateListeners.delete(listener),
    };
    registration.installing = worker;
    found.forEach((listener) => listener());
    for (const state of ['installed', 'activating', 'activated']) {
      worker.state = state;
      stateListeners.forEach((listener) => listener());
    }
  };
  return { container, update, takeOver: () => listeners.forEach((listener) => listener()), listeners, found, activateWithoutClaim };
}

describe('watchForUpdates', () => {
  it('says a new version is out when a new worker takes over a page a worker already controlled', async () => {
    const { container, takeOver } = fakeContainer(true);
    const onUpdate = vi.fn();
    watchForUpdates(onUpdate, container, 60_000, OUTDATED);
    takeOver();
    await vi.waitFor(() => expect(onUpdate).toHaveBeenCalledTimes(1));
  });

  it('says nothing on a first visit, when the first worker takes control of the page it served, but does on a deploy after it', async () => {
    const { container, takeOver } = fakeContainer(false);
    const onUpdate = vi.fn();
    let serverBuild = 'a';
    watchForUpdates(onUpdate, container, 60_000, async () => serverBuild !== 'a');
    takeOver();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(onUpdate).not.toHaveBeenCalled();
    serverBuild = 'b';
    takeOver();
    await vi.waitFor(() => expect(onUpdate).toHaveBeenCalledTimes(1));
  });

  it('tells a hard-reloaded page (no worker controls it) of the next deploy, when the new worker takes it over', async () => {
    // Shift+Reload bypasses the worker: the page runs build A uncontrolled; then B is deployed.
    const { container, takeOver } = fakeContainer(false);
    const onUpdate = vi.fn();
    watchForUpdates(onUpdate, container, 60_000, OUTDATED);
    takeOver();
    await vi.waitFor(() => expect(onUpdate).toHaveBeenCalledTimes(1));
  });

  it('a hard-reloaded page looks for a new worker at once (the reload went past the old one), and hears of one that activates without taking it over', async () => {
    const { container, update, found, activateWithoutClaim } = fakeContainer(false);
    const onUpdate = vi.fn();
    const stop = watchForUpdates(onUpdate, container, 60_000, OUTDATED);
    await vi.waitFor(() => expect(update).toHaveBeenCalledTimes(1));
    await vi.waitFor(() => expect(found.size).toBe(1));
    activateWithoutClaim();
    await vi.waitFor(() => expect(onUpdate).toHaveBeenCalledTimes(1));
    stop();
    expect(found.size).toBe(0);
  });

  it('on a first visit, does not ask for the worker being installed a second time (R183-2)', async () => {
    // The app has just registered its worker: the browser is fetching sw.js, nothing is active yet.
    const { container, update } = fakeContainer(false, { active: false });
    const stop = watchForUpdates(vi.fn(), container, 60_000, OUTDATED);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(update).not.toHaveBeenCalled();
    stop();
  });

  it('when the build cannot be read, tells a controlled page (better a needless reload) but not an uncontrolled one (most likely a first visit)', async () => {
    const unreadable = async (whenUnknown: boolean) => whenUnknown;
    const controlled = fakeContainer(true);
    const told = vi.fn();
    watchForUpdates(told, controlled.container, 60_000, unreadable);
    controlled.takeOver();
    await vi.waitFor(() => expect(told).toHaveBeenCalledTimes(1));

    const uncontrolled = fakeContainer(false);
    const untold = vi.fn();
    watchForUpdates(untold, uncontrolled.container, 60_000, unreadable);
    uncontrolled.takeOver();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(untold).not.toHaveBeenCalled();
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

describe('nudgeWaitingWorker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A registration whose `waiting` the test sets, found only once the app has registered it. */
  function waitingRegistration() {
    const registration = { waiting: null as object | null };
    let registered = false;
    const getRegistration = vi.fn(async () => (registered ? (registration as unknown as ServiceWorkerRegistration) : undefined));
    const container = { controller: null, addEventListener: () => undefined, removeEventListener: () => undefined, getRegistration } as unknown as UpdateContainer;
    return { container, registration, getRegistration, register: () => (registered = true) };
  }

  it('navigates in scope while a new worker stays waiting, never while it only passes through waiting, and stops when told', async () => {
    const { container, registration, register } = waitingRegistration();
    register();
    const navigate = vi.fn();
    const stop = nudgeWaitingWorker(container, 1000, navigate);
    await vi.advanceTimersByTimeAsync(2000);
    // No worker waits: nothing to do.
    expect(navigate).not.toHaveBeenCalled();
    // Seen waiting at one tick: it may be taking over right now, as it almost always does.
    registration.waiting = {};
    await vi.advanceTimersByTimeAsync(1000);
    expect(navigate).not.toHaveBeenCalled();
    // Still waiting at the next: Chromium dropped its activation; a navigation makes it try again.
    await vi.advanceTimersByTimeAsync(2000);
    expect(navigate).toHaveBeenCalledTimes(2);
    // It took over.
    registration.waiting = null;
    await vi.advanceTimersByTimeAsync(3000);
    expect(navigate).toHaveBeenCalledTimes(2);
    // Another deploy's worker that passes through waiting at one tick only: no navigation.
    registration.waiting = {};
    await vi.advanceTimersByTimeAsync(1000);
    registration.waiting = null;
    await vi.advanceTimersByTimeAsync(3000);
    expect(navigate).toHaveBeenCalledTimes(2);
    registration.waiting = {};
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(navigate).toHaveBeenCalledTimes(2);
  });

  it('gives up on one waiting worker after five minutes of nudges, when Chromium activates it by itself', async () => {
    const { container, registration, register } = waitingRegistration();
    register();
    const navigate = vi.fn();
    const stop = nudgeWaitingWorker(container, 5000, navigate);
    await vi.advanceTimersByTimeAsync(0);
    registration.waiting = {};
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(navigate).toHaveBeenCalledTimes(60);
    // A newer deploy's worker is nudged afresh.
    registration.waiting = {};
    await vi.advanceTimersByTimeAsync(10_000);
    expect(navigate).toHaveBeenCalledTimes(61);
    stop();
  });

  it('on a first visit, looks for the registration until the app has made it, then only reads it', async () => {
    const { container, getRegistration, register } = waitingRegistration();
    const stop = nudgeWaitingWorker(container, 1000, vi.fn());
    await vi.advanceTimersByTimeAsync(2000);
    expect(getRegistration).toHaveBeenCalledTimes(3);
    register();
    await vi.advanceTimersByTimeAsync(1000);
    const asked = getRegistration.mock.calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(getRegistration).toHaveBeenCalledTimes(asked);
    stop();
  });
});
