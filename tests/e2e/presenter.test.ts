/**
 * The presenter in Chromium at 1280×720: the built-in demo recordings stepped through with the
 * keyboard and played in time, a result file (built here with the core's own writer) loaded
 * through the file picker, and a live run against a local fake endpoint scripted to write a
 * NameError and then its fix. A screenshot is kept at every step (test-results/presenter-*.png),
 * and no console error may appear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStudyConfig } from '../../src/core/study/create-config.ts';
import { llamaSelfRefine } from '../../src/core/pipeline/presets.ts';
import { demoRecording } from '../../src/core/presenter/shipped-recordings.ts';
import { buildResultFile } from '../../src/core/results/result-file-build.ts';
import { exportResultFile } from '../../src/core/results/result-file-export.ts';
import type { ResultUnit } from '../../src/core/results/result-file.ts';
import { REPO_ROOT, launchBrowser, openApp, startAppServer, type AppPage, type AppServer } from '../support/browser.ts';
import { loadTestProblems } from '../support/datasets.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server.ts';
import { bannerOutOfView, scene, squeezedCode, stageStopsOutOfStep, waitForScene } from '../support/presenter-stage.ts';

let browser: Browser;
let server: AppServer;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function sceneKind(page: Page): Promise<string | null> {
  return scene(page).getAttribute('data-scene');
}

/** The strip's step counter, "3/13". */
async function stepCounter(page: Page): Promise<string | null> {
  return page.locator('.strip .count').textContent();
}

/** Presses a key, waits for the scene it should lead to, and keeps a screenshot of it. */
async function press(app: AppPage, key: string, kind: string, shot: string): Promise<void> {
  await app.page.keyboard.press(key);
  await waitForScene(app.page, kind);
  await app.screenshot(`presenter-${shot}`);
}

/**
 * Boxes in the presenter that reach past the window (those inside a scrolling or clipping box
 * are that box's business): what a projector would cut off.
 */
async function spillsPastWindow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.querySelector('.presenter');
    if (!root) return ['no presenter'];
    const clipped = (el: Element) => {
      for (let up = el.parentElement; up && up !== root; up = up.parentElement) if (getComputedStyle(up).overflowX !== 'visible') return true;
      return false;
    };
    return [...root.querySelectorAll('*')].flatMap((el) => {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || clipped(el) || (box.left >= -1 && box.right <= innerWidth + 1)) return [];
      return [`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} spans ${Math.round(box.left)}–${Math.round(box.right)}px`];
    });
  });
}

/**
 * Tracebacks whose lines run past their box: the presenter's arrow keys step the show, so on a
 * projector nobody can scroll them sideways.
 */
async function tracebacksScrollingSideways(page: Page): Promise<string[]> {
  return page.locator('article.scene .traceback').evaluateAll((boxes) =>
    boxes.flatMap((box) => (box.scrollWidth > box.clientWidth + 1 ? [`${box.getAttribute('aria-label')}: ${box.scrollWidth}px in ${box.clientWidth}px`] : [])),
  );
}

/** The strip's clock, "0:03.4". */
async function clock(page: Page): Promise<string | undefined> {
  return /Time\s*(\d+:\d+\.\d)/.exec((await page.getByLabel('Progress').textContent()) ?? '')?.[1];
}

async function verdicts(page: Page): Promise<string[]> {
  return page.locator('article.scene ol.tests li.assert').evaluateAll((items) => items.map((li) => li.getAttribute('data-verdict') ?? ''));
}

