/**
 * Storage trouble in the middle of a run, in Chromium, through the DevTools protocol: the site's
 * quota shrunk to nothing (Chromium then fails each write with a QuotaExceededError that has no
 * message), and the site's data cleared (the browser closes the database under the page) or the
 * database deleted from another page (as DevTools' "Delete database" does). Each run must stop
 * with a sentence that says what happened and what to do, lose nothing it can keep, and leave the
 * page working without a reload.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { allowServiceWorkersByDefault, launchBrowser, openApp, startAppServer, type AppPage, type AppServer } from '../support/browser.ts';
import { setPythonWorkers } from '../support/python-workers.ts';
import { openWithSavedEndpoint, saveEndpointOnModelsPage } from '../support/saved-endpoint.ts';
import { FAST_PACE, SCRIPTED_MODEL, SCRIPTED_PROBLEM_IDS, SCRIPTED_TRUTH, scriptedStudyLink, startScriptedServer, type ScriptedServer } from '../support/scripted-study.ts';

// Offline use, updates or storage: pages run the app's service worker, as a user's do.
allowServiceWorkersByDefault();

const REPEATS = 2;
const TOTAL = 2 * REPEATS * SCRIPTED_PROBLEM_IDS.length;

let browser: Browser;
let server: AppServer;
let endpoint: ScriptedServer;

beforeAll(async () => {
  // Slow enough that the study is still running when the storage goes wrong.
  [server, browser, endpoint] = await Promise.all([startAppServer(), launchBrowser(), startScriptedServer({ tokensPerSecond: 200, slowFirstTokenMs: 1500 })]);
});

beforeEach(() => endpoint.resetPace());

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await endpoint?.close();
});

/** Rows of one IndexedDB store of the app, read inside the page. */
async function countRows(page: Page, store: string): Promise<number> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('feedback-lab');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      if (!db.objectStoreNames.contains(name)) return 0;
      return await new Promise<number>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }, store);
}

/** Sets this site's storage quota (bytes), or gives it back its own with `null`. The override lasts while `cdp` stays attached. */
async function overrideQuota(cdp: CDPSession, quotaSize: number | null): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(server.url).origin, ...(quotaSize === null ? {} : { quotaSize }) });
}

/** What "Clear site data" does to IndexedDB: the browser deletes it and closes every connection to it. */
async function clearIndexedDB(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(server.url).origin, storageTypes: 'indexeddb' });
  await cdp.detach();
}

/**
 * The scripted study from its autorun link, opened in a tab on the Study page set to one Python
 * worker: what goes wrong here is the storage, not the running of programs, and a link does not
 * carry the worker count.
 */
async function openStudyLinkWithOneWorker(): Promise<AppPage> {
  const app = await openApp(browser, server, { hash: '#/study' });
  await setPythonWorkers(app.page, 1);
  await app.page.goto(`${server.url}#/study?${await scriptedStudyLink(endpoint.url, REPEATS, { autorun: true })}`);
  return app;
}

function studyCards(page: Page) {
  return page.locator('article.study', { has: page.getByRole('heading', { name: 'Scripted solo vs self-refine', exact: true }) });
}

