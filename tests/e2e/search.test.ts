/**
 * The Search page in Chromium against the scripted OpenAI-compatible endpoint
 * (tests/support/scripted-study.ts), with real Pyodide workers: a tiny search (population 4,
 * 2 generations, subsets of 3 HumanEval problems) started from the form, its page unloaded in the
 * middle of generation 0 and its address opened again. The reloaded page resumes the search by
 * itself; the endpoint's request log shows that no evaluation stored before the reload ran again.
 * Then the charts, the champion's diagram and lineage, the genome table, champion re-validation
 * and the export.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { DATASET_FILES } from '../../src/core/benchmarks/datasets.ts';
import { buildSearchFile, exportSearchFile, importSearchFile } from '../../src/core/results/search-file.ts';
import { MemorySearchStore } from '../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../src/core/search/run-search.ts';
import type { StoredSearchRecord, ValidationRequest } from '../../src/core/search/search-record.ts';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { sharedTab } from '../support/shared-tab.ts';
import type { FakeOpenAIServer } from '../support/fake-openai-server.ts';
import { openWithSavedEndpoint, saveEndpointOnModelsPage, typeEndpointWithKey } from '../support/saved-endpoint.ts';
import { FAST_PACE, SCRIPTED_MODEL, SCRIPTED_PROBLEM_IDS, startScriptedServer, type ScriptedServer } from '../support/scripted-study.ts';
import { PROBLEMS, fakeWorld, searchSetup } from '../unit/search/run-search-fixtures.ts';
import { fileBytes, syntheticResultFile } from '../unit/results/result-file-fixtures.ts';
import type { ResultUnit } from '../../src/core/results/result-file.ts';
import { TERSE_GENERATOR_FILE } from '../support/prompt-set-files.ts';
import { setPythonWorkers } from '../support/python-workers.ts';
import { pressStartByKeyboard } from '../support/focus-trail.ts';

const POPULATION = 4;
const GENERATIONS = 2;
const SUBSET = 3;
const EVALUATIONS = POPULATION * SUBSET * GENERATIONS;
/** The section of a refiner's or analyzer's message that reports an execution; generators never see one. */
const FEEDBACK_HEADING = 'What happened when the tests ran:';
/** src/ui/search/search-form-draft.ts's key in sessionStorage. */
const SEARCH_DRAFT_KEY = 'feedback-lab:search-form-draft';

let browser: Browser;
let server: AppServer;
let endpoint: ScriptedServer;

beforeAll(async () => {
  [server, browser, endpoint] = await Promise.all([startAppServer(), launchBrowser(), startScriptedServer({ tokensPerSecond: 400, slowFirstTokenMs: 1500 })]);
});

// A test that needs a search caught in the middle keeps this pace until it has caught it; one that only waits for the end goes at FAST_PACE.
beforeEach(() => endpoint.resetPace());

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await endpoint?.close();
});

/**
 * Names a search and fills its pool and sizes: the scripted problems at this file's sizes, unless
 * told otherwise. It runs on one Python worker: no test here is about workers side by side (the
 * search still sends two evaluations' calls at a time), and each worker is a Pyodide start, 3-5 s
 * of a core that CI's e2e stage is short of.
 */
async function fillSearchForm(
  form: Locator,
  name: string,
  sizes: { ids?: string; population?: number; generations?: number; subset?: number } = {},
): Promise<void> {
  await form.getByLabel('Search name (optional)').fill(name);
  await setPythonWorkers(form, 1);
  await form.getByLabel('Problem pool').selectOption('ids');
  await form.getByLabel('Problem ids').fill(sizes.ids ?? SCRIPTED_PROBLEM_IDS.map((id) => id.split('/')[1]).join(', '));
  await form.getByLabel('Population').fill(String(sizes.population ?? POPULATION));
  await form.getByLabel('Generations').fill(String(sizes.generations ?? GENERATIONS));
  await form.getByLabel('Subset size').fill(String(sizes.subset ?? SUBSET));
}

/**
 * The stored records of every search (or of one), read inside the page: verdicts and runs cut
 * short, not the spends of evaluations in flight (rows keyed `open|…`, read back as cut short only
 * if their tab closed).
 */
async function storedEvaluations(page: Page, searchId?: string): Promise<StoredSearchRecord[]> {
  return page.evaluate(async (only) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('feedback-lab');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      if (!db.objectStoreNames.contains('searchEvaluations')) return [];
      return await new Promise<StoredSearchRecord[]>((resolve, reject) => {
        const request = db.transaction('searchEvaluations').objectStore('searchEvaluations').getAll();
        const rows = () => request.result as { searchId: string; key: string; record: StoredSearchRecord }[];
        request.onsuccess = () => resolve(rows().filter((row) => !row.key.startsWith('open|') && (only === null || row.searchId === only)).map((row) => row.record));
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }, searchId ?? null);
}

async function download(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download') as Promise<Download>, click()]);
  return readFileSync(await file.path());
}

/** A one-generation search run in Node on the unit tests' fake model and sandbox, as a file to import. */
const HUMANEVAL_SHA256 = DATASET_FILES.humaneval.sha256;

async function storedSearchFile(
  letter: string,
  stopEarly: boolean,
  generations = 1,
  validation: Omit<ValidationRequest, 'problemIds'> | null = null,
  /** The HumanEval file it says it ran on: by default none a page has, so nothing can run it again. */
  datasetSha256?: string,
): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const made = searchSetup({ budget: { maxGenerations: generations, maxWallMs: null, maxTokens: null } }, { id: `search-shown-${letter}` });
  const setup = { ...made, name: `Stored search ${letter}`, ...(datasetSha256 ? { datasetSha256 } : {}) };
  const world = fakeWorld();
  const store = new MemorySearchStore();
  const stop = new AbortController();
  const onEvaluation = () => {
    if (stopEarly) stop.abort();
  };
  await runSearch(setup, PROBLEMS, { model: world.model, sandbox: world.sandbox, searchStore: store, now: () => 0 }, { signal: stop.signal, onEvaluation });
  const stored = (await store.loadSearch(setup.id))!;
  // A re-validation asked for and interrupted before its first run: the request is stored, no verdict yet.
  if (validation) stored.validation = { ...validation, problemIds: setup.config.problemIds };
  const doc = buildSearchFile(stored, new Date('2026-05-02T12:00:00Z'));
  return { name: `${letter}.json`, mimeType: 'application/json', buffer: Buffer.from(await exportSearchFile(doc, { gzip: false })) };
}

const isGeneratorRequest = (request: FakeOpenAIServer['requests'][number]) =>
  !(request.messages.find((m) => m.role === 'user')?.content ?? '').includes(FEEDBACK_HEADING);

