/**
 * Tells an open tab that a new deploy has taken over: the service worker of a new build activates
 * at once (skipWaiting, clients.claim) and takes control of every tab, including ones still
 * running the old build's code. Those keep working (the worker keeps the previous build's files),
 * but only a reload gives them the new version, so the page says so.
 */

/** How often a tab left open asks whether there is a new deploy. */
const CHECK_EVERY_MS = 30 * 60_000;

/** The parts of the browser used; a parameter so unit tests can pass fakes. */
export type UpdateContainer = Pick<ServiceWorkerContainer, 'controller' | 'addEventListener' | 'removeEventListener' | 'getRegistration'>;

export function browserUpdateContainer(): UpdateContainer | null {
  return import.meta.env.PROD && 'serviceWorker' in navigator ? navigator.serviceWorker : null;
}

/** Calls `onUpdate` when a new worker takes control of this page; returns the function that stops watching. */
export function watchForUpdates(onUpdate: () => void, container: UpdateContainer | null = browserUpdateContainer(), everyMs = CHECK_EVERY_MS): () => void {
  if (!container) return () => undefined;
  // The first worker to control a page it did not control (a first visit) is an install, not an update.
  let controlled = container.controller !== null;
  const changed = () => {
    if (controlled) onUpdate();
    controlled = true;
  };
  // Browsers look for a new worker on navigations, which a hash-routed app never makes: a tab
  // left open for days would otherwise not hear of a deploy until another tab opened the app.
  const check = () => {
    void container
      .getRegistration()
      .then((registration) => registration?.update())
      .catch(() => undefined);
  };
  container.addEventListener('controllerchange', changed);
  const timer = setInterval(check, everyMs);
  globalThis.addEventListener?.('online', check);
  return () => {
    container.removeEventListener('controllerchange', changed);
    clearInterval(timer);
    globalThis.removeEventListener?.('online', check);
  };
}
