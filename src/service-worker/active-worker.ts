/**
 * The active worker of a registration, waited for without `navigator.serviceWorker.ready`, which
 * never settles when the first install fails (the app shell could not be cached: a network cut
 * part-way, a full disk, a half-uploaded deploy). Then there is no worker to ask for an offline copy,
 * and whoever waits on it must hear so instead of saying "Saving…" for as long as the tab is open.
 */

/** The parts of a registration this reads; a real `ServiceWorkerRegistration` has them. */
export type WatchedRegistration = Pick<ServiceWorkerRegistration, 'active' | 'installing' | 'waiting' | 'addEventListener' | 'removeEventListener'>;

/**
 * Resolves with the registration's active worker (at once when there is one), or with null when
 * the worker being installed turns redundant and none is active or on its way. Never rejects.
 */
export function activeWorker(registration: WatchedRegistration): Promise<ServiceWorker | null> {
  return new Promise((resolve) => {
    let watched: ServiceWorker | null = null;
    const check = () => {
      const active = registration.active;
      // A worker still on its way (installing, or installed and waiting) may yet become active.
      const next = registration.installing ?? registration.waiting;
      if (active || !next) {
        stop();
        resolve(active ?? null);
        return;
      }
      if (next !== watched) {
        watched?.removeEventListener('statechange', check);
        watched = next;
        watched.addEventListener('statechange', check);
      }
    };
    const stop = () => {
      watched?.removeEventListener('statechange', check);
      registration.removeEventListener('updatefound', check);
    };
    // A newer worker can start installing while the first one fails: follow it.
    registration.addEventListener('updatefound', check);
    check();
  });
}