describe('the Search page in Chromium', () => {
  it('runs a tiny search, resumes it after a reload mid-generation without running a stored evaluation again, and draws it', async () => {
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page } = app;
    await saveEndpointOnModelsPage(page, endpoint.url, SCRIPTED_MODEL);
    await openWithSavedEndpoint(page, 'Search', endpoint.url);
    // The endpoint serves llama3.2:3b under that name; the model picked on the Models page stands in for the keys it does not serve.
    for (const key of ['gemma3:1b', 'qwen2.5:1.5b']) expect(await page.getByLabel(`Model for ${key}`).inputValue()).toBe(SCRIPTED_MODEL);
    expect(await page.getByLabel('Model for llama3.2:3b').inputValue()).toBe('llama3.2:3b');

    await fillSearchForm(page.locator('section.new'), 'Tiny scripted search');
    await page.getByLabel('Seed', { exact: true }).fill('5');
    await page.getByRole('button', { name: 'Start search' }).click();

    // The address gains the search id, so opening it again finds this search.
    await expect.poll(() => page.url(), { timeout: 60_000 }).toMatch(/#\/search\?sid=search-/);
    const address = page.url();
    await expect.poll(async () => (await storedEvaluations(page)).length, { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(3);
    await app.screenshot('search-running');

    // The same address in a second tab, while this one runs it: that tab leaves the search to this
    // one, says so on its panel, offers no Resume, and follows the search as it goes on. (It offered
    // Resume beside "Not running · generation 0", and never moved on.) Slower replies keep the
    // search in generation 0 meanwhile, for the reload below.
    endpoint.pace({ tokensPerSecond: 60 });
    const openedAt = Date.now();
    const other = await app.context.newPage();
    await other.goto(address);
    const otherRun = other.locator('section.run');
    await otherRun.locator('.phase', { hasText: /^Running in another tab$/ }).waitFor({ timeout: 30_000 });
    expect(await otherRun.getByTestId('held-elsewhere').textContent()).toMatch(/running in another tab of this browser.*If that tab is closed before the search ends, Resume search appears here/);
    expect(await otherRun.getByRole('button').count()).toBe(0);
    expect(await other.locator('.errors[role="alert"]').count()).toBe(0);
    const followedTokens = await otherRun.getByTestId('search-tokens').textContent();
    await expect.poll(() => otherRun.getByTestId('search-tokens').textContent(), { timeout: 60_000, interval: 250 }).not.toBe(followedTokens);
    // An address whose search is let go of within a few seconds of opening is resumed by that tab
    // (a reload's old page may hold the lock a moment): wait that out, so the other tab only follows.
    await other.waitForTimeout(Math.max(0, 7000 - (Date.now() - openedAt)));

    // A reload in the middle of generation 0: the page goes away with evaluations in flight…
    await page.goto('about:blank');
    endpoint.pace(FAST_PACE);
    // …and the other tab, following it, now offers Resume: the search is interrupted, and nothing resumes it there by itself.
    await otherRun.getByRole('button', { name: 'Resume search' }).waitFor({ timeout: 15_000 });
    expect(await otherRun.locator('.phase').textContent()).toBe('Interrupted');
    expect(await otherRun.getByTestId('held-elsewhere').count()).toBe(0);
    await other.close();
    await page.waitForTimeout(500);
    await page.goto(`${server.url}#/`);
    const before = await storedEvaluations(page);
    const requestsBefore = endpoint.requests.length;
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(POPULATION * SUBSET);
    expect(before.every((r) => r.generation === 0)).toBe(true);

    // …and its address, opened again, resumes the search by itself. While it resumes (Python
    // starts afresh, a few seconds), the panel says so and offers no second Resume, and the form's
    // button does not claim to start a new search.
    await page.goto(address);
    await page.locator('.run .phase', { hasText: /^Resuming…$/ }).waitFor({ timeout: 30_000 });
    const whileResuming = await page.evaluate(() => {
      const start = document.querySelector<HTMLButtonElement>('section.new button[type="submit"]');
      return {
        notice: document.querySelector('p.notice')?.textContent?.trim(),
        runButtons: [...document.querySelectorAll('section.run button')].map((b) => b.textContent?.trim()),
        start: start?.textContent?.trim(),
        startDisabled: start?.disabled,
      };
    });
    expect(whileResuming).toEqual({
      notice: 'This search was interrupted (the page was closed or reloaded); it resumes where it stopped.',
      runButtons: ['Resuming…'],
      start: 'Start search',
      startDisabled: true,
    });
    await page.locator('.run .phase', { hasText: /^Done$/ }).waitFor({ timeout: 240_000 });

    const stored = await storedEvaluations(page);
    const after = stored.filter((r) => r.kind === 'search');
    // An evaluation the reload cut off after some of its calls were answered kept what it had
    // spent (stored as it went): a cut-short record marked interrupted, counted in the totals.
    const interrupted = stored.filter((r) => r.kind !== 'search');
    for (const r of interrupted) expect(r).toMatchObject({ kind: 'cut-short', interrupted: true, generation: 0 });
    expect(after).toHaveLength(EVALUATIONS);
    expect(new Set(after.map((r) => r.key)).size).toBe(EVALUATIONS);
    // What was stored before the reload is kept as it was…
    for (const r of before) expect(after.find((a) => a.key === r.key)).toEqual(r);
    // …and every request after it belongs to an evaluation that was not stored: one generator
    // call per evaluation run again, and exactly the calls the new evaluations counted.
    const newRecords = after.filter((r) => !before.some((b) => b.key === r.key));
    const requestsAfter = endpoint.requests.slice(requestsBefore);
    expect(requestsAfter.filter(isGeneratorRequest)).toHaveLength(EVALUATIONS - before.length);
    expect(requestsAfter).toHaveLength(newRecords.reduce((n, r) => n + r.modelCalls, 0));
    expect(after.every((r) => r.cachedCalls === 0)).toBe(true);

    // Progress and cost per generation; the pools it mutated within, of the study's sizes by default.
    await page.getByTestId('generation').getByText(`(${GENERATIONS} of ${GENERATIONS} generations scored)`).waitFor();
    expect(await page.getByTestId('prompt-pools').textContent()).toBe('Prompt pools: 3 generator, 2 analyzer and 3 refiner prompts (the study’s sizes).');
    const searchTokens = stored.reduce((n, r) => n + r.tokens, 0);
    expect(await page.getByTestId('search-tokens').textContent()).toMatch(new RegExp(`^${searchTokens.toLocaleString('en')} tokens`));
    const cost = page.locator('table.cost tbody tr');
    expect(await cost.count()).toBe(GENERATIONS);

    // Charts, the champion's diagram and lineage, the genome table.
    for (const title of ['Fitness per generation', 'Species sizes per generation']) {
      await page.locator('figure.chart figcaption', { hasText: title }).waitFor();
    }
    const champion = page.locator('figure.chart', { has: page.locator('figcaption', { hasText: /^Champion g/ }) });
    await champion.waitFor();
    expect(await champion.locator('g[data-role="generate"]').count()).toBe(1);
    expect(await champion.locator('g[data-role="execute"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('ol.lineage li').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('table.genomes tbody tr').count()).toBe(POPULATION);
    expect(await page.locator('figure.chart svg polygon').count()).toBeGreaterThanOrEqual(2);
    await app.screenshot('search-done');

    // Re-validate the champion on the whole pool, once. The panel says what its inflation measures,
    // and that the study's champion measured so was +40 %, the paper's 5–7 % being another measure.
    const panel = page.locator('section.inflation');
    const measure = await panel.getByTestId('inflation-measure').textContent();
    expect(measure).toContain('the study’s own NEAT champion comes out at +40.3 %: 21 of 25 (84.0 %) in its search against 98.2 of 164 (59.9 %)');
    expect(measure).toContain('The paper’s “5–7 %” is another measure');
    expect(await panel.textContent()).not.toMatch(/measured as here/);
    await panel.getByLabel('Repeats').fill('1');
    // A screen reader hears the validation start and end, not every run counted.
    await page.evaluate(() => {
      const panel = document.querySelector('section.inflation');
      const read = () => [...(panel?.querySelectorAll('[role="status"], [aria-live]:not([aria-live="off"])') ?? [])].map((el) => el.textContent?.trim()).join('|');
      const heard = new Set([read()]);
      (window as unknown as { heard: Set<string> }).heard = heard;
      if (panel) new MutationObserver(() => heard.add(read())).observe(panel, { subtree: true, childList: true, characterData: true });
    });
    // From the keyboard: the button turns into Stop validation and back, and focus follows it.
    await panel.getByRole('button', { name: 'Validate champions' }).focus();
    await page.keyboard.press('Enter');
    // The champion's row, and a row for each generation whose champion it also was.
    await panel.getByTestId('inflation-row').filter({ hasText: /^Champion/ }).waitFor({ timeout: 120_000 });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Validate champions');
    await expect.poll(() => page.evaluate(() => [...(window as unknown as { heard: Set<string> }).heard])).toEqual(['', 'Validating champions…', `Validation done: ${SCRIPTED_PROBLEM_IDS.length} runs.`]);
    // What re-validation spent is shown beside the search's tokens, apart from them, and on the search's card.
    const validationTokens = (await storedEvaluations(page)).filter((r) => r.generation === null).reduce((n, r) => n + r.tokens, 0);
    expect(validationTokens).toBeGreaterThan(0);
    const v = validationTokens.toLocaleString('en');
    await page.getByTestId('validation-tokens').getByText(`re-validation: ${v} tokens`, { exact: true }).waitFor();
    expect(await page.getByTestId('search-tokens').textContent()).toMatch(new RegExp(`^${searchTokens.toLocaleString('en')} tokens`));
    expect(await page.getByTestId('validation-cost').locator('td').allTextContents()).toEqual(
      expect.arrayContaining(['Champion re-validation', String(SCRIPTED_PROBLEM_IDS.length), v]),
    );
    expect(await panel.getByTestId('validation-spend').textContent()).toMatch(new RegExp(`Re-validation has spent ${v} tokens on\\s+${SCRIPTED_PROBLEM_IDS.length} runs`));
    const searchCard = page.locator('article.search', { has: page.getByRole('heading', { name: 'Tiny scripted search' }) });
    await searchCard.locator('p.counts').filter({ hasText: new RegExp(`${EVALUATIONS}\\s+evaluations( \\(and \\d+ cut short\\))? · ${searchTokens.toLocaleString('en')} tokens\\s+· re-validation: ${SCRIPTED_PROBLEM_IDS.length} runs, ${v} tokens`) }).waitFor();
    const rows = await panel.getByTestId('inflation-row').locator('td:nth-child(2)').allTextContents();
    expect(new Set(rows).size).toBe(1);
    // The validated rate split by whether the search drew the problem: subsets of 3 over 2 generations drew 6 of the 8.
    const split = panel.getByTestId('selection-row').filter({ hasText: /^Champion/ }).locator('td');
    expect(await split.nth(1).textContent()).toMatch(/ %( \[[\d.]+, [\d.]+\])? of 6$/);
    expect(await split.nth(2).textContent()).toMatch(/ %( \[[\d.]+, [\d.]+\])? of 2$/);
    // On a projector (800 px) the eight columns once ran past the panel's edge, the last one cut
    // off: they scroll inside the panel, and the last column scrolls into view.
    await page.setViewportSize({ width: 800, height: 600 });
    const edges = await panel.evaluate((section) => {
      const table = section.querySelector('table.report')!;
      let box: Element = table;
      while (box.parentElement && box.parentElement !== section) box = box.parentElement;
      box.scrollLeft = box.scrollWidth;
      const last = table.querySelector('thead th:last-child')!;
      return { section: section.getBoundingClientRect().right, box: box.getBoundingClientRect().right, last: last.getBoundingClientRect().right };
    });
    expect(edges.box).toBeLessThanOrEqual(edges.section);
    expect(edges.last).toBeLessThanOrEqual(edges.section);
    await panel.getByRole('region', { name: 'Champion re-validation results' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 720 });
    // Once the table fits it is no longer a tab stop of its own (nothing to scroll).
    await expect.poll(() => panel.getByRole('region', { name: 'Champion re-validation results' }).count()).toBe(0);
    // The study's champion beside this one; a pool of a few problems is not put beside its 164.
    expect(await panel.getByTestId('study-champion').textContent()).toMatch(
      new RegExp(`98\\.2 ± 3\\.4 of them \\(59\\.9 %\\)\\..*pool holds ${SCRIPTED_PROBLEM_IDS.length} of the 164 problems, so its re-validated pass rate is not comparable`, 's'),
    );
    await app.screenshot('search-validated');

    // The stored search exports as a search file that reads back whole.
    const card = page.locator('article.search', { has: page.getByRole('heading', { name: 'Tiny scripted search' }) });
    await card.locator('.state', { hasText: 'done' }).waitFor();
    const doc = await importSearchFile(new Uint8Array(await download(page, () => card.getByRole('button', { name: 'Export .json', exact: true }).click())));
    expect(doc.state).toMatchObject({ status: 'done', stopReason: 'generations' });
    expect(doc.state.history).toHaveLength(GENERATIONS);
    expect(doc.evaluations.filter((e) => e.kind === 'search')).toHaveLength(EVALUATIONS);
    expect(doc.evaluations.filter((e) => e.kind === 'validation')).toHaveLength(SCRIPTED_PROBLEM_IDS.length);
    expect(doc.config.models['llama3.2:3b']).toEqual({ engine: 'openai', id: 'llama3.2:3b', baseUrl: endpoint.url });

    // The champion as a Study arm: the Study form opens with it ticked, 5 runs over all of HumanEval, on this endpoint.
    const championId = doc.state.champion!.genomeId;
    await panel.getByRole('link', { name: 'Run the champion as a Study arm' }).click();
    await page.getByRole('heading', { level: 1, name: 'Study' }).waitFor();
    const arm = page.getByRole('checkbox', { name: `Champion ${championId} of Tiny scripted search` });
    await arm.waitFor();
    expect(await arm.isChecked()).toBe(true);
    expect(await page.getByLabel('Repeats').inputValue()).toBe('5');
    expect(await page.getByLabel('Endpoint URL').inputValue()).toBe(endpoint.url);

    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('names the search on show in the address, so a reload opens that same search', async () => {
    // Two searches as files; B is stopped part-way through its first generation.
    const files = await Promise.all([storedSearchFile('A', false), storedSearchFile('B', true)]);
    const app = await openApp(browser, server, { hash: '#/search' });
    const { page } = app;
    await page.getByLabel(/Import search files/).setInputFiles(files);
    const card = (letter: string) => page.locator('article.search', { has: page.getByRole('heading', { name: `Stored search ${letter}` }) });
    await card('B').waitFor();
    for (const letter of ['A', 'B', 'A']) {
      await card(letter).getByRole('button', { name: 'Show', exact: true }).click();
      await page.locator('#search-run-title', { hasText: `Stored search ${letter}` }).waitFor();
      expect(page.url()).toContain(`#/search?sid=search-shown-${letter}`);
      await page.reload();
      await page.locator('#search-run-title', { hasText: `Stored search ${letter}` }).waitFor();
    }
    // The stopped search's unfinished generation is not said to be running.
    const showB = card('B').getByRole('button', { name: 'Show', exact: true });
    await showB.focus();
    await page.keyboard.press('Enter');
    await page.locator('#search-run-title', { hasText: 'Stored search B' }).waitFor();
    // The pressed Show, now on show, keeps keyboard focus (it used to disable itself and drop it to <body>).
    expect(await showB.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await showB.getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('.run .phase').textContent()).not.toMatch(/Running/);
    expect(await page.locator('table.cost tbody tr').allTextContents()).toEqual([expect.stringMatching(/^0 \(unfinished\)/)]);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('shows the last scored generation of the search on show in the genome table, not the one picked in another search', async () => {
    // D says it ran on the published HumanEval file, the one the page loads, so Carry on gets as far as its endpoint.
    const files = await Promise.all([storedSearchFile('D', false, 3, null, HUMANEVAL_SHA256), storedSearchFile('E', false, 2)]);
    const app = await openApp(browser, server, { hash: '#/search' });
    const { page } = app;
    await page.getByLabel(/Import search files/).setInputFiles(files);
    const card = (letter: string) => page.locator('article.search', { has: page.getByRole('heading', { name: `Stored search ${letter}` }) });
    await card('E').waitFor();
    const picker = page.locator('section', { has: page.getByRole('heading', { name: 'Genomes' }) }).getByLabel('Generation');
    await card('D').getByRole('button', { name: 'Show', exact: true }).click();
    await page.locator('#search-run-title', { hasText: 'Stored search D' }).waitFor();
    expect(await picker.inputValue()).toBe('2');
    // Carrying on asks for a number of generations it can run, too (an emptied field was read as 1).
    const more = page.getByLabel('More generations');
    await more.fill('');
    await page.getByText('More generations: empty. Give a whole number from 1 to 997.').waitFor();
    expect(await page.getByRole('button', { name: 'Carry on' }).isDisabled()).toBe(true);
    await more.fill('2');
    expect(await page.getByRole('button', { name: 'Carry on' }).isDisabled()).toBe(false);
    // Carried on while its endpoint is out of reach (fake.invalid): refused, and the stored search is
    // as it was. It used to store the larger budget first: after a reload it read as done yet
    // offered Resume, no longer said it ended for its generations, and exported the new budget.
    const ended = page.getByText('Ended: all generations ran.');
    await ended.waitFor();
    await page.getByRole('button', { name: 'Carry on' }).click();
    // Said beside the button, on the search's panel: not in the New search form below, whose own
    // endpoint field holds another address.
    const refused = page.getByRole('alert').filter({ hasText: 'Could not reach the language-model server at http://fake.invalid' });
    await refused.waitFor({ timeout: 60_000 });
    expect(await refused.textContent()).toMatch(/^Carry on could not start, on the search's own endpoint and models: /);
    expect(await page.locator('section.new').getByRole('alert').count()).toBe(0);
    await page.reload();
    await page.locator('#search-run-title', { hasText: 'Stored search D' }).waitFor();
    await ended.waitFor();
    expect(await card('D').getByRole('button', { name: 'Resume search' }).count()).toBe(0);
    const shownIds = () => page.locator('table.genomes tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-genome') ?? ''));
    await picker.selectOption('0');
    expect((await shownIds()).every((id) => id.startsWith('g0-'))).toBe(true);
    // E has a generation 0 too, but the table opens on E's last one.
    await card('E').getByRole('button', { name: 'Show', exact: true }).click();
    await page.locator('#search-run-title', { hasText: 'Stored search E' }).waitFor();
    expect(await picker.inputValue()).toBe('1');
    expect((await shownIds()).some((id) => id.startsWith('g1-'))).toBe(true);
    // Only the refused Carry on's question to the endpoint out of reach went wrong.
    expect(app.errors.filter((e) => !e.includes('net::ERR_NAME_NOT_RESOLVED (http://fake.invalid/'))).toEqual([]);
    await app.close();
  });

  it('fits a projector at 800×600: the charts one above the other at a legible size; re-validation defaults to the study\'s 5 runs', async () => {
    const app = await openApp(browser, server, { hash: '#/search' });
    const { page } = app;
    await page.setViewportSize({ width: 800, height: 600 });
    await page.getByLabel(/Import search files/).setInputFiles([await storedSearchFile('F', false, 3)]);
    const card = page.locator('article.search', { has: page.getByRole('heading', { name: 'Stored search F' }) });
    await card.getByRole('button', { name: 'Show', exact: true }).click();
    await page.locator('#search-run-title', { hasText: 'Stored search F' }).waitFor();
    const charts = page.getByRole('region', { name: 'Search charts' }).locator('figure.chart');
    expect(await charts.count()).toBe(2);
    const [fitness, species] = await Promise.all([charts.nth(0).boundingBox(), charts.nth(1).boundingBox()]);
    // Side by side they were drawn at about half their width, their labels a few pixels high.
    expect(species!.y).toBeGreaterThanOrEqual(fitness!.y + fitness!.height - 1);
    expect(fitness!.width).toBeGreaterThan(600);
    const svg = await charts.nth(0).locator('svg').first().boundingBox();
    expect(svg!.width / 680).toBeGreaterThan(0.85);

    // The study's measure of inflation is the mean of 5 runs; an emptied field is refused, not read as 1.
    const panel = page.locator('section.inflation');
    const repeats = panel.getByLabel('Repeats');
    expect(await repeats.inputValue()).toBe('5');
    await repeats.fill('');
    await panel.getByRole('button', { name: 'Validate champions' }).click();
    await page.waitForTimeout(1000);
    expect(await repeats.evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);
    // Nothing started: no progress, nothing announced, no error.
    expect(await panel.locator('progress').count()).toBe(0);
    expect(await panel.getByRole('status').textContent()).toBe('');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('shows the repeats and champions of the search\'s last re-validation, after a reload too, not the defaults', async () => {
    const app = await openApp(browser, server, { hash: '#/search' });
    const { page } = app;
    await page.getByLabel(/Import search files/).setInputFiles([await storedSearchFile('V', false, 2, { scope: 'per-generation', repeats: 3 }), await storedSearchFile('W', false, 2)]);
    const panel = page.locator('section.inflation');
    const show = async (letter: string) => {
      const card = page.locator('article.search', { has: page.getByRole('heading', { name: `Stored search ${letter}` }) });
      await card.getByRole('button', { name: 'Show', exact: true }).click();
      await page.locator('#search-run-title', { hasText: `Stored search ${letter}` }).waitFor();
    };
    const request = async () => ({ repeats: await panel.getByLabel('Repeats').inputValue(), scope: await panel.getByLabel('Champions').inputValue() });

    await show('V');
    expect(await request()).toEqual({ repeats: '3', scope: 'per-generation' });
    // Validate again carries the interrupted validation on only with the same request: a reload must not put the defaults back.
    await page.reload();
    await page.locator('#search-run-title', { hasText: 'Stored search V' }).waitFor();
    await expect.poll(request).toEqual({ repeats: '3', scope: 'per-generation' });
    // It says the validation was cut short, and its button goes on with it (it said only "Validated
    // 0 of … runs" beside "Validate champions", as if pressing it started over).
    const unfinished = panel.getByTestId('validation-unfinished');
    expect(await unfinished.textContent()).toMatch(/^Validation was cut short after 0 of \d+ runs \(the page was reloaded or closed, or it was stopped\)\. “Continue validation” goes on with the other \d+\.$/);
    expect(await panel.getByRole('button', { name: 'Continue validation' }).isEnabled()).toBe(true);
    // Other repeats ask for another validation: the button says so, and the line says how to go on with the first.
    await panel.getByLabel('Repeats').fill('2');
    await panel.getByRole('button', { name: 'Validate champions' }).waitFor();
    expect(await unfinished.textContent()).toMatch(/set 3 repeats of each generation’s champion again\.$/);
    // A search never validated shows the study's defaults, not the one shown before it.
    await show('W');
    await expect.poll(request).toEqual({ repeats: '5', scope: 'champion' });
    expect(await panel.getByTestId('validation-unfinished').count()).toBe(0);
    await panel.getByRole('button', { name: 'Validate champions' }).waitFor();
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('stops a search whose model the endpoint does not serve, and does not resume it by itself on reload', { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page } = app;
    await saveEndpointOnModelsPage(page, endpoint.url, SCRIPTED_MODEL);
    await openWithSavedEndpoint(page, 'Search', endpoint.url);
    await page.getByLabel('Search name (optional)').fill('Misnamed model');
    await setPythonWorkers(page.locator('section.new'), 1);
    await page.getByLabel('Problem pool').selectOption('ids');
    await page.getByLabel('Problem ids').fill('0, 2');
    await page.getByLabel('Population').fill('2');
    await page.getByText('Advanced: mutation rates, elitism, crossover').click();
    await page.getByLabel('Elites').fill('1');
    await page.getByLabel('Generations').fill('1');
    await page.getByLabel('Subset size').fill('2');
    for (const key of ['gemma3:1b', 'qwen2.5:1.5b', 'llama3.2:3b']) await page.getByLabel(`Model for ${key}`).fill('no-such-model');
    // The plan in words, one generation in the singular ("up to 1 generations" before).
    expect((await page.locator('.plan').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      '2 genomes × 1 evaluation × 2 problems per generation, for up to 1 generation: at most 4 pipeline runs.',
    );
    await page.getByRole('button', { name: 'Start search' }).click();
    await page.locator('.run .failure').getByText(/no-such-model/).first().waitFor({ timeout: 120_000 });
    // Resuming sends the same model name again: the page says what can help instead.
    const failure = await page.locator('.run .failure').textContent();
    expect(failure).not.toMatch(/resume the search to carry on/);
    expect(failure).toMatch(/serve the model under that name.*start a new search/);
    const card = page.locator('article.search', { has: page.getByRole('heading', { name: 'Misnamed model' }) });
    // Stopped by the run itself, not by its user: the card says so (it said "cancelled").
    await card.locator('.state', { hasText: 'stopped by an error' }).waitFor();

    const requests = endpoint.requests.length;
    await page.reload();
    await page.locator('#search-run-title', { hasText: 'Misnamed model' }).waitFor();
    await page.waitForTimeout(2000);
    expect(await page.getByText(/This search was interrupted/).count()).toBe(0);
    expect(endpoint.requests.length).toBe(requests);
    await page.getByRole('button', { name: 'Resume search' }).waitFor();
    expect(app.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await app.close();
  });

  it('does not go on after a reload without the API key typed into the form, says so, and goes on once it is typed again', async () => {
    const keyed = await startScriptedServer({ tokensPerSecond: 150, apiKey: 'sk-typed' });
    const app = await openApp(browser, server, { hash: '#/search' });
    const { page } = app;
    try {
      const form = page.locator('section.new');
      await typeEndpointWithKey(form, keyed.url, 'sk-typed');
      for (const key of ['gemma3:1b', 'qwen2.5:1.5b']) await form.getByLabel(`Model for ${key}`).fill(SCRIPTED_MODEL);
      await fillSearchForm(form, 'Keyed search');
      await form.getByRole('button', { name: 'Start search' }).click();
      await expect.poll(async () => (await storedEvaluations(page)).length, { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(1);

      // Its address resumed it with no key: 401 for every call, and it stopped by an error.
      await page.reload();
      const alert = page.locator('.errors[role="alert"]');
      await alert.getByText(/“Keyed search” did not go on by itself after the reload: it was sending an API key to .*a reload forgets a key typed into the form/).waitFor();
      expect(await alert.textContent()).toMatch(/Type the key into API key under “Engine for the model pool” .*then press Resume search\./);
      const card = page.locator('article.search', { has: page.getByRole('heading', { name: 'Keyed search' }) });
      await card.locator('.state', { hasText: /^interrupted$/ }).waitFor();
      await page.waitForTimeout(1000);
      expect(await page.locator('.run .phase').textContent()).toBe('Interrupted');
      expect(await page.getByText(/This search was interrupted/).count()).toBe(0);
      expect(keyed.requests.filter((request) => request.headers.authorization !== 'Bearer sk-typed')).toEqual([]);

      // The key typed again, Resume search goes on with it.
      const sent = keyed.requests.length;
      await form.getByLabel('API key (optional)').fill('sk-typed');
      await page.getByRole('button', { name: 'Resume search' }).click();
      await page.locator('.run .phase', { hasText: /^Running$/ }).waitFor({ timeout: 60_000 });
      await expect.poll(() => keyed.requests.length, { timeout: 60_000 }).toBeGreaterThan(sent);
      await page.locator('.run').getByRole('button', { name: 'Stop' }).click();
      await page.locator('.run .phase', { hasText: /^Stopped$/ }).waitFor({ timeout: 60_000 });
      expect(keyed.requests.filter((request) => request.headers.authorization !== 'Bearer sk-typed')).toEqual([]);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
      await keyed.close();
    }
  });

  it('keeps keyboard focus on a stored search’s Resume, saying Resuming…, until its Pause comes, with no search on show', async () => {
    const app = await openApp(browser, server, { hash: '#/search' });
    let page = app.page;
    const form = page.locator('section.new');
    await form.getByLabel('OpenAI-compatible endpoint').check();
    await form.getByLabel('Endpoint URL').fill(endpoint.url);
    for (const key of ['gemma3:1b', 'qwen2.5:1.5b', 'llama3.2:3b']) await form.getByLabel(`Model for ${key}`).fill(SCRIPTED_MODEL);
    await fillSearchForm(form, 'Resumed from its card');
    await form.getByRole('button', { name: 'Start search' }).click();
    await expect.poll(async () => (await storedEvaluations(page)).length, { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(1);

    // Interrupted: a new tab of this browser opens the page with no search on show, and lists it with Resume.
    await page.close();
    page = await app.context.newPage();
    await page.goto(`${server.url}#/search`);
    const card = page.locator('article.search', { has: page.getByRole('heading', { name: 'Resumed from its card' }) });
    await card.locator('.state', { hasText: /^interrupted$/ }).waitFor({ timeout: 30_000 });
    expect(await page.locator('section.run').count()).toBe(0);
    await setPythonWorkers(page.locator('section.new'), 1);
    // By keyboard: the button stays in place saying so while Python starts (no panel is there yet to
    // take focus), and focus goes on to the run's Pause. It went disabled, and focus lay on <body>
    // for those seconds (audit R186-5).
    const trail = await pressStartByKeyboard(page, card.getByRole('button', { name: 'Resume' }));
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Pause');
    expect(await trail.stop()).toEqual(['button: Resume', 'button: Resuming… (aria-disabled)', 'button: Pause']);
    await page.locator('.run').getByRole('button', { name: 'Stop' }).click();
    await page.locator('.run .phase', { hasText: /^Stopped$/ }).waitFor({ timeout: 60_000 });
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('refuses numbers it cannot run before anything starts, naming the field and its range', async () => {
    const app = await openApp(browser, server, { hash: '#/search' });
    const { page } = app;
    const form = page.locator('section.new');
    const problems = form.getByRole('list', { name: 'What the search cannot start with' });
    // A million genomes hung the tab; now the form says what it can run.
    await form.getByLabel('Population').fill('1000000');
    await problems.getByText('Population: 1,000,000 is out of range. Give a whole number from 2 to 1,000.').waitFor();
    // Heard as it appears (politely), not only when Start search is pressed.
    expect(await form.locator('[aria-live="polite"][data-form-problems]').getByRole('list', { name: 'What the search cannot start with' }).count()).toBe(1);
    await form.getByRole('button', { name: 'Start search' }).click();
    // The browser's own check (the field's max) used to stop the start first, with a tooltip of its
    // own: the page's alert never came, nor focus to the field.
    await page.locator('.errors[role="alert"]').getByText('Not started: put right what is listed above.').waitFor();
    await expect.poll(() => form.getByLabel('Population').evaluate((input) => input === document.activeElement)).toBe(true);
    await form.getByLabel('Population').fill('20');
    // An emptied seed is refused, not read as seed 0.
    await form.getByLabel('Seed', { exact: true }).fill('');
    await problems.getByText('Seed: empty. Give a whole number from 0 to 4,294,967,295.').waitFor();
    await form.getByRole('button', { name: 'Start search' }).click();
    // The alert above the button says the refusal once; the problem stays in the list and at its field.
    const alert = page.locator('.errors[role="alert"]');
    await alert.getByText('Not started: put right what is listed above.').waitFor();
    expect(await alert.textContent()).not.toContain('Seed: empty');
    await problems.getByText(/^Seed: empty\./).waitFor();
    expect(await form.getByLabel('Seed', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // Enter pressed in another field sends the form from there: focus goes to the field at fault as
    // from the button (it stayed in the field, audit R179-4).
    await form.getByLabel('Population').press('Enter');
    await expect.poll(() => form.getByLabel('Seed', { exact: true }).evaluate((input) => input === document.activeElement)).toBe(true);
    await page.waitForTimeout(500);
    expect(page.url()).not.toContain('sid=');
    expect(await page.locator('#search-run-title').count()).toBe(0);
    await form.getByLabel('Seed', { exact: true }).fill('7');
    expect(await problems.count()).toBe(0);
    // Put right, the form would start: the alert that said it would not is gone.
    await alert.waitFor({ state: 'detached' });

    // A field under the closed Advanced section: its summary names the field, and a refused start
    // opens the section and focuses the field.
    const advanced = form.locator('details.advanced');
    // Two genomes leave room for one elite: the default two are now too many.
    await form.getByLabel('Population').fill('2');
    await problems.getByText(/^Elites \(under Advanced\): 2 is out of range/).waitFor();
    expect(await advanced.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await form.getByTestId('advanced-at-fault').textContent()).toBe(' — to put right: Elites');
    expect(await form.getByLabel('Elites').getAttribute('aria-invalid')).toBe('true');
    await form.getByRole('button', { name: 'Start search' }).focus();
    await page.keyboard.press('Enter');
    await alert.getByText('Not started: put right what is listed above.').waitFor();
    await expect.poll(() => form.getByLabel('Elites').evaluate((input) => input === document.activeElement)).toBe(true);
    expect(await advanced.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    // The list's line about it takes the user there as well: with the section closed again, it opens it.
    await advanced.locator('summary').click();
    expect(await advanced.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await problems.getByRole('button', { name: /^Elites \(under Advanced\): 2 is out of range/ }).click();
    await expect.poll(() => form.getByLabel('Elites').evaluate((input) => input === document.activeElement)).toBe(true);
    expect(await advanced.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await form.getByLabel('Elites').fill('1');
    await problems.waitFor({ state: 'detached' });
    await alert.waitFor({ state: 'detached' });
    expect(await form.getByLabel('Elites').evaluate((input) => input === document.activeElement)).toBe(true);
    expect(await form.getByTestId('advanced-at-fault').count()).toBe(0);

    // Python workers past what this machine runs: named as every other number field names its
    // problem. It used to be changed to the most it runs, without a word.
    const workers = form.getByLabel(/^Python workers/);
    const most = /\(1–(\d+)\)/.exec((await form.getByText(/^Python workers \(1–\d+\)$/).textContent()) ?? '')?.[1];
    await workers.fill('9');
    await workers.press('Tab');
    await problems.getByText(`Python workers: 9 is out of range. Give a whole number from 1 to ${most}.`).waitFor();
    expect(await workers.inputValue()).toBe('9');
    expect(await workers.getAttribute('aria-invalid')).toBe('true');
    await workers.fill('1');
    await problems.waitFor({ state: 'detached' });

    // A decimal comma, as German or French keyboards type it: Chromium dropped it, and 1,5 minutes
    // of budget became 15 without a word. Typed key by key, as a user does.
    const minutes = form.getByLabel('Wall-time budget (minutes)');
    await minutes.fill('');
    await minutes.pressSequentially('1,5');
    expect(await minutes.inputValue()).toBe('1.5');
    await advanced.evaluate((d) => ((d as HTMLDetailsElement).open = true));
    const parsimony = form.getByLabel('Parsimony per node');
    await parsimony.fill('');
    await parsimony.pressSequentially('0,05');
    expect(await parsimony.inputValue()).toBe('0.05');
    // From an on-screen keyboard (Android's): no key it can name, the comma sent as text. A rule on
    // keydown never saw it and "2,5" became 25 on a tablet (audit R206-1).
    await minutes.fill('');
    await minutes.focus();
    for (const text of ['2', ',', '5']) await page.keyboard.insertText(text);
    expect(await minutes.inputValue()).toBe('2.5');
    // Pasted as well (a spreadsheet's cell in German): "2,5" is 2.5, not 25.
    await minutes.fill('');
    await minutes.evaluate((input) => {
      const data = new DataTransfer();
      data.setData('text/plain', '2,5');
      input.focus();
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    expect(await minutes.inputValue()).toBe('2.5');
    expect(await problems.count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('refuses a tampered search file with a clear message and stores nothing', async () => {
    const app = await openApp(browser, server, { hash: '#/search' });
    const { page } = app;
    await page.getByRole('heading', { name: 'Searches in this browser' }).waitFor();
    const input = page.getByLabel(/Import search files/);
    await input.setInputFiles({ name: 'not-a-search.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'feedback-lab/results', version: 1 })) });
    await page.locator('.refused').getByText(/not a Feedback Lab search file/).waitFor();
    expect(await page.locator('.refused').textContent()).toContain('not-a-search.json');
    // A file of a later format: made by a newer Feedback Lab, and what to do, not a list of wrong fields.
    await input.setInputFiles({ name: 'future.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'feedback-lab/search', version: 99, evaluations: [{ future: true }] })) });
    await page.locator('.refused').getByText(/made by a newer Feedback Lab \(format 99\): update this app to open it/).waitFor();
    expect(await page.locator('.refused').textContent()).toMatch(/reads search file formats up to \d+\. Reload the page to get the newest version/);
    expect(await storedEvaluations(page)).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});

describe('searches one after another in one tab', () => {
  // One page for all three, as a user would run one search after another: its own page cost a
  // page load, the Models page and the start of its Python worker, which the later searches reuse here.
  const tab = sharedTab(() => openApp(browser, server, { hash: '#/models' }));

  it('warns in the form of a token budget too small for one generation, and while it runs tells a screen reader each scored generation and shows a time-left estimate', async () => {
    const { page } = tab;
    // What the run says is recorded as it changes, and an estimate shows from the first timed node on: no need for a slow run.
    endpoint.pace(FAST_PACE);
    // The tab's first test: the endpoint, from the Models page (the second search finds it set).
    await saveEndpointOnModelsPage(page, endpoint.url, SCRIPTED_MODEL);
    await openWithSavedEndpoint(page, 'Search', endpoint.url);
    const form = page.locator('section.new');
    await fillSearchForm(form, 'Announced search');
    // 100 tokens cannot pay for 12 evaluations: the form says so before Run, beside the field.
    await form.getByLabel('Token budget').fill('100');
    const warning = form.getByTestId('token-budget-warning');
    await warning.getByText(/^The token budget of 100 will very likely be spent before the first generation is scored.*one generation is 12 evaluations/).waitFor();
    expect(await form.getByLabel('Token budget').getAttribute('aria-describedby')).toBe('token-budget-warning');
    await form.getByLabel('Token budget').fill('');
    expect(await warning.count()).toBe(0);

    await form.getByRole('button', { name: 'Start search' }).click();
    const run = page.locator('section.run', { has: page.locator('#search-run-title') });
    await run.waitFor();
    await page.evaluate(() => {
      const live = document.querySelector('#search-run-title')?.closest('section')?.querySelector('[data-run-announcement]');
      const heard: string[] = [];
      const etas: string[] = [];
      Object.assign(window, { heard, etas });
      const note = () => {
        const text = live?.textContent?.trim() ?? '';
        if (text !== heard.at(-1)) heard.push(text);
        const eta = document.querySelector('[data-testid="search-eta"]')?.textContent?.replace(/\s+/g, ' ').trim();
        if (eta && eta !== etas.at(-1)) etas.push(eta);
      };
      note();
      const observer = new MutationObserver(note);
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      Object.assign(window, { stopNoting: () => observer.disconnect() });
    });
    await run.locator('.phase', { hasText: /^Done$/ }).waitFor({ timeout: 240_000 });
    const { heard, etas } = await page.evaluate(() => {
      const seen = window as unknown as { heard: string[]; etas: string[]; stopNoting: () => void };
      // The next search in this tab runs without it.
      seen.stopNoting();
      return { heard: seen.heard, etas: seen.etas };
    });
    expect(heard[0]).toBe(`Running: 0 of ${GENERATIONS} generations scored.`);
    expect(heard).toContainEqual(expect.stringMatching(/^Running: 1 of 2 generations scored, best fitness \d\.\d\d\.$/));
    expect(heard.at(-1)).toMatch(/^Done: 2 of 2 generations scored, best fitness \d\.\d\d\.$/);
    // An estimate, said to be one, while it ran; none once it is done.
    expect(etas.length).toBeGreaterThan(0);
    for (const eta of etas) expect(eta).toMatch(/^(under a minute|about \d+ (min \d+ s|h \d+ min)) left.*an estimate from the time per pipeline node so far/);
    expect(await page.getByTestId('search-eta').count()).toBe(0);
    expect(tab.errorsOfThisTest()).toEqual([]);
  });

  // A prompt set in the second search of the tab.
  it('fills the generator pool with its texts: every generator call sends one of them, and the search file records them', async () => {
    const { page } = tab;
    endpoint.pace(FAST_PACE);
    const form = page.locator('section.new');
    await fillSearchForm(form, 'Search with a prompt set', { ids: '0, 2', population: 3, generations: 1, subset: 2 });
    // The study's pool sizes leave two built-in generators out: every built-in prompt takes them all.
    await form.getByLabel('Prompt pools').selectOption('every-built-in');

    // Every built-in generator id gets a text of its own, and one new generator joins the pool.
    const generatorIds = ['generator.plain', 'generator.careful', 'generator.spec', 'generator.simple', 'generator.trace', 'generator.mine'];
    const textOf = (id: string) => `Loaded text for ${id}: reply with one Python function.`;
    await form.getByLabel('Prompt set (optional, .json)').setInputFiles({
      name: 'generators.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ format: 'feedback-lab/prompt-set', version: 1, prompts: generatorIds.map((id) => ({ id, role: 'generator', text: textOf(id) })) })),
    });
    await form.getByText(/^The search's prompt pools: 6 generator, 3 analyzer, 5 refiner prompts, 6 of them from this set\.$/).waitFor();

    const firstRequest = endpoint.requests.length;
    await form.getByRole('button', { name: 'Start search' }).click();
    // The search before this one shows Done until this one takes the panel.
    const run = page.locator('section.run', { has: page.locator('#search-run-title', { hasText: 'Search with a prompt set' }) });
    await run.locator('.phase', { hasText: /^Done$/ }).waitFor({ timeout: 120_000 });
    expect(await run.getByTestId('prompt-pools').textContent()).toBe('Prompt pools: 6 generator, 3 analyzer and 5 refiner prompts (the study had 3, 2 and 3).');
    const generatorCalls = endpoint.requests.slice(firstRequest).filter(isGeneratorRequest);
    expect(generatorCalls.length).toBeGreaterThan(0);
    const loaded = new Set(generatorIds.map(textOf));
    for (const call of generatorCalls) expect(loaded.has(String(call.messages.find((m) => m.role === 'system')?.content))).toBe(true);

    const card = page.locator('article.search', { has: page.getByRole('heading', { name: 'Search with a prompt set' }) });
    await card.locator('.state', { hasText: 'done' }).waitFor();
    const doc = await importSearchFile(new Uint8Array(await download(page, () => card.getByRole('button', { name: 'Export .json', exact: true }).click())));
    expect(doc.config.config.promptPools.generator).toEqual(generatorIds);
    expect(doc.config.prompts.filter((p) => p.role === 'generator').map((p) => p.text)).toEqual(generatorIds.map(textOf));

    expect(tab.errorsOfThisTest()).toEqual([]);
  });

  // The third search of the tab, at the slow pace: it is caught running. The endpoint is set already.
  it('keeps the search running here on show when Back leads to the address of another one', async () => {
    const { page } = tab;
    await page.getByLabel(/Import search files/).setInputFiles([await storedSearchFile('C', false)]);
    const stored = page.locator('article.search', { has: page.getByRole('heading', { name: 'Stored search C' }) });
    await stored.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => page.url()).toContain('sid=search-shown-C');

    // A new search, from the main navigation, started: its id replaces the address's.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
    const form = page.locator('section.new');
    await fillSearchForm(form, 'Running search');
    await form.getByRole('button', { name: 'Start search' }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor({ timeout: 60_000 });
    const running = page.url();

    // While it runs, a screen reader hears the phase, not every new token count and second.
    const announced = await page.evaluate(async () => {
      const panel = document.querySelector('section.run');
      const live = [...(panel?.querySelectorAll('[role="status"], [aria-live]:not([aria-live="off"])') ?? [])];
      const read = (els: Element[]) => els.map((el) => el.textContent).join('|');
      const figures = panel?.querySelector('.figures');
      const texts = { live: new Set([read(live)]), shown: new Set([figures?.textContent ?? '']) };
      const observer = new MutationObserver(() => {
        texts.live.add(read(live));
        texts.shown.add(figures?.textContent ?? '');
      });
      if (panel) observer.observe(panel, { subtree: true, childList: true, characterData: true });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      observer.disconnect();
      return { live: texts.live.size, shown: texts.shown.size };
    });
    expect(announced.shown).toBeGreaterThan(2);
    expect(announced.live).toBe(1);

    // Back: the address of the search shown before. The running one stays on show, with its controls.
    await page.goBack();
    await page.waitForTimeout(1000);
    expect(await page.locator('#search-run-title').textContent()).toBe('Running search');
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start search' }).isDisabled()).toBe(true);
    expect(page.url()).toBe(running);
    // Stopped, it stays on show (the older address does not take over once nothing runs).
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('.run .phase', { hasText: /^Stopped$/ }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    expect(await page.locator('#search-run-title').textContent()).toBe('Running search');
    expect(tab.errorsOfThisTest()).toEqual([]);
  });
});

/**
 * A HumanEval result file of one arm, four repeats, over HumanEval/0-5 only, each problem passed
 * in a set number of repeats: 5 in 4, 3 in 3, 1 in 2, 0 and 4 in 1, 2 in none.
 */
async function rankingResultFile(): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const passes: Record<string, number> = { 'HumanEval/0': 1, 'HumanEval/1': 2, 'HumanEval/2': 0, 'HumanEval/3': 3, 'HumanEval/4': 1, 'HumanEval/5': 4 };
  const doc = await syntheticResultFile(6, 4, 2);
  const failed = { kind: 'failed', durationMs: 3, category: 'AssertionError', errorType: 'AssertionError', message: '', traceback: '', failingAssert: null, studyErrorType: null } as const;
  const units = doc.units.map((unit): ResultUnit => {
    if (unit.status !== 'finished' || unit.repeat < passes[unit.problemId]!) return unit;
    const steps = unit.trajectory.steps.map((step) => (step.kind === 'execute' ? { ...step, outcome: failed } : step));
    return { ...unit, trajectory: { ...unit.trajectory, steps, verdict: failed, passed: false } };
  });
  return { name: 'ranking.json', mimeType: 'application/json', buffer: Buffer.from(await fileBytes({ ...doc, units })) };
}

describe('stratified subsets on the Search page', () => {
  it('ranks the pool by a picked result file and draws each generation one problem per difficulty band', async () => {
    endpoint.pace(FAST_PACE);
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page } = app;
    await saveEndpointOnModelsPage(page, endpoint.url, SCRIPTED_MODEL);
    await openWithSavedEndpoint(page, 'Search', endpoint.url);
    const form = page.locator('section.new');
    await fillSearchForm(form, 'Stratified search');

    // Stratified without a ranking: the form says what it needs.
    const subsets = form.getByRole('group', { name: 'Problems per generation' });
    await subsets.getByLabel(/Stratified by difficulty/).check();
    await form.getByText(/Stratified subsets .* need pass rates/).waitFor();
    await subsets.getByLabel(/A result file over HumanEval/).setInputFiles(await rankingResultFile());
    await subsets.getByTestId('difficulty-source').filter({ hasText: /pass rates of 6 problems from\s+24 finished runs of its arm \(solo\)/ }).waitFor();
    // The pool is HumanEval/0-7; 6 and 7 are not in the file.
    expect(await subsets.getByTestId('difficulty-coverage').textContent()).toMatch(
      /Of the pool’s 8 problems, 6 are ranked; the\s+other 2 have no pass rate there and count as the\s+hardest.*3 bands of 2: .*the\s+2 hardest are never drawn/s,
    );
    // A subset larger than the ranking is refused before anything starts.
    await form.getByLabel('Subset size').fill('7');
    await form.getByText(/ranking\.json ranks 6 of the pool’s problems, fewer than the subset size \(7\)/).waitFor();
    await form.getByLabel('Subset size').fill(String(SUBSET));
    await app.screenshot('search-stratified-form');

    await form.getByRole('button', { name: 'Start search' }).click();
    await page.locator('.run .phase', { hasText: /^Done$/ }).waitFor({ timeout: 240_000 });
    // Ranked easiest first: 5, 3, 1, 0, 4, 2 (0 and 4 tie, pool order), then 6, 7 unranked. Three bands of two:
    // generation 0 takes the first of each band, generation 1 the second; 6 and 7 are never drawn.
    const drawn = (generation: number, records: StoredSearchRecord[]) =>
      [...new Set(records.filter((r) => r.kind === 'search' && r.generation === generation).map((r) => r.problemId))].sort();
    const records = await storedEvaluations(page);
    const search = records.filter((r) => r.kind === 'search');
    expect(search).toHaveLength(EVALUATIONS);
    expect(drawn(0, search)).toEqual(['HumanEval/1', 'HumanEval/4', 'HumanEval/5']);
    expect(drawn(1, search)).toEqual(['HumanEval/0', 'HumanEval/2', 'HumanEval/3']);
    expect(await page.getByTestId('subset-rule').textContent()).toMatch(/stratified by difficulty \(6 of the pool’s 8 problems ranked.*easiest first/);
    // Beside the fitness, each generation's subset difficulty: generation 0 drew rates 0.5, 0.25 and 1, generation 1 0.25, 0 and 0.75.
    expect(await page.getByTestId('subset-ease').allTextContents()).toEqual(['58.3 %', '33.3 %']);

    // Stored with the search: after a reload its address shows it stratified, and carrying it on
    // draws the next generation from the first column again.
    await page.reload();
    await page.locator('#search-run-title', { hasText: 'Stratified search' }).waitFor();
    await page.getByTestId('subset-rule').filter({ hasText: /stratified by difficulty/ }).waitFor();
    await page.getByLabel('More generations').fill('1');
    await page.getByRole('button', { name: 'Carry on', exact: true }).click();
    await page.getByTestId('generation').getByText(`(${GENERATIONS + 1} of ${GENERATIONS + 1} generations scored)`).waitFor({ timeout: 240_000 });
    expect(drawn(GENERATIONS, await storedEvaluations(page))).toEqual(['HumanEval/1', 'HumanEval/4', 'HumanEval/5']);

    const card = page.locator('article.search', { has: page.getByRole('heading', { name: 'Stratified search' }) });
    await card.locator('.state', { hasText: 'done' }).waitFor();
    const doc = await importSearchFile(new Uint8Array(await download(page, () => card.getByRole('button', { name: 'Export .json', exact: true }).click())));
    const passRates = { 'HumanEval/0': 0.25, 'HumanEval/1': 0.5, 'HumanEval/2': 0, 'HumanEval/3': 0.75, 'HumanEval/4': 0.25, 'HumanEval/5': 1 };
    expect(doc.config.config.subset).toEqual({ kind: 'stratified', passRates });

    // The same ranking dealt Balanced, in a smaller search (the form kept the ranking): band by band,
    // each problem to the column whose problems so far are hardest, so generation 0 draws 5, 0, 4
    // (50 %) and generation 1 draws 3, 1, 2 (41.7 %), where easiest first drew 58.3 % then 33.3 %.
    await form.getByLabel('Search name (optional)').fill('Balanced search');
    await form.getByLabel('Population').fill('3');
    await form.getByRole('radio', { name: /^Balanced:/ }).check();
    await form.getByRole('button', { name: 'Start search' }).click();
    await page.locator('#search-run-title', { hasText: 'Balanced search' }).waitFor();
    await page.locator('.run .phase', { hasText: /^Done$/ }).waitFor({ timeout: 240_000 });
    const balancedId = new URL(page.url()).hash.match(/sid=([^&]+)/)?.[1];
    const balanced = (await storedEvaluations(page, decodeURIComponent(balancedId ?? ''))).filter((r) => r.kind === 'search');
    expect(drawn(0, balanced)).toEqual(['HumanEval/0', 'HumanEval/4', 'HumanEval/5']);
    expect(drawn(1, balanced)).toEqual(['HumanEval/1', 'HumanEval/2', 'HumanEval/3']);
    expect(await page.getByTestId('subset-rule').textContent()).toMatch(/each band dealt so that every generation is about as hard/);
    expect(await page.getByTestId('subset-ease').allTextContents()).toEqual(['50.0 %', '41.7 %']);
    const balancedCard = page.locator('article.search', { has: page.getByRole('heading', { name: 'Balanced search' }) });
    await balancedCard.locator('.state', { hasText: 'done' }).waitFor();
    const balancedDoc = await importSearchFile(new Uint8Array(await download(page, () => balancedCard.getByRole('button', { name: 'Export .json', exact: true }).click())));
    expect(balancedDoc.config.config.subset).toEqual({ kind: 'stratified', passRates, columnOrder: 'balanced' });
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('ranks by the study’s released results once the Reproduce page has kept them in this browser, and says what to do before', async () => {
    const app = await openApp(browser, server, { hash: '#/search' });
    const { page } = app;
    const subsets = page.getByRole('group', { name: 'Problems per generation' });
    await subsets.getByLabel(/Stratified by difficulty/).check();
    const released = subsets.getByRole('button', { name: 'Use the study’s released results' });
    await released.click();
    await subsets.getByRole('alert').filter({ hasText: /not in this browser yet\. Open the Reproduce page and press “Load the released files”/ }).waitFor();

    // The Reproduce page fetches them (this site's copy) and keeps them; a new page load finds them in the cache.
    await page.goto(`${server.url}#/reproduce`);
    await page.getByRole('button', { name: 'Load the released files' }).click();
    await page.getByText('All four kinds of released file are loaded.').waitFor();
    await page.goto('about:blank');
    await page.goto(`${server.url}#/search`);
    await subsets.getByLabel(/Stratified by difficulty/).check();
    await released.click();
    // error_taxonomy.json: six arms, each one run over HumanEval's 164 problems; the champion's is left out.
    const said = subsets.getByTestId('difficulty-source');
    await said.filter({ hasText: /Ranked by The study’s released error-taxonomy run: pass rates of 164 problems from\s+820 finished runs of its 5 arms/ }).waitFor();
    expect(await said.textContent()).not.toMatch(/\(.*NEAT v3 champion.*\),/);
    await said.getByText(/The NEAT champion’s arm is left out too/).waitFor();
    expect(await subsets.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Start search' }).waitFor();
    expect(await page.getByText(/need pass rates to rank the problems by/).count()).toBe(0);

    // A form kept in this tab before the champion's arm was left out held a ranking counting it
    // (984 verdicts, six arms): a reload ranks again from the kept released run, not that one.
    await expect.poll(() => page.evaluate((key) => sessionStorage.getItem(key)?.includes('"verdicts":820') ?? false, SEARCH_DRAFT_KEY)).toBe(true);
    await page.evaluate((key) => {
      const draft = JSON.parse(sessionStorage.getItem(key)!);
      draft.difficulty = { ...draft.difficulty, verdicts: 984, arms: [...draft.difficulty.arms, 'NEAT v3 champion'] };
      sessionStorage.setItem(key, JSON.stringify(draft));
    }, SEARCH_DRAFT_KEY);
    await page.reload();
    await said.filter({ hasText: /from\s+820 finished runs of its 5 arms/ }).waitFor();
    expect(await said.textContent()).not.toMatch(/984|NEAT v3 champion\)/);
    // The file picker beside the button once pushed a 320-px window (400 % zoom) sideways.
    await page.setViewportSize({ width: 320, height: 600 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});

describe('the Search form across reloads', () => {

  /** What the form shows, field by field, as a user reads it. */
  async function formValues(page: Page) {
    const form = page.locator('section.new');
    const value = (label: string | RegExp, exact = false) => form.getByLabel(label, { exact }).inputValue();
    return {
      name: await value('Search name (optional)'),
      benchmark: await value('Benchmark'),
      pool: await value('Problem pool'),
      n: await value('N', true),
      poolSeed: await value('Pool seed'),
      population: await value('Population'),
      generations: await value('Generations'),
      subset: await value('Subset size'),
      k: await value('Evaluations per genome (k)'),
      selection: await value('Selection'),
      parsimony: await value('Parsimony per node'),
      seed: await value('Seed', true),
      minutes: await value('Wall-time budget (minutes)'),
      tokens: await value('Token budget'),
      mode: await value('Harness mode'),
      workers: await value(/^Python workers/),
      atZero: await form.getByLabel(/Evaluate every node at temperature 0/).isChecked(),
      stratified: await form.getByLabel(/Stratified by difficulty/).isChecked(),
      endpointEngine: await form.getByRole('radio', { name: 'OpenAI-compatible endpoint' }).isChecked(),
      endpoint: await value('Endpoint URL'),
      model: await value('Model for llama3.2:3b'),
    };
  }

  it('gives back every field, the prompt set and the stratified ranking after a reload; Reset form clears it', async () => {
    const app = await openApp(browser, server, { hash: '#/search' });
    const { page } = app;
    const form = page.locator('section.new');
    await form.getByLabel('Search name (optional)').fill('Kept across reloads');
    await form.getByLabel('Problem pool').selectOption('random');
    await form.getByLabel('N', { exact: true }).fill('8');
    await form.getByLabel('Pool seed').fill('42');
    await form.getByLabel('Population').fill('6');
    await form.getByLabel('Generations').fill('3');
    await form.getByLabel('Subset size').fill('4');
    await form.getByLabel('Evaluations per genome (k)').fill('2');
    await form.getByLabel('Selection').selectOption('species-proportional');
    await form.getByLabel('Parsimony per node').fill('0.05');
    await form.getByLabel('Seed', { exact: true }).fill('77');
    await form.getByLabel('Wall-time budget (minutes)').fill('15');
    await form.getByLabel('Token budget').fill('90000');
    await form.getByLabel('Harness mode').selectOption('standard');
    await form.getByLabel(/^Python workers/).fill('1');
    await form.getByLabel(/^Python workers/).blur();
    await form.getByLabel(/Evaluate every node at temperature 0/).check();
    await form.getByRole('radio', { name: 'OpenAI-compatible endpoint' }).check();
    await form.getByLabel('Endpoint URL').fill(endpoint.url);
    await form.getByLabel('Model for llama3.2:3b').fill('my-llama');
    await form.getByLabel('API key (optional)').fill('sk-never-kept');
    const prompts = form.getByLabel('Prompt set (optional, .json)');
    await prompts.setInputFiles(TERSE_GENERATOR_FILE);
    // Looked up each time: the page numbers its ids in the order it renders fields, and a reload renders N and Pool seed at once.
    const promptSaid = async () => page.locator(`[id="${await prompts.getAttribute('aria-describedby')}"]`);
    await (await promptSaid()).getByText('Loaded terse.json').waitFor();
    const subsets = form.getByRole('group', { name: 'Problems per generation' });
    await subsets.getByLabel(/Stratified by difficulty/).check();
    await subsets.getByLabel(/A result file over HumanEval/).setInputFiles(await rankingResultFile());
    const ranked = subsets.getByTestId('difficulty-source').filter({ hasText: /Ranked by ranking\.json: pass rates of 6 problems from\s+24 finished runs/ });
    await ranked.waitFor();
    await form.getByLabel('Subset size').fill('4');
    const filled = await formValues(page);
    expect(filled).toMatchObject({ name: 'Kept across reloads', pool: 'random', n: '8', poolSeed: '42', population: '6', subset: '4', seed: '77', tokens: '90000' });

    // At once, before the save's pause has passed: the page's unload writes what it has.
    await page.reload();
    await (await promptSaid()).getByText('Loaded terse.json').waitFor();
    await ranked.waitFor();
    // The file itself was not kept, and the page says so.
    await subsets.getByTestId('difficulty-kept').waitFor();
    expect(await formValues(page)).toEqual(filled);
    expect(await form.getByLabel('API key (optional)').inputValue()).toBe('');

    // Reset asks first, as it discards edits; dismissed, nothing changes.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await form.getByRole('button', { name: 'Reset form' }).click();
    expect(await form.getByLabel('Population').inputValue()).toBe('6');
    page.once('dialog', (dialog) => void dialog.accept());
    await form.getByRole('button', { name: 'Reset form' }).click();
    await expect.poll(() => form.getByLabel('Search name (optional)').inputValue()).toBe('');
    await page.reload();
    await form.getByLabel('Search name (optional)').waitFor();
    expect(await form.getByLabel('Population').inputValue()).toBe('20');
    expect(await form.getByLabel('Problem pool').inputValue()).toBe('all');
    expect(await subsets.getByLabel(/Stratified by difficulty/).isChecked()).toBe(false);
    expect(await (await promptSaid()).getByText('Loaded terse.json').count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
