/**
 * Result files at scale: what a study of sanitized MBPP (427 problems) × 8 arms × 5 repeats, up
 * to 4 steps a trajectory, replies of 0.8-2.4 KB, costs along the whole path. The file is built
 * by tests/support/big-result-file.ts through the interpreter and buildResultFile (a valid file,
 * about 48,000 steps, 190 MB of JSON, 15 MB gzipped). Every time is printed with its ratio to a
 * named baseline measured in the same run on the same bytes:
 *
 * Node (the command line and the importer):
 * - import (gunzip, decode, parse, schema, cross-checks, config hash) vs gunzip + JSON.parse;
 * - export (canonical JSON + gzip) vs JSON.stringify + gzip;
 * - merging three shards of the study (import each, merge) vs importing the whole study once;
 * - the Results page's analysis (merge, tables, bootstrap CIs, paired tests, problem explorer)
 *   vs gunzip + JSON.parse;
 * - `feedback-lab run`'s checkpoint of the study (cli/run/result-writer.ts), twice, with the
 *   longest the event loop waited meanwhile, vs JSON.stringify + gzip; and the same file written
 *   in one piece, as the checkpoint did before it streamed.
 *
 * Chromium (with --browser; the built app in dist/, or --dist DIR for another build):
 * - the Results page opening the file: until it is listed with its report, and the longest task
 *   on the page's thread meanwhile, vs DecompressionStream + JSON.parse of the same bytes on the
 *   page's thread; then switching the error labelling (until the report is redrawn) and the
 *   longest task meanwhile; then, in a fresh browser, three shards of the study opened at once,
 *   with the page's peak JS heap and the renderer process's peak resident memory (VmHWM);
 * - the study list importing it into IndexedDB vs plain IndexedDB puts of the same step records
 *   in one transaction;
 * - the study list exporting it as .json.gz (and the longest task meanwhile) vs reading those
 *   records back with getAll, JSON.stringify and gzip on the page's thread.
 *
 *   node --import tsx bench/results-scale.ts [--repeats 5] [--problems 427] [--browser] [--results-only] [--no-node] [--dist DIR] [--against DIR] [--keep DIR]
 *
 * --results-only skips the study list's IndexedDB import and export (minutes of the run).
 * --against DIR also opens the one file on the Results page of another build (say, main's dist/
 * copied aside), alternating with this one --rounds times (default 2), and prints each build's
 * longest task on the page's thread with the ratio: load changes minute by minute here, so two
 * builds are compared only within one run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { parseArgs } from 'node:util';
import { armConsistency, armPassRates } from '../src/core/analysis/arm-tables.ts';
import { armErrors } from '../src/core/analysis/error-report.ts';
import { forcedIterationTables } from '../src/core/analysis/iteration-report.ts';
import { comparePairs, defaultPairs } from '../src/core/analysis/pair-tables.ts';
import { summarizeProblems } from '../src/core/analysis/problem-explorer.ts';
import { studiesFromResultFiles } from '../src/core/analysis/result-file-study.ts';
import { gunzipBounded, gzip } from '../src/core/results/bounded-compression.ts';
import { buildResultFile, resultUnitsFromStore } from '../src/core/results/result-file-build.ts';
import { exportResultFile } from '../src/core/results/result-file-export.ts';
import { importResultFile } from '../src/core/results/result-file-import.ts';
import { mergeResultFiles } from '../src/core/results/result-file-merge.ts';
import { unitSteps, type ResultFile } from '../src/core/results/result-file.ts';
import { createResultWriter } from '../cli/run/result-writer.ts';
import { storeFromResultFile } from '../cli/run/resume-store.ts';
import { bigEnvironment, bigResultFile } from '../tests/support/big-result-file.ts';
import { loadTestProblems } from '../tests/support/datasets.ts';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    problems: { type: 'string', default: '427' },
    browser: { type: 'boolean', default: false },
    dist: { type: 'string' },
    keep: { type: 'string' },
    'no-node': { type: 'boolean', default: false },
    'results-only': { type: 'boolean', default: false },
    against: { type: 'string' },
    rounds: { type: 'string', default: '2' },
  },
});

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

function line(what: string, ms: number, baselineMs: number, baseline: string): void {
  console.log(`  ${what}: ${s(ms)}, ×${(ms / baselineMs).toFixed(2)} of ${baseline} (${s(baselineMs)})`);
}

const problems = (await loadTestProblems('mbpp')).slice(0, Number(values.problems));
const repeats = Number(values.repeats);
console.log(`Load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 vCPU shared with other work)`);
const [doc, buildMs] = await timed(() => bigResultFile({ problems, repeats }));
const steps = doc.units.reduce((n, u) => n + unitSteps(u).length, 0);
const [json, jsonMs] = await timed(() => exportResultFile(doc, { gzip: false }));
const [gz, gzMs] = await timed(() => exportResultFile(doc, { gzip: true }));
console.log(
  `Study: ${problems.length} problems × ${doc.config.arms.length} arms × ${repeats} repeats = ${doc.units.length} units, ${steps} steps; ` +
    `${mb(json.length)} of JSON, ${mb(gz.length)} gzipped (built in ${s(buildMs)})`,
);

if (!values['no-node']) await node();
if (values.browser) await browser(gz, doc);
if (values.keep) {
  writeFileSync(join(values.keep, 'big-study.json.gz'), gz);
  console.log(`Kept ${join(values.keep, 'big-study.json.gz')}`);
}

async function node(): Promise<void> {
  console.log('Node');
  const [, plainParseMs] = await timed(async () => JSON.parse(new TextDecoder().decode(await gunzipBounded(gz, 1 << 30))) as unknown);
  const [, importMs] = await timed(() => importResultFile(gz));
  line('import .json.gz', importMs, plainParseMs, 'gunzip + JSON.parse');

  const [, stringifyGzMs] = await timed(async () => gzip(new TextEncoder().encode(JSON.stringify(doc))));
  line('export .json.gz', gzMs, stringifyGzMs, 'JSON.stringify + gzip');
  const [, stringifyMs] = await timed(() => new TextEncoder().encode(JSON.stringify(doc)));
  line('export .json', jsonMs, stringifyMs, 'JSON.stringify');

  const shards = await Promise.all(
    [0, 1, 2].map(async (k) => exportResultFile({ ...doc, units: doc.units.filter((_, i) => i % 3 === k) }, { gzip: true })),
  );
  const [, mergeMs] = await timed(async () => mergeResultFiles(await Promise.all(shards.map((b) => importResultFile(b)))));
  line('import 3 shards + merge', mergeMs, importMs, 'importing the whole study');

  const [, analysisMs] = await timed(() => analyse([doc]));
  line("the Results page's analysis", analysisMs, plainParseMs, 'gunzip + JSON.parse');

  const checkpointDir = mkdtempSync(join(tmpdir(), 'results-scale-checkpoint-'));
  try {
    const read = await importResultFile(gz);
    const store = await storeFromResultFile(read);
    const writer = createResultWriter({ path: join(checkpointDir, 'study.json.gz'), store, studyId: read.config.id, environment: () => bigEnvironment() });
    // What the runner lives with every 30 s: the checkpoint's time, and the longest the event loop
    // (model streams, the runner's clocks) waited meanwhile.
    for (let run = 1; run <= 2; run++) {
      const stall = eventLoopStall();
      const [, checkpointMs] = await timed(() => writer.write());
      line(`run --resume: one checkpoint write (${run}); longest event-loop stall ${s(stall.stop())}`, checkpointMs, stringifyGzMs, 'JSON.stringify + gzip');
    }
    const stall = eventLoopStall();
    const [, exportWayMs] = await timed(async () => {
      const stored = (await store.loadStudy(read.config.id))!;
      return exportResultFile(await buildResultFile(stored.config, resultUnitsFromStore(stored), bigEnvironment()), { gzip: true });
    });
    line(
      `… the same in one piece (loadStudy + exportResultFile, the checkpoint before); longest event-loop stall ${s(stall.stop())}`,
      exportWayMs,
      stringifyGzMs,
      'JSON.stringify + gzip',
    );
  } finally {
    rmSync(checkpointDir, { recursive: true, force: true });
  }
}

/** The longest gap between turns of the event loop from now until stop(). */
function eventLoopStall(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  };
  const timer = setInterval(tick, 5);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return longest;
    },
  };
}