describe('the presenter in Chromium', () => {
  it('steps through the NameError demo with →, ← and R, every scene fits 1280×720, and focus in a box follows the code from scene to scene', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=name-error&speed=step&autostart=1' });
    const { page } = app;
    await waitForScene(page, 'problem', 60_000);
    expect(await scene(page).locator('h2').textContent()).toBe('HumanEval/0');
    expect(await verdicts(page)).toHaveLength(7);
    await app.screenshot('presenter-demo-01-problem');

    await press(app, 'ArrowRight', 'generation', 'demo-02-generation');
    expect(await scene(page).getByLabel('Code the harness will run').textContent()).toContain('itertools.combinations');

    await press(app, 'ArrowRight', 'execution', 'demo-03-execution-failed');
    expect(await verdicts(page)).toEqual(['raised', ...Array.from({ length: 6 }, () => 'not-run')]);
    expect(await scene(page).locator('.banner').textContent()).toContain("NameError: name 'itertools' is not defined");
    expect(await scene(page).locator('.code .failing').textContent()).toContain('itertools.combinations');
    // A screen reader is told which line failed, as the eye is by its colour.
    expect(await scene(page).getByLabel('Code under test').getByText('Failed here:').count()).toBe(1);
    expect((await scene(page).locator('.traceback .highlight').allTextContents()).map((t) => t.trim())).toContain(
      "NameError: name 'itertools' is not defined. Did you forget to import 'itertools'?",
    );
    // In high contrast the failing line keeps a mark (its background and bar are dropped there),
    // and the ^~~ markers under a source line get no backplate to cut the lines around them.
    await page.emulateMedia({ forcedColors: 'active' });
    expect(await scene(page).locator('.code .failing').evaluate((line) => getComputedStyle(line).outlineStyle)).toBe('solid');
    const marker = scene(page).locator('.traceback .marked').first();
    expect(await marker.evaluate((mark) => getComputedStyle(mark, '::after').forcedColorAdjust)).toBe('none');
    await page.emulateMedia({ forcedColors: 'none' });
    // The markers sit in room of their own under their line, also with a reader's text spacing
    // (WCAG 1.4.12: line height 1.5 and wider letters and words) overriding the stage's.
    const markersClear = () =>
      scene(page).locator('.traceback').evaluate((box) =>
        [...box.querySelectorAll('.with-marks')].every((line) => {
          const mark = line.querySelector<HTMLElement>('.marked')!;
          const after = getComputedStyle(mark, '::after');
          // The top half of a marker's em box holds its glyph (^ and ~ sit high in it).
          const bottom = mark.getBoundingClientRect().top + parseFloat(after.top) + parseFloat(after.fontSize) / 2;
          let next = line.nextElementSibling;
          while (next && getComputedStyle(next).position === 'absolute') next = next.nextElementSibling;
          if (!next) return true;
          const range = document.createRange();
          range.selectNodeContents(next);
          const top = Math.min(...[...range.getClientRects()].map((r) => r.top));
          return bottom <= top + 1;
        }),
      );
    expect(await markersClear()).toBe(true);
    const spacing = await page.addStyleTag({
      content: '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important } p { margin-bottom: 2em !important }',
    });
    expect(await markersClear()).toBe(true);
    await app.screenshot('presenter-demo-03a-execution-text-spacing');
    await spacing.evaluate((style) => (style as Element).remove());
    // Printed as a handout: no controls, and every box on stage shows all it holds (paper cannot scroll).
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('toolbar', { name: 'Presenter controls' }).isVisible()).toBe(false);
    const clipped = await scene(page).evaluate((stage) =>
      [...stage.querySelectorAll<HTMLElement>('pre, .code, .tests, .traceback')].filter((box) => box.scrollHeight > box.clientHeight + 1).map((box) => box.className),
    );
    expect(clipped).toEqual([]);
    // The stage as tall as what it shows, not the window: a long reply printed its first lines only.
    expect(await page.locator('.presenter').evaluate((root) => getComputedStyle(root).position)).toBe('static');
    await app.screenshot('presenter-demo-03d-printed');
    await page.emulateMedia({ media: 'screen' });
    // Type made larger for the room, step by step to twice the size: the verdict stays in view
    // (the code scrolls under it), and the bars around the stage leave it most of the height.
    for (let step = 1; step <= 10; step++) {
      await page.keyboard.press('+');
      expect(await bannerOutOfView(page), `type at ${1 + step / 10}×`).toBe('');
    }
    await app.screenshot('presenter-demo-03b-execution-at-2x');
    const bars = await page.evaluate(() => ['.toolbar', '.note', '.strip'].reduce((sum, bar) => sum + (document.querySelector(bar)?.getBoundingClientRect().height ?? 0), 0));
    expect(bars).toBeLessThan(720 * 0.25);
    // The help at that size is taller than the window: it opens at its top, on its title, and Tab reaches Close.
    await page.keyboard.press('?');
    const keyHelp = page.getByRole('dialog', { name: 'Keyboard' });
    await keyHelp.waitFor();
    expect(await keyHelp.evaluate((dialog) => [dialog.scrollHeight > dialog.clientHeight, dialog.scrollTop])).toEqual([true, 0]);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keyboard');
    await app.screenshot('presenter-demo-03c-help-at-2x');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
    await page.keyboard.press('Escape');
    await keyHelp.waitFor({ state: 'detached' });
    for (let step = 1; step <= 10; step++) await page.keyboard.press('-');

    await press(app, 'ArrowRight', 'briefing', 'demo-04-briefing');
    expect(await scene(page).locator('h2').textContent()).toBe('What the refiner is told · Refinement 1');
    expect(await scene(page).getByLabel('What happened when the tests ran').textContent()).toContain('NameError');
    expect(await scene(page).locator('.instruction').textContent()).toContain('Write the corrected code');

    await press(app, 'ArrowRight', 'refinement', 'demo-05-refinement-diff');
    const added = await scene(page).locator('.diff .added').allTextContents();
    // Each added line: its mark, the words a screen reader hears (visually hidden), the code.
    expect(added.map((t) => t.trim())).toContain('+added: import itertools');

    await press(app, 'ArrowRight', 'execution', 'demo-06-execution-passed');
    expect(await verdicts(page)).toEqual(Array.from({ length: 7 }, () => 'passed'));
    expect(await scene(page).locator('.banner').textContent()).toContain('All 7 tests passed');

    await press(app, 'ArrowRight', 'verdict', 'demo-07-verdict');
    expect(await scene(page).getByRole('status').first().textContent()).toContain('Passed');
    expect(await page.getByLabel('Progress').textContent()).toMatch(/Iteration\s*1 \/ 3/);
    // → has nothing more to show: the strip says which keys still do something.
    expect(await page.getByLabel('Progress').getByRole('status').textContent()).toContain('the end: R starts again, ← goes back');

    // Back one step, and one more; then forward again.
    await press(app, 'ArrowLeft', 'execution', 'demo-08-back-to-execution');
    await press(app, 'ArrowLeft', 'refinement', 'demo-09-back-to-refinement');
    await press(app, 'ArrowRight', 'execution', 'demo-10-forward-again');
    // R starts over from the problem.
    await press(app, 'r', 'problem', 'demo-11-restarted');
    // F asks for full screen (granted or refused, quietly), and F again leaves it.
    await page.keyboard.press('f');
    await page.waitForTimeout(300);
    if (await page.evaluate(() => document.fullscreenElement !== null)) {
      await app.screenshot('presenter-demo-12-full-screen');
      await page.keyboard.press('f');
      await page.waitForFunction(() => document.fullscreenElement === null);
    }

    // Nothing on the stage spills past the window at this size.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > innerWidth || document.documentElement.scrollHeight > innerHeight);
    expect(overflow).toBe(false);

    // At this size every box fits, and none is a Tab stop: Tab does not wade through boxes that do nothing.
    await press(app, 'ArrowRight', 'generation', 'demo-13-generation-again');
    await press(app, 'ArrowRight', 'execution', 'demo-14-execution-again');
    expect(await stageStopsOutOfStep(page)).toEqual([]);
    expect(await scene(page).locator('[tabindex="0"]').count()).toBe(0);

    // Longer code than fits (as a live model's may be), here by squeezing the boxes: each becomes
    // a Tab stop, and focus in one follows the code from scene to scene as → steps on.
    const squeeze = await page.addStyleTag({ content: '.stage pre.code, .stage .diff { max-height: 3em !important; }' });
    await expect.poll(() => scene(page).locator('[tabindex="0"]').count()).toBeGreaterThan(0);
    expect(await stageStopsOutOfStep(page)).toEqual([]);
    const focusedBox = () => page.evaluate(() => (document.activeElement?.closest('.stage') ? (document.activeElement.getAttribute('aria-label') ?? document.activeElement.tagName) : 'off the stage'));
    for (let i = 0; i < 20 && (await focusedBox()) !== 'Code under test'; i++) await page.keyboard.press('Tab');
    expect(await focusedBox()).toBe('Code under test');
    await press(app, 'ArrowRight', 'briefing', 'demo-15-focus-follows-code');
    await expect.poll(focusedBox).toBe('Code that was run');
    await press(app, 'ArrowRight', 'refinement', 'demo-16-focus-follows-diff');
    await expect.poll(focusedBox).toBe('Changes against the previous code');
    await press(app, 'ArrowRight', 'execution', 'demo-17-focus-back-on-code');
    await expect.poll(focusedBox).toBe('Code under test');
    // The help opened from a box whose scene then changes under it (as a live run's does; here its
    // ← pressed from the page, the toolbar being under the help): closing the help puts focus on
    // the box's like in the new scene, not on <body>.
    const help = page.getByRole('dialog', { name: 'Keyboard' });
    await page.keyboard.press('?');
    await help.waitFor();
    await page.evaluate(() => document.querySelector<HTMLButtonElement>('.toolbar button[aria-label="Previous step (←)"]')?.click());
    await waitForScene(page, 'refinement');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await expect.poll(focusedBox).toBe('Changes against the previous code');
    await press(app, 'ArrowRight', 'execution', 'demo-17b-focus-back-from-help');
    await expect.poll(focusedBox).toBe('Code under test');
    // The box comes to fit while the help is open (the window made larger): it is no Tab stop
    // now, yet closing the help gives it focus back, out of the Tab order.
    const codeBox = scene(page).locator('[data-box="code"][aria-label="Code under test"]');
    await page.keyboard.press('?');
    await help.waitFor();
    await squeeze.evaluate((style) => (style as Element).remove());
    await expect.poll(() => codeBox.getAttribute('tabindex')).toBeNull();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    expect(await focusedBox()).toBe('Code under test');
    expect(await codeBox.getAttribute('tabindex')).toBe('-1');
    // Nothing like it in the next scene that scrolls (the boxes fit again): focus goes to the scene's heading.
    await press(app, 'ArrowRight', 'verdict', 'demo-18-focus-on-heading');
    await expect.poll(focusedBox).toBe('H2');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('HumanEval/0: the verdict');
    expect(await stageStopsOutOfStep(page)).toEqual([]);
    // The show's keys still work from the heading; Space steps, as it does from the page.
    await press(app, 'ArrowLeft', 'execution', 'demo-19-back-from-heading');
    await page.keyboard.press(' ');
    await waitForScene(page, 'verdict');
    // Focus on the toolbar stays there: → steps the show without taking focus to the stage.
    await page.getByRole('button', { name: 'Previous step (←)' }).focus();
    await page.keyboard.press('Enter');
    await waitForScene(page, 'execution');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Previous step (←)');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('opens a second link clicked while a show is on (the next demo from the slides), and Back returns to the first where it was', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=name-error&speed=step&autostart=1' });
    const { page } = app;
    await waitForScene(page, 'problem', 60_000);
    expect(await scene(page).locator('h2').textContent()).toBe('HumanEval/0');
    await page.keyboard.press('ArrowRight');
    await waitForScene(page, 'generation');

    // A link on the speaker's slides, followed in the same tab: the address changes, the page does not reload.
    await page.evaluate(() => (location.hash = '#/presenter?source=demo&demo=syntax-error&speed=step&autostart=1'));
    await waitForScene(page, 'problem', 60_000);
    expect(await scene(page).locator('h2').textContent()).toBe('HumanEval/16');

    // Back: the first show again, at the scene the room last saw of it.
    await page.goBack();
    await waitForScene(page, 'generation', 60_000);
    expect(await scene(page).getByLabel('Code the harness will run').textContent()).toContain('itertools.combinations');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('says each test run and the verdict once: the stage says them, the strip keeps quiet (audit R199)', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=name-error&speed=4&autostart=1' });
    const { page } = app;
    // Every live region's text as it changes to something, and which region said it.
    await page.evaluate(() => {
      const said: string[] = [];
      const last = new Map<Element, string>();
      Object.assign(window, { presenterSaid: said });
      new MutationObserver(() => {
        // The show's regions: the stage's and the strip's (the setup's offline-copy status, heard before Start, is not the show).
        for (const region of document.querySelectorAll('.presenter .stage [role=status], .presenter [aria-label="Progress"] [role=status]')) {
          const text = (region.textContent ?? '').trim();
          if (text && last.get(region) !== text) said.push(`${region.closest('[aria-label="Progress"]') ? 'strip' : 'stage'}: ${text}`);
          last.set(region, text);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await waitForScene(page, 'verdict', 90_000);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { presenterSaid: string[] }).presenterSaid.at(-1)))
      .toBe('stage: ✓ Passed. Execution feedback fixed it: version 2 of at most 4 passed every test.');
    const said = await page.evaluate(() => (window as unknown as { presenterSaid: string[] }).presenterSaid);
    // Said by the strip too, each came twice: "✗ NameError …" then "Tests failed", "✓ Passed" then "Passed".
    expect(said.filter((text) => text.startsWith('strip:') && /Running the tests|Tests (passed|failed)|Passed/.test(text))).toEqual([]);
    const stage = said.filter((text) => text.startsWith('stage:') && !text.includes('first token'));
    expect(stage).toEqual([
      'stage: Running the tests in Python…',
      "stage: ✗ NameError: name 'itertools' is not defined (in test 1 of 7)",
      'stage: Running the tests in Python…',
      'stage: ✓ All 7 tests passed',
      'stage: ✓ Passed. Execution feedback fixed it: version 2 of at most 4 passed every test.',
    ]);
    expect(said).toContain('strip: Rewriting the code');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('keeps Tab inside the presenter: the app header hidden under it takes no focus, and comes back on leaving', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=name-error&speed=step' });
    const { page } = app;
    await page.getByRole('button', { name: 'Start' }).waitFor({ timeout: 60_000 });
    const focusedInPresenter = () => page.evaluate(() => document.activeElement?.closest('.presenter') !== null);
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      expect(await focusedInPresenter(), `Tab ${i + 1} on the setup`).toBe(true);
    }
    await page.getByRole('button', { name: 'Start' }).click();
    await waitForScene(page, 'problem', 60_000);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      expect(await focusedInPresenter(), `Tab ${i + 1} on the stage`).toBe(true);
    }
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await page.getByRole('button', { name: /Back to the setup/ }).click();
    await page.getByRole('link', { name: '← Feedback Lab' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('gives the keys back to the show once a speed is picked in the toolbar', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=name-error&speed=8&autostart=1' });
    const { page } = app;
    // Any scene: at 8× the problem's lasts a moment, and a loaded machine can draw past it unseen.
    await scene(page).waitFor({ timeout: 60_000 });
    const speed = page.getByLabel('Replay speed');
    await speed.focus();
    await speed.selectOption('step');
    // Focus moved on to the play button (not to <body>), where the keys are the show's again.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('play'))).toBe(true);
    await page.keyboard.press('r');
    await waitForScene(page, 'problem');
    await press(app, 'ArrowRight', 'generation', 'speed-picked-then-next');
    await press(app, 'PageDown', 'execution', 'speed-picked-then-clicker');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('moves the talk on with a clicker while focus is left on the speed menu, unchanged (audit R212-2)', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=name-error&speed=step&autostart=1' });
    const { page } = app;
    await waitForScene(page, 'problem');
    const speed = page.getByLabel('Replay speed');
    await speed.focus();
    await press(app, 'PageDown', 'generation', 'clicker-from-speed-menu');
    expect(await speed.inputValue()).toBe('step');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('brings back this tab\'s last setup when the Presenter is opened again without a link (audit R212-5)', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter' });
    const { page } = app;
    const speed = page.locator('form.setup select').first();
    await speed.waitFor();
    await speed.selectOption('2');
    await page.evaluate(() => (location.hash = '#/score'));
    await page.getByRole('heading', { level: 1, name: 'Scoring' }).waitFor();
    await page.evaluate(() => (location.hash = '#/presenter'));
    await page.locator('form.setup').waitFor();
    await expect.poll(() => page.locator('form.setup select').first().inputValue()).toBe('2');
    // Never started by itself: the setup waits for Start.
    expect(await page.locator('.stage').count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('does not start a link it cannot read whole, nor a live show that would download models first: it stays on the setup and says why', { timeout: 120_000 }, async () => {
    for (const [query, problem] of [
      ['source=endpoint&endpoint=not%20a%20url&model=fake-model&problem=HumanEval/0&autostart=1', /endpoint:/],
      ['source=demo&demo=no-such-demo&speed=step&autostart=1', /demo=no-such-demo is not a built-in demo/],
      // A slide's link opened by someone in the room: gigabytes of weights are not fetched without a click.
      ['source=webllm&problem=HumanEval/0&preset=llama-self-refine&autostart=1', /would first download Llama-3\.2-3B-Instruct-q4f(16|32)_1-MLC \(about [\d.]+ GB\)\. Nothing was started/],
    ] as const) {
      const app = await openApp(browser, server, { hash: `#/presenter?${query}` });
      const { page } = app;
      await page.getByRole('button', { name: 'Start' }).waitFor({ timeout: 60_000 });
      await page.locator('.presenter li', { hasText: problem }).waitFor();
      await page.waitForTimeout(1000);
      expect(await scene(page).count(), query).toBe(0);
      expect(await page.locator('.presenter li', { hasText: problem }).count()).toBe(1);
      expect(app.errors).toEqual([]);
      await app.close();
    }
  });

  for (const [width, height, colorScheme] of [
    [1024, 768, 'light'],
    [800, 600, 'dark'],
  ] as const) {
    it(`fits ${width}×${height} (${colorScheme}) at every step of every demo`, { timeout: 180_000 }, async () => {
      const app = await openApp(browser, server, { colorScheme, hash: '#/presenter' });
      const { page } = app;
      await page.setViewportSize({ width, height });
      for (const demo of ['name-error', 'syntax-error', 'assertion-error']) {
        await page.goto(`${server.url}#/presenter?source=demo&demo=${demo}&speed=step&autostart=1`);
        await page.reload();
        await waitForScene(page, 'problem', 60_000);
        for (let step = 0; ; step++) {
          if (step > 20) throw new Error('Too many steps.');
          const kind = await sceneKind(page);
          expect(await spillsPastWindow(page), `${demo}, step ${step} (${kind})`).toEqual([]);
          expect(await tracebacksScrollingSideways(page), `${demo}, step ${step} (${kind})`).toEqual([]);
          expect(await squeezedCode(page), `${demo}, step ${step} (${kind})`).toEqual([]);
          expect(await stageStopsOutOfStep(page), `${demo}, step ${step} (${kind})`).toEqual([]);
          if (demo === 'name-error' && kind === 'briefing') {
            // The lines wrap, and Python's ^^^ still stand under what failed: the name, not the code around it.
            const pointed = await scene(page).locator('.traceback .source.highlight .marked').allTextContents();
            expect(pointed.join('')).toBe('itertools');
          }
          await app.screenshot(`presenter-${width}x${height}-${demo}-${String(step).padStart(2, '0')}-${kind}`);
          if (kind === 'verdict') break;
          const counter = await stepCounter(page);
          await page.keyboard.press('ArrowRight');
          await page.waitForFunction((before) => document.querySelector('.strip .count')?.textContent !== before, counter);
        }
      }
      expect(app.errors).toEqual([]);
      await app.close();
    });
  }

  it("follows the system's switch between light and dark until the presenter's own toggle is used", async () => {
    const app = await openApp(browser, server, { hash: '#/presenter' });
    const { page } = app;
    const presenter = page.locator('.presenter');
    await page.getByRole('button', { name: 'Start' }).waitFor();
    expect(await presenter.getAttribute('data-scheme')).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => presenter.getAttribute('data-scheme')).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => presenter.getAttribute('data-scheme')).toBe('light');
    // Once chosen here, the presenter's own scheme holds whatever the system does.
    await page.getByRole('button', { name: 'Switch to dark' }).click();
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await presenter.getAttribute('data-scheme')).toBe('dark');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('plays the AssertionError demo in time, in dark, pausing on space and while the help is open, and resuming', { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?demo=assertion-error&speed=4&autostart=1', colorScheme: 'dark' });
    const { page } = app;
    await waitForScene(page, 'problem', 60_000);
    expect(await page.locator('.presenter').getAttribute('data-scheme')).toBe('dark');
    // Every scene that comes on stage, in order, however briefly.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { scenesSeen: string[] }).scenesSeen = seen;
      const note = () => {
        const article = document.querySelector('article.scene');
        const key = `${article?.getAttribute('data-scene')}:${article?.querySelector('h2')?.textContent}`;
        if (seen.at(-1) !== key) seen.push(key);
      };
      note();
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });

    // Space pauses mid-reply: the text stops growing until space again. At 4× the reply streams
    // for a few hundred milliseconds, and on a loaded machine a press sent once the test has seen
    // it begin can land after it ended (then → skips the scene this test waits for). So the page
    // sends the space itself, as the key would (keydown on the focused element), the moment the
    // reply begins.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const pressWhenReplying = () => {
            if (!document.querySelector('[aria-label="Reply so far"]')) return false;
            (document.activeElement ?? document.body).dispatchEvent(new KeyboardEvent('keydown', { key: ' ', code: 'Space', bubbles: true, cancelable: true }));
            return true;
          };
          if (pressWhenReplying()) return resolve();
          const observer = new MutationObserver(() => {
            if (!pressWhenReplying()) return;
            observer.disconnect();
            resolve();
          });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true });
        }),
    );
    await expect.poll(() => page.getByLabel('Progress').textContent()).toContain('paused');
    const frozen = await scene(page).textContent();
    await page.waitForTimeout(800);
    expect(await scene(page).textContent()).toBe(frozen);
    await app.screenshot('presenter-timed-01-paused');

    // While paused, → finishes the scene that is playing, then starts the next.
    await page.keyboard.press('ArrowRight');
    await page.getByLabel('Code the harness will run').waitFor();
    await app.screenshot('presenter-timed-02-generated');
    await press(app, 'ArrowRight', 'execution', 'timed-03-running');
    await page.keyboard.press('ArrowRight');
    await scene(page).locator('.banner.failed').waitFor();
    expect(await verdicts(page)).toEqual(['passed', 'passed', 'failed']);
    await app.screenshot('presenter-timed-04-run-failed');
    await press(app, 'ArrowRight', 'briefing', 'timed-05-briefing');
    await press(app, 'ArrowRight', 'refinement', 'timed-06-refining');
    await page.keyboard.press('ArrowRight');
    await scene(page).locator('.diff').waitFor();
    await app.screenshot('presenter-timed-07-refinement-diff');
    expect(await page.getByLabel('Progress').textContent()).toContain('paused');

    // Space resumes; the rest plays out in time.
    await page.keyboard.press(' ');
    // The help holds the show while it covers the stage, and closing it plays on.
    await expect.poll(() => page.getByLabel('Progress').textContent()).not.toContain('paused');
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard' }).waitFor();
    await expect.poll(() => page.getByLabel('Progress').textContent()).toContain('paused');
    const held = await scene(page).textContent();
    await page.waitForTimeout(600);
    expect(await scene(page).textContent()).toBe(held);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByLabel('Progress').textContent()).not.toContain('paused');
    await waitForScene(page, 'verdict', 120_000);
    await app.screenshot('presenter-timed-08-verdict');
    expect(await scene(page).textContent()).toContain('No version passed: the budget of 4 versions is spent.');
    const seen = await page.evaluate(() => (window as unknown as { scenesSeen: string[] }).scenesSeen);
    expect(seen).toEqual([
      'problem:HumanEval/26',
      'generation:Generation',
      'execution:Run 1',
      ...[1, 2, 3].flatMap((k) => [`briefing:What the refiner is told · Refinement ${k}`, `refinement:Refinement ${k}`, k === 3 ? 'execution:Final run (version 4)' : `execution:Run ${k + 1}`]),
      'verdict:HumanEval/26: the verdict',
    ]);

    // The type grows with +, and the buttons do what the keys do.
    const before = await page.locator('.presenter').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    await page.keyboard.press('+');
    await page.getByRole('button', { name: 'Larger type (+)' }).click();
    const after = await page.locator('.presenter').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(after).toBeGreaterThan(before * 1.15);
    await page.getByRole('button', { name: 'Smaller type (−)' }).click();
    await page.keyboard.press('-');
    await page.getByRole('button', { name: 'Keyboard shortcuts (?)' }).click();
    await page.getByRole('dialog', { name: 'Keyboard' }).waitFor();
    await app.screenshot('presenter-timed-help');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Restart (R)' }).click();
    await waitForScene(page, 'problem');
    // The help opened by key from a toolbar button gives focus back to that button when it closes.
    await page.getByRole('button', { name: 'Next step (→)' }).focus();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Next step (→)');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('replays a problem from a result file opened with the file picker', { timeout: 120_000 }, async () => {
    const file = await writeResultFile();
    const app = await openApp(browser, server, { hash: '#/presenter?source=file&speed=step' });
    const { page } = app;
    await page.locator('input[type="file"]').setInputFiles(file);
    const picker = page.getByLabel('Problem to replay');
    await picker.waitFor();
    // The first problem whose first version failed is chosen: the interesting one.
    expect(await picker.locator('option:checked').textContent()).toContain('HumanEval/0 · llama self-refine · repeat 1 · NameError → passed');
    await picker.selectOption({ label: (await picker.locator('option', { hasText: 'HumanEval/26' }).textContent()) ?? '' });
    await app.screenshot('presenter-file-00-setup');
    await page.getByRole('button', { name: 'Start' }).click();
    await waitForScene(page, 'problem', 60_000);
    expect(await page.getByRole('toolbar').textContent()).toContain('presenter-study.json.gz');

    // A recording's scenes are all known from the start: the counter counts towards all 13 at once.
    const counters = [await stepCounter(page)];
    expect(await page.locator('.strip .dot').count()).toBe(13);
    const kinds: string[] = ['problem'];
    for (let i = 1; (await sceneKind(page)) !== 'verdict'; i++) {
      if (i > 20) throw new Error('Too many steps.');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((before) => document.querySelector('.strip .count')?.textContent !== before, counters.at(-1));
      counters.push(await stepCounter(page));
      kinds.push((await sceneKind(page)) ?? '');
      await app.screenshot(`presenter-file-${String(i).padStart(2, '0')}-${kinds.at(-1)}`);
    }
    expect(kinds).toEqual([
      'problem',
      'generation',
      'execution',
      ...Array.from({ length: 3 }, () => ['briefing', 'refinement', 'execution']).flat(),
      'verdict',
    ]);
    expect(counters).toEqual(Array.from({ length: 13 }, (_, i) => `${i + 1}/13`));
    // The second refinement already fails the second test: the ticks say so.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await waitForScene(page, 'execution');
    // Going back keeps the total: 9 of 13, not 9 of 9.
    await expect.poll(() => stepCounter(page)).toBe('9/13');
    expect(await page.locator('.strip .steps').getAttribute('aria-label')).toBe('Step 9 of 13');
    expect(await verdicts(page)).toEqual(['passed', 'failed', 'not-run']);
    await app.screenshot('presenter-file-back-to-run-3');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  describe('live against a local endpoint', () => {
    let endpoint: FakeOpenAIServer;
    const [broken, fixed] = demoRecording('name-error').trajectory.steps.flatMap((s) => (s.kind === 'execute' ? [] : [s.reply]));
    beforeAll(async () => {
      endpoint = await startFakeOpenAIServer({
        // The refiner's message reports what happened when the tests ran; the generator's does not.
        reply: (request) => (request.messages.at(-1)?.content.includes('What happened when the tests ran') ? fixed! : broken!),
        // Slow enough that the streaming state lasts a few seconds even on a loaded machine.
        tokensPerSecond: 40,
        firstTokenDelayMs: 300,
      });
    });
    afterAll(async () => endpoint?.close());

    it('streams a NameError, the feedback and the fix, stepping with the keys', { timeout: 240_000 }, async () => {
      // The first reply is slow to start and slow to come, as a loaded server's: the room sees the
      // wait, and Space pauses it mid-reply.
      endpoint.script({ kind: 'reply', text: broken, firstTokenDelayMs: 3000, tokensPerSecond: 15 });
      const query = new URLSearchParams({
        problem: 'HumanEval/0',
        preset: 'llama-self-refine',
        source: 'endpoint',
        endpoint: endpoint.url,
        model: 'fake-model',
        autostart: '1',
      });
      const app = await openApp(browser, server, { hash: `#/presenter?${query}` });
      const { page } = app;
      await waitForScene(page, 'generation', 60_000);
      // Nothing arrives while the endpoint is silent, yet the strip's clock moves on: the app is not frozen.
      await scene(page).locator('.detail', { hasText: 'waiting for its first token' }).waitFor();
      const waited = await clock(page);
      await page.waitForTimeout(700);
      expect(await scene(page).locator('.detail').textContent()).toContain('waiting for its first token');
      expect(await clock(page)).not.toBe(waited);
      await page.getByLabel('Reply so far').waitFor();
      // Read before the screenshot, which can take longer than the reply on a busy machine.
      expect(await scene(page).locator('.detail').textContent()).toContain('streaming');
      await app.screenshot('presenter-live-01-streaming');

      // Space holds the reply and the clock still while the model writes on; Space again shows what came meanwhile.
      await page.keyboard.press(' ');
      await expect.poll(() => page.getByLabel('Progress').textContent()).toContain('Writing code · paused');
      const held = await scene(page).textContent();
      const heldClock = await clock(page);
      await page.waitForTimeout(800);
      expect(await scene(page).textContent()).toBe(held);
      expect(await clock(page)).toBe(heldClock);
      await app.screenshot('presenter-live-01b-paused');
      await page.keyboard.press(' ');
      await expect.poll(() => page.getByLabel('Progress').textContent()).not.toContain('paused');

      await waitForScene(page, 'execution', 120_000);
      await app.screenshot('presenter-live-02-running');
      await page.locator('article.scene .banner.failed').waitFor({ timeout: 120_000 });
      expect(await verdicts(page)).toEqual(['raised', ...Array.from({ length: 6 }, () => 'not-run')]);
      await app.screenshot('presenter-live-03-name-error');

      // → cuts the pause after the failure short; the briefing shows before the refiner answers.
      await press(app, 'ArrowRight', 'briefing', 'live-04-briefing');
      expect(await scene(page).getByLabel('What happened when the tests ran').textContent()).toContain("name 'itertools' is not defined");
      await press(app, 'ArrowRight', 'refinement', 'live-05-refining');

      // ← looks back at the failed run while the refinement goes on; → returns to the front.
      await press(app, 'ArrowLeft', 'briefing', 'live-06-looking-back');
      await page.keyboard.press('ArrowLeft');
      await waitForScene(page, 'execution');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.locator('article.scene[data-scene="verdict"]').or(page.locator('article.scene[data-scene="refinement"], article.scene[data-scene="execution"]')).first().waitFor();

      await waitForScene(page, 'verdict', 120_000);
      await app.screenshot('presenter-live-07-verdict');
      expect(await scene(page).textContent()).toContain('Execution feedback fixed it: version 2 of at most 4 passed every test.');
      const requests = endpoint.requests.length;
      expect(requests).toBe(2);

      // R runs it again from the start, asking the endpoint again.
      await page.keyboard.press('r');
      await waitForScene(page, 'generation', 60_000);
      await expect.poll(() => endpoint.requests.length, { timeout: 60_000 }).toBeGreaterThan(requests);
      await app.screenshot('presenter-live-08-restarted');
      expect(app.errors).toEqual([]);
      await app.close();
    });
  });
});

