/**
 * Tells an open tab that a new deploy has taken over: the service worker of a new build activates
 * at once (skipWaiting, clients.claim) and takes control of every tab, including ones still
 * running the old build's code, and ones a hard reload loaded past the worker. Those keep working
 * (the worker keeps the previous build's files), but only a reload gives them the new version, so
 * the page says so.
 */

/** How often a tab left open asks whether there is a new deploy. */
const CHECK_EVERY_MS = 30 * 60_000;

/** How often a tab checks for a new worker that installed but still waits to take over. */
const NUDGE_EVERY_MS = 5000;
/** Five minutes of nudges: by then Chromium activates the waiting worker by itself. */
const MAX_NUDGES = 60;

/** The parts of the browser used; a parameter so unit tests can pass fakes. */
export type UpdateContainer = Pick<ServiceWorkerContainer, 'controller' | 'addEventListener' | 'removeEventListener' | 'getRegistration'>;

export function browserUpdateContainer(): UpdateContainer | null {
  return import.meta.env.PROD && 'serviceWorker' in navigator ? navigator.serviceWorker : null;
}

/**
 * Whether this page runs another build than the one the worker now in control serves (or, with no
 * worker in control, the one the server has): the entry script of that index.html is not the
 * page's own. Entry names carry a content hash that changes with any code the page can load.
 * `whenUnknown` is the answer when that cannot be read.
 */
export async function runsOtherBuild(whenUnknown: boolean): Promise<boolean> {
  const entry = (root: ParentNode) => root.querySelector('script[type="module"][src]')?.getAttribute('src') ?? null;
  const mine = entry(document);
  if (mine === null) return whenUnknown;
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}index.html`, { cache: 'no-cache' });
    if (!response.ok) return whenUnknown;
    return entry(new DOMParser().parseFromString(await response.text(), 'text/html')) !== mine;
  } catch {
    return whenUnknown;
  }
}

/** Calls `onUpdate` when a new worker takes control of this page; returns the function that stops watching. */
export function watchForUpdates(
  onUpdate: () => void,
  container: UpdateContainer | null = browserUpdateContainer(),
  everyMs = CHECK_EVERY_MS,
  isOutdated: (whenUnknown: boolean) => Promise<boolean> = runsOtherBuild,
): () => void {
  if (!container) return () => undefined;
  let controlled = container.controller !== null;
  let stopped = false;
  const changed = () => {
    // A new worker also takes over a page that already runs its build: the first visit after a
    // deploy, whose index.html came from the network while the old worker was still in control.
    // So every takeover is checked, a page no worker controlled included: that is a first visit
    // (the page is the server's build: nothing to say) or a page loaded by a hard reload, which
    // bypasses the worker and may run any build, and whose next deploy must still be told. Only
    // when the check cannot be made do the two differ: a controlled page is told (a needless
    // notice costs a reload, a missing one leaves the tab on old code), an uncontrolled one, most
    // likely a first visit, is not.
    void isOutdated(controlled).then((outdated) => outdated && !stopped && onUpdate());
    controlled = true;
  };
  // Browsers look for a new worker on navigations, which a hash-routed app never makes: a tab
  // left open for days would otherwise not hear of a deploy until another tab opened the app.
  // Not while the registration has no active worker yet: that is a first visit whose worker is
  // still being fetched or installed, which fetches the newest sw.js anyway. Asked then, the
  // browser queued a second fetch of sw.js behind that install (audit R183-2).
  const check = () => {
    void container
      .getRegistration()
      .then((registration) => (registration?.active ? registration.update() : undefined))
      .catch(() => undefined);
  };
  container.addEventListener('controllerchange', changed);
  const stopNudging = nudgeWaitingWorker(container);
  const timer = setInterval(check, everyMs);
  globalThis.addEventListener?.('online', check);
  const stopWatchingRegistration = controlled ? () => undefined : watchUncontrolled(container, () => !stopped && container.controller === null && changed());
  // A hard reload (or a first visit) loads the page past the worker, so the browser did not look
  // for a new one on this navigation: the page may be newer than the worker in place. Look now.
  if (!controlled) check();
  return () => {
    stopped = true;
    container.removeEventListener('controllerchange', changed);
    clearInterval(timer);
    globalThis.removeEventListener?.('online', check);
    stopWatchingRegistration();
    stopNudging();
  };
}

/**
 * Gets a new worker that installed but still waits to take over. It asked to (skipWaiting at
 * install), but Chromium drops that request when a tab's request restarts the old worker while it
 * stops for the new one, and the new worker then waits until every tab of the app is closed: no
 * open tab hears of the deploy. Messages to the waiting worker do not help (a second skipWaiting
 * is not acted on); a navigation in the worker's scope does, as it makes Chromium try the
 * activation again. So when the same worker is still waiting a tick later, the tab navigates a
 * hidden frame to a small file of the app, every tick until the worker has taken over, for at
 * most five minutes (Chromium's own limit for waiting on an old worker). Costs nothing while no
 * worker waits: the timer reads a property.
 */
export function nudgeWaitingWorker(container: UpdateContainer, everyMs = NUDGE_EVERY_MS, navigateInScope: () => void = navigateHiddenFrame): () => void {
  let registration: ServiceWorkerRegistration | undefined;
  let asking = false;
  let seenWaiting: ServiceWorker | null = null;
  let nudges = 0;
  const nudge = () => {
    if (registration) {
      const waiting = registration.waiting;
      if (waiting && waiting === seenWaiting && nudges < MAX_NUDGES) {
        nudges++;
        navigateInScope();
      }
      if (waiting !== seenWaiting) nudges = 0;
      seenWaiting = waiting;
      return;
    }
    // Until the app has registered its worker (a first visit), ask the browser for it again.
    if (asking) return;
    asking = true;
    void container
      .getRegistration()
      .then((found) => (registration = found))
      .catch(() => undefined)
      .finally(() => (asking = false));
  };
  nudge();
  const timer = setInterval(nudge, everyMs);
  return () => clearInterval(timer);
}

/** A navigation in the app's scope that nobody sees: a hidden frame loads the app's icon, then goes. */
function navigateHiddenFrame(): void {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = 'Update check';
  frame.tabIndex = -1;
  frame.src = `${import.meta.env.BASE_URL}favicon.svg?take-over`;
  const remove = () => frame.remove();
  frame.addEventListener('load', remove, { once: true });
  setTimeout(remove, 10_000);
  document.body.append(frame);
}

/**
 * For a page no worker controls: calls `activated` when a new worker of the app's registration has
 * activated. Its claim normally takes the page over (and `controllerchange` says so), but a page
 * loaded past the worker may stay uncontrolled, and it must hear of the deploy all the same.
 */
function watchUncontrolled(container: UpdateContainer, activated: () => void): () => void {
  let stop = () => undefined as void;
  let stopped = false;
  void container
    .getRegistration()
    .then((registration) => {
      if (!registration || stopped) return;
      const found = () => {
        const incoming = registration.installing;
        const settled = () => {
          if (incoming?.state !== 'activated' && incoming?.state !== 'redundant') return;
          incoming.removeEventListener('statechange', settled);
          if (incoming.state === 'activated' && !stopped) activated();
        };
        incoming?.addEventListener('statechange', settled);
      };
      registration.addEventListener('updatefound', found);
      stop = () => registration.removeEventListener('updatefound', found);
    })
    .catch(() => undefined);
  return () => {
    stopped = true;
    stop();
  };
}
