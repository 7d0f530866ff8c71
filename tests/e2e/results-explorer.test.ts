/**
 * The Results page's problem explorer as a researcher uses it, and its hand-off to the presenter:
 * the problem, run and filters live in the address, so Back from the presenter, Back and Forward
 * between problems and a link to one problem all land where they should; a show replayed from a
 * result file survives a reload (the file is kept in this browser, the address names it); and
 * Space on a focused control does what that control does instead of restarting the replay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ResultFile } from '../../src/core/results/result-file.ts';
import { bigResultFile } from '../support/big-result-file.ts';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { loadTestProblems } from '../support/datasets.ts';
import { scene, waitForScene } from '../support/presenter-stage.ts';

let browser: Browser;
let server: AppServer;
let doc: ResultFile;
let json: Buffer;
const FILE = 'explorer-study.json';

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser({ webgpu: false })]);
  // Three arms (llama solo, llama self-refine, qwen → llama) × 2 repeats × 30 HumanEval problems, every unit finished.
  doc = await bigResultFile({ problems: (await loadTestProblems('humaneval')).slice(0, 30), arms: 3, repeats: 2, replyChars: [200, 400] });
  json = Buffer.from(JSON.stringify(doc));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openFile(page: Page): Promise<Locator> {
  await page.getByRole('heading', { level: 1, name: 'Results' }).waitFor();
  await page.getByLabel(/Result files/).setInputFiles({ name: FILE, mimeType: 'application/json', buffer: json });
  const explorer = page.locator('[data-section="explorer"]');
  await explorer.getByRole('table').waitFor({ timeout: 60_000 });
  return explorer;
}

const chosen = (select: Locator) => select.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent ?? '');
const detailHeading = (explorer: Locator) => explorer.locator('#problem-detail-heading');
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Presenter controls' });

/** Deletes the kept-files database, as clearing the site's data does. */
async function forgetKeptFiles(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase('feedback-lab-kept-files');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      }),
  );
}

/** Chooses a problem, an arm and a run in the explorer and follows its "Present this run" link to the stage. */
async function presentRun(page: Page, explorer: Locator, problem: string, arm: string, run: string): Promise<void> {
  await explorer.getByRole('button', { name: problem, exact: true }).click();
  await explorer.getByLabel('Arm').selectOption({ label: arm });
  await explorer.getByLabel('Run').selectOption({ label: run });
  await explorer.getByRole('link', { name: 'Present this run' }).click();
  await scene(page).waitFor({ timeout: 60_000 });
}

