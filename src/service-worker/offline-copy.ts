/**
 * Page side of the service worker's offline copy: once the page has loaded and gone quiet, asks
 * the worker to cache the whole build (lazy pages, workers, Pyodide, shipped benchmark files), and
 * says whether everything is there. Waiting first keeps the download from competing with the
 * page's own start (Pyodide is ~13 MB and the first visit fetches it anyway).
 */
import { serviceWorkerRegistration } from '../ui/shell/isolation-shim.ts';
import { activeWorker } from './active-worker.ts';
import type { PageMessage, WorkerMessage } from './protocol.ts';

// Longer than a typical cold start (2-3 s), so the copy rarely competes with the sandbox's own start.
const QUIET_DELAY_MS = 5000;

function afterLoadAndQuiet(delayMs: number): Promise<void> {
  const loaded = document.readyState === 'complete' ? Promise.resolve() : new Promise<void>((resolve) => addEventListener('load', () => resolve(), { once: true }));
  return loaded.then(() => new Promise<void>((resolve) => setTimeout(resolve, delayMs)));
}

/** What a report means for the person: whole, short of files (the network), or short of room. */
export type OfflineCopyState = 'ready' | 'incomplete' | 'full';

export function offlineCopyState(report: WorkerMessage): OfflineCopyState {
  if (report.failed.length === 0) return 'ready';
  return report.failed.some((failure) => failure.full) ? 'full' : 'incomplete';
}

let shared: Promise<WorkerMessage | null> | null = null;

/**
 * The one warm-up of this page load, for everyone who asks (the header's indicator, the
 * presenter's setup): a second request would not download the build twice, but it would check
 * every file again.
 */
export function sharedOfflineCopy(): Promise<WorkerMessage | null> {
  shared ??= warmOfflineCopy();
  return shared;
}

/**
 * Tries the copy again (the network came back after a copy that could not finish): files already
 * saved are checked, not downloaded again. Later askers get this report.
 */
export function retryOfflineCopy(): Promise<WorkerMessage | null> {
  shared = warmOfflineCopy(0);
  return shared;
}

/**
 * Resolves with the worker's report once it has cached what it could, or null when there is no
 * worker (dev builds, browsers without service workers or that refused this one, a first install
 * that failed). Never rejects.
 */
export async function warmOfflineCopy(delayMs = QUIET_DELAY_MS): Promise<WorkerMessage | null> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return null;
  try {
    // Not `navigator.serviceWorker.ready`: it never settles after a refusal or a failed install.
    const registration = await serviceWorkerRegistration();
    if (!registration) return null;
    if (!(await activeWorker(registration))) return null;
    await afterLoadAndQuiet(delayMs);
    const worker = registration.active;
    if (!worker) return null;
    const channel = new MessageChannel();
    const reply = new Promise<WorkerMessage>((resolve) => {
      channel.port1.onmessage = (event: MessageEvent<WorkerMessage>) => resolve(event.data);
    });
    const message: PageMessage = { type: 'warm' };
    worker.postMessage(message, [channel.port2]);
    return await reply;
  } catch {
    return null;
  }
}
