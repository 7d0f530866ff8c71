/**
 * Accessibility of the built app in Chromium. axe-core on every page in the light and the dark
 * theme and on the states a user reaches (a problem run in the Playground, a scored samples file,
 * a result file, a stored study, a search on show, the paper's released files, benchmarks that
 * cannot be loaded (offline) and a wrong benchmark file picked, each presenter
 * scene and its help), plus chart-text contrast, which axe cannot see; reflow into a 320-px
 * window; and the keyboard: a focus ring (and field borders) of 3:1 at every Tab stop, and focus
 * kept on a control when the one pressed is disabled, replaced or removed. One browser and one
 * tab throughout; the theme switches in place. Pages only looked at leave the Playground's Python
 * unstarted (it shows nothing while it starts); the states after a run start it. A failure lists
 * each problem (for axe: rule, impact, selector), so it reads without a rerun.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, JSHandle, Page } from 'playwright-core';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { llamaSelfRefine } from '../../src/core/pipeline/presets.ts';
import { buildResultFile, resultUnitsFromStore } from '../../src/core/results/result-file-build.ts';
import { exportResultFile } from '../../src/core/results/result-file-export.ts';
import { buildSearchFile, exportSearchFile } from '../../src/core/results/search-file.ts';
import { MemorySearchStore } from '../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../src/core/search/run-search.ts';
import { ROUTES, documentTitle, pageName } from '../../src/ui/routes.ts';
import { axeViolations, chartTextContrast, focusedElement, spilledContent, type AllowedViolation } from '../support/accessibility-checks.ts';
import { allowServiceWorkersByDefault, launchBrowser, openApp, startAppServer, type AppPage, type AppServer } from '../support/browser.ts';
import { squeezedCode, stageStopsOutOfStep } from '../support/presenter-stage.ts';
import { leavePythonUnstarted, pythonLeftUnstarted } from '../support/python-left-unstarted.ts';
import { loadTestProblem } from '../support/datasets.ts';
import { studyResultsDir } from '../support/study-results.ts';
import { environment, runStoredStudy, syntheticResultFile } from '../unit/results/result-file-fixtures.ts';
import { PROBLEMS, fakeWorld, searchSetup } from '../unit/search/run-search-fixtures.ts';
import { studyConfig, studyDraft } from '../unit/study/study-fixtures.ts';

// Offline use, updates or storage: pages run the app's service worker, as a user's do.
allowServiceWorkersByDefault();

const THEMES = ['light', 'dark'] as const;

/** Violations that are not the app's to fix. Each entry says why; keep it short. */
const ALLOWED: readonly AllowedViolation[] = [];

let browser: Browser;
let server: AppServer;
let app: AppPage;

/** A small study run in Node (two arms, one with forced iterations), as a gzipped result file. */
async function resultFileBytes(): Promise<Buffer> {
  const draft = studyDraft();
  draft.arms.push({ id: 'forced', label: 'llama forced', pipeline: llamaSelfRefine, forcedIterations: true });
  const stored = await runStoredStudy(studyConfig(draft));
  const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
  return Buffer.from(await exportResultFile(doc, { gzip: true }));
}

let resultFile: Buffer;

/** A two-generation search run in Node on the unit tests' fake model and sandbox, as a search file. */
async function searchFileBytes(): Promise<Buffer> {
  const setup = { ...searchSetup({ budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } }, { id: 'a11y-search' }), name: 'Audited search' };
  const world = fakeWorld();
  const store = new MemorySearchStore();
  await runSearch(setup, PROBLEMS, { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => 0 });
  const doc = buildSearchFile((await store.loadSearch(setup.id))!, new Date('2026-05-02T12:00:00Z'));
  return Buffer.from(await exportSearchFile(doc, { gzip: false }));
}

beforeAll(async () => {
  [server, browser, resultFile] = await Promise.all([startAppServer(), launchBrowser(), resultFileBytes()]);
  // The audits of pages only looked at leave the Playground's Python unstarted (lookOnly).
  app = await openApp(browser, server, { beforeOpen: (context) => leavePythonUnstarted(context, { whileAsked: true }) });
});

/** Runs a test's looking in the shared tab with Python left unstarted: it audits no Python state. */
function lookOnly<T>(look: () => Promise<T>): Promise<T> {
  return pythonLeftUnstarted(app.context, server, look);
}

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
});

