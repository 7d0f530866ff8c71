/**
 * Starts the service worker (src/service-worker/sw.ts) in production builds and, on a host that
 * sends no COOP/COEP headers, reloads the page once under it: the worker adds those headers, so
 * after the reload the page and its workers are cross-origin isolated and the sandbox can
 * interrupt Python through a SharedArrayBuffer.
 *
 * Nothing here is required. When service workers are missing or blocked, or the reload did not
 * isolate the page, the app runs as it is and its timeouts restart workers instead
 * (isolation-status.ts says which).
 */

import { readSession } from './tab-session.ts';

/** Set right before the reload, cleared by an isolated page: a second try in one tab never happens. */
const RELOAD_FLAG = 'feedback-lab:isolation-reload';
/** How long a first visit waits for the worker to install before giving up on isolation. */
const READY_TIMEOUT_MS = 10_000;

/** The parts of the browser the shim uses; a parameter so unit tests can pass fakes. */
export interface ShimHost {
  isolated: boolean;
  /** Absent in dev builds, insecure contexts and browsers without service workers. */
  serviceWorker: Pick<ServiceWorkerContainer, 'register' | 'ready'> | null;
  /** sessionStorage; null when the browser refuses it (then no reload is tried: nothing could stop a loop). */
  session: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  baseUrl: string;
  reload(): void;
  timeoutMs?: number;
}

export type ShimResult =
  /** The worker runs (or could not start); the page goes on as it is. */
  | { kind: 'continue'; registered: boolean }
  /** The page is reloading under the worker: mount nothing. */
  | { kind: 'reloading' };

export function browserShimHost(): ShimHost {
  const container = import.meta.env.PROD && 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  return {
    isolated: globalThis.crossOriginIsolated === true,
    serviceWorker: container,
    session: readSession(),
    baseUrl: import.meta.env.BASE_URL,
    reload: () => location.reload(),
  };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    void promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      () => (clearTimeout(timer), resolve(null)),
    );
  });
}

let registration: Promise<ServiceWorkerRegistration | null> = Promise.resolve(null);

/**
 * The registration of the app's service worker once the browser has taken it, or null where there
 * is none: dev builds, insecure pages, browsers without them, or a refusal. An offline copy is made
 * only when there is one: without this, waiting for `navigator.serviceWorker.ready` after a refusal
 * waits for ever, and the Presenter said it was saving a copy that would never come.
 */
export function serviceWorkerRegistration(): Promise<ServiceWorkerRegistration | null> {
  return registration;
}

export async function startServiceWorker(host: ShimHost = browserShimHost()): Promise<ShimResult> {
  const { serviceWorker, session } = host;
  if (!serviceWorker) {
    registration = Promise.resolve(null);
    return { kind: 'continue', registered: false };
  }
  const registering = serviceWorker
    .register(`${host.baseUrl}sw.js`, { scope: host.baseUrl, updateViaCache: 'none' })
    .catch((error: unknown) => {
      // Blocked by the browser or a policy: the app works without it (online, not isolated).
      console.warn(`Feedback Lab works without its service worker here: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
  registration = registering;

  if (host.isolated) {
    try {
      session?.removeItem(RELOAD_FLAG);
    } catch {
      // Storage refused: nothing to clear.
    }
    // Already isolated by the host's headers: the worker is for offline use only, no need to wait.
    return { kind: 'continue', registered: true };
  }

  if ((await registering) === null) return { kind: 'continue', registered: false };
  let tried: boolean;
  try {
    tried = !session || session.getItem(RELOAD_FLAG) !== null;
  } catch {
    tried = true;
  }
  if (tried) return { kind: 'continue', registered: true };

  const ready = await within(serviceWorker.ready, host.timeoutMs ?? READY_TIMEOUT_MS);
  if (!ready) return { kind: 'continue', registered: true };
  try {
    session!.setItem(RELOAD_FLAG, String(Date.now()));
  } catch {
    return { kind: 'continue', registered: true };
  }
  host.reload();
  return { kind: 'reloading' };
}
