/**
 * The Study page in Chromium against a fake OpenAI-compatible endpoint whose replies are scripted
 * per problem (tests/support/scripted-study.ts): the same truth the command line is checked
 * against. A study runs through the form, another starts from a link with autorun=1 and is
 * interrupted twice by closing its page; both end with the scripted counts and the same steps.
 * Hostile and malformed result files are refused or rendered as text, and leave IndexedDB as it was.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Download, Locator, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { configHash } from '../../src/core/results/config-hash.ts';
import { importResultFile } from '../../src/core/results/result-file-import.ts';
import { unitSteps, type ResultFile, type ResultUnit } from '../../src/core/results/result-file.ts';
import { axeViolations } from '../support/accessibility-checks.ts';
import { launchBrowser, openApp, saveScreenshot, startAppServer, type AppServer } from '../support/browser.ts';
import { loadTestProblems } from '../support/datasets.ts';
import { startFakeOpenAIServer } from '../support/fake-openai-server.ts';
import { openWithSavedEndpoint, saveEndpointOnModelsPage, typeEndpointWithKey } from '../support/saved-endpoint.ts';
import {
  FAST_PACE,
  SCRIPT,
  SCRIPTED_MODEL,
  SCRIPTED_PROBLEM_IDS,
  SCRIPTED_TRUTH,
  expectedSteps,
  scriptedReply,
  scriptedStudyLink,
  startScriptedServer,
  type ScriptedServer,
} from '../support/scripted-study.ts';
import { studyResultFile } from '../unit/results/result-file-fixtures.ts';
import { encodeStudyLink } from '../../src/core/study/link.ts';
import { llamaSelfRefine, llamaSolo } from '../../src/core/pipeline/presets.ts';
import { TERSE_GENERATOR_FILE } from '../support/prompt-set-files.ts';
import { setPythonWorkers } from '../support/python-workers.ts';
import { pressStartByKeyboard } from '../support/focus-trail.ts';

const REPEATS = 2;

let browser: Browser;
let server: AppServer;
let endpoint: ScriptedServer;
/** The file of the study that ran without interruption, to compare the interrupted one with. */
let uninterrupted: ResultFile | null = null;

beforeAll(async () => {
  [server, browser, endpoint] = await Promise.all([
    startAppServer(),
    launchBrowser(),
    startScriptedServer({
      tokensPerSecond: 400,
      slowFirstTokenMs: 1500,
      // Speaks Ollama's native API too: the page records what the server ran the model with.
      ollama: { contextLength: 4096, quantization: 'Q4_K_M', parameterSize: '3.2B', sizeBytes: 2_600_000_000, sizeVramBytes: 2_600_000_000 },
    }),
  ]);
});

// A test that needs a run caught in the middle keeps this pace until it has caught it, then goes on at FAST_PACE.
beforeEach(() => endpoint.resetPace());

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await endpoint?.close();
});

/** Everything in the study stores, read inside the page. */
async function storeContents(page: Page): Promise<{ studies: unknown[]; steps: unknown[]; units: unknown[] }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('feedback-lab');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = (name: string) =>
      new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const contents = { studies: await all('studies'), steps: await all('steps'), units: await all('units') };
    db.close();
    return contents;
  });
}

async function stepCount(page: Page): Promise<number> {
  return (await storeContents(page)).steps.length;
}

async function download(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download') as Promise<Download>, click()]);
  return readFileSync(await file.path());
}

/** Points the form at the scripted endpoint, with `model` for the arms' llama3.2:3b. */
async function useEndpoint(form: Locator, model: string): Promise<void> {
  await form.getByLabel('OpenAI-compatible endpoint').check();
  await form.getByLabel('Endpoint URL').fill(endpoint.url);
  await form.getByLabel('Model for llama3.2:3b').fill(model);
}

function studyCard(page: Page, name: string) {
  return page.locator('article.study', { has: page.getByRole('heading', { name, exact: true }) });
}

async function waitForDone(page: Page, timeout = 240_000): Promise<void> {
  await page.locator('.run .phase', { hasText: /^Done$/ }).waitFor({ timeout });
}

/** Passes per arm, over every repeat. */
function passesPerArm(doc: ResultFile): Record<string, number> {
  const passes: Record<string, number> = {};
  for (const unit of doc.units) {
    passes[unit.armId] = (passes[unit.armId] ?? 0) + (unit.status === 'finished' && unit.trajectory.passed ? 1 : 0);
  }
  return passes;
}

/** What a step is, without its timings: equal for two runs of the same scripted study. */
function stepSignature(unit: ResultUnit): string[] {
  return unitSteps(unit).map((step) =>
    step.kind === 'execute'
      ? `${step.index} execute ${step.nodeId} ${step.outcome.kind} ${step.code.length}`
      : `${step.index} ${step.kind} ${step.nodeId} ${step.iteration} ${step.reply}`,
  );
}

function checkAgainstTruth(doc: ResultFile, repeats = REPEATS): void {
  expect(doc.units).toHaveLength(2 * repeats * SCRIPTED_PROBLEM_IDS.length);
  expect(doc.units.every((unit) => unit.status === 'finished')).toBe(true);
  expect(passesPerArm(doc)).toEqual(Object.fromEntries(Object.entries(SCRIPTED_TRUTH).map(([arm, n]) => [arm, n * repeats])));
  for (const unit of doc.units) {
    expect(unitSteps(unit), `${unit.armId}/${unit.repeat}/${unit.problemId}`).toHaveLength(expectedSteps(unit.armId, SCRIPT[unit.problemId]!));
  }
}

function shot(page: Page, name: string): Promise<void> {
  return saveScreenshot(page, name);
}

async function openInContext(context: BrowserContext, url: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  await page.goto(url);
  return page;
}

