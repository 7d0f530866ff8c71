/**
 * A whole study with the keyboard alone, in Chromium: the endpoint saved on the Models page, a
 * study of three problems run from the Study page against the scripted fake endpoint
 * (tests/support/scripted-study.ts), its result file exported from its card and read on the
 * Results page, down to one problem's versions. No click anywhere: Tab, Shift+Tab, Enter, arrow
 * keys and typing. Every Tab stop shows a focus ring of 3:1; focus is never dropped to <body> by
 * a control that a step disables; the pages pass axe while the study runs, in both themes; and the
 * run's live region says only news, not each step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, FileChooser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { axeViolations, focusedElement } from '../support/accessibility-checks.ts';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import type { FakeOpenAIServer } from '../support/fake-openai-server.ts';
import { SCRIPTED_MODEL, startScriptedServer } from '../support/scripted-study.ts';

let browser: Browser;
let server: AppServer;
let endpoint: FakeOpenAIServer;

beforeAll(async () => {
  [server, browser, endpoint] = await Promise.all([startAppServer(), launchBrowser(), startScriptedServer({ tokensPerSecond: 400 })]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await endpoint?.close();
});

/** The focused element as a user would name it: its tag and its label (or text), e.g. `input "Base URL"`. */
async function focused(page: Page): Promise<{ name: string; ring: number }> {
  const { ring } = await focusedElement(page);
  const name = await page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return 'body';
    const labelled = element as HTMLElement & { labels?: NodeListOf<HTMLLabelElement> | null };
    const label = element.getAttribute('aria-label') ?? labelled.labels?.[0]?.textContent ?? element.textContent ?? '';
    return `${element.tagName.toLowerCase()} "${label.trim().replace(/\s+/g, ' ').slice(0, 60)}"`;
  });
  return { name, ring };
}

/**
 * Presses `key` (Tab by default) until focus is on `target`; every stop on the way must show a
 * focus ring. Fails naming the stops it went through.
 */
async function tabTo(page: Page, target: RegExp, faint: string[], key = 'Tab', max = 80): Promise<void> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const { name, ring } = await focused(page);
    stops.push(name);
    if (name !== 'body' && ring < 3) faint.push(`${name}: ring ${ring.toFixed(2)}:1`);
    if (target.test(name)) return;
  }
  throw new Error(`${key} never reached ${target}; it went through:\n${stops.join('\n')}`);
}

async function expectFocus(page: Page, name: RegExp, when: string): Promise<void> {
  await expect.poll(async () => (await focused(page)).name, { message: when, timeout: 30_000 }).toMatch(name);
}