/** A small study of the three demo trajectories as one arm, written with the core's own writer. */
async function writeResultFile(): Promise<string> {
  const problems = await loadTestProblems('humaneval');
  const ids = ['HumanEval/0', 'HumanEval/16', 'HumanEval/26'];
  const config = createStudyConfig(
    {
      name: 'Presenter study',
      benchmark: 'humaneval',
      selection: { kind: 'ids', ids },
      arms: [{ id: 'refine', label: 'llama self-refine', pipeline: llamaSelfRefine, forcedIterations: false }],
      repeats: 1,
      mode: 'study',
      models: { 'llama3.2:3b': { engine: 'replay', id: 'demo:hand-written' } },
    },
    { id: 'presenter-study', created: '2026-05-01T10:00:00.000Z', problems, datasetSha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef' },
  );
  const units: ResultUnit[] = (['name-error', 'syntax-error', 'assertion-error'] as const).map((id) => {
    const trajectory = demoRecording(id).trajectory;
    return { armId: 'refine', repeat: 0, problemId: trajectory.problemId, status: 'finished', trajectory: { ...trajectory, repeat: 0 } };
  });
  const doc = await buildResultFile(config, units, {
    appVersion: '0.1.0',
    userAgent: 'presenter e2e',
    gpu: null,
    webllmVersion: null,
    pyodideVersion: '314.0.7',
    crossOriginIsolated: true,
    recordedAt: '2026-05-01T12:00:00.000Z',
  });
  const dir = join(REPO_ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'presenter-study.json.gz');
  writeFileSync(path, await exportResultFile(doc, { gzip: true }));
  return path;
}
