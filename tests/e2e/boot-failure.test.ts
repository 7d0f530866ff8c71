/**
 * A browser that cannot run the app at all must not get an empty white page: with JavaScript
 * off, or a browser too old to read the app's modules (simulated by an entry chunk it cannot
 * parse, which is what such a browser meets), index.html itself says what is wrong and what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startAppServer, type AppServer } from '../support/browser.ts';

let browser: Browser;
let server: AppServer;

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a browser that cannot run the app', () => {
  it('with JavaScript off, says the app needs it', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 }, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByRole('heading', { level: 1, name: 'Feedback Lab needs JavaScript' }).waitFor();
      expect(await page.locator('body').innerText()).toContain('Turn JavaScript on for this site');
    } finally {
      await context.close();
    }
  });

  it('that cannot parse the app\'s code, says it could not start, which browsers it needs, and why', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    try {
      const page = await context.newPage();
      // The entry chunk as a browser without its syntax sees it: a SyntaxError before anything mounts.
      await page.route(/\/assets\/index-[^/]*\.js$/, (route) => route.fulfill({ contentType: 'text/javascript', body: 'export const notSupported = a ?. ;\n' }));
      await page.goto(server.url);
      const alert = page.getByRole('alert');
      await alert.getByRole('heading', { level: 1, name: 'Feedback Lab could not start in this browser' }).waitFor({ timeout: 10_000 });
      const text = await alert.innerText();
      expect(text).toContain('Chrome, Edge, Firefox or Safari');
      expect(text).toMatch(/What went wrong: .*SyntaxError/);
    } finally {
      await context.close();
    }
  });

  it('that cannot load the app\'s code, blames the connection, not the browser, and offers a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    try {
      const page = await context.newPage();
      let refused = 0;
      await page.route(/\/assets\/index-[^/]*\.js$/, (route) =>
        refused++ === 0 ? route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not found\n' }) : route.continue(),
      );
      await page.goto(server.url);
      const alert = page.getByRole('alert');
      await alert.getByText(/What went wrong: a script did not load/).waitFor({ timeout: 10_000 });
      await alert.getByRole('heading', { level: 1, name: 'Feedback Lab could not load' }).waitFor();
      // "Update this browser" sent people after the wrong cause on a dropped first visit (R180-4).
      expect(await alert.innerText()).not.toContain('Chrome, Edge, Firefox or Safari');
      // The connection back, Reload brings the app.
      await alert.getByRole('button', { name: 'Reload' }).click();
      await page.getByRole('heading', { level: 1, name: 'Feedback Lab' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows none of this where the app runs', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByRole('heading', { level: 1, name: 'Feedback Lab' }).waitFor();
      expect(await page.locator('#boot-failure').isVisible()).toBe(false);
      expect(await page.getByRole('alert').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