describe('the Study page in Chromium', () => {
  // The study as the form first offers it, with the default Python workers (one a core, up to four:
  // programs run side by side), the reference the other runs are compared with. Tests not about that ask for one.
  it('runs solo and self-refine on the scripted problems through the form and exports the scripted truth', async () => {
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page } = app;
    await saveEndpointOnModelsPage(page, endpoint.url, SCRIPTED_MODEL);
    await openWithSavedEndpoint(page, 'Study', endpoint.url);
    // The endpoint serves the arms' key llama3.2:3b by that name, so it is asked as itself; the
    // model picked on the Models page stands in only for a key it does not serve (qwen2.5:1.5b).
    expect(await page.getByLabel('Model for llama3.2:3b').inputValue()).toBe('llama3.2:3b');
    const crossModel = page.getByRole('checkbox', { name: 'qwen → exec → llama (cross-model)', exact: true });
    await crossModel.check();
    expect(await page.getByLabel('Model for qwen2.5:1.5b').inputValue()).toBe(SCRIPTED_MODEL);
    await crossModel.uncheck();
    expect(await page.getByRole('checkbox', { name: 'llama3.2:3b solo', exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'llama → exec → llama (self-refine)', exact: true }).isChecked()).toBe(true);

    await page.getByLabel('Study name (optional)').fill('Scripted via the form');
    await page.getByLabel('Problems').selectOption('ids');
    await page.getByLabel('Problem ids').fill(SCRIPTED_PROBLEM_IDS.map((id) => id.split('/')[1]).join(', '));
    await page.getByLabel('Repeats').fill(String(REPEATS));
    await page.getByRole('button', { name: 'Run study' }).click();

    // Live progress: a reply streams while units finish.
    await page.locator('.run figure.live pre').waitFor({ timeout: 60_000 });
    await app.screenshot('study-running');

    // Pause lets the steps in flight finish and starts no others; Resume goes on from there.
    await page.locator('.run').getByRole('button', { name: 'Pause' }).click();
    await page.locator('.run .phase', { hasText: /^Paused$/ }).waitFor({ timeout: 60_000 });
    const paused = await stepCount(page);
    // The panel shows time left and tokens/s, held still and said to be (they count active time
    // only), but its live region reads out only the news.
    const figures = (await page.locator('.run .figures').textContent()) ?? '';
    expect(figures).toMatch(/tokens\/s before the pause/);
    expect(figures).not.toMatch(/estimating time left|\d left(?! once resumed)/);
    const said = await page.locator('.run').getByRole('status').textContent();
    expect(said).toMatch(/^Paused: \d+ of \d+ units done/);
    expect(said).not.toMatch(/tokens\/s|left/);
    await page.waitForTimeout(1500);
    expect(await stepCount(page)).toBe(paused);
    expect((await storeContents(page)).studies).toMatchObject([{ status: 'paused' }]);
    // Its card said "running here" all through the pause, with Delete… disabled.
    const pausedCard = studyCard(page, 'Scripted via the form');
    await pausedCard.locator('.state', { hasText: /^paused here$/ }).waitFor();
    expect(await pausedCard.getByRole('button', { name: 'Delete…' }).isEnabled()).toBe(true);
    // Pause turned into Resume under the pointer: focus went with it, not to <body>.
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(await focusedText()).toBe('Resume');
    endpoint.pace(FAST_PACE);
    await page.locator('.run').getByRole('button', { name: 'Resume' }).click();
    await waitForDone(page);
    // The run's buttons are gone at the end: focus is on the run's name.
    await expect.poll(focusedText).toBe('Scripted via the form');
    const arms = page.locator('.run table.arms');
    expect(await arms.locator('tr[data-arm="llama-solo"] td').nth(1).textContent()).toBe(String(SCRIPTED_TRUTH['llama-solo']! * REPEATS));
    expect(await arms.locator('tr[data-arm="llama-self-refine"] td').nth(1).textContent()).toBe(String(SCRIPTED_TRUTH['llama-self-refine']! * REPEATS));

    const card = studyCard(page, 'Scripted via the form');
    await card.locator('.state', { hasText: 'done' }).waitFor();
    await app.screenshot('study-done');
    const json = await download(page, () => card.getByRole('button', { name: 'Export .json', exact: true }).click());
    const doc = await importResultFile(new Uint8Array(json));
    checkAgainstTruth(doc);
    expect(doc.environments[0]?.userAgent).toMatch(/Chrome/);
    expect(doc.environments[0]?.pyodideVersion).toBe('314.0.7');
    expect(doc.environments[0]?.gpu).toBeNull();
    expect(doc.environments[0]?.servedModels).toEqual([
      expect.objectContaining({ endpoint: endpoint.url, model: 'llama3.2:3b', server: 'ollama', contextTokens: 4096, quantization: 'Q4_K_M', unknownBecause: null }),
    ]);
    expect(doc.config.models['llama3.2:3b']).toEqual({ engine: 'openai', id: 'llama3.2:3b', baseUrl: endpoint.url });
    uninterrupted = doc;

    const gz = await download(page, () => card.getByRole('button', { name: 'Export .json.gz' }).click());
    // The same document, but for the moment of export each environment records.
    const withoutTimes = (text: string) => ({ ...(JSON.parse(text) as ResultFile), environments: [] });
    expect(withoutTimes(gunzipSync(gz).toString('utf8'))).toEqual(withoutTimes(json.toString('utf8')));

    await card.getByLabel('Samples of').selectOption({ label: 'llama → exec → llama (self-refine), repeat 2' });
    const samples = (await download(page, () => card.getByRole('button', { name: 'Samples .jsonl' }).click())).toString('utf8');
    const lines = samples.trim().split('\n').map((line) => JSON.parse(line) as { task_id: string; repeat: number });
    expect(lines.map((l) => l.task_id)).toEqual([...SCRIPTED_PROBLEM_IDS]);
    expect(lines.every((l) => l.repeat === 1)).toBe(true);

    // The form's study as a link: it names the endpoint (and any model not asked by its key), never an API key.
    await page.getByRole('button', { name: 'Copy study link' }).click();
    const link = await page.getByLabel('Study link').inputValue();
    expect(link).toMatch(/#\/study\?study=2&.*&end=\d+$/);
    const linkParams = new URLSearchParams(link.slice(link.indexOf('?') + 1));
    expect(linkParams.get('endpoint')).toBe(endpoint.url);
    // The model is the arms' own key, so the link needs no mapping: opened elsewhere, it asks that endpoint for llama3.2:3b.
    expect(linkParams.getAll('m')).toEqual([]);
    expect(linkParams.get('r')).toBe(String(REPEATS));

    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('starts from a study link with autorun=1, resumes after its page is closed twice, and ends with the same steps', async () => {
    const params = await scriptedStudyLink(endpoint.url, REPEATS, { autorun: true });
    const app = await openApp(browser, server, { hash: `#/study?${params}` });
    const { context, errors } = app;
    let page = app.page;
    const total = 2 * REPEATS * SCRIPTED_PROBLEM_IDS.length;

    // autorun: no click needed. The address gains the study id, so a reload finds this study.
    await expect.poll(() => page.url(), { timeout: 60_000 }).toMatch(/[?&]sid=study-/);
    const addressWithId = page.url();
    await expect.poll(() => stepCount(page), { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(8);
    const before = await stepCount(page);
    expect((await storeContents(page)).units.length).toBeLessThan(total);
    await page.close();

    // Interrupted: a new page of the same profile shows it so, and resumes it on request.
    page = await openInContext(context, `${server.url}#/study`, errors);
    const card = studyCard(page, 'Scripted solo vs self-refine');
    await card.locator('.state', { hasText: 'interrupted' }).waitFor({ timeout: 30_000 });
    await shot(page, 'study-interrupted');
    expect(await stepCount(page)).toBeGreaterThanOrEqual(before);
    // The card says what Resume keeps and what it runs, not only the counts.
    expect(await card.getByTestId('resume-keeps').textContent()).toMatch(/kept; Resume runs the \d+ units? left, and a unit stopped part-way goes on from the steps it stored/);
    // Resumed with one Python worker where the first page had two: the steps do not depend on it.
    await setPythonWorkers(page, 1);
    // By keyboard: the button stays in place saying so while Python starts, and focus goes on to
    // the run's Pause. It went disabled, then away, and focus lay on <body> for those seconds (audit R186-5).
    const trail = await pressStartByKeyboard(page, card.getByRole('button', { name: 'Resume' }));
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Pause');
    expect(await trail.stop()).toEqual(['button: Resume', 'button: Resuming… (aria-disabled)', 'button: Pause']);
    const second = await stepCount(page);
    await expect.poll(() => stepCount(page), { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(second + 6);
    expect((await storeContents(page)).units.length).toBeLessThan(total);
    await page.close();
    endpoint.pace(FAST_PACE);

    // Opening the address with the study id again resumes it by itself (autorun=1).
    page = await openInContext(context, addressWithId, errors);
    await waitForDone(page);
    const done = studyCard(page, 'Scripted solo vs self-refine');
    await done.locator('.state', { hasText: 'done' }).waitFor();
    const doc = await importResultFile(new Uint8Array(await download(page, () => done.getByRole('button', { name: 'Export .json', exact: true }).click())));
    checkAgainstTruth(doc);

    // No step missing or doubled: the same steps as the study that ran without interruption.
    expect(uninterrupted, 'the uninterrupted study ran first').not.toBeNull();
    const reference = new Map(uninterrupted!.units.map((unit) => [`${unit.armId}/${unit.repeat}/${unit.problemId}`, stepSignature(unit)]));
    for (const unit of doc.units) expect(stepSignature(unit)).toEqual(reference.get(`${unit.armId}/${unit.repeat}/${unit.problemId}`));

    // The finished study is not run again when its address is opened once more.
    const requests = endpoint.requests.length;
    await page.reload();
    await done.locator('.state', { hasText: 'done' }).waitFor();
    await page.waitForTimeout(1000);
    expect(endpoint.requests.length).toBe(requests);
    expect(await page.locator('.run').count()).toBe(0);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('goes on by itself with a study started from the form when its tab is reloaded mid-run, and ends with the scripted truth', async () => {
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    const form = page.locator('section.new');
    await useEndpoint(form, SCRIPTED_MODEL);
    // One Python worker, which the reload keeps with the rest of the form.
    await setPythonWorkers(form, 1);
    await form.getByLabel('Study name (optional)').fill('Reloaded mid-run');
    await form.getByLabel('Problems').selectOption('ids');
    await form.getByLabel('Problem ids').fill(SCRIPTED_PROBLEM_IDS.map((id) => id.split('/')[1]).join(', '));
    // One repeat: a second one shows nothing more about a reload, and cost 16 more units.
    await form.getByLabel('Repeats').fill('1');
    await form.getByRole('button', { name: 'Run study' }).click();
    await expect.poll(() => stepCount(page), { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(6);
    expect((await storeContents(page)).units.length).toBeLessThan(2 * SCRIPTED_PROBLEM_IDS.length);

    // A reload used to leave it "interrupted" on its card, far below the form, until Resume was found and pressed.
    await page.reload();
    const run = page.locator('.run', { has: page.getByRole('heading', { name: 'Reloaded mid-run' }) });
    await run.locator('.phase', { hasText: /^Running$/ }).waitFor({ timeout: 60_000 });
    // Taken up by itself, and it says so: it looked like a fresh start.
    expect(await run.getByTestId('study-picked-up').textContent()).toMatch(/^Taken up where it stopped .* no step already stored is asked of the model again\.$/);
    endpoint.pace(FAST_PACE);
    await run.locator('.phase', { hasText: /^Done$/ }).waitFor({ timeout: 240_000 });
    expect(await run.getByTestId('study-picked-up').count()).toBe(0);
    // The end says where the numbers go from here.
    const next = run.getByTestId('study-next');
    expect(await next.textContent()).toMatch(/Export \.json.*Results page/s);
    expect(await next.getByRole('link', { name: 'Results' }).getAttribute('href')).toBe('#/results');
    const card = studyCard(page, 'Reloaded mid-run');
    await card.locator('.state', { hasText: 'done' }).waitFor();
    checkAgainstTruth(await importResultFile(new Uint8Array(await download(page, () => card.getByRole('button', { name: 'Export .json', exact: true }).click()))), 1);

    // Finished, it is not taken up again by the next reload.
    await page.reload();
    await card.locator('.state', { hasText: 'done' }).waitFor();
    expect(await page.locator('.run').count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('does not go on after a reload without the API key typed into the form, says so, and stops a paused study to delete it', async () => {
    const keyed = await startScriptedServer({ tokensPerSecond: 150, apiKey: 'sk-typed' });
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    try {
      const form = page.locator('section.new');
      await typeEndpointWithKey(form, keyed.url, 'sk-typed');
      await setPythonWorkers(form, 1);
      await form.getByLabel('Study name (optional)').fill('Keyed');
      await form.getByLabel('Problems').selectOption('ids');
      await form.getByLabel('Problem ids').fill(SCRIPTED_PROBLEM_IDS.map((id) => id.split('/')[1]).join(', '));
      await form.getByRole('button', { name: 'Run study' }).click();
      await expect.poll(() => stepCount(page), { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(2);

      // It went on by itself with no key: 401 for every unit, six errored, and stopped.
      await page.reload();
      const alert = page.locator('.errors[role="alert"]');
      await alert.getByText(/“Keyed” did not go on by itself after the reload: it was sending an API key to .*a reload forgets a key typed into the form/).waitFor();
      expect(await alert.textContent()).toMatch(/Type the key into API key under Engine .*then press Resume on its card below/);
      const card = studyCard(page, 'Keyed');
      await card.locator('.state', { hasText: /^interrupted$/ }).waitFor();
      await page.waitForTimeout(1000);
      expect(await page.locator('.run').count()).toBe(0);
      expect(keyed.requests.filter((request) => request.headers.authorization !== 'Bearer sk-typed')).toEqual([]);

      // The key typed again, Resume goes on with it.
      await form.getByLabel('API key (optional)').fill('sk-typed');
      await card.getByRole('button', { name: 'Resume' }).click();
      await page.locator('.run .phase', { hasText: /^Running$/ }).waitFor({ timeout: 60_000 });
      await page.locator('.run').getByRole('button', { name: 'Pause' }).click();
      await page.locator('.run .phase', { hasText: /^Paused$/ }).waitFor({ timeout: 60_000 });
      expect((await storeContents(page)).units.every((unit) => (unit as { unit: { result: { status: string } } }).unit.result.status === 'finished')).toBe(true);

      // Paused here, it can be deleted from its card: the run stops first, and its panel goes with it.
      await card.locator('.state', { hasText: /^paused here$/ }).waitFor();
      await card.getByRole('button', { name: 'Delete…' }).click();
      await card.getByText(/^Stop this study and delete it and its \d+ steps\?/).waitFor();
      await card.getByRole('button', { name: 'Yes, delete' }).click();
      await card.waitFor({ state: 'detached' });
      await page.locator('.run').waitFor({ state: 'detached' });
      expect(await storeContents(page)).toEqual({ studies: [], steps: [], units: [] });
      expect(app.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    } finally {
      await app.close();
      await keyed.close();
    }
  });

  it('finishes a unit whose stored steps an earlier version of the app worded otherwise, from the steps that still fit, and says so', async () => {
    // One repeat: the unit at stake is in the first, and the second cost 16 more units.
    const params = await scriptedStudyLink(endpoint.url, 1, { autorun: true });
    // The link opened in a tab already on the Study page, set to one Python worker (a link does not carry the count).
    const app = await openApp(browser, server, { hash: '#/study' });
    const { context, errors } = app;
    let page = app.page;
    await setPythonWorkers(page, 1);
    await page.goto(`${server.url}#/study?${params}`);
    // A never-fixed self-refine unit: generate, execute, then three refinements each executed.
    const unitId = `llama-self-refine/0/HumanEval/4`;
    const stepsOfUnit = async () => (await storeContents(page)).steps.filter((s) => (s as { unitId: string }).unitId === unitId).length;
    await expect.poll(stepsOfUnit, { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(4);
    await page.close();
    endpoint.pace(FAST_PACE);

    // What an older build would have left: the unit's refiner messages worded otherwise, and the
    // unit not yet finished (the tab closed before its record was written, if it got that far).
    page = await openInContext(context, `${server.url}#/study`, errors);
    const changed = await page.evaluate(async (id) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('feedback-lab');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = db.transaction(['steps', 'units'], 'readwrite');
      let count = 0;
      let studyId = '';
      await new Promise<void>((resolve, reject) => {
        const cursorRequest = tx.objectStore('steps').openCursor();
        cursorRequest.onsuccess = () => {
          const cursor = cursorRequest.result;
          if (!cursor) return resolve();
          const row = cursor.value as { studyId: string; unitId: string; step: { kind: string; messages?: { role: string; content: string }[] } };
          if (row.unitId === id && row.step.kind === 'refine' && row.step.messages) {
            studyId = row.studyId;
            for (const m of row.step.messages) if (m.role === 'user') m.content = m.content.replace('Failing test:', 'Failing test (as worded before):');
            cursor.update(row);
            count++;
          }
          cursor.continue();
        };
        cursorRequest.onerror = () => reject(cursorRequest.error);
      });
      tx.objectStore('units').delete([studyId, id]);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      return count;
    }, unitId);
    expect(changed).toBeGreaterThanOrEqual(1);
    await page.reload();

    const card = studyCard(page, 'Scripted solo vs self-refine');
    await card.locator('.state', { hasText: 'interrupted' }).waitFor({ timeout: 30_000 });
    await setPythonWorkers(page, 1);
    await card.getByRole('button', { name: 'Resume' }).click();
    await waitForDone(page);
    await expect.poll(() => page.getByTestId('continued-after-update').textContent()).toMatch(
      /1\s+unit had steps recorded by an earlier version of the app that no longer match/,
    );
    await shot(page, 'study-continued-after-update');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 800, height: 600 });
    await shot(page, 'study-continued-after-update-dark-800');

    await card.locator('.state', { hasText: 'done' }).waitFor();
    const doc = await importResultFile(new Uint8Array(await download(page, () => card.getByRole('button', { name: 'Export .json', exact: true }).click())));
    checkAgainstTruth(doc, 1);
    expect(uninterrupted, 'the uninterrupted study ran first').not.toBeNull();
    const reference = new Map(uninterrupted!.units.map((unit) => [`${unit.armId}/${unit.repeat}/${unit.problemId}`, stepSignature(unit)]));
    for (const unit of doc.units) expect(stepSignature(unit)).toEqual(reference.get(`${unit.armId}/${unit.repeat}/${unit.problemId}`));
    const redone = doc.units.find((unit) => `${unit.armId}/${unit.repeat}/${unit.problemId}` === unitId)!;
    expect(unitSteps(redone).some((step) => step.kind !== 'execute' && step.messages.some((m) => m.content.includes('as worded before')))).toBe(false);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('runs again, on request, the units that errored while the endpoint failed them, and ends with the scripted truth', async () => {
    // An endpoint that answers every request about one problem with 503 until it "comes back".
    const problems = await loadTestProblems('humaneval');
    const flakyPrompt = problems.find((p) => p.id === 'HumanEval/4')!.prompt;
    let failing = true;
    // Nothing here is caught mid-run: the fast pace.
    const answer = scriptedReply(problems, SCRIPT, { slowFirstTokenMs: FAST_PACE.slowFirstTokenMs });
    const flaky = await startFakeOpenAIServer({
      reply: (request) =>
        failing && request.messages.some((m) => m.content.includes(flakyPrompt))
          ? { kind: 'status', status: 503, message: 'model is loading' }
          : answer(request),
      tokensPerSecond: FAST_PACE.tokensPerSecond,
      models: [SCRIPTED_MODEL, 'llama3.2:3b'],
    });
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page } = app;
    try {
      await saveEndpointOnModelsPage(page, flaky.url, SCRIPTED_MODEL);
      await openWithSavedEndpoint(page, 'Study', flaky.url);
      await setPythonWorkers(page, 1);
      await page.getByLabel('Study name (optional)').fill('Flaky endpoint');
      await page.getByLabel('Problems').selectOption('ids');
      await page.getByLabel('Problem ids').fill(SCRIPTED_PROBLEM_IDS.map((id) => id.split('/')[1]).join(', '));
      await page.getByLabel('Repeats').fill('1');
      await page.getByRole('button', { name: 'Run study' }).click();
      await waitForDone(page);

      // Both arms' units of the failing problem errored; the study is done, but not for good.
      const card = studyCard(page, 'Flaky endpoint');
      await card.getByText('(2 errored)').waitFor();
      const again = card.getByRole('button', { name: 'Run 2 errored units again' });
      failing = false;
      // By keyboard: focus stays on the button (Starting…) until the run's Pause comes, then goes to the
      // run's name at its end; never on <body> (audit R186-5). Python is warm here: Starting… may be too short to see.
      const trail = await pressStartByKeyboard(page, again);
      await waitForDone(page);
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Flaky endpoint');
      expect((await trail.stop()).filter((focus) => focus !== 'button: Starting… (aria-disabled)')).toEqual([
        'button: Run 2 errored units again',
        'button: Pause',
        'h2: Flaky endpoint',
      ]);
      await card.locator('.state', { hasText: 'done' }).waitFor();
      await expect.poll(() => card.textContent()).not.toContain('errored');
      const arms = page.locator('.run table.arms');
      for (const [arm, passed] of Object.entries(SCRIPTED_TRUTH)) {
        expect(await arms.locator(`tr[data-arm="${arm}"] td`).nth(1).textContent(), arm).toBe(String(passed));
      }
      expect(await card.getByRole('button', { name: /errored units? again/ }).count()).toBe(0);
      // The browser logs each refused request; nothing else may go wrong.
      expect(app.errors.filter((e) => !e.includes('status of 503'))).toEqual([]);
    } finally {
      await app.close();
      await flaky.close();
    }
  });

  it('says what is wrong with a number as it is typed, announced politely, and refuses to start until it is put right', async () => {
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    const form = page.locator('section.new');
    await form.getByLabel('OpenAI-compatible endpoint').check();
    await form.getByLabel('Endpoint URL').fill(endpoint.url);
    const live = form.locator('[data-form-problems]');
    const problems = form.getByRole('list', { name: 'What the study cannot start with' });
    // The live region is there before anything is wrong, so the first problem is heard too.
    expect(await live.getAttribute('aria-live')).toBe('polite');
    expect(await problems.count()).toBe(0);

    // An emptied field was said to be empty only once Run study was pressed; now as soon as it is emptied.
    await form.getByLabel('Repeats').fill('');
    await live.getByText('Repeats: empty. Give a whole number from 1 to 100.').waitFor();
    await form.getByLabel('Problems').selectOption('random');
    await form.getByLabel('N', { exact: true }).fill('500');
    await problems.getByText('N: 500 is out of range. Give a whole number from 1 to 164.').waitFor();
    expect(await problems.getByRole('listitem').count()).toBe(2);
    // The plan under the form would describe a study that cannot start: the list takes its place.
    expect(await form.getByText(/arms? ×/).count()).toBe(0);

    // From the keyboard: a start refused for the form's fields sends focus to the first field at
    // fault (N, above Repeats), to be put right at once. The alert just above Run study says the
    // refusal once: it used to print again the list that sits right above it.
    const run = form.getByRole('button', { name: 'Run study' });
    await run.focus();
    await page.keyboard.press('Enter');
    const alert = page.locator('.errors[role="alert"]');
    await alert.getByText('Not started: put right what is listed above.').waitFor();
    expect(await alert.textContent()).not.toMatch(/N: 500|Repeats: empty/);
    // Each problem is still named once in the list, and at its field.
    expect(await problems.getByRole('listitem').allTextContents()).toEqual(['N: 500 is out of range. Give a whole number from 1 to 164.', 'Repeats: empty. Give a whole number from 1 to 100.']);
    expect(await form.getByLabel('Repeats').getAttribute('aria-invalid')).toBe('true');
    await form.getByText('Empty. Give a whole number from 1 to 100.', { exact: true }).waitFor();
    const focusedField = () => page.evaluate(() => (document.activeElement instanceof HTMLInputElement ? document.activeElement.labels?.[0]?.textContent?.trim() : null));
    await expect.poll(focusedField).toBe('N');
    await page.waitForTimeout(500);
    expect(await page.locator('#run-title').count()).toBe(0);
    // A screen reader hears the field's name once and its problem once, as its description.
    const cdp = await app.context.newCDPSession(page);
    type AXNode = { role?: { value: string }; name?: { value: string }; description?: { value: string }; properties?: { name: string; value: { value: unknown } }[] };
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as unknown as { nodes: AXNode[] };
    const focused = nodes.find((node) => node.role?.value === 'spinbutton' && node.properties?.some((p) => p.name === 'focused' && p.value.value === true));
    expect([focused?.name?.value, focused?.description?.value]).toEqual(['N', '500 is out of range. Give a whole number from 1 to 164.']);
    await cdp.detach();
    // Each line of the list takes the user to its field: a button named by the line, clicked or pressed.
    await problems.getByRole('button', { name: 'Repeats: empty. Give a whole number from 1 to 100.' }).click();
    await expect.poll(focusedField).toBe('Repeats');
    await problems.getByRole('button', { name: /^N: 500 is out of range/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(focusedField).toBe('N');
    // Put right, the next refusal goes to the next field at fault.
    await form.getByLabel('N', { exact: true }).fill('3');
    // The first refusal's alert, marked: a second refusal must not leave it in place.
    await alert.evaluate((element) => element.setAttribute('data-refusal', 'first'));
    await run.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focusedField).toBe('Repeats');
    // A second refusal is drawn afresh (a new alert element), so a screen reader hears it too, in the same words.
    await alert.getByText('Not started: put right what is listed above.').waitFor();
    await expect.poll(() => page.locator('.errors[role="alert"][data-refusal="first"]').count()).toBe(0);
    await alert.evaluate((element) => element.setAttribute('data-refusal', 'second'));
    // N broken again: the form would not start for it either. The list says so, politely; the
    // alert, assertive, keeps its words and is not read out again (the same element, not drawn anew).
    const alertText = () => page.locator('.errors[role="alert"][data-refusal="second"]').allTextContents();
    await form.getByLabel('N', { exact: true }).fill('500');
    await problems.getByText(/^N: 500/).waitFor();
    expect(await alertText()).toEqual(['Not started: put right what is listed above.']);
    // Repeats, which the start was refused for, put right: N still stops the start, and the alert stays for it.
    await form.getByLabel('Repeats').fill('1');
    await problems.getByText(/^Repeats/).waitFor({ state: 'detached' });
    expect(await alertText()).toEqual(['Not started: put right what is listed above.']);
    expect(await problems.getByRole('listitem').allTextContents()).toEqual(['N: 500 is out of range. Give a whole number from 1 to 164.']);

    // Every field put right: the alert, which said the form would not start, goes; focus stays where the user typed.
    await form.getByLabel('N', { exact: true }).fill('3');
    await problems.waitFor({ state: 'detached' });
    await alert.waitFor({ state: 'detached' });
    expect(await focusedField()).toBe('N');
    // Broken again without pressing Run study: the live list says so; no alert comes back.
    await form.getByLabel('Repeats').fill('');
    await problems.getByText(/^Repeats: empty/).waitFor();
    await page.waitForTimeout(300);
    expect(await alert.count()).toBe(0);
    await form.getByLabel('Repeats').fill('1');
    await problems.waitFor({ state: 'detached' });
    await form.getByText('2 arms × 1 repeat over the chosen problems.').waitFor();
    await app.screenshot('study-form-problems-cleared');

    // Each field says its own problem where it is, not only in the list above Run study: invalid,
    // and described by its sentence; put right, neither. (Repeats keeps the note it always has.)
    const said = (field: typeof run) =>
      field.evaluate((el) => {
        const ids = (el.getAttribute('aria-describedby') ?? '').split(' ');
        return [el.getAttribute('aria-invalid'), ids.map((id) => document.getElementById(id)?.textContent?.trim()).join(' | ')];
      });
    const n = form.getByLabel('N', { exact: true });
    await n.fill('500');
    await expect.poll(() => said(n)).toEqual(['true', '500 is out of range. Give a whole number from 1 to 164.']);
    await form.getByLabel('Problems').selectOption('ids');
    const ids = form.getByLabel('Problem ids');
    await ids.fill('0, 999');
    await expect.poll(() => said(ids)).toEqual(['true', 'Unknown HumanEval problem id: HumanEval/999.']);
    await problems.getByText('Problem ids: unknown HumanEval problem id: HumanEval/999.').waitFor();
    await ids.fill('0, 9');
    await expect.poll(() => said(ids)).toEqual([null, '']);
    await form.getByLabel('Problems').selectOption('first');
    expect(await said(n)).toEqual(['true', '500 is out of range. Give a whole number from 1 to 164.']);
    await n.fill('3');
    await expect.poll(() => said(n)).toEqual([null, '']);
    expect((await said(form.getByLabel('Repeats')))[0]).toBeNull();

    // The browser's own checks (min, max, type="url") stopped Run study first, with a tooltip of
    // their own: no alert, no list, focus not on the first field at fault. The page's checks run.
    await n.fill('0');
    await form.getByLabel('Repeats').fill('101');
    // An address without http:// came back from the study's config check, in a developer's words, in an alert.
    const url = form.getByLabel('Endpoint URL');
    await url.fill('localhost:11434');
    // The workers field changed 0 to 1 without a word; it says what is wrong, as the others do.
    const workers = form.getByLabel(/^Python workers/);
    await workers.fill('0');
    await run.click();
    await alert.getByText('Not started: put right what is listed above.').waitFor();
    await expect.poll(focusedField).toBe('N');
    const most = /\(1–(\d+)\)/.exec((await form.getByText(/^Python workers \(1–\d+\)$/).textContent()) ?? '')?.[1];
    expect(await problems.getByRole('listitem').allTextContents()).toEqual([
      'N: 0 is out of range. Give a whole number from 1 to 164.',
      'Repeats: 101 is out of range. Give a whole number from 1 to 100.',
      'Endpoint URL: start it with http:// or https://, e.g. http://localhost:11434/v1.',
      `Python workers: 0 is out of range. Give a whole number from 1 to ${most}.`,
    ]);
    expect(await said(url)).toEqual(['true', 'Start it with http:// or https://, e.g. http://localhost:11434/v1.']);
    expect(await said(workers)).toEqual(['true', `0 is out of range. Give a whole number from 1 to ${most}.`]);
    expect(await workers.inputValue()).toBe('0');
    expect(await alert.textContent()).not.toMatch(/baseUrl/);
    expect(await page.locator('#run-title').count()).toBe(0);
    await n.fill('3');
    await form.getByLabel('Repeats').fill('1');
    await url.fill(endpoint.url);
    await workers.fill('1');
    await problems.waitFor({ state: 'detached' });
    await alert.waitFor({ state: 'detached' });
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('tells why a study stopped and whether resuming can help: not when the endpoint serves no model under that name', async () => {
    // First a study too short to stop for its errors, from a link whose arms are not in the list's
    // order: it keeps the link's order, and says what its errored units ended with.
    const short = await encodeStudyLink({
      name: 'Short, unserved',
      benchmark: 'humaneval',
      selection: { kind: 'first', n: 1 },
      arms: [llamaSelfRefine, llamaSolo].map((pipeline) => ({ id: pipeline.id, label: pipeline.name, pipeline, forcedIterations: false })),
      repeats: 1,
      mode: 'study',
      engine: 'openai',
      endpoint: endpoint.url,
      modelNames: { 'llama3.2:3b': 'no-such-model' },
      autorun: true,
    });
    const app = await openApp(browser, server, { hash: `#/study?${short}` });
    const { page } = app;
    await waitForDone(page, 120_000);
    // The link's order, not the list's: the run's table, the card, and the link the form copies.
    expect(await page.locator('.run table.arms tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-arm')))).toEqual([
      'llama-self-refine',
      'llama-solo',
    ]);
    await page.getByTestId('arm-order').getByText('in this order: llama → exec → llama (self-refine), llama3.2:3b solo.').waitFor();
    await page.getByRole('button', { name: 'Copy study link' }).click();
    const copied = await page.getByLabel('Study link').inputValue();
    expect(new URLSearchParams(copied.slice(copied.indexOf('?') + 1)).getAll('arm')).toEqual(['p:llama-self-refine', 'p:llama-solo']);
    // Done, with both units errored: the panel and the card say with what (it used to be said nowhere).
    const erroredNote = (await page.getByTestId('study-errored').textContent()) ?? '';
    expect(erroredNote).toMatch(/^2 units errored, so they count as not run: the model request kept failing with “.*404.*no-such-model/);
    expect(erroredNote).toMatch(/Resuming would ask the same address for the same model name/);
    const shortCard = studyCard(page, 'Short, unserved');
    await shortCard.locator('.state', { hasText: /^done$/ }).waitFor();
    await shortCard.getByRole('button', { name: 'Run 2 errored units again' }).waitFor();
    expect(await shortCard.getByTestId('errored-reasons').textContent()).toMatch(/^The 2 errored units ended with “.*404.*no-such-model/);
    expect(await shortCard.locator('.arm-counts li').evaluateAll((items) => items.map((item) => item.getAttribute('data-arm')))).toEqual([
      'llama-self-refine',
      'llama-solo',
    ]);
    // 0/1 with no verdict is not a failed problem: the card says so, and the done run's table is no longer "so far".
    expect(await shortCard.locator('.arm-counts li[data-arm="llama-solo"]').textContent()).toMatch(/0\/1 passed \(1 errored, without a verdict\)$/);
    await page.getByRole('region', { name: 'Passes per arm', exact: true }).waitFor();
    await app.screenshot('study-short-unserved');
    // The form from here on, not the link.
    await page.goto(`${server.url}#/study`);

    const form = page.locator('section.new');
    await useEndpoint(form, 'no-such-model');
    await setPythonWorkers(form, 1);
    await form.getByLabel('Study name (optional)').fill('Unserved model');
    await form.getByLabel('N', { exact: true }).fill('3');
    // Two repeats: the card's "Samples of" choice then names them (", repeat 2"), its longest.
    await form.getByLabel('Repeats').fill('2');
    await form.getByRole('button', { name: 'Run study' }).click();

    await page.locator('.run .phase', { hasText: 'Stopped by an error' }).waitFor({ timeout: 120_000 });
    const failure = page.locator('.run').getByRole('alert');
    const said = (await failure.textContent()) ?? '';
    expect(said).toMatch(/no answer for \d+ units in a row \(last: .*404/);
    // It used to end, whatever the cause, with "resume the study from the list below".
    expect(said).toMatch(/Resuming would ask the same address for the same model name and meet the same answer\. Have the server serve the model under that name/);
    expect(said).toMatch(/or start a new study with a name the server offers/);
    await app.screenshot('study-stopped-unserved-model');
    // Stopped by its errors, not by the user: its card said "cancelled", and after a reload that was all there was.
    const card = studyCard(page, 'Unserved model');
    await card.locator('.state', { hasText: /^stopped by an error$/ }).waitFor();
    // At a phone's width nothing sticks out (the page scrolled sideways): the per-arm table scrolls
    // in its own box, and the card's "Samples of" choice narrows to the card.
    await page.setViewportSize({ width: 375, height: 740 });
    await card.getByLabel('Samples of').selectOption({ label: 'llama → exec → llama (self-refine), repeat 2' });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await app.screenshot('study-stopped-375');
    await page.reload();
    await card.locator('.state', { hasText: /^stopped by an error$/ }).waitFor();
    expect(await card.getByRole('button', { name: 'Resume' }).isEnabled()).toBe(true);
    expect(app.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await app.close();
  });

  it('sends the API key the Models page remembers to its own endpoint, never to the endpoint a study link names', async () => {
    // Nothing here is caught mid-run: the fast pace.
    endpoint.pace(FAST_PACE);
    const theirs = await startScriptedServer();
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page } = app;
    try {
      // The user's own server, with a key this browser remembers.
      await page.getByLabel('Base URL').fill(endpoint.url);
      await page.getByLabel('API key (optional)').fill('sk-mine');
      await page.getByLabel('Remember the key in this browser').check();
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByText('Connected: 2 models.').waitFor();

      // A link someone shared names their server and starts at once.
      const params = await encodeStudyLink({
        name: 'Their server',
        benchmark: 'humaneval',
        selection: { kind: 'ids', ids: ['HumanEval/0'] },
        arms: [{ id: llamaSolo.id, label: llamaSolo.name, pipeline: llamaSolo, forcedIterations: false }],
        repeats: 1,
        mode: 'study',
        engine: 'openai',
        endpoint: theirs.url,
        modelNames: {},
        autorun: true,
      });
      // One Python worker for both studies (a link does not carry the count; Reset form puts back the default).
      await page.goto(`${server.url}#/study`);
      await setPythonWorkers(page, 1);
      await page.goto(`${server.url}#/study?${params}`);
      await waitForDone(page, 120_000);
      expect(theirs.requests.length).toBeGreaterThan(0);
      expect(theirs.requests.map((request) => request.headers.authorization)).toEqual(theirs.requests.map(() => undefined));
      // The key field shows what was sent: nothing.
      expect(await page.getByLabel('API key (optional)').inputValue()).toBe('');

      // The user's own endpoint, from the Models page, still gets the key.
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Reset form' }).click();
      expect(await page.getByLabel('Endpoint URL').inputValue()).toBe(endpoint.url);
      expect(await page.getByLabel('API key (optional)').inputValue()).toBe('sk-mine');
      await setPythonWorkers(page, 1);
      endpoint.requests.length = 0;
      await page.getByLabel('Problems').selectOption('ids');
      await page.getByLabel('Problem ids').fill('0');
      await page.getByRole('checkbox', { name: 'llama → exec → llama (self-refine)', exact: true }).uncheck();
      await page.getByLabel('Study name (optional)').fill('My server');
      await page.getByRole('button', { name: 'Run study' }).click();
      await page.locator('.run', { has: page.getByRole('heading', { name: 'My server' }) }).locator('.phase', { hasText: /^Done$/ }).waitFor({ timeout: 120_000 });
      expect(endpoint.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-mine']);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
      await theirs.close();
    }
  });

  it('says why a file to replay is refused as the study list does: what to do, and each field at fault', async () => {
    const good = await studyResultFile();
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    await page.getByLabel('Replay a result file').check();
    const input = page.getByLabel('Result file to replay (.json or .json.gz)');
    const full = gzipSync(Buffer.from(JSON.stringify(good)));
    await input.setInputFiles({ name: 'cut.json.gz', mimeType: 'application/gzip', buffer: full.subarray(0, Math.floor(full.length / 2)) });
    const alert = page.getByRole('alert').filter({ hasText: 'cut.json.gz' });
    await alert.getByText(/truncated or not gzip/).waitFor();
    expect(await alert.textContent()).toContain('Download or copy the file again');

    const wrongTypes = structuredClone(good) as unknown as { units: { repeat: unknown }[] };
    wrongTypes.units[0]!.repeat = 'zero';
    await input.setInputFiles({ name: 'types.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(wrongTypes)) });
    const fields = page.getByRole('alert').filter({ hasText: 'types.json' });
    await fields.getByText(/wrong type or value/).waitFor();
    expect(await fields.locator('li').allTextContents()).toEqual([expect.stringMatching(/^units\[0\]\.repeat: /)]);

    await input.setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
    await page.getByText(`Replaying good.json: ${good.config.name}, ${good.units.length} units.`).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: /types\.json|cut\.json\.gz/ }).count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('refuses malformed files with a clear message and renders hostile text as text, leaving IndexedDB unchanged on refusal', async () => {
    // A study run in Node through the real interpreter: this test does not depend on the others.
    const good = await studyResultFile();
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    await page.getByRole('heading', { name: 'Studies in this browser' }).waitFor();
    const input = page.getByLabel(/Import result files/);
    const importFile = async (name: string, bytes: Buffer) => input.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });

    // Something stored first, so "unchanged" is not trivially "empty".
    await importFile('good.json', Buffer.from(JSON.stringify(good)));
    await page.getByText(`Imported “${good.config.name}”: ${good.units.length} units written.`).waitFor();

    const wrongVersion = { ...good, version: 99 };
    const wrongTypes = structuredClone(good) as unknown as { units: { repeat: unknown }[] };
    wrongTypes.units[0]!.repeat = 'zero';
    const full = gzipSync(Buffer.from(JSON.stringify(good)));
    const cases: { name: string; bytes: Buffer; message: RegExp }[] = [
      { name: 'newer.json', bytes: Buffer.from(JSON.stringify(wrongVersion)), message: /written by a newer Feedback Lab \(format 99\)/ },
      { name: 'truncated.json.gz', bytes: full.subarray(0, Math.floor(full.length / 2)), message: /truncated or not gzip/ },
      { name: 'types.json', bytes: Buffer.from(JSON.stringify(wrongTypes)), message: /wrong type or value/ },
      { name: 'cut.json', bytes: Buffer.from(JSON.stringify(good).slice(0, 5000)), message: /truncated: its JSON stops/ },
    ];
    for (const bad of cases) {
      const before = await storeContents(page);
      await importFile(bad.name, bad.bytes);
      const refusal = page.locator('.refused');
      await refusal.getByText(bad.message).waitFor();
      expect(await refusal.textContent()).toContain(bad.name);
      expect(await refusal.textContent()).toContain('Nothing was imported.');
      expect(await storeContents(page)).toEqual(before);
    }
    await app.screenshot('study-import-refused');

    // A shard that cannot merge with another: nothing at all is written, not even the good one.
    const other = structuredClone(good);
    other.config = { ...other.config, repeats: 3 };
    other.configHash = await configHash(other.config);
    const before = await storeContents(page);
    await input.setInputFiles([
      { name: 'shard-a.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) },
      { name: 'shard-b.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) },
    ]);
    await page.locator('.refused').getByText(/shard-a\.json, shard-b\.json/).waitFor();
    expect(await storeContents(page)).toEqual(before);

    // Two overlapping shards of one study merge into it, each unit once.
    const shard = (units: ResultFile['units']): ResultFile => ({ ...structuredClone(good), units: structuredClone(units) });
    const sharded = { ...good.config, id: 'sharded-study', name: 'Sharded study' };
    const [shardA, shardB] = [shard(good.units.slice(0, 20)), shard(good.units.slice(12))];
    for (const doc of [shardA, shardB]) {
      doc.config = sharded;
      doc.configHash = await configHash(sharded);
    }
    await input.setInputFiles([
      { name: 'laptop.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(shardA)) },
      { name: 'desktop.json.gz', mimeType: 'application/gzip', buffer: gzipSync(Buffer.from(JSON.stringify(shardB))) },
    ]);
    await page.getByText(`Imported “Sharded study”: ${good.units.length} units written.`).waitFor();
    const shardedCard = studyCard(page, 'Sharded study');
    await shardedCard.getByText(`${good.units.length} of ${good.units.length} units done`).waitFor();

    // Deleting asks first, then removes the study with every step and unit.
    await shardedCard.getByRole('button', { name: 'Delete…' }).click();
    await shardedCard.getByRole('group', { name: 'Confirm deletion' }).getByRole('button', { name: 'Yes, delete' }).click();
    await shardedCard.waitFor({ state: 'detached' });
    const afterDelete = await storeContents(page);
    expect(afterDelete.studies.map((s) => (s as { id: string }).id)).not.toContain('sharded-study');
    expect(afterDelete.steps.some((s) => (s as { studyId: string }).studyId === 'sharded-study')).toBe(false);
    expect(afterDelete.units.some((u) => (u as { studyId: string }).studyId === 'sharded-study')).toBe(false);

    // Hostile strings in names, code and replies: stored, listed and exported as plain text.
    const hostileName = '<img src=x onerror="window.__pwned=1">Study <script>window.__pwned=2</script>';
    const hostile = structuredClone(good);
    hostile.config = { ...hostile.config, id: 'hostile-study', name: hostileName };
    hostile.configHash = await configHash(hostile.config);
    for (const unit of hostile.units) {
      for (const step of unitSteps(unit)) {
        if (step.kind === 'execute') step.code = `${step.code}\n# </pre><script>window.__pwned=3</script>`;
        else step.reply = `<b onmouseover="window.__pwned=4">bold</b>${step.reply}`;
      }
    }
    await importFile('hostile.json', Buffer.from(JSON.stringify(hostile)));
    const card = studyCard(page, hostileName);
    await card.waitFor();
    expect(await card.locator('h3').textContent()).toBe(hostileName);
    expect(await page.locator('main img, main script, main b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await app.screenshot('study-hostile');
    const exported = await importResultFile(new Uint8Array(await download(page, () => card.getByRole('button', { name: 'Export .json', exact: true }).click())));
    expect(exported.config.name).toBe(hostileName);
    expect(exported.units.map(stepSignature)).toEqual(hostile.units.map(stepSignature));

    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('names the exports of two studies of one name, one finished and one half-run, so neither download replaces the other', async () => {
    const finished = await studyResultFile();
    const half = await studyResultFile({ only: (order) => order < 9 });
    const name = 'Same name, two laptops';
    for (const [doc, id] of [[finished, 'same-name-finished'], [half, 'same-name-half']] as const) {
      doc.config = { ...doc.config, id, name };
      doc.configHash = await configHash(doc.config);
    }
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    await page.getByRole('heading', { name: 'Studies in this browser' }).waitFor();
    await page.getByLabel(/Import result files/).setInputFiles([
      { name: 'a.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(finished)) },
      { name: 'b.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(half)) },
    ]);
    const cards = studyCard(page, name);
    await expect.poll(() => cards.count()).toBe(2);
    const total = finished.units.length;
    const fileNames: string[] = [];
    for (const done of [total, half.units.length]) {
      const card = cards.filter({ hasText: `${done} of ${total} units done` });
      for (const button of ['Export .json', 'Export .json.gz', 'Samples .jsonl']) {
        const [file] = await Promise.all([page.waitForEvent('download') as Promise<Download>, card.getByRole('button', { name: button, exact: true }).click()]);
        fileNames.push(file.suggestedFilename());
      }
    }
    const date = new Date().toISOString().slice(0, 10);
    const [finishedJson, finishedGz, finishedSamples, halfJson, halfGz, halfSamples] = fileNames;
    expect(finishedJson).toMatch(new RegExp(`^feedback-lab-same-name-two-laptops-[a-z0-9]{6}-${date}\\.json$`));
    expect(finishedGz).toBe(`${finishedJson}.gz`);
    expect(halfJson).toMatch(new RegExp(`^feedback-lab-same-name-two-laptops-[a-z0-9]{6}-${date}-partial-${half.units.length}-of-${total}\\.json$`));
    expect(halfGz).toBe(`${halfJson}.gz`);
    expect(finishedSamples).toMatch(/^feedback-lab-same-name-two-laptops-[a-z0-9]{6}-[a-z0-9-]+-repeat-1_samples\.jsonl$/);
    expect(halfSamples).toMatch(/-repeat-1-partial-3-of-5_samples\.jsonl$/);
    expect(new Set(fileNames).size).toBe(fileNames.length);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});

describe('a prompt set on the Study page', () => {
  const GENERATOR_TEXT = 'You are the study’s generator: one Python function in a fenced block, nothing else.';
  const REFINER_TEXT = 'You are the study’s refiner: fix the function from the traceback you are shown.';
  const promptFile = (name: string, value: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(value)) });

  it('is refused with every problem listed, then loaded; the study sends its texts and its result file records them; no link is copied for it', async () => {
    endpoint.pace(FAST_PACE);
    const app = await openApp(browser, server, { hash: '#/models', colorScheme: 'dark' });
    const { page } = app;
    await saveEndpointOnModelsPage(page, endpoint.url, SCRIPTED_MODEL);
    await openWithSavedEndpoint(page, 'Study', endpoint.url);
    await setPythonWorkers(page, 1);
    await page.getByLabel('Study name (optional)').fill('With the study’s texts');
    await page.getByLabel('Problems').selectOption('ids');
    // HumanEval/0 is right at once; HumanEval/2 starts with a NameError that a refiner fixes.
    await page.getByLabel('Problem ids').fill('0, 2');
    await page.getByLabel('Repeats').fill('1');

    const picker = page.getByLabel('Prompt set (optional, .json)');
    await picker.setInputFiles(
      promptFile('broken.json', { format: 'feedback-lab/prompt-set', version: 1, prompts: [{ id: 'generator.plain', role: 'writer', text: '' }] }),
    );
    const refusal = page.getByRole('alert').filter({ hasText: 'cannot be used as a prompt set' });
    await refusal.waitFor();
    expect(await refusal.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^prompts\[0\]\.role: expected one of generator/),
      expect.stringMatching(/^prompts\[0\]\.text: expected the prompt's text/),
    ]);
    expect(await refusal.textContent()).toContain('broken.json');
    // Fixed and picked again, the same file must be read again; a browser fires no change event
    // when the selection is the one the input already holds, so the input is left empty.
    expect(await picker.inputValue()).toBe('');
    // A result file picked by mistake is named as one.
    await picker.setInputFiles(promptFile('results.json', { format: 'feedback-lab/results', version: 1 }));
    await refusal.getByText(/This is a Feedback Lab result file, not a prompt set/).waitFor();

    await picker.setInputFiles(
      promptFile('study-texts.json', {
        format: 'feedback-lab/prompt-set',
        version: 1,
        name: 'The study’s texts',
        prompts: [
          { id: 'generator.plain', role: 'generator', text: GENERATOR_TEXT },
          { id: 'refiner.fix', role: 'refiner', text: REFINER_TEXT },
        ],
      }),
    );
    const said = page.locator(`[id="${await picker.getAttribute('aria-describedby')}"]`);
    await said.getByText('Loaded study-texts.json').waitFor();
    expect(await refusal.count()).toBe(0);
    expect(await said.locator('li').allTextContents()).toEqual([
      '2 prompts replace built-in texts: generator.plain, refiner.fix.',
      'The chosen arms send 2 of these texts: generator.plain, refiner.fix.',
    ]);
    expect(await axeViolations(page, 'Study, prompt set loaded [dark]')).toEqual([]);
    await app.screenshot('study-prompt-set-dark');

    // A link cannot carry the texts: none is copied, and the page says how to share this study.
    await page.getByRole('button', { name: 'Copy study link' }).click();
    const note = page.locator('.copy-note');
    await note.getByText(/^No link was copied: a study link cannot carry prompt texts/).waitFor();
    expect(await note.textContent()).toMatch(/share its result file \(Export \.json\).*feedback-lab run --study FILE/);
    expect(await page.getByLabel('Study link').count()).toBe(0);

    const firstRequest = endpoint.requests.length;
    await page.getByRole('button', { name: 'Run study' }).click();
    await waitForDone(page, 120_000);
    const sent = endpoint.requests.slice(firstRequest).map((r) => r.messages.find((m) => m.role === 'system')?.content);
    expect(new Set(sent)).toEqual(new Set([GENERATOR_TEXT, REFINER_TEXT]));

    const card = studyCard(page, 'With the study’s texts');
    await card.locator('.state', { hasText: 'done' }).waitFor();
    const doc = await importResultFile(new Uint8Array(await download(page, () => card.getByRole('button', { name: 'Export .json', exact: true }).click())));
    expect(doc.config.prompts).toEqual([
      { id: 'generator.plain', role: 'generator', text: GENERATOR_TEXT },
      { id: 'refiner.fix', role: 'refiner', text: REFINER_TEXT },
    ]);
    expect(passesPerArm(doc)).toEqual({ 'llama-solo': 1, 'llama-self-refine': 2 });

    // Removed from the keyboard: focus goes back to the picker, and the link is the built-in texts' again.
    await page.getByRole('button', { name: 'Remove prompt set' }).focus();
    await page.keyboard.press('Enter');
    await said.getByText('The study sends the built-in role prompts.').waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('file');
    await page.getByRole('button', { name: 'Copy study link' }).click();
    await page.getByLabel('Study link').waitFor();

    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('marks the arms whose texts it changes, and a study link that puts it away says so where the set was', async () => {
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    const arms = page.getByRole('group', { name: /^Arms/ });
    const card = (name: string) => arms.getByRole('listitem').filter({ has: page.getByText(name, { exact: true }) });
    const solo = card('llama3.2:3b solo');
    const selfRefine = card('llama → exec → llama (self-refine)');
    expect(await arms.locator('[data-prompt-note]').count()).toBe(0);

    const picker = page.getByLabel('Prompt set (optional, .json)');
    await picker.setInputFiles(
      promptFile('study-texts.json', {
        format: 'feedback-lab/prompt-set',
        version: 1,
        prompts: [
          { id: 'generator.plain', role: 'generator', text: GENERATOR_TEXT },
          { id: 'refiner.fix', role: 'refiner', text: REFINER_TEXT },
        ],
      }),
    );
    const said = page.locator(`[id="${await picker.getAttribute('aria-describedby')}"]`);
    await said.getByText('Loaded study-texts.json').waitFor();
    // Each card says what the set changes there, ticked or not: a solo sends the generator's text, a refine loop both.
    expect(await solo.locator('[data-prompt-note]').textContent()).toBe('Sends the prompt set’s generator.plain instead of the built-in text.');
    expect(await selfRefine.locator('[data-prompt-note]').textContent()).toBe(
      'Sends the prompt set’s generator.plain, refiner.fix instead of the built-in texts.',
    );
    expect(await axeViolations(page, 'Study, arms marked by a prompt set')).toEqual([]);

    // A study link opened in this tab fills the form with the built-in texts: the set goes, and the page says so.
    await page.goto(`${server.url}#/study?${await scriptedStudyLink(endpoint.url, 1)}`);
    await expect.poll(() => page.getByLabel('Study name (optional)').inputValue()).toBe('Scripted solo vs self-refine');
    await said.getByText(/^The study link put away the prompt set study-texts\.json: a link describes its study with the built-in texts/).waitFor();
    expect(await said.getByText('The study sends the built-in role prompts.', { exact: false }).count()).toBe(1);
    expect(await arms.locator('[data-prompt-note]').count()).toBe(0);
    await app.screenshot('study-prompt-set-put-away');

    // Picking a set again is the way back; the sentence goes with it.
    await picker.setInputFiles(promptFile('study-texts.json', { format: 'feedback-lab/prompt-set', version: 1, prompts: [{ id: 'generator.plain', role: 'generator', text: GENERATOR_TEXT }] }));
    await said.getByText('Loaded study-texts.json').waitFor();
    expect(await said.getByText(/put away/).count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});

describe('the Study form across reloads', () => {

  /** What the form shows, field by field, as a user reads it. */
  async function formValues(page: Page) {
    const arms = page.getByRole('group', { name: /^Arms/ });
    const ticked = await arms.getByRole('checkbox').evaluateAll((boxes) =>
      boxes.filter((box) => (box as HTMLInputElement).checked).map((box) => box.closest('label')?.textContent?.trim()),
    );
    return {
      name: await page.getByLabel('Study name (optional)').inputValue(),
      benchmark: await page.getByLabel('Benchmark').inputValue(),
      problems: await page.getByLabel('Problems').inputValue(),
      n: await page.getByLabel('N', { exact: true }).inputValue(),
      seed: (await page.getByLabel('Seed', { exact: true }).count()) > 0 ? await page.getByLabel('Seed', { exact: true }).inputValue() : null,
      ticked,
      repeats: await page.getByLabel('Repeats').inputValue(),
      mode: await page.getByLabel('Harness mode').inputValue(),
      workers: await page.getByLabel(/^Python workers/).inputValue(),
      engine: await page.getByRole('radio', { name: 'OpenAI-compatible endpoint' }).isChecked(),
      endpoint: await page.getByLabel('Endpoint URL').inputValue(),
      model: await page.getByLabel('Model for llama3.2:3b').inputValue(),
    };
  }

  it('gives back every field and the loaded prompt set after a reload; a study link opened later decides; Reset form clears it', async () => {
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    await page.getByLabel('Study name (optional)').fill('Terse prompts, cross-model');
    await page.getByLabel('Problems').selectOption('random');
    await page.getByLabel('N', { exact: true }).fill('7');
    await page.getByLabel('Seed', { exact: true }).fill('42');
    const arms = page.getByRole('group', { name: /^Arms/ });
    await arms.getByLabel('llama3.2:3b solo', { exact: true }).uncheck();
    await arms.getByLabel('qwen → exec → llama (cross-model)', { exact: true }).check();
    await page.getByLabel('Repeats').fill('3');
    await page.getByLabel('Harness mode').selectOption('standard');
    await page.getByLabel(/^Python workers/).fill('1');
    await page.getByLabel(/^Python workers/).blur();
    await page.getByRole('radio', { name: 'OpenAI-compatible endpoint' }).check();
    await page.getByLabel('Endpoint URL').fill(endpoint.url);
    await page.getByLabel('Model for llama3.2:3b').fill('my-llama');
    await page.getByLabel('API key (optional)').fill('sk-never-kept');
    const picker = page.getByLabel('Prompt set (optional, .json)');
    await picker.setInputFiles(TERSE_GENERATOR_FILE);
    // The note's id is the picker's aria-describedby, looked up each time: the page numbers its
    // ids in the order it renders fields, and a reload renders N and Seed at once.
    const said = async () => page.locator(`[id="${await picker.getAttribute('aria-describedby')}"]`);
    await (await said()).getByText('Loaded terse.json').waitFor();
    const filled = await formValues(page);
    expect(filled).toMatchObject({ name: 'Terse prompts, cross-model', n: '7', seed: '42', repeats: '3', mode: 'standard', workers: '1', model: 'my-llama' });
    expect(filled.ticked).toEqual(['llama → exec → llama (self-refine)', 'qwen → exec → llama (cross-model)']);

    // At once, before the save's pause has passed: the page's unload writes what it has.
    await page.reload();
    await (await said()).getByText('Loaded terse.json').waitFor();
    expect(await formValues(page)).toEqual(filled);
    expect(await page.getByLabel('API key (optional)').inputValue()).toBe('');
    expect(await arms.locator('[data-prompt-note]').first().textContent()).toMatch(/generator\.plain/);

    // A link that cannot be read fills nothing in, and says so above the form: Run study stays off
    // until the user chooses the form as it stands (it used to run it, under the link's message).
    await page.goto(`${server.url}#/study?study=1&b=humaneval&r=1&arm=p:llama-solo&engine=openai&endpoint=http://a.test/v1&endpoint=http://b.test/v1`);
    const unread = page.getByTestId('unread-link');
    await unread.getByText('This study link cannot be read, so the form was not filled in from it: it still shows what was filled in earlier in this tab, not the link’s study.').waitFor();
    await unread.getByText('endpoint: given 2 times; a study link gives it once (only arm= and m= repeat).').waitFor();
    expect(await formValues(page)).toEqual(filled);
    const run = page.getByRole('button', { name: 'Run study' });
    expect(await run.isDisabled()).toBe(true);
    await page.locator('[data-form-problems]').getByText(/^Study link: it cannot be read, so the form is not its study\./).waitFor();
    await app.screenshot('study-unread-link');
    await unread.getByRole('button', { name: 'Use the form instead' }).focus();
    await page.keyboard.press('Enter');
    expect(await unread.count()).toBe(0);
    // The button went with the notice: focus moves to the form's heading, not to the page's body.
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('new-study-title');
    expect(await run.isEnabled()).toBe(true);
    // The address no longer names the link, so a reload does not say it again.
    expect(page.url()).toMatch(/#\/study$/);

    // A study link opened in the tab fills the form; a reload on its address shows the link's study still.
    await page.goto(`${server.url}#/study?${await scriptedStudyLink(endpoint.url, 1)}`);
    await expect.poll(() => page.getByLabel('Study name (optional)').inputValue()).toBe('Scripted solo vs self-refine');
    expect(await page.getByLabel('Problems').inputValue()).toBe('ids');
    expect(await page.getByLabel('Repeats').inputValue()).toBe('1');
    await (await said()).getByText(/^The study link put away the prompt set terse\.json/).waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel('Study name (optional)').inputValue()).toBe('Scripted solo vs self-refine');
    expect(await page.getByLabel('Problem ids').inputValue()).toBe(SCRIPTED_PROBLEM_IDS.join(', '));
    // Edits made since the link was opened survive a reload on its address.
    await page.getByLabel('Repeats').fill('4');
    await page.reload();
    await expect.poll(() => page.getByLabel('Study name (optional)').inputValue()).toBe('Scripted solo vs self-refine');
    expect(await page.getByLabel('Repeats').inputValue()).toBe('4');

    // Reset asks first, as it discards edits; dismissed, nothing changes.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Reset form' }).click();
    expect(await page.getByLabel('Repeats').inputValue()).toBe('4');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Reset form' }).click();
    await expect.poll(() => page.getByLabel('Study name (optional)').inputValue()).toBe('');
    expect(await page.getByLabel('Repeats').inputValue()).toBe('1');
    expect(page.url()).toMatch(/#\/study$/);
    await page.reload();
    await page.getByLabel('Study name (optional)').waitFor();
    expect(await page.getByLabel('Repeats').inputValue()).toBe('1');
    expect(await page.getByLabel('Problems').inputValue()).toBe('first');
    expect(await (await said()).getByText('The study sends the built-in role prompts.', { exact: false }).count()).toBe(1);

    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('drops a draft this build cannot read and shows the defaults, without an error', async () => {
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    await page.getByLabel('Study name (optional)').waitFor();
    const defaults = await formValues(page);
    await page.evaluate(() => {
      // What an older build might have left: a field renamed, a preset gone.
      sessionStorage.setItem('feedback-lab:study-form-draft', JSON.stringify({ version: 1, title: 'Old', presetIds: ['gone'] }));
    });
    await page.reload();
    await page.getByLabel('Study name (optional)').waitFor();
    expect(await formValues(page)).toEqual(defaults);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});

describe('a study from set-up to its report', () => {
  it('says what it will cost before Run study, names an unknown id as it is typed, and opens its result on the Results page when done', async () => {
    endpoint.pace(FAST_PACE);
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    const form = page.locator('section.new');
    await useEndpoint(form, SCRIPTED_MODEL);
    await setPythonWorkers(form, 1);
    await page.getByLabel('Study name (optional)').fill('Costed');
    await form.getByLabel('Problems').selectOption('ids');
    // An id HumanEval does not hold was refused only once Run study was pressed.
    await form.getByLabel('Problem ids').fill('0, 2, 999');
    await form.locator('[data-form-problems]').getByText('Problem ids: unknown HumanEval problem id: HumanEval/999.').waitFor();
    await form.getByLabel('Problem ids').fill('0, 2');
    // Solo (1 call a unit) and self-refine (up to 1 + 3): what it may cost, before it runs.
    await form.getByText('2 arms × 1 repeat over the chosen problems. On 2 problems: 4 units (a unit is one problem through one arm, once), at most 10 model calls').waitFor();
    await form.getByRole('button', { name: 'Run study' }).click();
    await waitForDone(page, 120_000);
    // No download and upload: the Results page opens the study's file itself.
    await page.getByTestId('study-next').getByRole('link', { name: 'open it on the Results page' }).click();
    await page.getByRole('heading', { name: 'Results', level: 1 }).waitFor();
    await page.locator('.file-list li', { hasText: '“Costed”, HumanEval, 2 arms × 1 repeat × 2 problems, 4 units' }).waitFor({ timeout: 60_000 });
    await page.locator('.report section').first().waitFor({ timeout: 60_000 });
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
