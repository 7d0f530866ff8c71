import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { allowServiceWorkersByDefault, launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { readDatasetBytes } from '../support/datasets.ts';

// Offline use, updates or storage: pages run the app's service worker, as a user's do.
allowServiceWorkersByDefault();

let browser: Browser;
let server: AppServer;

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('loading a benchmark in the browser', () => {
  it('says why each source failed and accepts the file picked by hand, then serves it from the cache', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server);
    const { page, context } = app;
    // This site has no copy, and upstream is unreachable (as offline, or behind a firewall).
    await context.route('**/datasets/HumanEval.jsonl.gz', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await context.route('https://raw.githubusercontent.com/**', (route) => route.abort('internetdisconnected'));
    await page.goto(`${server.url}#/score`);

    const panel = page.getByRole('alert').filter({ hasText: 'HumanEval could not be loaded' });
    await panel.waitFor({ timeout: 60_000 });
    expect(await panel.textContent()).toContain('/datasets/HumanEval.jsonl.gz: HTTP 404');
    expect(await panel.textContent()).toContain('raw.githubusercontent.com');
    await app.screenshot('dataset-failed');

    await page.getByLabel('HumanEval file').setInputFiles({
      name: 'HumanEval.jsonl.gz',
      mimeType: 'application/gzip',
      buffer: Buffer.from(await readDatasetBytes('humaneval')),
    });
    await page.getByRole('status').filter({ hasText: 'HumanEval: 164 problems, from HumanEval.jsonl.gz' }).waitFor();

    // A reload finds it in IndexedDB, with this site and upstream still failing.
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'HumanEval: 164 problems, from this browser’s cache' }).waitFor({ timeout: 30_000 });

    // The 404 and the refused connection are logged by Chromium itself; nothing else may be.
    expect(app.errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    await app.close();
  });

  it('tries the downloads again on request, without a reload (back online)', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server);
    const { page, context } = app;
    await context.route('**/datasets/sanitized-mbpp.json', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await context.route('https://raw.githubusercontent.com/**', (route) => route.abort('internetdisconnected'));
    await page.goto(`${server.url}#/playground?benchmark=mbpp`);
    const panel = page.getByRole('alert').filter({ hasText: 'MBPP could not be loaded' });
    await panel.waitFor({ timeout: 60_000 });

    await context.unroute('**/datasets/sanitized-mbpp.json');
    await panel.getByRole('button', { name: 'Try the downloads again' }).click();
    await page.getByRole('status').filter({ hasText: 'MBPP: 427 problems, from this site' }).waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: /Mbpp\/2/ }).waitFor();
    expect(await panel.count()).toBe(0);

    expect(app.errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    await app.close();
  });
  it('offers the file picker on the Presenter once a live source is chosen, and in a Study replay, where there was a dead end', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server);
    const { page, context } = app;
    await context.route('**/datasets/HumanEval.jsonl.gz', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await context.route('https://raw.githubusercontent.com/**', (route) => route.abort('internetdisconnected'));
    await page.goto(`${server.url}#/presenter`);
    // A live run needs the tests: Start said only that the file could not be loaded, with no reason and no picker.
    await page.getByText('Endpoint', { exact: true }).click();
    const panel = page.getByRole('alert').filter({ hasText: 'HumanEval could not be loaded' });
    await panel.waitFor({ timeout: 60_000 });
    await page.getByLabel('HumanEval file').setInputFiles({
      name: 'HumanEval.jsonl.gz',
      mimeType: 'application/gzip',
      buffer: Buffer.from(await readDatasetBytes('humaneval')),
    });
    await page.getByRole('status').filter({ hasText: 'HumanEval: 164 problems, from HumanEval.jsonl.gz' }).waitFor();
    // Its problems fill the list the problem is chosen from.
    expect(await page.locator('#presenter-problems option').count()).toBe(164);

    // A replay runs the problems' tests too: its panel is shown (it was hidden in replay mode).
    const fresh = await openApp(browser, server);
    await fresh.context.route('**/datasets/HumanEval.jsonl.gz', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await fresh.context.route('https://raw.githubusercontent.com/**', (route) => route.abort('internetdisconnected'));
    await fresh.page.goto(`${server.url}#/study`);
    await fresh.page.getByRole('radio', { name: /Replay/ }).check();
    await fresh.page.getByRole('alert').filter({ hasText: 'HumanEval could not be loaded' }).waitFor({ timeout: 60_000 });
    expect(await fresh.page.getByLabel('HumanEval file').count()).toBe(1);

    for (const opened of [app, fresh]) {
      expect(opened.errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
      await opened.close();
    }
  });
});
