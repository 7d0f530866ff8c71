/**
 * For pages a test only looks at: the app's Python workers are made, but they never start Python.
 * The Playground starts its worker as it opens, so that the first press of Run is not the slow
 * one, and shows nothing of it unless it fails; a page audited meanwhile looks the same either way,
 * and each start is 3-5 s of a core, which CI's e2e stage is short of. A test that runs code, or
 * looks at what a run shows, leaves Python alone.
 *
 * A script the test puts in its pages: the app is unchanged. It gives each worker the app names
 * `python-sandbox` (src/sandbox/browser-sandbox.ts) an empty script instead of its own, so the
 * worker is there and never answers: the page waits, as for a Python still starting, and no
 * error is reported. Other workers start as they would.
 */
import type { BrowserContext } from 'playwright-core';
import type { AppServer } from './browser.ts';

const COOKIE = 'e2e-python';

/**
 * Leaves Python unstarted in `context`'s pages: always, or (`whileAsked`) only while
 * `pythonLeftUnstarted` has asked, for a tab that some tests use to run code and others to look.
 */
export async function leavePythonUnstarted(context: BrowserContext, { whileAsked = false } = {}): Promise<void> {
  await context.addInitScript(
    ({ cookie, always }) => {
      const AppWorker = globalThis.Worker;
      const asked = () => always || document.cookie.split('; ').includes(`${cookie}=unstarted`);
      globalThis.Worker = class extends AppWorker {
        constructor(url: string | URL, options?: WorkerOptions) {
          if (options?.name === 'python-sandbox' && asked()) super(URL.createObjectURL(new Blob([''], { type: 'text/javascript' })), options);
          else super(url, options);
        }
      };
    },
    { cookie: COOKIE, always: !whileAsked },
  );
}

/**
 * Runs `look` with Python left unstarted in the pages of `context` (set up with `whileAsked`); the
 * Python a page started before keeps running, and pages go back to starting theirs after.
 */
export async function pythonLeftUnstarted<T>(context: BrowserContext, server: AppServer, look: () => Promise<T>): Promise<T> {
  await context.addCookies([{ name: COOKIE, value: 'unstarted', url: server.url }]);
  try {
    return await look();
  } finally {
    await context.clearCookies({ name: COOKIE });
  }
}
