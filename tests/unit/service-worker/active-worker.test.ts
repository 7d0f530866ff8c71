import { describe, expect, it } from 'vitest';
import { activeWorker, type WatchedRegistration } from '../../../src/service-worker/active-worker.ts';

/** A worker and a registration that move through the states a browser moves them through. */
class FakeWorker extends EventTarget {
  state: ServiceWorkerState = 'installing';
  constructor(readonly name: string) {
    super();
  }
}

class FakeRegistration extends EventTarget {
  active: ServiceWorker | null = null;
  installing: ServiceWorker | null = null;
  waiting: ServiceWorker | null = null;

  startInstall(worker: FakeWorker): void {
    this.installing = worker as unknown as ServiceWorker;
    this.dispatchEvent(new Event('updatefound'));
  }
  /** As the browser does: the registration changes first, then the worker's statechange fires. */
  move(worker: FakeWorker, state: ServiceWorkerState): void {
    const asWorker = worker as unknown as ServiceWorker;
    if (this.installing === asWorker) this.installing = null;
    if (this.waiting === asWorker) this.waiting = null;
    if (state === 'installed') this.waiting = asWorker;
    if (state === 'activating') this.active = asWorker;
    if (state === 'redundant' && this.active === asWorker) this.active = null;
    worker.state = state;
    worker.dispatchEvent(new Event('statechange'));
  }
}

const asRegistration = (r: FakeRegistration) => r as unknown as WatchedRegistration;
const settled = async <T>(promise: Promise<T>): Promise<{ value: T } | 'pending'> =>
  Promise.race([promise.then((value) => ({ value })), new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 10))]);

describe('waiting for the service worker to be active', () => {
  it('answers at once when a worker is active', async () => {
    const registration = new FakeRegistration();
    const worker = new FakeWorker('old');
    registration.active = worker as unknown as ServiceWorker;
    expect(await activeWorker(asRegistration(registration))).toBe(worker);
  });

  it('waits for a first install to finish, then answers with the worker', async () => {
    const registration = new FakeRegistration();
    const worker = new FakeWorker('first');
    registration.startInstall(worker);
    const waiting = activeWorker(asRegistration(registration));
    registration.move(worker, 'installed');
    expect(await settled(waiting)).toBe('pending');
    registration.move(worker, 'activating');
    expect(await waiting).toBe(worker);
  });

  it('answers null when the first install fails, instead of waiting for ever as `ready` does', async () => {
    const registration = new FakeRegistration();
    const worker = new FakeWorker('first');
    registration.startInstall(worker);
    const waiting = activeWorker(asRegistration(registration));
    expect(await settled(waiting)).toBe('pending');
    registration.move(worker, 'redundant');
    expect(await settled(waiting)).toEqual({ value: null });
  });

  it('follows a newer worker that starts installing while the first one is still on its way', async () => {
    const registration = new FakeRegistration();
    const first = new FakeWorker('first');
    registration.startInstall(first);
    const waiting = activeWorker(asRegistration(registration));
    registration.move(first, 'installed');
    const second = new FakeWorker('second');
    registration.startInstall(second);
    registration.move(first, 'redundant');
    expect(await settled(waiting)).toBe('pending');
    registration.move(second, 'installed');
    registration.move(second, 'activating');
    expect(await waiting).toBe(second);
  });

  it('answers null for a registration with no worker at all', async () => {
    expect(await activeWorker(asRegistration(new FakeRegistration()))).toBeNull();
  });
});
