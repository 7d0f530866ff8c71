import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { llamaSelfRefine, llamaSolo } from '../../src/core/pipeline/presets.ts';
import { configHash } from '../../src/core/results/config-hash.ts';
import type { ResultFile } from '../../src/core/results/result-file.ts';
import { buildResultFile, resultUnitsFromStore } from '../../src/core/results/result-file-build.ts';
import { exportResultFile, reportFileStem } from '../../src/core/results/result-file-export.ts';
import { RELEASED_SOURCE_FILES } from '../../src/core/reproduce/released-sources.ts';
import { axeViolations } from '../support/accessibility-checks.ts';
import { allowServiceWorkersByDefault, launchBrowser, openApp, saveScreenshot, startAppServer, type AppServer } from '../support/browser.ts';
import { readReleasedBytes, studyResultsDir } from '../support/study-results.ts';
import { resultFile as paperArmsFile } from '../unit/analysis/paper-fixtures.ts';
import { environment, runStoredStudy } from '../unit/results/result-file-fixtures.ts';
import { studyConfig, studyDraft } from '../unit/study/study-fixtures.ts';

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

async function shoot(section: Locator, name: string): Promise<void> {
  await section.scrollIntoViewIfNeeded();
  await saveScreenshot(section, name);
}

/** Every released file, as paths for the file input; fails loudly when they are missing. */
function releasedFilePaths(): string[] {
  const dir = studyResultsDir();
  const top = ['main_results.json', 'iteration_analysis.json', 'error_taxonomy.json'].map((f) => join(dir, f));
  let champions: string[];
  try {
    champions = readdirSync(join(dir, 'neat_runs'))
      .filter((f) => f.endsWith('_champion.json'))
      .map((f) => join(dir, 'neat_runs', f));
  } catch (error) {
    throw new Error(`Study results missing: cannot read ${join(dir, 'neat_runs')} (${(error as Error).message}). Set STUDY_RESULTS_DIR.`);
  }
  for (const file of top) readFileSync(file); // throws, naming the file, when absent
  return [...top, ...champions];
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'latin1') };
}

const REPRODUCE_SECTIONS = ['table-1', 'table-2', 'paired', 'table-3', 'table-4', 'table-5', 'table-6', 'figure-3', 'table-7', 'table-8', 'unfixable'];

