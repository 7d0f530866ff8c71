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

/**
 * Whether this page runs another build than the one the worker now in control serves: the entry
 * script of its index.html is not the page's own. Entry names carry a content hash that changes
 * with any code the page can load. When that cannot be read, it says yes: a needless notice costs
 * a reload, a missing one leaves the tab on old code.
 */
export async function runsOtherBuild(): Promise<boolean> {
  const entry = (root: ParentNode) => root.querySelector('script[type="module"][src]')?.getAttribute('src') ?? null;
  const mine = entry(document);
  if (mine === null) return true;
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}index.html`, { cache: 'no-cache' });
    if (!response.ok) return true;
    return entry(new DOMParser().parseFromString(await response.text(), 'text/html')) !== mine;
  } catch {
    return true;
  }
}

/** Calls `onUpdate` when a new worker takes control of this page; returns the function that stops watching. */
export function watchForUpdates(
  onUpdate: () => void,
  container: UpdateContainer | null = browserUpdateContainer(),
  everyMs = CHECK_EVERY_MS,
  isOutdated: () => Promise<boolean> = runsOtherBuild,
): () => void {
  if (!container) return () => undefined;
  // The first worker to control a page it did not control (a first visit) is an install, not an update.
  let controlled = container.controller !== null;
  let stopped = false;
  const changed = () => {
    // A new worker also takes over a page that already runs its build: the first visit after a
    // deploy, whose index.html came from the network while the old worker was still in control.
    if (controlled) void isOutdated().then((outdated) => outdated && !stopped && onUpdate());
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
    stopped = true;
    container.removeEventListener('controllerchange', changed);
    clearInterval(timer);
    globalThis.removeEventListener?.('online', check);
  };
}
