/**
 * The Study form after a visit to another page, in Chromium: its counts still follow its fields.
 * The form lives as long as the tab; made during the Study page's set-up, its deriveds belonged to
 * that page and went stale once it was left, so back on the page a third arm checked still read
 * "Arms (2 chosen)" and 2 arms' units, with Svelte's derived_inert warning in the console (audit R186-2).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';

let browser: Browser;
let server: AppServer;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser({ webgpu: false })]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function goTo(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** The form's own counts: the arms heading and the sentence of units under the form. */
async function counts(page: Page): Promise<{ heading: string | null; units: string | null }> {
  const text = await page.getByRole('main').innerText();
  return { heading: /Arms \(\d+ chosen\)/.exec(text)?.[0] ?? null, units: /\d+ arms? × \d+ repeats?[^.]*\. On \d+ problems: \d+ units/.exec(text)?.[0] ?? null };
}

it('counts the arms and units of the form edited after a visit to another page', async () => {
  const app = await openApp(browser, server, { hash: '#/study' });
  const warnings: string[] = [];
  app.page.on('console', (message) => {
    if (message.type() === 'warning' && message.text().includes('derived_inert')) warnings.push(message.text());
  });
  try {
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Study' }).waitFor();
    expect(await counts(page)).toEqual({ heading: 'Arms (2 chosen)', units: '2 arms × 1 repeat over the chosen problems. On 10 problems: 20 units' });

    await goTo(page, 'Results');
    await goTo(page, 'Study');
    await page.getByLabel('qwen → exec → llama (cross-model)', { exact: true }).check();
    await page.getByLabel('N', { exact: true }).fill('5');
    await expect.poll(() => counts(page)).toEqual({ heading: 'Arms (3 chosen)', units: '3 arms × 1 repeat over the chosen problems. On 5 problems: 15 units' });
    expect(await page.getByText('They run, and their results are listed, in this order:').innerText()).toContain('qwen → exec → llama (cross-model)');
    expect(warnings).toEqual([]);
    expect(app.errors).toEqual([]);
  } finally {
    await app.close();
  }
});
