/**
 * The Scoring page from the keyboard: a picked file refused as a whole (empty, a JSON array, the
 * other benchmark's) gives focus back to the file field the user picked it with, not to "Score the
 * canonical solutions", where the next Space or Enter would start scoring every reference solution.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';

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

describe('the Scoring page after a refused file, from the keyboard', () => {
  it('puts focus back on the samples file field, with the refusal in an alert', async () => {
    const app = await openApp(browser, server, { hash: '#/score' });
    const { page } = app;
    try {
      await page.getByRole('status').filter({ hasText: /HumanEval: 164 problems/ }).waitFor({ timeout: 60_000 });
      const field = page.getByLabel('Samples file (.jsonl or .jsonl.gz)');
      // The field is disabled until the page can score (Python started too), after the benchmark's
      // line: focused before, it took no focus and Space opened nothing.
      await expect.poll(() => field.isEnabled(), { timeout: 60_000 }).toBe(true);
      await field.focus();
      await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true);
      for (const [name, text] of [
        ['empty.jsonl', ''],
        ['array.json', '[{"task_id": "HumanEval/0", "completion": "    return True\\n"}]\n'],
      ] as const) {
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
        await chooser.setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
        await page.getByRole('alert').filter({ hasText: 'Scoring stopped' }).waitFor();
        await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true);
      }
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