describe('the keyboard alone in Chromium', () => {
  it('saves an endpoint, runs a study, exports it and reads its results without a mouse', { timeout: 300_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/' });
    const { page } = app;
    const faint: string[] = [];
    // Listened for from the start: Playwright switches the browser's file-chooser interception on
    // when a listener is added, and a key pressed in the same moment could reach a chooser not yet
    // intercepted (a loaded clean clone once waited 30 s for one).
    const choosers: FileChooser[] = [];
    page.on('filechooser', (chooser) => choosers.push(chooser));
    await page.locator('main h1').waitFor();

    // The skip link is the first stop and lands on the page's content.
    await tabTo(page, /^a "Skip to content"/, faint, 'Tab', 1);
    await page.keyboard.press('Enter');
    await expectFocus(page, /^main /, 'Home: after Skip to content');

    // Models: the endpoint's address, Test connection, the model.
    await tabTo(page, /^a "Models"$/, faint, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
    await expectFocus(page, /^h1 "Models"$/, 'Models: after the link');
    await tabTo(page, /^input "Base URL"/, faint);
    await page.keyboard.type(endpoint.url);
    await tabTo(page, /^button "Test connection"/, faint);
    await page.keyboard.press('Enter');
    await page.getByText('Connected: 2 models.').waitFor();
    // Test connection disabled itself while it asked: focus comes back to it, not to <body>.
    await expectFocus(page, /^button "Test connection"/, 'Models: after Test connection');
    await tabTo(page, /^select "Model/, faint);
    await page.keyboard.press('Home');
    expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement).value)).toBe(SCRIPTED_MODEL);

    // Study: name, three problems by id, Run.
    await tabTo(page, /^a "Study"$/, faint, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Study' }).waitFor();
    await page.getByRole('status').filter({ hasText: /HumanEval: 164 problems/ }).waitFor({ timeout: 60_000 });
    await expectFocus(page, /^h1 "Study"$/, 'Study: after the link');
    await tabTo(page, /^input "Study name/, faint);
    await page.keyboard.type('Keyboard study');
    await tabTo(page, /^select "Problems/, faint);
    await page.keyboard.press('End');
    await tabTo(page, /^input "Problem ids/, faint);
    await page.keyboard.type('0, 2, 3');
    // One Python worker (↓ steps the number down; at 1 it stays): the journey is about the keyboard,
    // not workers side by side, and each worker is a Pyodide start, seconds of a core in CI.
    await tabTo(page, /^input "Python workers/, faint);
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('1');
    await tabTo(page, /^button "Run study"/, faint);

    // What the run's live region says, every change of it, from now on.
    await page.evaluate(() => {
      const said: string[] = [];
      Object.assign(window, { runSaid: said });
      new MutationObserver(() => {
        const text = document.querySelector('[data-run-announcement]')?.textContent ?? '';
        if (text && text !== said.at(-1)) said.push(text);
      }).observe(document.querySelector('main')!, { subtree: true, childList: true, characterData: true });
    });
    await page.keyboard.press('Enter');
    // Python takes seconds to start: focus stays on the button meanwhile (not on <body>, where a
    // screen reader goes quiet and Tab starts over from the top), then goes to the run's Pause.
    const focusWhileStarting: string[] = [];
    while (!focusWhileStarting.at(-1)?.startsWith('button "Pause"')) {
      const { name } = await focused(page);
      if (name !== focusWhileStarting.at(-1)) focusWhileStarting.push(name);
      if (focusWhileStarting.length > 6) break;
      await page.waitForTimeout(100);
    }
    expect(focusWhileStarting.filter((name) => !/^button "(Starting…|Run study)"$/.test(name))).toEqual(['button "Pause"']);

    // While it runs: axe in both themes (the form is disabled under the run).
    const run = page.locator('section.run');
    await run.locator('figure.live pre').waitFor({ timeout: 60_000 });
    // axe counts everything inside a disabled fieldset as unable to take focus; HTML disables only
    // its form controls, and the arms list (which scrolls) takes focus, as checked below.
    const allowed = [{ rule: 'scrollable-region-focusable', target: /^ul\[aria-label="Arms"\]$/, why: 'focusable inside a disabled fieldset' }];
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      found.push(...(await axeViolations(page, `study running [${colorScheme}]`, allowed)));
    }
    const arms = page.getByRole('list', { name: 'Arms' });
    await arms.focus();
    expect(await arms.evaluate((list) => list === document.activeElement)).toBe(true);
    // Back up to the run's buttons (or its name, if it ends meanwhile; or its link to the Results
    // page, if it ended before the list took focus, which a loaded machine makes happen).
    await tabTo(page, /^(button "(Pause|Cancel)"|h2 "Keyboard study"|a "open it on the Results page")/, faint, 'Shift+Tab');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(found).toEqual([]);

    await run.locator('.phase', { hasText: /^Done$/ }).waitFor({ timeout: 240_000 });
    await expectFocus(page, /^h2 "Keyboard study"/, 'Study: at the end of the run');
    expect(await run.locator('tr[data-arm="llama-solo"] td').nth(1).textContent()).toBe('1');
    expect(await run.locator('tr[data-arm="llama-self-refine"] td').nth(1).textContent()).toBe('3');
    // Six units with many steps each: the live region said the start, each unit and the end, no more;
    // the end with the passes the table shows, and the last unit not a moment before it too (audit R199).
    const said = await page.evaluate(() => (window as unknown as { runSaid: string[] }).runSaid);
    expect(said.at(-1)).toMatch(/^Done: 6 of 6 units done; .+ 1 of 3 passed, .+ 3 of 3 passed\.$/);
    expect(said).not.toContain('Running: 6 of 6 units done.');
    expect(said.length).toBeLessThanOrEqual(1 + 7 + 1);
    expect(said.every((text) => /^(Running: (\d+ of 6 units done\.|starting…)|Done: 6 of 6 units done; .+)$/.test(text)), said.join(' | ')).toBe(true);

    // The card of the study: Export .json with Enter.
    await tabTo(page, /^button "Export \.json"$/, faint);
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const file = readFileSync((await download.path())!);

    // Results: the file picked with Space on the file input, then a problem's versions.
    await tabTo(page, /^a "Results"$/, faint, 'Shift+Tab', 200);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Results' }).waitFor();
    await tabTo(page, /^input "Result files/, faint);
    await page.keyboard.press('Space');
    await expect.poll(() => choosers.length, { message: 'Space on the file input opens the file chooser', timeout: 30_000 }).toBe(1);
    await choosers[0]!.setFiles({ name: 'keyboard-study.json', mimeType: 'application/json', buffer: file });
    const explorer = page.locator('[data-section="explorer"]');
    await explorer.waitFor({ timeout: 60_000 });
    await tabTo(page, /^button "HumanEval\/2"$/, faint, 'Tab', 300);
    await page.keyboard.press('Enter');
    await explorer.getByRole('heading', { name: 'HumanEval/2', level: 3 }).waitFor();
    await tabTo(page, /^select "Arm/, faint);
    await page.keyboard.press('End');
    await explorer.getByRole('heading', { name: /^Version 2/ }).waitFor();
    expect(await explorer.getByRole('heading', { name: /^Version 2/ }).textContent()).toMatch(/passed/);

    expect([...new Set(faint)]).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
