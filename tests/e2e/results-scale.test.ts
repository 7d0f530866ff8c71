/**
 * Big result files in the browser: they are read in a worker, so the page stays live and says
 * what it is doing while a study of 100-200 MB is decompressed, parsed, checked and stored. The
 * file here is small (CI time); bench/results-scale.ts measures the big ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { exportResultFile } from '../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../src/core/results/result-file-import.ts';
import { unitSteps, type ResultFile } from '../../src/core/results/result-file.ts';
import { bigResultFile } from '../support/big-result-file.ts';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { loadTestProblems } from '../support/datasets.ts';

let browser: Browser;
let server: AppServer;
let doc: ResultFile;
let gz: Buffer;

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser({ webgpu: false });
  doc = await bigResultFile({ problems: (await loadTestProblems('mbpp')).slice(0, 60), repeats: 1, replyChars: [300, 600] });
  gz = Buffer.from(await exportResultFile(doc, { gzip: true }));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Every text the status regions matching `selector` showed, in order, from now on. */
async function recordStatus(page: Page, selector: string): Promise<() => Promise<string[]>> {
  await page.evaluate((sel) => {
    const seen: string[] = [];
    (window as unknown as { __statusSeen: string[] }).__statusSeen = seen;
    new MutationObserver(() => {
      for (const region of document.querySelectorAll(sel)) {
        const text = (region.textContent ?? '').trim();
        if (text && seen.at(-1) !== text) seen.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, selector);
  return () => page.evaluate(() => (window as unknown as { __statusSeen: string[] }).__statusSeen);
}

describe('big result files', () => {
  it('on the Results page, say each phase of reading while the page stays live', async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    await page.getByRole('heading', { name: 'Results', level: 1 }).waitFor();
    const seen = await recordStatus(page, '.loader [role=status]');
    await page.getByLabel('Result files (.json or .json.gz)').setInputFiles({ name: 'big.json.gz', mimeType: 'application/gzip', buffer: gz });
    // Counts as people write them: "1 repeat", thousands separators, the benchmark's own name.
    await page.getByText(`big.json.gz — “Big study”, MBPP, 8 arms × 1 repeat × 60 problems, ${doc.units.length.toLocaleString('en')} units`).waitFor();
    const said = await seen();
    const steps = doc.units.reduce((n, u) => n + unitSteps(u).length, 0);
    expect(said).toContain('big.json.gz: decompressing (0 MB so far)…');
    expect(said.some((t) => /^big\.json\.gz: reading \d+ MB of JSON…$/.test(t))).toBe(true);
    expect(said).toContain(`big.json.gz: checking ${doc.units.length} units (${steps.toLocaleString('en')} steps)…`);
    await page.locator('#results-explorer').waitFor();
    // Then the end: "Computing…" followed by nothing told a screen reader nothing (audit R199).
    await expect.poll(async () => (await seen()).at(-1)).toBe('Opened big.json.gz; its report is below.');
    expect((await seen()).slice(-2)).toEqual(['Computing the tables and figures…', 'Opened big.json.gz; its report is below.']);

    // A refusal still comes back from the worker as the importer's own message and hint.
    await page.getByLabel('Result files (.json or .json.gz)').setInputFiles({ name: 'prompts.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"feedback-lab/prompt-set"}') });
    await page.getByRole('alert').getByText('This is not a Feedback Lab result file. It is a prompt set.').waitFor();
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('on the Results page, keep drawing frames while the report of a big file is computed', async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    await page.getByRole('heading', { name: 'Results', level: 1 }).waitFor();
    // Every frame the page draws, and when it started and stopped saying it computes the report.
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __computingAt?: number; __shownAt?: number; __firstDrawnAt?: number; __allDrawnAt?: number };
      w.__frames = [];
      const tick = () => {
        w.__frames.push(performance.now());
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new MutationObserver(() => {
        const said = document.querySelector('.loader [role=status]')?.textContent?.trim();
        if (w.__computingAt === undefined && said === 'Computing the tables and figures…') w.__computingAt = performance.now();
        if (w.__shownAt === undefined && document.querySelector('[data-section="explorer"]')) w.__shownAt = performance.now();
        if (w.__firstDrawnAt === undefined && document.querySelector('[data-section]')) w.__firstDrawnAt = performance.now();
        if (w.__allDrawnAt === undefined && document.querySelector('.report[aria-busy="false"]')) w.__allDrawnAt = performance.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByLabel('Result files (.json or .json.gz)').setInputFiles({ name: 'big.json.gz', mimeType: 'application/gzip', buffer: gz });
    await page.locator('[data-section="explorer"]').waitFor();
    const { frames, computingAt, shownAt } = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __computingAt: number; __shownAt: number };
      return { frames: w.__frames, computingAt: w.__computingAt, shownAt: w.__shownAt };
    });
    expect(computingAt).toBeLessThan(shownAt);
    // The bootstraps (10,000 resamples per arm and pair) ran on the page's thread in one task, so
    // no frame was drawn between "Computing…" and the report; in the worker the page draws on.
    const during = frames.filter((t) => t > computingAt && t < shownAt);
    expect(during.length, `frames drawn in the ${Math.round(shownAt - computingAt)} ms of computing`).toBeGreaterThanOrEqual(3);
    const around = [computingAt, ...during, shownAt];
    const longestGap = Math.max(...around.slice(1).map((t, i) => t - around[i]!));
    expect(longestGap, 'no gap between frames takes half of the computing').toBeLessThan((shownAt - computingAt) / 2);

    // Drawn a piece at a time, with frames between (it was one task: every section, figure and the
    // explorer appeared at once, and no frame was drawn until all of them were laid out).
    await page.locator('.report[aria-busy="false"]').waitFor();
    const drawing = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __firstDrawnAt: number; __allDrawnAt: number };
      return { first: w.__firstDrawnAt, all: w.__allDrawnAt, frames: w.__frames.filter((t) => t > w.__firstDrawnAt && t < w.__allDrawnAt).length };
    });
    expect(drawing.all, 'the report is drawn after its first section').toBeGreaterThan(drawing.first);
    // At least one frame between the first piece and the last: drawn in one task there would be none.
    // How many more depends on the machine (a fast one fits the rest into two 30-ms turns), so no more is asked.
    expect(drawing.frames, 'frames drawn while the report was drawn').toBeGreaterThanOrEqual(1);

    // Switching the error labelling recomputes in the worker too: the report stays, marked busy, and comes back.
    await page.getByLabel('Error types').selectOption('study');
    await page.locator('.report[aria-busy="false"]').waitFor();
    expect(await page.locator('[data-section="errors"] table').count()).toBeGreaterThan(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('on the Results page, merge shards opened together with a search file, and refuse only the search file', async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    await page.getByRole('heading', { name: 'Results', level: 1 }).waitFor();
    // What a user drops after a weekend: the study in three shards (three browsers) and the search run beside it.
    const shards = await Promise.all(
      [0, 1, 2].map(async (k) => ({
        name: `shard-${k + 1}.json.gz`,
        mimeType: 'application/gzip',
        buffer: Buffer.from(await exportResultFile({ ...doc, units: doc.units.filter((_, i) => i % 3 === k) }, { gzip: true })),
      })),
    );
    const search = { name: 'feedback-lab-search-neat.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'feedback-lab/search', version: 1 })) };
    await page.getByLabel('Result files (.json or .json.gz)').setInputFiles([shards[0]!, search, shards[1]!, shards[2]!]);
    const refusal = page.getByRole('alert').filter({ hasText: 'feedback-lab-search-neat.json' });
    await refusal.getByText(/It is a search file/).waitFor();
    expect(await refusal.textContent()).toContain('Search page');
    // The three shards are one study again: every unit once, and its report drawn from all of them.
    await page.locator('[data-section="explorer"]').waitFor();
    expect(await page.locator('.file-list li').count()).toBe(3);
    await page.getByText(`Merged 3 files into ${doc.units.length.toLocaleString('en')} units`, { exact: false }).waitFor();
    const arms = page.locator('[data-section="summary"] table').first().locator('tbody tr');
    expect(await arms.count()).toBe(doc.config.arms.length);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('on the Results page, close the files and say why when the worker holding them dies', async () => {
    const app = await openApp(browser, server, { hash: '#/results' });
    const { page } = app;
    const input = page.getByLabel('Result files (.json or .json.gz)');
    await input.setInputFiles({ name: 'big.json.gz', mimeType: 'application/gzip', buffer: gz });
    await page.locator('[data-section="explorer"]').waitFor();
    // As when it runs out of memory: the worker fails, and the documents it held are gone.
    const worker = page.workers().find((w) => /results-worker/.test(w.url()));
    expect(worker, 'the results worker').toBeDefined();
    await worker!.evaluate(() => setTimeout(() => { throw new Error('simulated worker failure'); }));
    await page.getByRole('alert').filter({ hasText: 'big.json.gz' }).getByText(/stopped the worker that held the open result files/).waitFor();
    expect(await page.locator('[data-section]').count()).toBe(0);
    expect(await page.locator('.file-list li').count()).toBe(0);
    // Opening the file again works, in a new worker.
    await input.setInputFiles({ name: 'big.json.gz', mimeType: 'application/gzip', buffer: gz });
    await page.locator('[data-section="explorer"]').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(app.errors.filter((e) => !e.includes('simulated worker failure'))).toEqual([]);
    await app.close();
  });

  it('says the reader did not load, not that memory ran out, when its worker script is missing', async () => {
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page, context } = app;
    await page.getByRole('heading', { name: 'Studies in this browser' }).waitFor();
    // As after a new deploy: the open tab asks for a worker chunk the site no longer has.
    await context.route(/\/assets\/result-file-worker-[^/]*\.js$/, (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await page.getByLabel(/Import result files/).setInputFiles({ name: 'big.json.gz', mimeType: 'application/gzip', buffer: gz });
    const refusal = page.getByRole('alert').filter({ hasText: 'big.json.gz' });
    await refusal.getByText(/did not load/).waitFor();
    expect(await refusal.textContent()).toContain('Reload the page and pick the file again');
    expect(await refusal.textContent()).not.toContain('memory');

    // The same for the export worker, once the study is stored.
    await context.unrouteAll();
    await page.getByLabel(/Import result files/).setInputFiles({ name: 'big.json.gz', mimeType: 'application/gzip', buffer: gz });
    await page.getByText(`Imported “Big study”: ${doc.units.length.toLocaleString('en')} units written.`).waitFor();
    await context.route(/\/assets\/study-export-worker-[^/]*\.js$/, (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await page.getByRole('button', { name: 'Export .json.gz' }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'did not load' });
    await failed.waitFor();
    expect(await failed.textContent()).toContain('Reload the page and export again');
    expect(await failed.textContent()).not.toContain('memory');
    await app.close();
  });

  it('on the Study page, count the steps written into IndexedDB', async () => {
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page } = app;
    await page.getByRole('heading', { name: 'Studies in this browser' }).waitFor();
    const seen = await recordStatus(page, '.import [role=status]');
    const started = Date.now();
    await page.getByLabel(/Import result files/).setInputFiles({ name: 'big.json.gz', mimeType: 'application/gzip', buffer: gz });
    await page.getByText(`Imported “Big study”: ${doc.units.length} units written.`).waitFor();
    const elapsedMs = Date.now() - started;
    const steps = doc.units.reduce((n, u) => n + unitSteps(u).length, 0).toLocaleString('en');
    const said = await seen();
    expect(said.some((t) => t.startsWith('big.json.gz: checking'))).toBe(true);
    expect(said).toContain(`Storing “Big study” in this browser: ${steps} of ${steps} steps written…`);
    // Read aloud: the start, the end, and at most one figure every 3 s between (every 5 % was 21 in a blink, R177-4).
    expect(said.filter((t) => t.startsWith('Storing')).length).toBeLessThanOrEqual(2 + Math.ceil(elapsedMs / 3000));
    // Counts a person reads are written as the progress writes them, with thousands separators.
    expect(steps).toMatch(/^\d{1,3}(,\d{3})+$/);
    await expect.poll(() => page.getByTestId('store-summary').textContent()).toContain(`1 study, ${steps} steps stored.`);
    await page.getByText(`MBPP · 480 of 480 units done · ${steps} steps stored`).waitFor();

    // Exported in a worker too, saying so, and the file that comes back is the study.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export .json.gz' }).click();
    const file = await download;
    const exported = await importResultFile(new Uint8Array(readFileSync((await file.path())!)));
    expect(exported.units).toEqual(doc.units);
    expect(await seen()).toEqual(
      expect.arrayContaining(['Exporting “Big study”: reading its steps from this browser…', 'Exporting “Big study”: writing and compressing the JSON…']),
    );
    // And the samples of one arm and repeat (the first in the picker), from the same worker.
    const samplesDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Samples .jsonl' }).click();
    const samples = readFileSync((await (await samplesDownload).path())!, 'utf8').trim().split('\n');
    expect(samples).toHaveLength(60);
    expect(JSON.parse(samples[0]!)).toMatchObject({ task_id: doc.config.problemIds[0], arm: doc.config.arms[0]!.id, repeat: 0 });
    expect(await seen()).toContain('Exporting “Big study”: writing the samples file…');
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