describe('the problem explorer and the presenter', () => {
  it('comes back from the presenter on the problem, arm, run and filter the researcher left, and steps Back and Forward between problems', { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    const explorer = await openFile(page);

    await explorer.getByLabel('Problem id contains').fill('HumanEval/1');
    await explorer.getByRole('button', { name: 'HumanEval/12', exact: true }).click();
    await explorer.getByLabel('Arm').selectOption({ label: 'llama self-refine' });
    await explorer.getByLabel('Run').selectOption({ label: '2' });
    await explorer.getByRole('heading', { name: /Version 1/ }).first().waitFor();
    expect(new URLSearchParams(page.url().split('?')[1])).toEqual(new URLSearchParams({ q: 'HumanEval/1', problem: 'HumanEval/12', arm: 'llama-refine', run: '2' }));
    await app.screenshot('results-explorer-01-chosen');

    // The detail's own link replays exactly this run.
    await explorer.getByRole('link', { name: 'Present this run' }).click();
    await scene(page).waitFor({ timeout: 60_000 });
    expect(await toolbar(page).locator('strong').first().textContent()).toBe('HumanEval/12');
    expect(await toolbar(page).textContent()).toContain(`llama self-refine · study harness · ${FILE} · repeat 2`);

    await page.goBack();
    // This wait failed twice in 20-odd runs, each time on the file's first run after a build, with
    // nothing to go on: if it fails again, the error says where the page was and what it showed.
    await expect
      .poll(() => detailHeading(explorer).textContent(), { timeout: 30_000 })
      .toBe('HumanEval/12')
      .catch(async (error: unknown) => {
        const shown = await page.locator('body').innerText().catch((e: unknown) => String(e));
        throw new Error(`${String(error)}\nAt ${page.url()}, page errors ${JSON.stringify(app.errors)}, showing:\n${shown.slice(0, 1500)}`);
      });
    expect(await chosen(explorer.getByLabel('Arm'))).toBe('llama self-refine');
    expect(await chosen(explorer.getByLabel('Run'))).toBe('2');
    expect(await explorer.getByLabel('Problem id contains').inputValue()).toBe('HumanEval/1');
    // Focus is back on the problem the researcher left from.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('HumanEval/12');
    await app.screenshot('results-explorer-02-back-from-presenter');

    // The table's Present link of the problem already chosen leaves its arm and run as they are for Back.
    await explorer.getByRole('link', { name: 'Present HumanEval/12' }).click();
    await scene(page).waitFor({ timeout: 60_000 });
    await page.goBack();
    await expect.poll(() => detailHeading(explorer).textContent(), { timeout: 30_000 }).toBe('HumanEval/12');
    expect(await chosen(explorer.getByLabel('Run'))).toBe('2');

    // A problem's own Present link in the table: Back comes back to that problem too.
    await explorer.getByRole('link', { name: 'Present HumanEval/17' }).click();
    await scene(page).waitFor({ timeout: 60_000 });
    await page.goBack();
    await expect.poll(() => detailHeading(explorer).textContent(), { timeout: 30_000 }).toBe('HumanEval/17');
    await page.goBack();
    await expect.poll(() => detailHeading(explorer).textContent()).toBe('HumanEval/12');

    // Choosing another problem is a step Back undoes, and Forward redoes.
    await explorer.getByRole('button', { name: 'HumanEval/15', exact: true }).click();
    await expect.poll(() => detailHeading(explorer).textContent()).toBe('HumanEval/15');
    await page.goBack();
    await expect.poll(() => detailHeading(explorer).textContent()).toBe('HumanEval/12');
    expect(await chosen(explorer.getByLabel('Run'))).toBe('2');
    await page.goForward();
    await expect.poll(() => detailHeading(explorer).textContent()).toBe('HumanEval/15');

    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('offers ← Results back to the same problem and run, and keeps saying so on stage when a link names a run the file lacks', { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    const explorer = await openFile(page);
    await presentRun(page, explorer, 'HumanEval/12', 'llama self-refine', '2');
    // The way back survives the address the show writes (a reload keeps it too).
    await expect.poll(() => page.url(), { timeout: 30_000 }).toContain('kept=');
    expect(page.url()).toContain('results=');
    await page.setViewportSize({ width: 800, height: 600 });
    await app.screenshot('results-explorer-07-presenter-back-to-results');
    await toolbar(page).getByRole('link', { name: '← Results' }).click();
    await expect.poll(() => detailHeading(explorer).textContent(), { timeout: 30_000 }).toBe('HumanEval/12');
    expect(await chosen(explorer.getByLabel('Arm'))).toBe('llama self-refine');
    expect(await chosen(explorer.getByLabel('Run'))).toBe('2');

    // A link naming run 9 of a study of 2 repeats: another run is shown, and the stage says so
    // for the whole show, not only on the setup it skipped.
    await page.evaluate(() => (location.hash = '#/presenter?source=file&file=explorer-study.json&problem=HumanEval%2F3&arm=llama-refine&run=9&autostart=1'));
    await scene(page).waitFor({ timeout: 60_000 });
    const note = page.locator('.presenter .note');
    await expect.poll(() => note.textContent(), { timeout: 30_000 }).toMatch(/^explorer-study\.json has no finished run 9 of llama self-refine on HumanEval\/3: showing llama self-refine, run \d instead\.$/);
    expect(await toolbar(page).locator('strong').first().textContent()).toBe('HumanEval/3');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await note.isVisible()).toBe(true);
    await app.screenshot('results-explorer-06-fallback-note');
    // Opened by a link, not from Results: no "← Results" to a page it never came from.
    expect(await toolbar(page).getByRole('link', { name: '← Results' }).count()).toBe(0);

    // The presenter reads its link when it opens: go through Results to open it again.
    await page.evaluate(() => (location.hash = '#/results'));
    await explorer.getByRole('table').waitFor({ timeout: 30_000 });
    await page.evaluate(() => (location.hash = '#/presenter?source=file&file=explorer-study.json&problem=HumanEval%2F163&autostart=1'));
    await expect.poll(() => note.textContent(), { timeout: 60_000 }).toMatch(/^explorer-study\.json has no finished run of HumanEval\/163: showing HumanEval\/\d+ \(.+, run \d\) instead\.$/);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('opens a link to one run of one problem on that run once the file is opened, and says so when the file has no such problem', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/results?show=all&problem=HumanEval%2F25&arm=qwen-llama&run=2' });
    const { page } = app;
    // Before the file is open, the page says what the link is waiting for.
    await page.getByText('This link opens HumanEval/25 in the problem explorer once the result file it comes from is open here').waitFor();
    const explorer = await openFile(page);
    await expect.poll(() => detailHeading(explorer).textContent(), { timeout: 30_000 }).toBe('HumanEval/25');
    expect(await chosen(explorer.getByLabel('Arm'))).toBe('qwen → llama');
    expect(await chosen(explorer.getByLabel('Run'))).toBe('2');
    await explorer.getByRole('heading', { name: /Version 1/ }).first().waitFor();
    await app.screenshot('results-explorer-03-deep-link');

    // A run the study never had (run=9 of 2) shows the problem's first run with a verdict, not "no verdict".
    await page.evaluate(() => (location.hash = '#/results?problem=HumanEval%2F26&arm=llama-refine&run=9'));
    await expect.poll(() => detailHeading(explorer).textContent()).toBe('HumanEval/26');
    await explorer.getByRole('heading', { name: /Version 1/ }).first().waitFor();
    expect(await chosen(explorer.getByLabel('Run'))).toBe('1');

    // A first-error filter chosen under the study's labelling (a bare assert is "None") stays
    // visible, and says why nothing matches, once the labelling is Python's.
    await page.getByLabel('Error types').selectOption('study');
    await explorer.getByLabel('First error').selectOption('None');
    await page.getByLabel('Error types').selectOption('exception');
    await expect.poll(() => chosen(explorer.getByLabel('First error'))).toBe('None (no first error of that name here)');
    await explorer.getByText('0 of 30 problems').waitFor();

    // A link naming a problem the file does not have (followed in the same tab, the file still open).
    await page.evaluate(() => (location.hash = '#/results?problem=HumanEval%2F163'));
    await explorer.getByText('HumanEval/163, named in this page’s address, is not in the open files.').waitFor();
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('presents the run chosen from the file it is in, with two studies side by side', { timeout: 120_000 }, async () => {
    const other = await bigResultFile({ problems: (await loadTestProblems('humaneval')).slice(0, 30), arms: 3, repeats: 2, replyChars: [200, 400], id: 'big-study-2', seed: 2 });
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    await openFile(page);
    await page.getByLabel(/Result files/).setInputFiles({ name: 'second.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) });
    const explorer = page.locator('[data-section="explorer"]');
    await explorer.getByRole('columnheader', { name: /qwen → llama \(Big study, second\.json\)/ }).waitFor({ timeout: 60_000 });
    await presentRun(page, explorer, 'HumanEval/5', 'qwen → llama (Big study, second.json)', '2');
    expect(await toolbar(page).textContent()).toContain('qwen → llama · study harness · second.json · repeat 2');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('reopens the files, their order, the settings and the problem shown after a reload of the tab, names a file whose kept copy is gone, and forgets them on Close all', { timeout: 240_000 }, async () => {
    const other = await bigResultFile({ problems: (await loadTestProblems('humaneval')).slice(0, 30), arms: 3, repeats: 2, replyChars: [200, 400], id: 'big-study-3', seed: 3 });
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    const explorer = await openFile(page);
    await page.getByLabel(/Result files/).setInputFiles({ name: 'second.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) });
    await explorer.getByRole('columnheader', { name: /qwen → llama \(Big study, second\.json\)/ }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Error types').selectOption('study');
    await explorer.getByRole('button', { name: 'HumanEval/9', exact: true }).click();
    await explorer.getByLabel('Run').selectOption({ label: '2' });
    await expect.poll(() => detailHeading(explorer).textContent()).toBe('HumanEval/9');
    const fileLines = () => page.locator('.file-list li').evaluateAll((items) => items.map((li) => li.textContent?.trim().split(' — ')[0]));
    expect(await fileLines()).toEqual([FILE, 'second.json']);
    // Both copies written (in the background, after the files opened).
    const keptCount = () => page.evaluate(() => (JSON.parse(sessionStorage.getItem('feedback-lab-results-open') ?? '{"files":[]}') as { files: { key: string | null }[] }).files.filter((f) => f.key).length);
    await expect.poll(keptCount, { timeout: 30_000 }).toBe(2);

    await page.reload();
    await expect.poll(() => detailHeading(explorer).textContent(), { timeout: 90_000 }).toBe('HumanEval/9');
    expect(await fileLines()).toEqual([FILE, 'second.json']);
    expect(await page.getByLabel('Error types').inputValue()).toBe('study');
    expect(await chosen(explorer.getByLabel('Run'))).toBe('2');
    await app.screenshot('results-explorer-reopened-after-reload');

    // Site data cleared: the page names each file to open again, instead of silently showing nothing.
    await forgetKeptFiles(page);
    await page.reload();
    const gone = (name: string) => page.getByRole('alert').filter({ hasText: name }).filter({ hasText: 'its copy is no longer kept in this browser' });
    await gone(FILE).waitFor({ timeout: 60_000 });
    await gone('second.json').getByText('Open second.json here again.').waitFor();
    await app.screenshot('results-explorer-kept-copy-gone');

    // Opened again, then closed for good: a reload opens nothing and says nothing.
    await openFile(page);
    await expect.poll(keptCount, { timeout: 30_000 }).toBe(1);
    await page.getByRole('button', { name: 'Close it and forget the copy' }).click();
    await expect.poll(() => page.locator('.file-list').count()).toBe(0);
    const stored = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('feedback-lab-kept-files');
            open.onsuccess = () => {
              const count = open.result.transaction('files').objectStore('files').count();
              count.onsuccess = () => (open.result.close(), resolve(count.result));
              count.onerror = () => reject(count.error);
            };
            open.onerror = () => reject(open.error);
          }),
      );
    // The copy is deleted, not just unlisted: a study can be 200 MB.
    await expect.poll(stored, { timeout: 30_000 }).toBe(0);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Results' }).waitFor();
    await page.waitForTimeout(1000);
    expect(await page.locator('.file-list').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('keeps a show replayed from a result file through a reload, and says clearly when the kept file is gone', { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    const explorer = await openFile(page);
    await presentRun(page, explorer, 'HumanEval/7', 'qwen → llama', '2');
    // The file is kept in this browser and the address names it.
    await expect.poll(() => page.url(), { timeout: 30_000 }).toContain('kept=');

    await page.reload();
    await scene(page).waitFor({ timeout: 60_000 });
    expect(await toolbar(page).locator('strong').first().textContent()).toBe('HumanEval/7');
    expect(await toolbar(page).textContent()).toContain(`qwen → llama · study harness · ${FILE} · repeat 2`);
    await app.screenshot('results-explorer-04-reloaded-show');

    // Site data cleared: the setup says what happened and what to do.
    await forgetKeptFiles(page);
    await page.reload();
    await page.getByRole('alert').filter({ hasText: `${FILE} is no longer kept in this browser` }).waitFor({ timeout: 60_000 });
    expect(await scene(page).count()).toBe(0);
    await app.screenshot('results-explorer-05-kept-file-gone');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it("keeps a show from the presenter's own file picker through a reload, on the run and the step it was on", { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=file&speed=step' });
    const { page } = app;
    await page.locator('input[type=file][aria-label="Result file"]').setInputFiles({ name: FILE, mimeType: 'application/json', buffer: json });
    const unit = page.getByLabel('Problem to replay');
    await unit.waitFor({ timeout: 60_000 });
    const label = await unit.locator('option').filter({ hasText: 'HumanEval/3 · llama self-refine · repeat 2' }).textContent();
    await unit.selectOption({ label: label! });
    await page.getByRole('button', { name: 'Start' }).click();
    await waitForScene(page, 'problem', 60_000);
    await page.keyboard.press('ArrowRight');
    await waitForScene(page, 'generation');
    await expect.poll(() => page.url(), { timeout: 30_000 }).toContain('kept=');

    await page.reload();
    await waitForScene(page, 'generation', 60_000);
    expect(await toolbar(page).textContent()).toContain(`llama self-refine · study harness · ${FILE} · repeat 2`);
    expect(await toolbar(page).locator('strong').first().textContent()).toBe('HumanEval/3');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('is one tab stop per problem row, and the keyboard still reaches the presenter through the chosen problem', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    const explorer = await openFile(page);
    await explorer.getByRole('button', { name: 'HumanEval/0', exact: true }).focus();
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent?.trim()}`);
    for (const next of ['HumanEval/1', 'HumanEval/2', 'HumanEval/3']) {
      await page.keyboard.press('Tab');
      expect(await focused()).toBe(`BUTTON ${next}`);
    }
    // Screen readers still find each row's link by its own name.
    expect(await explorer.getByRole('link', { name: 'Present HumanEval/3' }).count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => detailHeading(explorer).textContent()).toBe('HumanEval/3');
    // The chosen row shows as more than a faint tint: a bar in the accent colour and a bold id.
    const chosenRow = explorer.getByRole('row').filter({ has: page.getByRole('button', { name: 'HumanEval/3', exact: true, pressed: true }) });
    expect(await chosenRow.locator('th').evaluate((th) => getComputedStyle(th).boxShadow)).toMatch(/inset/);
    expect(await chosenRow.getByRole('button', { name: 'HumanEval/3', exact: true }).evaluate((b) => getComputedStyle(b).fontWeight)).toBe('700');
    // Printed, the list is whole (its scroll box printed 13 of 30 rows) and says what it holds.
    await page.emulateMedia({ media: 'print' });
    expect(await explorer.locator('.table-scroll').evaluate((box) => box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1)).toBe(true);
    expect(await explorer.locator('.print-count').textContent()).toMatch(/^\s*Problems listed: 30 \(of 30\)\.\s*$/);
    await page.emulateMedia({ media: 'screen' });
    await explorer.getByRole('link', { name: 'Present this run' }).focus();
    await page.keyboard.press('Enter');
    await scene(page).waitFor({ timeout: 60_000 });
    expect(await toolbar(page).locator('strong').first().textContent()).toBe('HumanEval/3');
    await app.close();
  });

  it('on a phone-wide window, a change keeps every line\'s tint and mark in view, and each box that scrolls is a named tab stop', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    await page.setViewportSize({ width: 320, height: 640 });
    const explorer = await openFile(page);
    // The first problem the self-refine arm refined: its code has a version 2 and a change to it.
    const diff = explorer.locator('.diff').first();
    for (let i = 0; i < 30 && (await diff.count()) === 0; i++) {
      await explorer.getByRole('button', { name: `HumanEval/${i}`, exact: true }).click();
      await explorer.getByLabel('Arm').selectOption({ label: 'llama self-refine' });
      await detailHeading(explorer).filter({ hasText: `HumanEval/${i}` }).waitFor();
    }
    await diff.waitFor();
    // Scrolled sideways, a line's tint ended at the box's edge and its mark scrolled away: added and
    // removed code were then told apart by the colour of the text alone. The lines wrap instead.
    const box = diff.locator('pre');
    expect(await box.evaluate((pre) => pre.scrollWidth <= pre.clientWidth)).toBe(true);
    // Each line's tint spans the box: a line as wide as the box inside its borders, none wider.
    const inside = await box.evaluate((pre) => pre.clientWidth);
    const lines = await diff.locator('.line').evaluateAll((spans, width) => spans.map((span) => Math.abs(span.getBoundingClientRect().width - width) < 1), inside);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every(Boolean)).toBe(true);
    // A refiner's prompt (problem, code, traceback) is wider and taller than its box at this width.
    for (const summary of await explorer.locator('.model-step > summary').all()) await summary.click();
    const scrollingBoxes = () =>
      explorer.locator('.model-step pre').evaluateAll((pres) =>
        pres
          .filter((pre) => pre.scrollWidth > pre.clientWidth + 1 || pre.scrollHeight > pre.clientHeight + 1)
          .map((pre) => ({ tabindex: pre.getAttribute('tabindex'), name: pre.getAttribute('aria-label') })),
      );
    // The boxes are measured as they are laid out (a ResizeObserver): each becomes a stop once seen to scroll.
    await expect.poll(async () => (await scrollingBoxes()).every((b) => b.tabindex === '0')).toBe(true);
    const scrolling = await scrollingBoxes();
    expect(scrolling.length).toBeGreaterThan(0);
    for (const b of scrolling) expect(b.name).toMatch(/^(generate|refine) (prompt, (system|user) message|reply)$/);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('leaves Space to the focused control on the verdict: it does not restart the replay', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=name-error&speed=8&autostart=1' });
    const { page } = app;
    await waitForScene(page, 'verdict', 90_000);
    const scale = () => page.locator('.presenter').evaluate((el) => getComputedStyle(el).getPropertyValue('--scale'));
    const before = await scale();
    await toolbar(page).getByRole('button', { name: /larger type/ }).focus();
    await page.keyboard.press(' ');
    await expect.poll(scale).not.toBe(before);
    await page.waitForTimeout(500);
    expect(await scene(page).getAttribute('data-scene')).toBe('verdict');

    // The play button's own job is the show's: Space on it plays the finished replay again.
    await toolbar(page).getByRole('button', { name: /Play again/ }).focus();
    await page.keyboard.press(' ');
    await expect.poll(() => scene(page).getAttribute('data-scene')).not.toBe('verdict');
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