/** What the Results page computes from open files (ResultsPage.svelte's derived values). */
function analyse(docs: ResultFile[]): unknown[] {
  const { study } = studiesFromResultFiles(docs.map((d, i) => ({ fileName: `file-${i}.json.gz`, doc: d })));
  const stats = { seed: 20_260_421, replicates: 10_000 };
  return [
    armPassRates(study, stats.seed, stats.replicates),
    comparePairs(study, defaultPairs(study), stats),
    armConsistency(study),
    armErrors(study, 'exception'),
    forcedIterationTables(study),
    summarizeProblems(study, 'exception'),
  ];
}

async function browser(bytes: Uint8Array, study: ResultFile): Promise<void> {
  const { serveBuild } = await import('./chromium-pages.ts');
  const { launchBrowser } = await import('../tests/support/browser.ts');
  const dir = mkdtempSync(join(tmpdir(), 'results-scale-'));
  const file = join(dir, 'big-study.json.gz');
  writeFileSync(file, bytes);
  const served = await serveBuild(values.dist);
  const chromium = await launchBrowser({ webgpu: false, args: ['--enable-precise-memory-info', '--js-flags=--expose-gc'] });
  try {
    console.log(`Chromium (${values.dist ?? 'dist/'})`);
    const context = await chromium.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    let page = await context.newPage();
    page.on('crash', () => console.log('  the page crashed'));
    await page.goto(`${served.url}#/results`);
    await page.getByRole('heading', { name: 'Results', level: 1 }).waitFor();
    // The baseline: the same bytes decompressed and parsed on the page's thread, and nothing else.
    await page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<input type="file" id="bench-file">')`);
    await page.locator('#bench-file').setInputFiles(file);
    const baselineMs = (await page.evaluate(`(async () => {
      const file = document.getElementById('bench-file').files[0];
      const started = performance.now();
      const stream = file.stream().pipeThrough(new DecompressionStream('gzip'));
      JSON.parse(await new Response(stream).text());
      return performance.now() - started;
    })()`)) as number;
    await openOnResultsPage(page, [file], baselineMs, true);
    await page.close();
    await context.close();
    if (values.against) await againstBuild(chromium, file, served.url, values.against, Number(values.rounds));

    // Three shards of the study opened at once, in a browser of their own so its peak memory is theirs.
    const shardFiles = await Promise.all(
      [0, 1, 2].map(async (k) => {
        const path = join(dir, `big-study-shard-${k + 1}.json.gz`);
        writeFileSync(path, await exportResultFile({ ...study, units: study.units.filter((_, i) => i % 3 === k) }, { gzip: true }));
        return path;
      }),
    );
    const shardBrowser = await launchBrowser({ webgpu: false, args: ['--enable-precise-memory-info', '--js-flags=--expose-gc'] });
    try {
      const shardPage = await shardBrowser.newPage({ viewport: { width: 1280, height: 900 } });
      await shardPage.goto(`${served.url}#/results`);
      await shardPage.getByRole('heading', { name: 'Results', level: 1 }).waitFor();
      await openOnResultsPage(shardPage, shardFiles, baselineMs, false);
      console.log(`  peak resident memory of the renderer: ${await rendererMemory(shardBrowser, 'VmHWM')}`);
      // What stays: every isolate of the page (its workers too) collected, then the renderer's resident memory.
      await shardPage.evaluate('globalThis.gc && globalThis.gc()');
      for (const worker of shardPage.workers()) await worker.evaluate('globalThis.gc && globalThis.gc()');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      console.log(`  resident memory of the renderer once collected: ${await rendererMemory(shardBrowser, 'VmRSS')}`);
    } finally {
      await shardBrowser.close();
    }
    if (values['results-only']) return;

    const studyContext = await chromium.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await studyContext.newPage();
    await page.goto(`${served.url}#/results`);
    await page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<input type="file" id="bench-file">')`);

    // IndexedDB: the app's import against plain puts of the same step records, one transaction.
    await page.goto(`${served.url}#/study`);
    await page.getByRole('heading', { name: 'Studies in this browser' }).waitFor();
    const [, storeMs] = await timed(async () => {
      await page.getByLabel(/Import result files/).setInputFiles(file);
      await page.getByText(/units written\./).waitFor({ timeout: 1_800_000 });
    });
    await page.locator('#bench-file').setInputFiles(file);
    const putMs = (await page.evaluate(`(async () => {
      const file = document.getElementById('bench-file').files[0];
      const doc = JSON.parse(await new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).text());
      const db = await new Promise((ok, bad) => {
        const open = indexedDB.open('bench-baseline', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('steps', { keyPath: ['studyId', 'unitId', 'index'] });
        open.onsuccess = () => ok(open.result);
        open.onerror = () => bad(open.error);
      });
      const started = performance.now();
      const tx = db.transaction('steps', 'readwrite');
      const store = tx.objectStore('steps');
      for (const unit of doc.units) {
        const unitId = unit.armId + '/' + unit.repeat + '/' + unit.problemId;
        for (const step of (unit.trajectory ?? unit).steps) store.put({ studyId: doc.config.id, unitId, index: step.index, step });
      }
      await new Promise((ok, bad) => { tx.oncomplete = ok; tx.onerror = () => bad(tx.error); });
      return performance.now() - started;
    })()`)) as number;
    line(`study list: imported into IndexedDB (${study.units.length} units)`, storeMs, putMs, 'plain IndexedDB puts of the steps, one transaction');

    // Export: the app's Export .json.gz against reading the same steps back and gzipping their JSON on the page.
    const baselineExportMs = (await page.evaluate(`(async () => {
      const db = await new Promise((ok, bad) => { const open = indexedDB.open('bench-baseline'); open.onsuccess = () => ok(open.result); open.onerror = () => bad(open.error); });
      const started = performance.now();
      const steps = await new Promise((ok, bad) => { const get = db.transaction('steps').objectStore('steps').getAll(); get.onsuccess = () => ok(get.result); get.onerror = () => bad(get.error); });
      const stream = new Blob([JSON.stringify(steps)]).stream().pipeThrough(new CompressionStream('gzip'));
      await new Response(stream).arrayBuffer();
      return performance.now() - started;
    })()`)) as number;
    await page.evaluate(`(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: 'longtask' });
    })()`);
    const [, exportMs] = await timed(async () => {
      const download = page.waitForEvent('download', { timeout: 900_000 });
      await page.getByRole('button', { name: 'Export .json.gz' }).first().click();
      await (await download).path();
    });
    const exportLongest = (await page.evaluate('window.__longest')) as number;
    line('study list: Export .json.gz', exportMs, baselineExportMs, 'IndexedDB getAll of the steps + JSON.stringify + gzip on the page');
    line("  its longest task on the page's thread", exportLongest, baselineExportMs, 'the same baseline');
  } finally {
    await chromium.close();
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Watches the page's long tasks and samples its JS heap, from now on. */
function watchScript(): string {
  return `(() => {
  if (window.gc) window.gc();
  window.__longest = 0;
  window.__heap = 0;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: 'longtask' });
  const sample = () => { window.__heap = Math.max(window.__heap, performance.memory ? performance.memory.usedJSHeapSize : 0); };
  setInterval(sample, 100);
})()`;
}

/**
 * Opens files on the Results page until they are listed with the report's last section, then (when
 * asked) switches the error labelling and waits for the report to be drawn again.
 */
/** The longest task while the one file is opened and its report drawn, on this build and on `otherDist`, alternately. */
async function againstBuild(chromium: Browser, file: string, url: string, otherDist: string, rounds: number): Promise<void> {
  const { serveBuild } = await import('./chromium-pages.ts');
  const other = await serveBuild(otherDist);
  try {
    const longest = { this: [] as number[], other: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      for (const [build, at] of [['this', url], ['other', other.url]] as const) {
        const context = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${at}#/results`);
        await page.getByRole('heading', { name: 'Results', level: 1 }).waitFor();
        await page.evaluate(watchScript());
        await page.getByLabel('Result files (.json or .json.gz)').setInputFiles(file);
        await page.locator('[data-section="explorer"]').waitFor({ timeout: 900_000 });
        await settled(page);
        longest[build].push((await page.evaluate('window.__longest')) as number);
        await context.close();
      }
    }
    const range = (ms: number[]) => `${s(Math.min(...ms))}–${s(Math.max(...ms))}`;
    const ratio = Math.max(...longest.this) / Math.max(...longest.other);
    console.log(`  Results page, longest task while one file opens and its report is drawn (${rounds} rounds, alternating):`);
    console.log(`    this build ${range(longest.this)}; ${otherDist}: ${range(longest.other)}; ×${ratio.toFixed(2)} (worst against worst)`);
  } finally {
    await other.close();
  }
}

async function openOnResultsPage(page: import('playwright-core').Page, paths: string[], baselineMs: number, relabel: boolean): Promise<void> {
  await page.evaluate(watchScript());
  const [, openMs] = await timed(async () => {
    await page.getByLabel('Result files (.json or .json.gz)').setInputFiles(paths);
    await page.locator('.file-list li').nth(paths.length - 1).waitFor({ timeout: 900_000 });
    await page.locator('[data-section="explorer"]').waitFor({ timeout: 900_000 });
    await settled(page);
  });
  const longest = (await page.evaluate('window.__longest')) as number;
  const what = paths.length === 1 ? 'file' : `${paths.length} shards`;
  line(`Results page: ${what} opened, listed and reported`, openMs, baselineMs, 'DecompressionStream + JSON.parse on the page');
  line("  its longest task on the page's thread", longest, baselineMs, 'the same baseline');
  console.log(`  peak JS heap of the page: ${mb((await page.evaluate('window.__heap')) as number)}`);
  if (!relabel) return;
  await page.evaluate('window.__longest = 0');
  const [, relabelMs] = await timed(async () => {
    await page.getByLabel('Error types').selectOption('study');
    await settled(page);
  });
  const relabelLongest = (await page.evaluate('window.__longest')) as number;
  line('Results page: error labelling switched, report redrawn', relabelMs, baselineMs, 'the same baseline');
  line("  its longest task on the page's thread", relabelLongest, baselineMs, 'the same baseline');
}

/** The page has drawn a frame after its work, and says it is computing nothing. */
async function settled(page: import('playwright-core').Page): Promise<void> {
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))');
  await page.waitForFunction('!document.querySelector("[aria-busy=true]")', undefined, { timeout: 900_000, polling: 50 });
}

/** The renderer processes' resident memory now (VmRSS) or at its peak (VmHWM), by process. */
async function rendererMemory(browser: Browser, field: 'VmRSS' | 'VmHWM'): Promise<string> {
  const cdp = await browser.newBrowserCDPSession();
  const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  return info.processInfo
    .filter((p) => p.type === 'renderer')
    .map((p) => new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${p.id}/status`, 'utf8'))?.[1])
    .filter((kb): kb is string => kb !== undefined)
    .map((kb) => mb(Number(kb) * 1024))
    .join(', ');
}
