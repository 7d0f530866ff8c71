/**
 * What a tab does when a page's code does not load. Pages are loaded on first visit, by file
 * names that change with every deploy, and a host keeps only the newest deploy's files; the
 * service worker keeps one build back for tabs opened before an update. So a tab left open across
 * two deploys asks for files that are nowhere any more. Then the new version is the way out: the
 * tab reloads into it by itself when it holds nothing a reload would stop, and otherwise says
 * what happened and offers the reload. When there is no newer deploy, the network or the host
 * failed, and the page says that instead.
 */
import { readSession } from './tab-session.ts';
import { tabWork } from './tab-work.ts';
import { runsOtherBuild } from './update-watch.ts';

/** The entry script of the build a tab reloaded from, for a deploy: one try per build and tab. */
export const DEPLOY_RELOAD_KEY = 'feedback-lab:deploy-reload';

export type PageLoadVerdict =
  /** A newer deploy is on the server and nothing here would be lost: the tab is reloading into it. */
  | { kind: 'reloading' }
  /**
   * A newer deploy is on the server; a reload is offered. `work`: what it would stop.
   * `reloadedBefore`: this tab reloaded from this same build already, and came back to it.
   */
  | { kind: 'outdated'; work: string[]; reloadedBefore: boolean }
  /** The server has this tab's build: the network or the host failed. */
  | { kind: 'unreachable' };

export interface PageLoadHost {
  /** This page's entry script: names its build. */
  build: string | null;
  /** Looks for a newer service worker and waits (briefly) for it to take over. */
  refreshWorker(): Promise<void>;
  /** Whether the server (through its current worker) has another build than this page's; false when it cannot tell. */
  newerDeploy(): Promise<boolean>;
  /** What this tab holds that a reload would stop. */
  work(): string[];
  /** sessionStorage; null when refused (then the tab never reloads by itself: nothing could stop a loop). */
  session: Pick<Storage, 'getItem' | 'setItem'> | null;
  reload(): void;
  /** Whether the browser says it has no network (then a page missing from the offline copy is said plainly); absent: unknown. */
  offline?(): boolean;
}

export async function recoverFromPageLoadFailure(host: PageLoadHost): Promise<PageLoadVerdict> {
  await host.refreshWorker().catch(() => undefined);
  if (!(await host.newerDeploy().catch(() => false))) return { kind: 'unreachable' };
  const work = host.work();
  const offer = (reloadedBefore = false): PageLoadVerdict => ({ kind: 'outdated', work, reloadedBefore });
  if (work.length > 0 || host.build === null || !host.session) return offer();
  try {
    // Reloaded from this very build already (a host or a cache serving old and new files mixed):
    // a second try would loop, so the reader decides.
    if (host.session.getItem(DEPLOY_RELOAD_KEY) === host.build) return offer(true);
    host.session.setItem(DEPLOY_RELOAD_KEY, host.build);
  } catch {
    return offer();
  }
  host.reload();
  return { kind: 'reloading' };
}

/** How long a failed page waits for a newer worker to install and take over before it checks the build anyway. */
const WORKER_WAIT_MS = 15_000;

/**
 * Asks the browser for the service worker the server has now and waits until a new one (if any)
 * has taken over, so the build compared next is the server's and not the one the old worker cached.
 */
async function refreshServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration) return;
  await registration.update();
  const incoming = registration.installing ?? registration.waiting;
  if (!incoming) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(finish, WORKER_WAIT_MS);
    function finish() {
      clearTimeout(timer);
      incoming!.removeEventListener('statechange', settled);
      resolve();
    }
    function settled() {
      if (incoming!.state === 'activated' || incoming!.state === 'redundant') finish();
    }
    incoming.addEventListener('statechange', settled);
    settled();
  });
}

export function browserPageLoadHost(): PageLoadHost {
  return {
    build: document.querySelector('script[type="module"][src]')?.getAttribute('src') ?? null,
    refreshWorker: refreshServiceWorker,
    newerDeploy: () => runsOtherBuild(false),
    work: tabWork,
    session: readSession(),
    reload: () => location.reload(),
    offline: () => !navigator.onLine,
  };
}

/**
 * What a reload does to the work a tab holds (tab-work.ts's phrases), for the sentence that
 * offers it. Scoring is kept in this browser and goes on with Continue, unless the browser could
 * not keep it.
 */
export function reloadEffects(work: readonly string[]): string {
  const effects: string[] = [];
  if (work.some((what) => what.startsWith('a study') || what.startsWith('a search'))) {
    effects.push('a study or a search keeps every finished step and resumes after the reload');
  }
  if (work.includes('samples being scored')) effects.push('scoring stops and goes on from where it was with Continue');
  if (work.includes('scored samples kept only in this tab')) effects.push('scored samples this browser could not keep are lost unless downloaded first');
  if (work.includes('a model download')) effects.push('a model download stops');
  return effects.join('; ');
}