describe('the Reproduce page on the study\'s released files', () => {
  it('renders every section, explains 4.7σ vs 3.8σ and 7 vs 15 unsolved, and downloads tables and figures', async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce' });
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Reproduce the paper' }).waitFor();

    // One file first: the page says which ones are still missing.
    const paths = releasedFilePaths();
    const input = page.getByLabel(/Released files/);
    await input.setInputFiles(paths[0]!);
    await page.getByText(/Missing: iteration_analysis\.json/).waitFor();
    await page.locator('[data-section="table-4"]').getByText(/Needs iteration_analysis\.json/).waitFor();

    await input.setInputFiles(paths);
    await page.getByText('All four kinds of released file are loaded.').waitFor();
    expect(await page.getByText('Not used').count()).toBe(0);

    for (const id of REPRODUCE_SECTIONS) {
      const section = page.locator(`[data-section="${id}"]`);
      await section.waitFor();
      expect(await section.getByRole('alert').count(), `section ${id} has an error`).toBe(0);
      expect(await section.locator('table, svg').count(), `section ${id} shows nothing`).toBeGreaterThan(0);
      await shoot(section, `analysis-reproduce-${id}`);
    }

    // Table 2: the printed 4.7σ against 3.8σ by the formula used everywhere else, flagged and explained.
    const table2 = page.locator('[data-section="table-2"]');
    const sigmaRow = table2.getByRole('row').filter({ hasText: 'Self-refine vs solo (llama)' }).filter({ hasText: 'HumanEval σ' });
    await expect.poll(() => sigmaRow.textContent()).toMatch(/4\.7σ.*3\.8σ.*mismatch/);
    expect(await sigmaRow.textContent()).toMatch(/formula/);
    expect(await sigmaRow.getByText('mismatch').isVisible()).toBe(true);
    // The computed σ keeps Δ's sign (the paper prints 0.1σ unsigned), and the note says so.
    const crossModel = table2.locator('#paper-table-2').getByRole('row').filter({ hasText: 'Cross-model vs self-refine' });
    expect((await crossModel.locator('td').allTextContents()).slice(-2)).toEqual(['-0.4', '-0.10σ']);
    await table2.getByText(/The paper prints σ without a sign \(Cross-model vs self-refine: Δ -0\.4, printed 0\.1σ\)/).waitFor();

    // §4.8: "7 unfixable" against the 15 problems no arm solved, traced to bare asserts logged as None.
    const unfixable = page.locator('[data-section="unfixable"]');
    const gapRow = unfixable.getByRole('row').filter({ hasText: 'Problems solved by no configuration' });
    expect(await gapRow.textContent()).toMatch(/7 of 164.*15 of 164.*mismatch.*bare AssertionError/);
    expect(await gapRow.getByText(/bare AssertionError/).isVisible()).toBe(true);
    expect(await unfixable.getByRole('columnheader', { name: 'Arms ending on None (mostly a bare assert)' }).count()).toBe(1);

    // The paired McNemar on the released per-problem verdicts.
    const pairedSection = page.locator('[data-section="paired"]');
    const paired = pairedSection.getByRole('row').filter({ hasText: 'Self-refine vs solo (llama)' });
    expect(await paired.textContent()).toContain('0.0023');
    // Its CSV holds p as a number to 12 significant digits: 5.5e-12 where the page shows "< 0.0001".
    const pairedCsv = (await downloaded(page, () => pairedSection.getByRole('button', { name: /Paired tests.*as CSV/ }).click())).text.split('\r\n');
    expect(pairedCsv.find((line) => line.startsWith('Self-refine vs solo (llama),'))!.split(',')[5]).toBe('0.00231570005417');
    expect(pairedCsv.find((line) => line.startsWith('Coder self-refine vs best llama,'))!.split(',')[5]).toMatch(/^5\.5\d*e-12$/);

    // Table 3: the champion's HumanEval/32 (no execution recorded: the 120 s cap) is in no row; the page and its CSV say so.
    const table3 = page.locator('[data-section="table-3"]');
    const capped = table3.getByRole('row').filter({ hasText: 'NEAT champion · TimeoutError †' });
    expect((await capped.locator('td').allTextContents()).map((t) => t.trim())).toEqual(['2', '0', '0 %', '1']);
    await table3.getByText(/^† Not counted: HumanEval\/32 of NEAT champion \(first error logged as TimeoutError\)/).waitFor();
    const table3Csv = await downloaded(page, () => table3.getByRole('button', { name: /Table 3 \(HumanEval\).*as CSV/ }).click());
    const table3Lines = Buffer.from(table3Csv.text, 'latin1').toString('utf8').split('\r\n');
    expect(table3Lines[0]).toBe('Arm · first error,Problems,Fixed,Fix rate (%),Not counted: no execution recorded');
    expect(table3Lines).toContain('NEAT champion · TimeoutError †,2,0,0,1');
    // The ledger names, per row, the reading of the files that gives the printed range.
    const nameErrorRow = table3.locator('#table-3-ledger').getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'NameError', exact: true }) });
    expect(await nameErrorRow.textContent()).toContain("this row's printed range comes from both files, without the coder arm, rounded; but no one rule fits all rows.");

    // Downloads: a table as CSV and Markdown, a figure as SVG (colours baked in) and PNG.
    const table1 = page.locator('[data-section="table-1"]');
    const csv = await downloaded(page, () => table1.getByRole('button', { name: /Table 1 \(HumanEval\).*as CSV/ }).click());
    expect(csv.name).toBe('paper-table-1.csv');
    expect(csv.text.split('\r\n')[0]).toBe('Arm,"Passes, run 1","Passes, run 2","Passes, run 3","Passes, run 4","Passes, run 5",Mean,SD,% of 164');
    // The pass-rate figure's method, under the table of its values.
    await table1.getByText(/^The CI resamples problems, each scored by the share of its runs that solved it: 10,000 resamples, seed \d+\.$/).first().waitFor();
    const md = await downloaded(page, () => table1.getByRole('button', { name: /Table 1 \(HumanEval\).*as Markdown/ }).click());
    expect(md.text).toContain('| --- | --- | ---: | ---: | ---: |');
    const svg = await downloaded(page, () => table1.getByRole('button', { name: /Consistency.*as SVG/ }).click());
    expect(svg.name).toMatch(/\.svg$/);
    expect(svg.text).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.text).not.toContain('var(--');
    const png = await downloaded(page, () => table1.getByRole('button', { name: /Consistency.*as PNG/ }).click());
    expect(png.name).toMatch(/\.png$/);
    expect(png.text.slice(1, 4)).toBe('PNG');

    // Figure 3: each figure is named by its title alone, not with its download buttons, and a
    // transition matrix's counts are in a table under it, closed until asked for.
    const figure3 = page.locator('[data-section="figure-3"]');
    for (const caption of await figure3.locator('figcaption .caption-text').allTextContents()) {
      expect(await figure3.getByRole('figure', { name: caption, exact: true }).count(), caption).toBe(1);
    }
    const matrix = figure3.locator('.matrices .chart-box').first();
    const drawn = await matrix.locator('svg text.value-label').allTextContents();
    expect(drawn).toHaveLength(64);
    expect(await matrix.locator('details.values table').isVisible()).toBe(false);
    await matrix.locator('details.values summary').click();
    expect(await matrix.locator('details.values tbody td').allTextContents()).toEqual(drawn);

    await app.screenshot('analysis-reproduce-page');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('says once why an edited main_results.json cannot be analysed, and sends a Feedback Lab result file to the Results page', async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce' });
    const { page } = app;
    const main = JSON.parse(readFileSync(join(studyResultsDir(), 'main_results.json'), 'utf8')) as { configs: { name: string }[] };
    main.configs[0]!.name = 'renamed arm';
    await page.getByLabel(/Released files/).setInputFiles([
      { name: 'main_results.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(main)) },
      { name: 'full.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'feedback-lab/results', version: 3 })) },
    ]);
    const alerts = page.getByRole('alert');
    await alerts.filter({ hasText: 'main_results.json could not be analysed.' }).waitFor();
    await page.locator('.report[aria-busy="false"]').waitFor();
    // One alert for the one file, not one per table built from it.
    expect(await alerts.count()).toBe(1);
    expect(await alerts.textContent()).toMatch(/main_results\.json has no arm .*Not computed because of it: Table 1, Table 2, Table 7\./);
    for (const id of ['table-1', 'table-2', 'table-7']) {
      await page.locator(`[data-section="${id}"]`).getByText('Not computed: main_results.json could not be analysed.').waitFor();
    }
    expect(await page.getByText(/analysed together/).count()).toBe(0);

    const notUsed = page.locator('.file-list li', { hasText: 'full.json' });
    expect(await notUsed.textContent()).toMatch(/Not used full\.json — This is a Feedback Lab result file/);
    await notUsed.getByRole('link', { name: 'Open it on the Results page' }).click();
    await page.getByRole('heading', { level: 1, name: 'Results' }).waitFor();
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('keeps drawing frames while it computes and draws the report (its bootstraps run in a worker)', async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce' });
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Reproduce the paper' }).waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[] };
      w.__frames = [];
      const tick = () => {
        w.__frames.push(performance.now());
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const started = await page.evaluate(() => performance.now());
    await page.getByLabel(/Released files/).setInputFiles(releasedFilePaths());
    await page.locator('[data-section="unfixable"] #unfixable-ledger').waitFor();
    await page.locator('.report[aria-busy="false"]').waitFor();
    const { frames, ended } = await page.evaluate(() => ({ frames: (window as unknown as { __frames: number[] }).__frames, ended: performance.now() }));
    const during = [started, ...frames.filter((t) => t > started && t < ended), ended];
    const longestGap = Math.max(...during.slice(1).map((t, i) => t - during[i]!));
    // It was one task: the report computed (10,000 resamples per arm and pair) and mounted on the page's thread.
    expect(longestGap, `longest gap between frames in ${Math.round(ended - started)} ms`).toBeLessThan((ended - started) / 2);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('draws its figures in the dark theme too', async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce', colorScheme: 'dark' });
    await app.page.getByLabel(/Released files/).setInputFiles(releasedFilePaths());
    const figure3 = app.page.locator('[data-section="figure-3"]');
    await figure3.locator('svg').first().waitFor();
    const background = await figure3.locator('figure').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).not.toBe('rgb(255, 255, 255)');
    await shoot(figure3, 'analysis-reproduce-figure-3-dark');

    // Printed, it is on white paper: the chart's words are dark, not the dark theme's white on white.
    await app.page.emulateMedia({ media: 'print' });
    const tickFill = await figure3.locator('.tick-label').first().evaluate((el) => getComputedStyle(el).fill);
    expect(tickFill).toBe('rgb(27, 29, 33)');
    // An A4 page's width inside its margins: no table runs past it, its last columns lost (paper cannot scroll).
    await app.page.setViewportSize({ width: 700, height: 1000 });
    await app.page.evaluate(() => dispatchEvent(new Event('beforeprint')));
    const cut = await app.page.locator('.data-table .table-scroll').evaluateAll((boxes) =>
      boxes.filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => box.querySelector('caption')?.textContent?.trim().slice(0, 60)),
    );
    expect(cut).toEqual([]);
    await app.page.emulateMedia({ media: 'screen' });
    expect(app.errors).toEqual([]);
    await app.close();
  });
});