describe('a study when the browser’s storage goes wrong mid-run', () => {
  it('stops saying the storage is full when the quota runs out, and on Resume with room again ends with the scripted truth', async () => {
    const app = await openStudyLinkWithOneWorker();
    const { page, context } = app;
    try {
      const cdp = await context.newCDPSession(page);
      await expect.poll(() => countRows(page, 'steps'), { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(4);
      await overrideQuota(cdp, 1000);

      await page.locator('.run .phase', { hasText: 'Stopped by an error' }).waitFor({ timeout: 120_000 });
      // Chromium's quota error has an empty message: the alert, and the advice inside it, used to be left out.
      const said = (await page.locator('.run').getByRole('alert').textContent()) ?? '';
      expect(said).toMatch(/^The browser refused a write to its storage \(QuotaExceededError\)\. This browser’s storage is full: free some .* then resume the study/);
      await app.screenshot('study-stopped-quota');
      const unitsBefore = await countRows(page, 'units');
      expect(unitsBefore).toBeLessThan(TOTAL);

      // Room again: Resume finishes it, each unit once, with the passes the script fixes. Nothing
      // needs catching mid-run any more, so the rest of the study goes at the fast pace.
      await overrideQuota(cdp, null);
      endpoint.pace(FAST_PACE);
      const card = studyCards(page);
      await card.getByRole('button', { name: 'Resume' }).click();
      await page.locator('.run .phase', { hasText: /^Done$/ }).waitFor({ timeout: 240_000 });
      expect(await countRows(page, 'units')).toBe(TOTAL);
      const arms = page.locator('.run table.arms');
      for (const [arm, passed] of Object.entries(SCRIPTED_TRUTH)) {
        expect(await arms.locator(`tr[data-arm="${arm}"] td`).nth(1).textContent(), arm).toBe(String(passed * REPEATS));
      }
      await card.locator('.state', { hasText: 'done' }).waitFor();
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('says the site’s data was cleared (or its database deleted), promises nothing it cannot keep, and works again without a reload', async () => {
    const app = await openStudyLinkWithOneWorker();
    const { page, context } = app;
    try {
      await expect.poll(() => countRows(page, 'steps'), { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(4);
      await clearIndexedDB(context, page);

      await page.locator('.run .phase', { hasText: 'Stopped by an error' }).waitFor({ timeout: 60_000 });
      const said = (await page.locator('.run').getByRole('alert').textContent()) ?? '';
      // It used to say "This tab lost its database (another tab may have updated the app): reload
      // the page, then resume the study … The steps stored so far are kept", of steps that were gone.
      expect(said).toMatch(/this site’s stored data was cleared/);
      expect(said).toMatch(/If it is not, it was deleted or this site’s data was cleared, and its steps went with it/);
      expect(said).not.toMatch(/are kept/);
      await app.screenshot('study-stopped-data-cleared');

      // The list reads the new, empty database instead of failing on the closed connection until a reload.
      await expect.poll(() => studyCards(page).count(), { timeout: 30_000 }).toBe(0);
      expect(await page.getByText(/connection is closing/).count()).toBe(0);

      // And a study starts again from the form, its steps stored.
      await page.locator('section.new').getByRole('button', { name: 'Run study' }).click();
      await page.locator('.run .phase', { hasText: /^Running$/ }).waitFor({ timeout: 60_000 });
      await expect.poll(() => countRows(page, 'steps'), { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(2);
      await studyCards(page).first().waitFor();

      // Deleted this time (as another page, or DevTools' "Delete database", does): the same.
      expect(await page.evaluate(() => new Promise((resolve) => {
        const request = indexedDB.deleteDatabase('feedback-lab');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve(String(request.error));
      }))).toBe('deleted');
      await page.locator('.run .phase', { hasText: 'Stopped by an error' }).waitFor({ timeout: 60_000 });
      const saidAfterDelete = (await page.locator('.run').getByRole('alert').textContent()) ?? '';
      // It used to give IndexedDB's own "Failed to execute 'transaction' on 'IDBDatabase': The database
      // connection is closing." and "reload the page … The steps stored so far are kept", with
      // the deleted study still listed, its Resume on offer.
      expect(saidAfterDelete).toMatch(/this site’s stored data was cleared or deleted/);
      expect(saidAfterDelete).toMatch(/If it is not, it was deleted or this site’s data was cleared, and its steps went with it/);
      expect(saidAfterDelete).not.toMatch(/are kept|Failed to execute/);
      await expect.poll(() => studyCards(page).count(), { timeout: 30_000 }).toBe(0);
      await expect.poll(() => page.getByTestId('store-summary').textContent(), { timeout: 30_000 }).toMatch(/^\s*0 studies, 0 steps stored/);
      expect(await page.getByText(/connection is closing/).count()).toBe(0);
      // Writes the clearing and the deletion cut short must not surface as unhandled rejections.
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('a search when the site’s data is cleared mid-run', () => {
  it('says so, promises nothing it cannot keep, and lists the searches that remain', async () => {
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page, context } = app;
    try {
      await saveEndpointOnModelsPage(page, endpoint.url, SCRIPTED_MODEL);
      await openWithSavedEndpoint(page, 'Search', endpoint.url);
      await setPythonWorkers(page, 1);
      await page.getByLabel('Search name (optional)').fill('Cleared search');
      await page.getByLabel('Problem pool').selectOption('ids');
      await page.getByLabel('Problem ids').fill(SCRIPTED_PROBLEM_IDS.map((id) => id.split('/')[1]).join(', '));
      await page.getByLabel('Population').fill('4');
      await page.getByLabel('Generations').fill('2');
      await page.getByLabel('Subset size').fill('3');
      await page.getByRole('button', { name: 'Start search' }).click();
      await expect.poll(() => countRows(page, 'searchEvaluations'), { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(2);
      await clearIndexedDB(context, page);

      await page.locator('.run .phase', { hasText: 'Stopped by an error' }).waitFor({ timeout: 60_000 });
      const said = (await page.locator('.run').getByRole('alert').textContent()) ?? '';
      expect(said).toMatch(/this site’s stored data was cleared/);
      expect(said).toMatch(/If it is not, it was deleted or this site’s data was cleared, and its evaluations went with it/);
      expect(said).not.toMatch(/stays stored/);
      await expect.poll(() => page.locator('article', { has: page.getByRole('heading', { name: 'Cleared search' }) }).count(), { timeout: 30_000 }).toBe(0);
      expect(await page.getByText(/connection is closing/).count()).toBe(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
