/**
 * A result file opened on the Results page in a browser whose storage is full (the site's quota
 * shrunk through the DevTools protocol, as in run-storage.test.ts): the file stays open, and the
 * page says in a sentence that it will not come back after a reload because there is no room,
 * with nothing left unhandled in the console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { bigResultFile } from '../support/big-result-file.ts';
import { allowServiceWorkersByDefault, launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { loadTestProblems } from '../support/datasets.ts';

// Offline use, updates or storage: pages run the app's service worker, as a user's do.
allowServiceWorkersByDefault();

let browser: Browser;
let server: AppServer;
let json: Buffer;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser({ webgpu: false })]);
  const doc = await bigResultFile({ problems: (await loadTestProblems('humaneval')).slice(0, 10), arms: 2, repeats: 1, replyChars: [200, 400] });
  json = Buffer.from(JSON.stringify(doc));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a result file opened in a browser with no room to keep it', () => {
  it('stays open, and the page says it will not come back after a reload because the browser is full', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page, context } = app;
    try {
      await page.getByRole('heading', { level: 1, name: 'Results' }).waitFor();
      const origin = new URL(server.url).origin;
      const cdp = await context.newCDPSession(page);
      const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin });
      // Room for a little, not for the file.
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: Math.round(usage + json.length / 4) });

      await page.getByLabel(/Result files/).setInputFiles({ name: 'full.json', mimeType: 'application/json', buffer: json });
      await page.locator('[data-section="explorer"]').getByRole('table').waitFor({ timeout: 60_000 });
      const said = page.locator('p.kept', { hasText: 'full.json could not be kept in this browser' });
      await said.waitFor({ timeout: 30_000 });
      expect(await said.textContent()).toMatch(/\(this browser has no room left for it\): it stays open in this tab, but after a reload it must be opened again\./);
      // Not also "kept, so a reload reopens it" beside it: the page used to say both.
      expect(await page.getByText(/kept in this browser, so a reload of this tab reopens/).count()).toBe(0);
      await app.screenshot('results-keep-quota-full');
      expect(app.errors.filter((e) => /uncaught|unhandled|in promise/i.test(e))).toEqual([]);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
      await cdp.detach();
    } finally {
      await app.close();
    }
  });
});