describe("loading the released files without picking them", () => {
  /**
   * For the tests that stand in for GitHub with context.route: no service worker. Once the app's
   * worker controls the page (it claims it a moment after the page opens), the page's requests to
   * GitHub go through the worker, whose own fetches the routes do not see: they went to the real
   * network (none here), so the fallback failed in about one run in five.
   */
  const GITHUB_ROUTED = 'block';

  /** Every request the page (and its service worker) made to the study repository on GitHub. */
  function githubRequests(context: BrowserContext): string[] {
    const urls: string[] = [];
    context.on('request', (r) => {
      if (r.url().startsWith('https://raw.githubusercontent.com/')) urls.push(r.url());
    });
    return urls;
  }

  it("a link with load=1 opens the whole report from this site's copy, with no trip to GitHub", async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce?load=1' });
    const asked = githubRequests(app.context);
    await app.page.getByText('All four kinds of released file are loaded.').waitFor();
    for (const id of REPRODUCE_SECTIONS) await app.page.locator(`[data-section="${id}"]`).locator('table, svg').first().waitFor();
    expect(asked).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it("falls back to the study repository at the pinned commit when this site has no copy", async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce', serviceWorkers: GITHUB_ROUTED });
    const { context, page } = app;
    await context.route('**/released/**', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    const served: string[] = [];
    await context.route('https://raw.githubusercontent.com/**', (route) => {
      const url = route.request().url();
      const match = /\/L3G\/feedback-over-form\/bb7da36f222cfcab0fa2009139a7378d551ba740\/results\/(.+)$/.exec(url);
      if (!match) return route.fulfill({ status: 404, body: 'Not found' });
      served.push(match[1]!);
      return route.fulfill({ status: 200, body: readReleasedBytes(match[1]!), headers: { 'access-control-allow-origin': '*' } });
    });
    await page.getByRole('button', { name: 'Load the released files' }).click();
    // Fetched, parsed and computed in a worker: past 30 s when CI's cores are saturated.
    await page.getByText('All four kinds of released file are loaded.').waitFor({ timeout: 120_000 });
    expect(served.sort()).toEqual(RELEASED_SOURCE_FILES.map((f) => f.path).sort());
    // Each file named once; a champion's line also says which released pattern it is.
    const fileLines = (await page.locator('.file-list li').allTextContents()).map((line) => line.replace(/\s+/g, ' ').trim());
    expect(fileLines).toContain('Recognised main_results.json — the five-run results (Tables 1, 2, 7)');
    expect(fileLines).toContain('Recognised v2_champion.json — neat_runs/*_champion.json, the search champion (Table 8)');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(app.errors.filter((e) => !e.includes('404'))).toEqual([]);
    await app.close();
  });

  it('says what failed where when nothing can be fetched, and picking the files still works', async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce', serviceWorkers: GITHUB_ROUTED });
    const { context, page } = app;
    await context.route('**/released/**', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await context.route('https://raw.githubusercontent.com/**', (route) => route.abort('internetdisconnected'));
    await page.getByRole('button', { name: 'Load the released files' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not fetch' });
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('Could not fetch any of the released files');
    expect(text).toMatch(/released\/: HTTP 404 Not Found \(every file\)/);
    expect(text).toContain('raw.githubusercontent.com/L3G/feedback-over-form/');
    // A place that does not answer is worded as the benchmark loader words it, not as the browser's bare "Failed to fetch".
    expect(text).toMatch(/results\/: no answer \(offline, blocked, or the server does not allow this site\): Failed to fetch \(every file\)/);
    expect(text).toContain('pick them above');
    expect(await axeViolations(page, 'Reproduce, nothing could be fetched')).toEqual([]);
    expect(await page.getByRole('button', { name: 'Load the released files' }).isEnabled()).toBe(true);

    await page.getByLabel(/Released files/).setInputFiles(releasedFilePaths());
    await page.getByText('All four kinds of released file are loaded.').waitFor();
    // Picking them was what the alert asked for: it does not stay up over a complete report.
    expect(await alert.count()).toBe(0);

    // Forgetting them from the keyboard leaves focus on the page's loader, not on <body>.
    const forget = page.getByRole('button', { name: 'Forget the loaded files' });
    await forget.focus();
    await page.keyboard.press('Enter');
    await forget.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Load the released files');
    await app.close();
  });

  it('reads a picked results/ folder whole, neat_runs/ included, leaving out its files that are not JSON', async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce' });
    const { page } = app;
    releasedFilePaths(); // fails loudly, naming the file, when the study's results are missing
    // A file dialog picks files from one folder: the champions in neat_runs/ took a second pick.
    await page.getByLabel(/results\/ folder/).setInputFiles(studyResultsDir());
    await page.getByText('All four kinds of released file are loaded.').waitFor();
    const files = page.locator('.file-list li');
    expect(await files.count()).toBe(RELEASED_SOURCE_FILES.length);
    // LICENSE and SOURCE.md sit beside the results: not listed as files it could not use.
    expect(await page.getByText('Not used').count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('can be cancelled from the keyboard while a file hangs, keeping the files that arrived and trying nowhere else', async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce', serviceWorkers: GITHUB_ROUTED });
    const { context, page } = app;
    const asked = githubRequests(context);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The third file never comes, as from a server that stalls.
    await context.route('**/released/error_taxonomy.json', async (route) => {
      await held;
      await route.abort().catch(() => undefined);
    });
    const load = page.getByRole('button', { name: 'Load the released files' });
    await load.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Fetching error_taxonomy.json (3 of 6)…').waitFor();
    // The disabled loader hands keyboard focus to Cancel, so Enter again cancels.
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel');
    await page.keyboard.press('Enter');
    await page.getByText('Cancelled. The 2 files that had arrived are kept; Load the released files fetches the rest.').waitFor();
    await cancel.waitFor({ state: 'detached' });
    // The cancel is not a failure: no alert, no trip to the repository for the file, and focus is back on the loader.
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(asked).toEqual([]);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Load the released files');
    // Listed once the report's worker has read them (5146498): not at once.
    await expect.poll(() => page.locator('.file-list li').allTextContents()).toEqual([
      expect.stringContaining('main_results.json'),
      expect.stringContaining('iteration_analysis.json'),
    ]);
    release();
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('forgetting the files while they are fetched is not undone when the fetch ends', async () => {
    const app = await openApp(browser, server, { hash: '#/reproduce' });
    const { context, page } = app;
    await page.getByLabel(/Released files/).setInputFiles(releasedFilePaths().filter((p) => p.endsWith('main_results.json')));
    const forget = page.getByRole('button', { name: 'Forget the loaded files' });
    await forget.waitFor();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await context.route('**/released/**', async (route) => {
      await held;
      await route.fallback();
    });
    await page.getByRole('button', { name: 'Load the released files' }).click();
    await page.getByText(/Fetching .* of 6\)…/).waitFor();
    // While a fetch runs there is nothing to forget yet: the files it brings would come back.
    expect(await forget.isDisabled()).toBe(true);
    release();
    await page.getByText('All four kinds of released file are loaded.').waitFor();
    expect(await forget.isEnabled()).toBe(true);
    await app.close();
  });
});

/** An arm label as a pipeline's description can make it: long, with spaces. */
const LONG_LABEL = 'qwen2.5:1.5b generator (T=0.3) then llama3.2:3b refiner (T=0.2), three iterations forced without early stopping, the study prompts';
const HOSTILE_LABEL = '<img src=x onerror="document.title=\'pwned\'"> forced';

async function resultFileBytes(): Promise<Buffer> {
  const draft = studyDraft();
  draft.arms.push({ id: 'forced', label: HOSTILE_LABEL, pipeline: llamaSelfRefine, forcedIterations: true });
  const stored = await runStoredStudy(studyConfig(draft));
  const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
  return Buffer.from(await exportResultFile(doc, { gzip: true }));
}

const RESULTS_SECTIONS = ['summary', 'pairs', 'consistency', 'errors', 'iterations', 'single-vs-mean', 'explorer'];

describe('the Results page on a result file', () => {
  it('renders every section from a study run here, and keeps hostile text as text', async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Results' }).waitFor();

    await page.getByLabel(/Result files/).setInputFiles({ name: 'feedback.json.gz', mimeType: 'application/gzip', buffer: await resultFileBytes() });
    await page.getByText(/feedback\.json\.gz — “Feedback against no feedback”/).waitFor();

    for (const id of RESULTS_SECTIONS) {
      const section = page.locator(`[data-section="${id}"]`);
      await section.waitFor();
      expect(await section.locator('table, svg').count(), `section ${id} shows nothing`).toBeGreaterThan(0);
      await shoot(section, `analysis-results-${id}`);
    }

    // The study's known truth: solo passes 1 then 2, self-refine 3 then 4 (of 5).
    const summary = page.locator('[data-section="summary"]');
    expect(await summary.getByRole('row').filter({ hasText: 'llama self-refine' }).first().textContent()).toContain('3, 4');
    // Single run vs mean: each run against the other run, not against a mean that counts it (3 vs 4, best 4 vs 3).
    const single = page.locator('[data-section="single-vs-mean"]');
    const singleRow = single.getByRole('row').filter({ hasText: 'llama self-refine' }).first();
    expect((await singleRow.locator('td').allTextContents()).slice(0, 7)).toEqual(['3', '4.0', '1.0', '-25.0 %', '4', '3.0', '33.3 %']);
    expect(await single.getByRole('columnheader', { name: 'Mean of the other runs' }).count()).toBe(1);
    // Forced iterations give the iteration table and the break table.
    const iterations = page.locator('[data-section="iterations"]');
    expect(await iterations.getByRole('table').count()).toBeGreaterThanOrEqual(2);
    // Each figure is named by its title alone; the cumulative solved with early stopping, drawn
    // only as lines, has its every point in a table under the chart.
    for (const caption of await page.locator('figcaption .caption-text').allTextContents()) {
      expect(await page.getByRole('figure', { name: caption, exact: true }).count(), caption).toBeGreaterThan(0);
    }
    const lines = iterations.locator('.chart-box', { has: page.locator('svg polyline') }).first();
    await lines.locator('details.values summary').click();
    // Points are the markers with a tooltip (the legend's markers have none).
    expect(await lines.locator('details.values tbody td').count()).toBe(await lines.locator('svg path.marker:has(title)').count());

    // Explorer: the problems refinement fixed, and a trajectory with its diff.
    const explorer = page.locator('[data-section="explorer"]');
    await explorer.getByLabel('Show problems').selectOption('fixed');
    await explorer.getByRole('button', { name: 'HumanEval/901' }).click();
    await explorer.getByLabel('Arm').selectOption({ label: 'llama self-refine' });
    await explorer.getByRole('heading', { name: /Version 2/ }).waitFor();
    expect(await explorer.getByRole('group', { name: /Changes from version 1 to version 2/ }).count()).toBe(1);
    await shoot(explorer, 'analysis-results-explorer-trajectory');

    // The arm label from the file is shown as text, never parsed as markup.
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.getByText(HOSTILE_LABEL).first().isVisible()).toBe(true);
    expect(await page.title()).not.toBe('pwned');

    await app.screenshot('analysis-results-page');

    // Presenter: the problem's own link, followed from the keyboard, replays it from the same file.
    const present = explorer.getByRole('link', { name: 'Present HumanEval/901' });
    await present.focus();
    await page.keyboard.press('Enter');
    // The show starts on its own at 1×, so the problem scene may already have passed: the toolbar names the problem throughout.
    await page.locator('article.scene').waitFor({ timeout: 60_000 });
    const toolbar = page.getByRole('toolbar');
    expect(await toolbar.locator('strong').first().textContent()).toBe('HumanEval/901');
    expect(await toolbar.textContent()).toContain('feedback.json.gz');
    await app.screenshot('analysis-results-presenter');
    // Back on the Results page, the file is still open.
    await page.goBack();
    await page.getByText(/feedback\.json\.gz — “Feedback against no feedback”/).waitFor();

    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('shows two runs of one study side by side when their files share a name', async () => {
    // The same study design run twice: same name, same export name (name and date), another id.
    const bytes = await resultFileBytes();
    const first = JSON.parse(gunzipSync(bytes).toString('utf8')) as ResultFile;
    const rerunConfig = { ...first.config, id: 'rerun-of-the-study' };
    const rerun = { ...first, config: rerunConfig, configHash: await configHash(rerunConfig) };
    const name = 'feedback-lab-feedback-against-no-feedback-2026-05-01.json';
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    const input = page.getByLabel(/Result files/);
    await input.setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(first)) });
    await page.locator('[data-section="explorer"]').waitFor();
    await input.setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(rerun)) });
    await page.getByText(`${name} (2) — “Feedback against no feedback”`).waitFor();
    expect(await page.locator('.file-list li').count()).toBe(2);

    for (const id of RESULTS_SECTIONS) await page.locator(`[data-section="${id}"]`).waitFor();
    const summary = page.locator('[data-section="summary"]');
    expect(await summary.getByRole('row').filter({ hasText: `llama self-refine (Feedback against no feedback, ${name} (2))` }).count()).toBeGreaterThan(0);
    await app.screenshot('analysis-results-two-runs');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('says when a file has no verdict yet, or none for some arms, instead of claiming the arms never refine or force iterations', async () => {
    const doc = JSON.parse(gunzipSync(await resultFileBytes()).toString('utf8')) as ResultFile;
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    const input = page.getByLabel(/Result files/);
    await input.setInputFiles({ name: 'just-started.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...doc, units: [] })) });
    await page.getByRole('status').filter({ hasText: 'No unit in this file has a verdict yet' }).waitFor();
    expect(await page.locator('[data-section]').count()).toBe(0);

    // Only the solo arm has finished units: the others are named as waiting, not as arms that never refine.
    const soloOnly = { ...doc, units: doc.units.filter((u) => u.armId === doc.config.arms[0]!.id) };
    await page.getByRole('button', { name: 'Close just-started.json' }).click();
    await input.setInputFiles({ name: 'solo-only.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(soloOnly)) });
    await page.locator('[data-section="summary"]').waitFor();
    await page.getByText(/^No verdict yet for .*llama self-refine.*: they are left out below\.$/).waitFor();
    // The file's line says it holds part of the study, and how much.
    const planned = doc.config.arms.length * doc.config.repeats * doc.config.problemIds.length;
    await page.getByRole('listitem').filter({ hasText: `solo-only.json — “${doc.config.name}”` }).getByText(`(partial: ${soloOnly.units.length} of ${planned} finished)`).waitFor();
    const iterations = page.locator('[data-section="iterations"]');
    expect(await iterations.textContent()).toContain('The forced-iteration arms have no verdict yet');
    expect(await iterations.textContent()).not.toContain('No arm ran with forced iterations');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('never scrolls sideways in an 800-px window with a file open, however long its arm labels', async () => {
    const draft = studyDraft();
    draft.arms.push({ id: 'forced', label: LONG_LABEL, pipeline: llamaSelfRefine, forcedIterations: true });
    const stored = await runStoredStudy(studyConfig(draft));
    const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
    for (const colorScheme of ['light', 'dark'] as const) {
      const app = await openApp(browser, server, { hash: '#/results', colorScheme });
      const { page } = app;
      await page.setViewportSize({ width: 800, height: 600 });
      await page.getByLabel(/Result files/).setInputFiles({ name: 'long-labels.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
      await page.getByText(/long-labels\.json — /).waitFor();
      const explorer = page.locator('[data-section="explorer"]');
      await explorer.getByRole('button', { name: 'HumanEval/901' }).click();
      await explorer.getByLabel('Arm').selectOption({ label: LONG_LABEL });
      await explorer.getByRole('heading', { name: /Version 1/ }).waitFor();
      // The figures are drawn after the explorer: measure once the whole report is in.
      await page.locator('.report[aria-busy="false"]').waitFor();
      // Every scroll box scrolled to its end: what they hold must stay inside them.
      await page.evaluate(() => {
        for (const box of document.querySelectorAll('.table-scroll')) box.scrollLeft = box.scrollWidth;
      });
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll, `${colorScheme}: the page is wider than the window`).toBeLessThanOrEqual(widths.client);
      // The long label is still there to read and choose.
      expect(await explorer.getByLabel('Arm').locator('option', { hasText: LONG_LABEL }).count()).toBe(1);
      await app.screenshot(`analysis-results-800-${colorScheme}`);

      // On a 1024-px projector, and a desktop window, the charts put two to a row were cut short
      // on the right behind a scroll bar: a column now holds a chart whole, or the row has one.
      for (const width of [1024, 1280]) {
        await page.setViewportSize({ width, height: 768 });
        await page.evaluate(() => new Promise(requestAnimationFrame));
        const cut = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('.report figure.chart .chart-scroll')]
            .filter((box) => box.scrollWidth > box.clientWidth)
            .map((box) => `${box.closest('figure')?.querySelector('figcaption')?.textContent?.trim()}: ${box.clientWidth} of ${box.scrollWidth}`),
        );
        expect(cut, `${colorScheme}, ${width} px: charts cut short`).toEqual([]);
      }

      // On a phone: a caption wraps at the window, not at its wider table ("Pass rate per arm with a 95 % bootstra");
      // an arm's label keeps its steps whole (it wrapped "llama → / exec → / llama (self- / refine)"); a chart's
      // labels stay legible (a 680-wide chart was drawn 332 px wide, its 11-px labels 6 px high), the chart scrolling instead.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.evaluate(() => new Promise(requestAnimationFrame));
      const phone = await page.evaluate(() => ({
        window: document.documentElement.clientWidth,
        page: document.documentElement.scrollWidth,
        captions: [...document.querySelectorAll<HTMLElement>('.report caption')].filter((c) => c.offsetParent).map((c) => ({ text: c.textContent, right: c.getBoundingClientRect().right })),
        // Each step of a row label kept whole ("llama self-refine vs", "llama solo"): the lines its text is drawn on.
        labels: [...document.querySelectorAll('.report tbody th .whole, .report tbody th.whole')].map((piece) => {
          const range = document.createRange();
          range.selectNodeContents(piece);
          return { text: piece.textContent, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size };
        }),
        ticks: [...document.querySelectorAll('.report figure.chart svg text.tick-label')].map((t) => t.getBoundingClientRect().height).filter((h) => h > 0),
      }));
      // A failed version's verdict with its whole error message ("NameError: name 'List' is not defined") once
      // held the phone's page 9 px wider than the window: it wraps.
      expect(phone.page, `${colorScheme}: the phone's page is wider than the window`).toBeLessThanOrEqual(phone.window);
      expect(phone.captions.length).toBeGreaterThan(5);
      expect(phone.captions.filter((c) => c.right > phone.window)).toEqual([]);
      expect(phone.labels.map((l) => l.text)).toContain('llama self-refine vs');
      expect(phone.labels.filter((l) => l.lines !== 1)).toEqual([]);
      expect(phone.ticks.length).toBeGreaterThan(10);
      expect(Math.min(...phone.ticks), 'height of a chart label').toBeGreaterThanOrEqual(9.5);
      expect(app.errors).toEqual([]);
      await app.close();
    }
  });

  it('tests the complete repeat of a study stopped in its last one on every problem, and gives a flawless arm a real interval', async () => {
    // Stopped one problem into repeat 2 (the plan runs repeat by repeat: 3 arms × 5 problems, then 3 units of repeat 2).
    const stopped = await runStoredStudy(studyConfig(), { only: (order) => order < 18 });
    const stoppedDoc = await buildResultFile(stopped.config, resultUnitsFromStore(stopped), environment());
    // The first arm's repeat 2 of HumanEval/904 errored after its first draft ran: the explorer says why it has no verdict.
    const firstArm = stopped.config.arms[0]!.id;
    const ran = stoppedDoc.units.find((u) => u.armId === firstArm && u.repeat === 0 && u.problemId === 'HumanEval/904');
    if (ran?.status !== 'finished') throw new Error('The stopped study should have finished HumanEval/904 in its first repeat.');
    stoppedDoc.units.push({
      armId: firstArm,
      repeat: 1,
      problemId: 'HumanEval/904',
      status: 'errored',
      message: 'The endpoint answered 500 Internal Server Error.',
      attempts: 3,
      steps: ran.trajectory.steps.slice(0, 2),
    });
    const armOrder = stopped.config.arms.map((a) => a.id);
    const problemOrder = stopped.config.problemIds;
    stoppedDoc.units.sort(
      (a, b) => armOrder.indexOf(a.armId) - armOrder.indexOf(b.armId) || a.repeat - b.repeat || problemOrder.indexOf(a.problemId) - problemOrder.indexOf(b.problemId),
    );
    // Two problems only, the second fixed by feedback: self-refine solves both in both repeats.
    const draft = studyDraft();
    draft.selection = { kind: 'first', n: 2 };
    const small = await runStoredStudy(studyConfig({ ...draft, name: 'Two problems' }));
    const smallDoc = await buildResultFile(small.config, resultUnitsFromStore(small), environment());

    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    const input = page.getByLabel(/Result files/);
    await input.setInputFiles({ name: 'stopped.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(stoppedDoc)) });
    const pairs = page.locator('[data-section="pairs"]');
    const refineRow = pairs.getByRole('row').filter({ hasText: 'llama self-refine vs llama solo' });
    // Repeat 1 over all five problems (self-refine alone fixes 901 and 902), repeat 2 over the one problem it reached.
    await expect.poll(() => refineRow.textContent()).toContain('0 / 2; 0 / 0 (of 1)');
    const cells = await refineRow.locator('td').allTextContents();
    expect(cells.at(-1)).toBe('5');
    // Text-only and solo agree on every problem: an exact bound on Δ, not a zero-width "0.0 – 0.0 pp".
    const agreeRow = pairs.getByRole('row').filter({ hasText: 'llama text-only vs llama solo' });
    expect((await agreeRow.locator('td').allTextContents()).slice(4)).toEqual(['0.0 pp', '-52.2 pp', '52.2 pp', '5']);
    await shoot(pairs, 'analysis-results-stopped-pairs');
    // Its CSV gives each repeat's b, c, problems paired and p as numbers of their own.
    const pairsCsv = (await downloaded(page, () => pairs.getByRole('button', { name: /Arm pairs.*as CSV/ }).click())).text.split('\r\n');
    expect(pairsCsv[0]).toContain('"b, repeat 1","c, repeat 1","Problems paired, repeat 1","b, repeat 2","c, repeat 2","Problems paired, repeat 2","McNemar exact p, repeat 1","McNemar exact p, repeat 2"');
    expect(pairsCsv.find((line) => line.startsWith('llama self-refine vs llama solo,'))).toMatch(/,0,2,5,0,0,1,0\.5,1,/);
    // Consistency over the complete repeat's five problems, not over the one problem the stopped repeat reached.
    const consistency = page.locator('[data-section="consistency"]');
    const soloRow = consistency.getByRole('row').filter({ hasText: 'llama solo' });
    expect((await soloRow.locator('td').allTextContents()).slice(0, 3)).toEqual(['1', '4', '1']);
    await consistency.getByText('llama solo: over 5 of its 5 problems and 1 of its 2 runs', { exact: false }).waitFor();
    // The explorer counts the repeat that never reached HumanEval/904 (it showed "1/1", as if one repeat had been planned).
    const explorer = page.locator('[data-section="explorer"]');
    const unreached = explorer.getByRole('row').filter({ hasText: 'HumanEval/904' });
    expect(await unreached.locator('td').allTextContents()).toEqual([
      expect.any(String),
      ...Array.from({ length: 3 }, () => expect.stringMatching(/^[01]\/1 · .+ · 1 without verdict$/)),
      expect.any(String),
    ]);
    await explorer.getByRole('button', { name: 'HumanEval/904' }).click();
    expect(await explorer.getByLabel('Run').locator('option').allTextContents()).toEqual(['1', '2 (without verdict)']);
    await explorer.getByLabel('Run').selectOption({ label: '2 (without verdict)' });
    // The errored run says why it has no verdict and shows what it did before the model gave up.
    await explorer.getByText('This run has no verdict for HumanEval/904: the model kept failing (3 attempts)', { exact: false }).waitFor();
    expect(await explorer.locator('.last-error').textContent()).toBe('Last error: The endpoint answered 500 Internal Server Error.');
    await explorer.getByText('2 steps were recorded in stopped.json before it stopped:').waitFor();
    expect(await explorer.getByRole('heading', { level: 4 }).allTextContents()).toEqual([expect.stringMatching(/^Version 1 /)]);
    await shoot(explorer, 'analysis-results-stopped-explorer');
    // Another arm's run 2 never started: said so, with nothing to show.
    await explorer.getByLabel('Arm').selectOption({ index: 1 });
    await explorer.getByLabel('Run').selectOption({ label: '2 (without verdict)' });
    await explorer.getByText('This run has no verdict for HumanEval/904: no open file has it, so it never started.').waitFor();
    expect(await explorer.getByRole('heading', { level: 4 }).count()).toBe(0);

    await page.getByRole('button', { name: 'Close stopped.json' }).click();
    await input.setInputFiles({ name: 'two-problems.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(smallDoc)) });
    const summary = page.locator('[data-section="summary"]');
    const rateRow = summary.locator('#pass-rate-ci').getByRole('row').filter({ hasText: 'llama self-refine' });
    // 2 of 2 problems: Clopper–Pearson 15.8–100 %, not a zero-width "100.0 % – 100.0 %".
    await expect.poll(async () => (await rateRow.locator('td').allTextContents()).join(' | ')).toBe('2 | 100.0 % | 15.8 % | 100.0 %');
    await summary.getByText(/Clopper–Pearson/).waitFor();
    const csv = await downloaded(page, () => summary.getByRole('button', { name: /Pass rate per arm.*as CSV/ }).click());
    expect(csv.text).toMatch(/\r\nllama self-refine,2,100,15\.8113883008,100\r\n/);
    await shoot(summary, 'analysis-results-flawless-arm');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('compares an MBPP study beside a HumanEval one within each, never with McNemar over no shared problem', async () => {
    const stored = await runStoredStudy(studyConfig());
    const humaneval = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
    const mbppId = (id: string) => id.replace('HumanEval/', 'Mbpp/');
    const config = { ...humaneval.config, id: 'on-mbpp', name: 'On MBPP', benchmark: 'mbpp' as const, problemIds: humaneval.config.problemIds.map(mbppId) };
    const units = humaneval.units.map((u) =>
      u.status === 'finished' ? { ...u, problemId: mbppId(u.problemId), trajectory: { ...u.trajectory, problemId: mbppId(u.problemId) } } : { ...u, problemId: mbppId(u.problemId) },
    );
    const mbpp: ResultFile = { ...humaneval, config, units, configHash: await configHash(config) };
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    await page.getByLabel(/Result files/).setInputFiles([
      { name: 'humaneval.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(humaneval)) },
      { name: 'mbpp.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(mbpp)) },
    ]);
    const pairs = page.locator('[data-section="pairs"]');
    await pairs.locator('#pair-comparisons').waitFor();
    const rows = (await pairs.locator('#pair-comparisons tbody th').allTextContents()).map((t) => t.trim());
    expect(rows).toEqual([
      'llama self-refine (Feedback against no feedback) vs llama solo (Feedback against no feedback)',
      'llama text-only (Feedback against no feedback) vs llama solo (Feedback against no feedback)',
      'llama self-refine (On MBPP) vs llama solo (On MBPP)',
      'llama text-only (On MBPP) vs llama solo (On MBPP)',
    ]);
    // A pair across the benchmarks, picked by hand, has no numbers and says why.
    await pairs.getByLabel('Baseline').selectOption({ label: 'llama solo (Feedback against no feedback)' });
    await pairs.getByLabel('Treatment').selectOption({ label: 'llama self-refine (On MBPP)' });
    await pairs.getByRole('button', { name: 'Add pair' }).click();
    const across = pairs.getByRole('row').filter({ hasText: 'llama self-refine (On MBPP) vs llama solo (Feedback against no feedback)' });
    // The pair is computed in the Results worker: wait for its row rather than read at once.
    await expect.poll(() => across.locator('td').allTextContents()).toEqual(['–', '–', '–', '–', '–', '–', '–', '0']);
    await pairs.getByText(/no problem judged in common/).waitFor();
    await shoot(pairs, 'analysis-results-mbpp-beside-humaneval');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it("puts runs of the paper's arms over the whole benchmark beside its printed Table 1", async () => {
    const doc = await paperArmsFile(
      [
        { id: 'solo', label: 'llama solo', pipeline: llamaSolo, forcedIterations: false },
        { id: 'refine', label: 'llama self-refine', pipeline: llamaSelfRefine, forcedIterations: false },
      ],
      { solo: [80, 78, 75], refine: [90, 95, 93] },
    );
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    await page.getByLabel(/Result files/).setInputFiles({ name: 'paper-arms.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
    const section = page.locator('[data-section="paper"]');
    await section.getByRole('heading', { name: 'Beside the paper' }).waitFor();
    const solo = section.getByRole('row').filter({ hasText: 'llama3.2:3B solo' });
    expect((await solo.locator('td').allTextContents()).slice(0, 5)).toEqual(['llama3.2:3B solo', '3', '77.7 ± 2.5', '76.6 ± 3.7', '1.1']);
    expect(await solo.textContent()).toContain('ran in WebLLM as Llama-3.2-3B-Instruct-q4f16_1-MLC');
    await section.getByText(/Welch's t-test/).waitFor();
    // The CSV is for a spreadsheet: mean and SD are numbers in columns of their own, Δ a plain (negative) number.
    const csv = await downloaded(page, () => section.getByRole('button', { name: /as CSV/ }).click());
    // Named after the study, so the same table from another report does not get the same name.
    expect(csv.name).toBe(`${reportFileStem([doc.config])}-beside-the-paper.csv`);
    expect(csv.name).toMatch(/^feedback-lab-[a-z0-9-]+-[a-z0-9]{6}-beside-the-paper\.csv$/);
    // Figures too: a chart of this report does not take the name of the same chart of another.
    const svg = await downloaded(page, () => page.getByRole('button', { name: /as SVG/ }).first().click());
    expect(svg.name.startsWith(`${reportFileStem([doc.config])}-`), svg.name).toBe(true);
    expect(svg.name).toMatch(/\.svg$/);
    const lines = Buffer.from(csv.text, 'latin1').toString('utf8').split('\r\n');
    expect(lines[0]).toBe("Arm,Paper's arm,Your runs,Yours: mean,Yours: SD,Paper: mean,Paper: SD,Δ (yours − paper),σ,Welch p,Set-up different from the paper's");
    const refine = lines.find((line) => line.startsWith('llama self-refine,'))!.split(',');
    const expected = [3, 278 / 3, Math.sqrt(19 / 3), 94, 2.7, 278 / 3 - 94];
    refine.slice(2, 8).forEach((field, i) => expect(Number(field)).toBeCloseTo(expected[i]!, 9));
    expect(refine[7]).toMatch(/^-1\.33/);
    await shoot(section, 'analysis-results-beside-the-paper');
    expect(await axeViolations(page, 'Results, beside the paper')).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('says clearly why a file that is not a result file was refused', async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    await app.page.getByLabel(/Result files/).setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
    await app.page.getByRole('alert').filter({ hasText: 'notes.json' }).getByText(/not a Feedback Lab result file/).waitFor();
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