/** Audits the current view in both themes, leaving the light theme on. */
async function auditBothThemes(page: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of THEMES) {
    await page.emulateMedia({ colorScheme });
    found.push(...(await axeViolations(page, `${where} [${colorScheme}]`, ALLOWED)));
    found.push(...(await chartTextContrast(page, `${where} [${colorScheme}]`)));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

/** The study's released files (main results, iteration analysis, error taxonomy, champions), as paths. */
function releasedFiles(): string[] {
  const dir = studyResultsDir();
  return [
    ...['main_results.json', 'iteration_analysis.json', 'error_taxonomy.json'].map((f) => join(dir, f)),
    ...readdirSync(join(dir, 'neat_runs')).filter((f) => f.endsWith('_champion.json')).map((f) => join(dir, 'neat_runs', f)),
  ];
}

/** Opens a page in the app; `fresh` loads the document anew (a page reads its link only when it mounts). */
/**
 * `fresh` loads the page anew, with none of the result files earlier tests opened in this tab:
 * the Results page reopens a tab's files after a reload, so their list is forgotten first.
 */
/**
 * Until a Results or Reproduce report is drawn whole (it is drawn a piece at a time, aria-busy
 * meanwhile): a wide table takes focus once it is measured, and a contents entry finds its heading.
 */
async function reportDrawn(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.report[aria-busy="true"]') === null, null, { timeout: 120_000 });
}

async function visit(page: Page, hash: string, fresh = false): Promise<void> {
  if (fresh) {
    await page.evaluate(() => sessionStorage.clear()).catch(() => undefined);
    await page.goto('about:blank');
  }
  await page.goto(`${server.url}${hash}`);
  await page.locator('main h1, .presenter h1, .presenter article.scene').first().waitFor({ timeout: 60_000 });
}

describe('accessibility (axe-core) in Chromium', () => {
  it('finds no violation on any page, in the light or the dark theme', { timeout: 120_000 }, async () => {
    const { page } = app;
    const pages = ['#/', '#/score', '#/playground', '#/models', '#/study', '#/search', '#/results', '#/reproduce', '#/presenter', '#/no-such-page'];
    const found: string[] = [];
    await lookOnly(async () => {
      for (const hash of pages) {
        await visit(page, hash);
        found.push(...(await auditBothThemes(page, hash)));
      }
    });
    expect(found).toEqual([]);
    expect(app.errors).toEqual([]);
  });

  it('finds none in the states a user reaches: a run in the Playground, a scored file, loaded results, the presenter', { timeout: 180_000 }, async () => {
    const { page } = app;
    const found: string[] = [];

    // A problem open in the Playground, run with a NameError: the result shows the traceback.
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    await visit(page, '#/playground?benchmark=humaneval&problem=HumanEval/2');
    await page.getByRole('heading', { name: /HumanEval\/2/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('textbox', { name: /^Your code/ }).fill(`${problem.prompt}    return numbr % 1.0\n`);
    await page.getByRole('button', { name: 'Run tests' }).click();
    await page.getByRole('region', { name: /Result/ }).getByText('failed', { exact: true }).waitFor({ timeout: 120_000 });
    found.push(...(await auditBothThemes(page, 'playground after a failed run')));

    // A finished scoring run: verdict table, failure summary, skipped lines.
    const [p0, p3] = await Promise.all(['HumanEval/0', 'HumanEval/3'].map((id) => loadTestProblem('humaneval', id)));
    const samples = [
      JSON.stringify({ task_id: 'HumanEval/0', completion: p0!.canonicalSolution }),
      '{"task_id": "HumanEval/1", "completion": ',
      JSON.stringify({ task_id: 'HumanEval/2', completion: '    return numbr % 1.0\n' }),
      JSON.stringify({ task_id: 'HumanEval/3', completion: p3!.canonicalSolution }),
    ].join('\n');
    await visit(page, '#/score');
    await page.getByRole('status').filter({ hasText: /HumanEval: 164 problems/ }).waitFor({ timeout: 60_000 });
    // One Python worker: what is audited is the page after a run, not workers side by side.
    await page.getByLabel(/^Workers/).fill('1');
    await page.getByLabel('Samples file').setInputFiles({ name: 'few.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(samples) });
    await page.getByRole('button', { name: 'Download few.jsonl_results.jsonl' }).waitFor({ timeout: 120_000 });
    found.push(...(await auditBothThemes(page, 'scoring after a run')));

    // A result file on the Results page, with a trajectory open in the explorer.
    await visit(page, '#/results');
    await page.getByLabel(/Result files/).setInputFiles({ name: 'study.json.gz', mimeType: 'application/gzip', buffer: resultFile });
    const explorer = page.locator('[data-section="explorer"]');
    await explorer.waitFor();
    await explorer.getByRole('button', { name: 'HumanEval/901' }).click();
    await explorer.getByLabel('Arm').selectOption({ label: 'llama self-refine' });
    await explorer.getByRole('heading', { name: /Version 1/ }).waitFor();
    found.push(...(await auditBothThemes(page, 'results with a file')));

    // The same file imported into the Study page's list: a stored study's card.
    await visit(page, '#/study');
    await page.getByLabel(/Import result files/).setInputFiles({ name: 'study.json.gz', mimeType: 'application/gzip', buffer: resultFile });
    await page.locator('article.study').waitFor();
    // A field at fault, its problem said under it (and in the list above Run study) in the theme's colour.
    await page.locator('section.new').getByLabel('Repeats').fill('0');
    await page.locator('section.new [aria-invalid="true"]').waitFor();
    found.push(...(await auditBothThemes(page, 'study with a stored study and a field at fault')));

    // A stored search on show on the Search page: fitness chart, champion, genome table.
    await visit(page, '#/search');
    await page.getByLabel(/Import search files/).setInputFiles({ name: 'search.json', mimeType: 'application/json', buffer: await searchFileBytes() });
    await page.locator('article.search').getByRole('button', { name: 'Show', exact: true }).click();
    await page.locator('#search-run-title', { hasText: 'Audited search' }).waitFor();
    found.push(...(await auditBothThemes(page, 'search with a search on show')));

    // The paper's released files on the Reproduce page.
    await visit(page, '#/reproduce');
    await page.getByLabel(/Released files/).setInputFiles(releasedFiles());
    await page.getByText('All four kinds of released file are loaded.').waitFor();
    await page.locator('[data-section="unfixable"]').waitFor();
    // The values under Figure 3's charts, open: tables a screen reader reads in place of the drawings.
    for (const values of await page.locator('[data-section="figure-3"] details.values summary').all()) await values.click();
    found.push(...(await auditBothThemes(page, 'reproduce with the released files')));

    // The presenter on stage: each kind of scene of the NameError demo, then its help.
    await page.goto(`${server.url}#/presenter?source=demo&demo=name-error&speed=step&autostart=1`);
    for (const kind of ['problem', 'generation', 'execution', 'briefing', 'refinement', 'execution', 'verdict']) {
      if (kind !== 'problem') await page.keyboard.press('ArrowRight');
      await page.locator(`article.scene[data-scene="${kind}"]`).waitFor({ timeout: 60_000 });
      found.push(...(await auditBothThemes(page, `presenter ${kind} scene`)));
    }
    await page.keyboard.press('?');
    await page.getByRole('dialog').waitFor();
    found.push(...(await auditBothThemes(page, 'presenter help')));

    expect(found).toEqual([]);
    expect(app.errors).toEqual([]);
  });

  it('finds none where the benchmarks cannot be loaded (offline): the failure on each page that needs one, and a wrong file picked', { timeout: 180_000 }, async () => {
    // A fresh context with nothing cached; service workers blocked so that the routes apply. This
    // site has no copy and upstream is unreachable, as offline or behind a firewall.
    const offline = await browser.newContext({ serviceWorkers: 'block' });
    const found: string[] = [];
    try {
      await offline.route(/\/datasets\/(HumanEval\.jsonl\.gz|sanitized-mbpp\.json)$/, (route) => route.fulfill({ status: 404, body: 'Not found' }));
      await offline.route('https://raw.githubusercontent.com/**', (route) => route.abort('internetdisconnected'));
      // Nothing runs here: the Playground's Python need not start.
      await leavePythonUnstarted(offline);
      const tab = await offline.newPage();
      const failed = tab.getByRole('alert').filter({ hasText: 'could not be loaded' }).first();
      for (const hash of ['#/score', '#/playground?benchmark=mbpp', '#/study', '#/search']) {
        await visit(tab, hash, true);
        await failed.waitFor({ timeout: 60_000 });
        found.push(...(await auditBothThemes(tab, `${hash} offline`)));
      }
      // The way out offered there: a file picked by hand, here one that is not the benchmark.
      await tab.getByLabel(/^HumanEval file/).setInputFiles({ name: 'HumanEval.jsonl.gz', mimeType: 'application/gzip', buffer: Buffer.from('not the benchmark') });
      await tab.locator('.pick-error[role="alert"]').waitFor();
      found.push(...(await auditBothThemes(tab, '#/search offline, a wrong file picked')));
    } finally {
      await offline.close();
    }
    expect(found).toEqual([]);
  });

  it('finds none on any page in an 800×600 window (a projector), in the light or the dark theme', { timeout: 120_000 }, async () => {
    const { page } = app;
    const found: string[] = [];
    await page.setViewportSize({ width: 800, height: 600 });
    try {
      await lookOnly(async () => {
        for (const hash of ['#/', '#/score', '#/playground', '#/models', '#/study', '#/search', '#/results', '#/reproduce', '#/presenter']) {
          await visit(page, hash);
          await reportDrawn(page);
          found.push(...(await auditBothThemes(page, `${hash} at 800×600`)));
        }
      });
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
    expect(found).toEqual([]);
  });

  it('finds none on the Results page with a file open in an 800×600 window: a table wider than the window takes focus, to be scrolled', { timeout: 120_000 }, async () => {
    const { page } = app;
    await page.setViewportSize({ width: 800, height: 600 });
    try {
      await visit(page, '#/results', true);
      await page.getByLabel(/Result files/).setInputFiles({ name: 'study.json.gz', mimeType: 'application/gzip', buffer: resultFile });
      await page.locator('[data-section="explorer"]').waitFor();
      expect(await auditBothThemes(page, 'results with a file at 800×600')).toEqual([]);
      // The arm pairs' table is wider than 800 px: its box is a named tab stop; a narrow one is none.
      const wide = page.locator('#results-pairs .table-scroll');
      expect(await wide.evaluate((box) => box.scrollWidth > box.clientWidth)).toBe(true);
      await wide.focus();
      expect(await wide.evaluate((box) => box === document.activeElement && box.getAttribute('role') === 'region' && box.getAttribute('aria-label'))).toBeTruthy();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => wide.evaluate((box) => box.scrollLeft)).toBeGreaterThan(0);
      // Every table box is a tab stop exactly when it overflows (some fit even at 800 px). The explorer's is not one of them: its buttons take focus.
      const boxes = await page.locator(".data-table .table-scroll").evaluateAll((all) => all.map((box) => ({ id: box.querySelector("table")?.id, overflows: box.scrollWidth > box.clientWidth + 1, stop: box.getAttribute('tabindex') === '0' })));
      expect(boxes.some((box) => !box.overflows)).toBe(true);
      expect(boxes.filter((box) => box.overflows !== box.stop)).toEqual([]);
      await page.getByRole('button', { name: 'Close study.json.gz' }).click();
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
    expect(app.errors).toEqual([]);
  });

  it('tells a screen reader which lines a diff adds and removes, not only the eye (colour and a mark it does not read)', { timeout: 120_000 }, async () => {
    const { page } = app;
    await visit(page, '#/results', true);
    await page.getByLabel(/Result files/).setInputFiles({ name: 'study.json.gz', mimeType: 'application/gzip', buffer: resultFile });
    const explorer = page.locator('[data-section="explorer"]');
    await explorer.getByRole('button', { name: 'HumanEval/901' }).click();
    await explorer.getByLabel('Arm').selectOption({ label: 'llama self-refine' });
    // The refinement turned `# name-error` / `return -1` into `# right` / `return 901`.
    const said = await explorer.getByRole('group', { name: 'Changes from version 1 to version 2' }).ariaSnapshot();
    expect(said).toMatch(/removed: +# name-error/);
    expect(said).toMatch(/added: +return 901/);
    expect(said).not.toMatch(/(added|removed): +def f901/);
    await page.getByRole('button', { name: 'Close study.json.gz' }).click();

    // The presenter's refinement scene: the demo's refiner adds an import.
    await page.goto(`${server.url}#/presenter?source=demo&demo=name-error&speed=step&autostart=1`);
    for (const kind of ['generation', 'execution', 'briefing', 'refinement']) {
      await page.locator('article.scene').first().waitFor({ timeout: 60_000 });
      await page.keyboard.press('ArrowRight');
      await page.locator(`article.scene[data-scene="${kind}"]`).waitFor({ timeout: 60_000 });
    }
    const onStage = await page.getByRole('group', { name: 'Changes against the previous code' }).ariaSnapshot();
    expect(onStage).toMatch(/added: import itertools/);
    expect(app.errors).toEqual([]);
  });

  it('gives the Search charts their values as a table, which a screen reader cannot get from the images', { timeout: 120_000 }, async () => {
    const { page } = app;
    await visit(page, '#/search', true);
    // Imported by the test above too: importing it again still leaves it listed.
    await page.getByLabel(/Import search files/).setInputFiles({ name: 'search.json', mimeType: 'application/json', buffer: await searchFileBytes() });
    await page.locator('article.search').first().getByRole('button', { name: 'Show', exact: true }).click();
    await page.locator('#search-run-title', { hasText: 'Audited search' }).waitFor();
    // Each chart is one image: its name and description, no numbers.
    expect(await page.getByRole('img', { name: /^Fitness per generation/ }).count()).toBe(1);
    await page.getByText("The charts' values, as a table").press('Enter');
    const table = page.getByRole('table', { name: 'Fitness and species per generation' });
    const rows = table.getByRole('row');
    expect(await rows.count()).toBe(1 + 2);
    expect(await rows.nth(0).textContent()).toMatch(/Generation.*Best fitness.*Mean fitness/);
    expect(await rows.nth(1).getByRole('cell').first().textContent()).toBe('0');
    expect(await rows.nth(1).getByRole('cell').nth(1).textContent()).toMatch(/^-?\d\.\d{3}$/);
    expect(await auditBothThemes(page, 'search with the charts as a table')).toEqual([]);
    expect(app.errors).toEqual([]);
  });

  it('reflows into a 320-px window (400% zoom) without sideways scrolling, on every page', { timeout: 120_000 }, async () => {
    const { page } = app;
    await page.setViewportSize({ width: 320, height: 640 });
    const wide: string[] = [];
    try {
      await lookOnly(async () => {
        for (const hash of ['#/', '#/score', '#/playground', '#/models', '#/study', '#/search', '#/results', '#/reproduce', '#/presenter', '#/no-such-page']) {
          await visit(page, hash);
          const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
          if (scroll > client) wide.push(`${hash}: ${scroll}px wide in a ${client}-px window`);
        }
      });
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }

    // Offline: the benchmark cannot be downloaded, and the failure lists the long URLs it tried.
    // A fresh context with no cached benchmark; service workers blocked so that the routes apply.
    const offline = await browser.newContext({ viewport: { width: 320, height: 640 }, serviceWorkers: 'block' });
    try {
      await offline.route(/HumanEval\.jsonl\.gz/, (route) => route.abort());
      const tab = await offline.newPage();
      await tab.goto(`${server.url}#/score`);
      await tab.getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor({ timeout: 60_000 });
      const { scroll, client } = await tab.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      if (scroll > client) wide.push(`#/score offline: ${scroll}px wide in a ${client}-px window`);
    } finally {
      await offline.close();
    }
    expect(wide).toEqual([]);
  });
});

/** A phone-narrow window (WCAG's reflow width), and a 1280×720 laptop screen at 200 % zoom: 640×360 CSS pixels at 2 device pixels each. */
const NARROW_SIZES = [
  { name: '320 px', viewport: { width: 320, height: 640 }, deviceScaleFactor: 1 },
  { name: '200 %', viewport: { width: 640, height: 360 }, deviceScaleFactor: 2 },
] as const;

/** Presses Tab once and names the element it reached, with what is wrong with its ring (under 3:1) or its place (off screen at a side). */
async function nextTabStop(page: Page, where: string): Promise<{ name: string; problems: string[] }> {
  await page.keyboard.press('Tab');
  const { name, ring } = await focusedElement(page);
  if (name === 'body') return { name, problems: [] };
  const box = await page.evaluate(() => {
    const rect = document.activeElement!.getBoundingClientRect();
    return { left: rect.left, right: rect.right, width: innerWidth };
  });
  const problems: string[] = [];
  if (ring < 3) problems.push(`${where}: Tab stop ${name} has a ring of ${ring.toFixed(2)}:1`);
  if (box.left < 0 || box.right > box.width + 1) problems.push(`${where}: Tab stop ${name} is off screen (${Math.round(box.left)}–${Math.round(box.right)} of ${box.width}px)`);
  return { name, problems };
}

/** Every page of the app, with the name its title and heading give it, and the unknown address's page. */
const EVERY_PAGE = [
  ...ROUTES.map((route) => ({ hash: `#/${route.path}`, title: documentTitle(route), heading: route.path === '' ? 'Feedback Lab' : pageName(route), fullWindow: route.fullWindow === true })),
  { hash: '#/no-such-page', title: 'Page not found · Feedback Lab', heading: 'Page not found', fullWindow: false },
];

describe('every page at 320 px and at 200 % zoom, in both themes, with reduced motion', () => {
  it('reflows with nothing cut off or spilling, passes axe (contrast included), keeps focus visible, has one h1, a title and a skip link, and keeps still', { timeout: 240_000 }, async () => {
    const problems: string[] = [];
    for (const size of NARROW_SIZES) {
      const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor, reducedMotion: 'reduce' });
      try {
        // Nothing runs here: the Playground's Python need not start.
        await leavePythonUnstarted(context);
        const page = await context.newPage();
        // Each page once, both themes on it: a visit mounts the page anew (the Playground starts
        // its Python), while the theme switches in place, as a user's system setting does.
        for (const { hash, title, heading, fullWindow } of EVERY_PAGE) {
          await visit(page, hash);
          // Where focus was when the first theme's Tab stops began (the page's h1, or nothing on
          // a first load): the next theme's start from there too.
          let start: JSHandle<Element | null> | undefined;
          for (const colorScheme of THEMES) {
            await page.emulateMedia({ colorScheme });
            const where = `${hash} at ${size.name} [${colorScheme}]`;
            const look = await page.evaluate(() => ({
              scroll: document.documentElement.scrollWidth,
              client: document.documentElement.clientWidth,
              title: document.title,
              // Shown or read out; index.html's hidden boot-failure box has an h1 of its own.
              headings: [...document.querySelectorAll('h1')].filter((h1) => h1.checkVisibility()).map((h1) => h1.textContent?.trim() ?? ''),
              skipLink: document.querySelector<HTMLAnchorElement>('a.skip-link[href="#main"]:not([hidden])') !== null,
              // Anything that moves for ever (a spinner, a caret) is left still when the system asks for less motion.
              moving: document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations === Infinity).length,
            }));
            if (look.scroll > look.client) problems.push(`${where}: the page scrolls sideways (${look.scroll}px in ${look.client}px)`);
            if (look.title !== title) problems.push(`${where}: title "${look.title}", not "${title}"`);
            if (look.headings.length !== 1) problems.push(`${where}: ${look.headings.length} h1 elements`);
            // The title names the page as its heading does (a tab list and a screen reader's page list say the same).
            else if (look.headings[0] !== heading) problems.push(`${where}: h1 "${look.headings[0]}", title "${look.title}"`);
            if (!look.skipLink && !fullWindow) problems.push(`${where}: no skip link`);
            if (look.moving > 0) problems.push(`${where}: ${look.moving} endless animations under reduced motion`);
            problems.push(...(await spilledContent(page)).map((spill) => `${where}: ${spill}`));
            problems.push(...(await axeViolations(page, where, ALLOWED)));
            if (!start) start = await page.evaluateHandle(() => document.activeElement);
            else await start.evaluate((element) => {
              if (element instanceof HTMLElement && element !== document.body) return element.focus();
              // Nothing had focus: Tab starts from the top of the document again.
              (document.activeElement as HTMLElement | null)?.blur();
              document.body.tabIndex = -1;
              document.body.focus();
              document.body.removeAttribute('tabindex');
            });
            // The first Tab stops: each shows a ring of 3:1 and is on screen, not cut off at the side.
            for (let i = 0; i < 4; i++) problems.push(...(await nextTabStop(page, where)).problems);
          }
          await start?.dispose();
        }
      } finally {
        await context.close();
      }
    }
    expect(problems).toEqual([]);
  });
});

/**
 * The Presenter's stage (after Start, the NameError demo stepped by hand), in the same two sizes:
 * a presenter who zooms the projector's browser, or shows a narrow window. Every scene of the demo.
 */
describe("the Presenter's stage at 320 px and at 200 % zoom, in both themes", () => {
  it('reflows every scene with nothing cut off or spilling and the code readable, passes axe, has its h1, and what scrolls (and only that) takes focus without taking the keys of the talk', { timeout: 300_000 }, async () => {
    const problems: string[] = [];
    const SCENES = ['problem', 'generation', 'execution', 'briefing', 'refinement', 'execution', 'verdict'];
    for (const size of NARROW_SIZES) {
      // No service worker: its offline copy (about 27 MB, seconds of a core) shows only in the
      // header's indicator, which the full-window stage hides.
      const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor, reducedMotion: 'reduce', serviceWorkers: 'block' });
      try {
        const page = await context.newPage();
        for (const colorScheme of THEMES) {
          await page.emulateMedia({ colorScheme });
          await page.goto(`${server.url}#/presenter?source=demo&demo=name-error&speed=step&autostart=1`);
          await page.reload();
          for (const [step, kind] of SCENES.entries()) {
            if (step > 0) await page.keyboard.press('ArrowRight');
            await page.locator(`article.scene[data-scene="${kind}"]`).waitFor({ timeout: 60_000 });
            const where = `stage ${step + 1} (${kind}) at ${size.name} [${colorScheme}]`;
            const look = await page.evaluate(() => ({
              scroll: document.documentElement.scrollWidth,
              client: document.documentElement.clientWidth,
              headings: [...document.querySelectorAll('h1')].filter((h1) => h1.checkVisibility()).map((h1) => (h1.textContent ?? '').trim()),
            }));
            if (look.scroll > look.client) problems.push(`${where}: the page scrolls sideways (${look.scroll}px in ${look.client}px)`);
            if (look.headings.length !== 1 || !look.headings[0]!.startsWith('HumanEval/0')) problems.push(`${where}: h1 elements ${JSON.stringify(look.headings)}`);
            problems.push(...(await spilledContent(page)).map((spill) => `${where}: ${spill}`));
            problems.push(...(await axeViolations(page, where, ALLOWED)));
            // The code shows whole, or at least 8 lines at a time (squeezed, it showed three), and
            // only what scrolls is a Tab stop.
            problems.push(...(await squeezedCode(page)).map((squeezed) => `${where}: ${squeezed}`));
            problems.push(...(await stageStopsOutOfStep(page)).map((stop) => `${where}: ${stop}`));
          }
          // Every Tab stop on the way to what scrolls on stage: a ring of 3:1, on screen.
          await page.keyboard.press('ArrowLeft');
          await page.locator('article.scene[data-scene="execution"]').waitFor();
          const stops: string[] = [];
          const onStage = () => page.evaluate(() => document.activeElement?.closest('.stage') !== null && document.activeElement !== document.body);
          for (let i = 0; i < 20 && !(await onStage()); i++) {
            const stop = await nextTabStop(page, `stage at ${size.name} [${colorScheme}]`);
            stops.push(stop.name);
            problems.push(...stop.problems);
          }
          if (!(await onStage())) problems.push(`stage at ${size.name} [${colorScheme}]: Tab never reaches the scene (${stops.join(', ')})`);
          // What has focus there scrolls: ↓ scrolls it and Space does too; → and ← still step the
          // talk, focus staying on the stage, and B still blanks it.
          await page.keyboard.press('ArrowDown');
          await page.keyboard.press('Space');
          if ((await page.getByLabel('Progress').textContent())?.includes('paused')) problems.push(`stage at ${size.name} [${colorScheme}]: Space on the stage paused the show`);
          // Keyboard scrolling may be animated: give it a moment.
          const scrolled = await page.evaluate(
            () => new Promise<boolean>((done) => setTimeout(() => done((document.activeElement?.scrollTop ?? 0) > 0), 500)),
          );
          if (!scrolled) problems.push(`stage at ${size.name} [${colorScheme}]: ↓ and Space do not scroll what has focus on the stage`);
          await page.keyboard.press('ArrowRight');
          await page.locator('article.scene[data-scene="verdict"]').waitFor({ timeout: 10_000 });
          if (!(await onStage())) problems.push(`stage at ${size.name} [${colorScheme}]: → took focus off the stage`);
          // The new scene starts at its top, not where the last one was scrolled to.
          if ((await page.locator('article.scene').evaluate((article) => article.scrollTop)) !== 0) problems.push(`stage at ${size.name} [${colorScheme}]: the verdict opens scrolled`);
          await page.keyboard.press('ArrowLeft');
          await page.locator('article.scene[data-scene="execution"]').waitFor({ timeout: 10_000 });
          // A clicker's page down and then next at once: → lands while the scroll is still moving
          // (Chromium animates it), and the verdict opens at its top all the same, and stays there.
          await page.keyboard.press('Space');
          await page.keyboard.press('ArrowRight');
          await page.locator('article.scene[data-scene="verdict"]').waitFor({ timeout: 10_000 });
          const tops = await page.locator('article.scene').evaluate(
            (article) =>
              new Promise<number[]>((done) => {
                const seen: number[] = [];
                const look = () => {
                  seen.push(Math.round(article.scrollTop));
                  if (seen.length < 20) requestAnimationFrame(look);
                  else done(seen);
                };
                requestAnimationFrame(look);
              }),
          );
          if (tops.some((top) => top !== 0)) problems.push(`stage at ${size.name} [${colorScheme}]: → during a scroll opens the verdict scrolled (${tops.join(' ')})`);
          await page.keyboard.press('ArrowLeft');
          await page.locator('article.scene[data-scene="execution"]').waitFor({ timeout: 10_000 });
          await page.keyboard.press('b');
          await page.locator('.presenter .blank').waitFor({ timeout: 10_000 });
          await page.keyboard.press('b');
          await page.locator('.presenter .blank').waitFor({ state: 'detached', timeout: 10_000 });
        }
      } finally {
        await context.close();
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('forced colours (Windows High Contrast) in Chromium', () => {
  it('still marks the current page in the navigation and a pressed toggle, which only a background told apart', { timeout: 120_000 }, async () => {
    // A tab of its own: pressing the theme toggle is remembered in this browser.
    const tab = await openApp(browser, server, { hash: '#/study' });
    try {
      const { page } = tab;
      await page.emulateMedia({ forcedColors: 'active' });
      const nav = page.getByRole('navigation', { name: 'Main' });
      await page.getByRole('heading', { level: 1, name: 'Study' }).waitFor();
      // What shows: the text colour on the first background that is not transparent, from the element up.
      const look = (locator: ReturnType<Page['locator']>) =>
        locator.evaluate((element) => {
          let background = 'none';
          for (let at: Element | null = element; at && background === 'none'; at = at.parentElement) {
            const colour = getComputedStyle(at).backgroundColor;
            if (!/^rgba\(.*, 0\)$|^transparent$/.test(colour)) background = colour;
          }
          return `${getComputedStyle(element).color} on ${background}`;
        });
      const current = await look(nav.getByRole('link', { name: 'Study' }));
      const other = await look(nav.getByRole('link', { name: 'Search' }));
      expect(current, 'the current page looks like every other link').not.toBe(other);

      const toggle = page.getByRole('button', { name: 'Dark theme' });
      const unpressed = await look(toggle);
      await toggle.press('Enter');
      await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
      expect(await look(toggle), 'the pressed theme toggle looks unpressed').not.toBe(unpressed);
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});

/** Waits until the focused element's description matches, and returns it for the message. */
async function expectFocusOn(page: Page, name: RegExp, when: string): Promise<void> {
  await expect.poll(async () => (await focusedElement(page)).name, { message: when, timeout: 60_000 }).toMatch(name);
}

describe('the keyboard in Chromium', () => {
  it('shows a focus ring, and form fields a border, of at least 3:1 at every Tab stop, in the light and the dark theme', { timeout: 120_000 }, async () => {
    const { page } = app;
    const faint: string[] = [];
    await lookOnly(async () => {
      for (const colorScheme of THEMES) {
        await page.emulateMedia({ colorScheme });
        for (const hash of ['#/', '#/score', '#/playground', '#/study', '#/presenter', '#/presenter?source=demo&demo=name-error&speed=step&autostart=1']) {
          await visit(page, hash, hash.includes('autostart'));
          if (hash.includes('autostart')) await page.locator('article.scene').waitFor({ timeout: 60_000 });
          for (let i = 0; i < 15; i++) {
            await page.keyboard.press('Tab');
            const { name, ring, edge } = await focusedElement(page);
            // The code editor takes Tab as an indent (Esc then Tab leaves it): enough stops on that page.
            if (name.startsWith('textarea')) break;
            if (name !== 'body' && ring < 3) faint.push(`${hash} [${colorScheme}] ${name}: ring ${ring.toFixed(2)}:1`);
            if (edge !== null && edge < 3) faint.push(`${hash} [${colorScheme}] ${name}: field border ${edge.toFixed(2)}:1`);
          }
        }
      }
    });
    await page.emulateMedia({ colorScheme: 'light' });
    expect([...new Set(faint)]).toEqual([]);
    expect(app.errors).toEqual([]);
  });

  it('keeps focus on a control, not <body>, when the one pressed is disabled, replaced or removed', { timeout: 180_000 }, async () => {
    const { page } = app;

    // Playground: Run tests stays focused while the tests run, so Enter again or Tab goes on from there.
    await visit(page, '#/playground?benchmark=humaneval&problem=HumanEval/2');
    await page.getByRole('heading', { name: /HumanEval\/2/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Run tests' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: /Result/ }).getByText(/^(passed|failed)$/).first().waitFor({ timeout: 120_000 });
    await expectFocusOn(page, /^button "Run tests"/, 'Playground: after Run tests');

    // Scoring: the start button disables itself, so focus goes to Cancel; Cancel goes at the end,
    // so focus goes to the verdicts.
    await visit(page, '#/score');
    await page.getByRole('status').filter({ hasText: /HumanEval: 164 problems/ }).waitFor({ timeout: 60_000 });
    // One Python worker: the focus checks need runs, not workers side by side.
    await page.getByLabel(/^Workers/).fill('1');
    await page.getByRole('button', { name: 'Score the canonical solutions' }).focus();
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /^button "Cancel"/, 'Scoring: after Score the canonical solutions');
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /^(h2 "Verdicts for canonical-humaneval\.jsonl \(HumanEval, standard mode\)"|button "Score the canonical solutions")/, 'Scoring: after Cancel');
    // Someone who clicked away (onto the footer's text: focus goes nowhere) is left there: the end
    // of a run does not pull focus, and the page, to the verdicts.
    const canonical = page.getByRole('button', { name: 'Score the canonical solutions' });
    await canonical.click();
    await page.getByRole('button', { name: 'Cancel' }).waitFor();
    await page.locator('footer').click({ position: { x: 5, y: 5 } });
    await page.getByRole('button', { name: 'Cancel' }).evaluate((button) => (button as HTMLButtonElement).click());
    await expect.poll(() => canonical.isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.waitForTimeout(300);
    expect((await focusedElement(page)).name, 'Scoring: a run ended after a click elsewhere').toBe('body');
    const p0 = await loadTestProblem('humaneval', 'HumanEval/0');
    // 51 samples: two pages of verdicts.
    const samples = [
      JSON.stringify({ task_id: 'HumanEval/0', completion: p0.canonicalSolution }),
      ...Array.from({ length: 50 }, (_, i) => JSON.stringify({ task_id: `HumanEval/${i + 1}`, completion: '    pass\n' })),
    ];
    const samplesInput = page.getByLabel('Samples file');
    await samplesInput.focus();
    await samplesInput.setInputFiles({ name: 'many.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(samples.join('\n')) });
    await page.getByText('1 passed, 50 failed', { exact: true }).waitFor({ timeout: 120_000 });
    await expectFocusOn(page, /^h2 "Verdicts for many\.jsonl \(HumanEval, standard mode\)"/, 'Scoring: after a file is scored');
    // Next onto the last page stays focused (a disabled Next would drop focus to <body>).
    await page.getByRole('navigation', { name: 'Verdict pages' }).getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Page 2 of 2').waitFor();
    await expectFocusOn(page, /^button "Next"/, 'Scoring: after Next to the last page');

    // Results: the file input is disabled while it reads, and Close takes its line away.
    await visit(page, '#/results', true);
    const resultsInput = page.getByLabel(/Result files/);
    await resultsInput.focus();
    await resultsInput.setInputFiles({ name: 'kept.json.gz', mimeType: 'application/gzip', buffer: resultFile });
    await page.locator('[data-section="explorer"]').waitFor();
    await expectFocusOn(page, /^input/, 'Results: after reading a file');
    // Remove takes its pair's line away: focus goes to the Baseline picker.
    await page.locator('[data-section="pairs"]').getByRole('button', { name: /^Remove / }).first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Baseline').evaluate((select) => select === document.activeElement), { message: 'Results: after Remove' }).toBe(true);
    await page.getByRole('button', { name: 'Close kept.json.gz' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-section]').count()).toBe(0);
    await expectFocusOn(page, /^input/, 'Results: after Close');
    // The explorer's last "Show more" goes away when pressed: focus goes to the first new problem.
    const many = await syntheticResultFile(45, 1, 2);
    await resultsInput.setInputFiles({ name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(many)) });
    await page.getByRole('button', { name: 'Show 5 more' }).focus();
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /^button "HumanEval\/40"/, 'Results: after Show 5 more');
    await page.getByRole('button', { name: 'Close many.json' }).click();

    // Reproduce: Load is disabled while it fetches; focus comes back to it when the files are in.
    await visit(page, '#/reproduce');
    await page.getByRole('button', { name: 'Load the released files' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('All four kinds of released file are loaded.').waitFor();
    await expectFocusOn(page, /^button "Load the released files"/, 'Reproduce: after Load the released files');

    // Reproduce: a section in the contents list takes focus to that section's heading.
    await visit(page, '#/reproduce');
    await page.getByLabel(/Released files/).setInputFiles(releasedFiles());
    const contents = page.getByRole('navigation', { name: 'Sections' }).getByRole('button');
    await contents.first().waitFor();
    await reportDrawn(page);
    const last = contents.last();
    const title = ((await last.textContent()) ?? '').trim().replace(/ \(\d+\)$/, '');
    await last.focus();
    await page.keyboard.press('Enter');
    await expectFocusOn(page, new RegExp(`^h2 "${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'Reproduce: after a section in the contents');

    // Study list: Delete… asks first (focus on the safe answer), Keep it or Escape goes back, Yes removes the card.
    await visit(page, '#/study');
    await page.getByRole('heading', { name: 'Studies in this browser' }).waitFor();
    const importInput = page.getByLabel(/Import result files/);
    await importInput.focus();
    await importInput.setInputFiles({ name: 'kept.json.gz', mimeType: 'application/gzip', buffer: resultFile });
    // "Added to" when the audit above imported it already.
    await page.getByText(/^(Imported|Added to) “/).waitFor();
    await expectFocusOn(page, /^input/, 'Study list: after an import');
    const card = page.locator('article.study').first();
    await card.getByRole('button', { name: 'Delete…' }).focus();
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /^button "Keep it"/, 'Study list: after Delete…');
    // The question is heard with the answer focused: the group's name alone does not say what goes.
    const described = await page.evaluate(() => document.getElementById(document.activeElement?.getAttribute('aria-describedby') ?? '')?.textContent);
    expect(described, 'Study list: Keep it is described by the question').toMatch(/^Delete this study and its \d+ steps\?$/);
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /^button "Delete…"/, 'Study list: after Keep it');
    // Escape is Keep it, from either answer.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab');
    await expectFocusOn(page, /^button "Yes, delete"/, 'Study list: Shift+Tab from Keep it');
    await page.keyboard.press('Escape');
    await expectFocusOn(page, /^button "Delete…"/, 'Study list: after Escape');
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /^button "Keep it"/, 'Study list: after Delete… again');
    await page.keyboard.press('Shift+Tab');
    await expectFocusOn(page, /^button "Yes, delete"/, 'Study list: Shift+Tab from Keep it');
    await page.keyboard.press('Enter');
    await card.waitFor({ state: 'detached' });
    await expectFocusOn(page, /^h2 "Studies in this browser"/, 'Study list: after Yes, delete');

    // Presenter: Start and Setup swap the view; the help dialog keeps Tab and gives focus back.
    await visit(page, '#/presenter?source=demo&demo=name-error&speed=step', true);
    await page.getByRole('button', { name: 'Start' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('article.scene').waitFor({ timeout: 60_000 });
    await expectFocusOn(page, /^button "Next step \(Space\)"/, 'Presenter: after Start');
    await page.keyboard.press('?');
    await expectFocusOn(page, /^button "Close"/, 'Presenter: help opened');
    await page.keyboard.press('Tab');
    await expectFocusOn(page, /^button "Close"/, 'Presenter: Tab in the help');
    await page.keyboard.press('Shift+Tab');
    await expectFocusOn(page, /^button "Close"/, 'Presenter: Shift+Tab in the help');
    await page.keyboard.press('Escape');
    await expectFocusOn(page, /^button "Next step \(Space\)"/, 'Presenter: help closed');
    await page.getByRole('button', { name: 'Back to the setup' }).focus();
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /^button "Start/, 'Presenter: after Setup');

    expect(app.errors).toEqual([]);
  });
});
