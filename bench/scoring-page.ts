/**
 * The built app's Scoring page, driven as a user drives it: pick the worker count it offers,
 * upload a samples JSONL file, wait for the finished state, download `<file>_results.jsonl`.
 * For the throughput bench in Chromium (bench/score-throughput-chromium.ts).
 *
 * The page shows no sandbox statistics, so the sandbox it creates is made visible to the bench:
 * the lazily loaded `browser-sandbox` chunk is served with its `createBrowserSandbox` export
 * wrapped to also keep the sandbox on `globalThis`. The wrapper calls the real function with the
 * page's own options and returns its sandbox unchanged; only `stats()` is ever called on it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import type { BenchmarkId } from '../src/core/benchmarks/problem.ts';
import type { Verdict } from '../reference/scoring-corpus.ts';
import type { SandboxStats } from '../src/sandbox/pool.ts';
import { watchErrors } from './chromium-pages.ts';

/** One line of a samples file, plus the bench's own key (the page keeps extra fields in its results file). */
export interface BenchSample {
  key: string;
  taskId: string;
  completion: string;
}

export interface PageScore {
  /** Page clock, from the file input's change event to the results' download button appearing. */
  ms: number;
  verdicts: Map<string, Verdict>;
}

export interface ScoringPage {
  page: Page;
  /** The worker count the page was set to (checked against what it offers). */
  workers: number;
  /** Console errors from the page and its workers so far. */
  errors: string[];
  /** Sandbox workers Chromium has started so far (slots, spares and replacements). */
  workersStarted(): number;
  score(fileName: string, benchmark: BenchmarkId, samples: readonly BenchSample[]): Promise<PageScore>;
  /** The page's sandbox's own counters; null when the bench could not reach it. */
  sandboxStats(): Promise<SandboxStats | null>;
  /** Whether the chunk that creates the sandbox was wrapped (else `sandboxStats` stays null). */
  statsReachable(): boolean;
  close(): Promise<void>;
}

const SANDBOX_CHUNK = /\/assets\/browser-sandbox-[^/]*\.js$/;
/** A file's scoring should end well within this; past it the page is taken to be stuck. */
const FILE_TIMEOUT_MS = 30 * 60_000;

interface BenchGlobals {
  __benchSandboxes?: { stats(): SandboxStats }[];
  __benchRun?: Promise<{ startMs: number; endMs: number; failure: string | null }>;
}

/** The chunk's text with `createBrowserSandbox` wrapped, or null when its export is not found. */
export function exposeSandbox(chunk: string): string | null {
  const exported = /export\s*\{[^}]*\}/.exec(chunk);
  if (!exported) return null;
  const clause = exported[0];
  const renamed = /([\w$]+)\s+as\s+createBrowserSandbox\b/.exec(clause);
  const local = renamed?.[1] ?? (/[{,]\s*createBrowserSandbox\s*[,}]/.test(clause) ? 'createBrowserSandbox' : null);
  if (!local) return null;
  const wrapper =
    `async function __benchCreateBrowserSandbox(options) {` +
    ` const sandbox = await ${local}(options); (globalThis.__benchSandboxes ??= []).push(sandbox); return sandbox; }\n`;
  const newClause = renamed
    ? clause.replace(renamed[0], '__benchCreateBrowserSandbox as createBrowserSandbox')
    : clause.replace(/createBrowserSandbox(?=\s*[,}])/, '__benchCreateBrowserSandbox as createBrowserSandbox');
  return wrapper + chunk.slice(0, exported.index) + newClause + chunk.slice(exported.index + clause.length);
}

/**
 * Opens the Scoring page in a fresh context with service workers blocked: their offline copy
 * would download the whole app in the background while the first file is timed, and requests
 * they answer cannot be routed. The server's isolation headers keep the page cross-origin isolated.
 */
export async function openScoringPage(browser: Browser, appUrl: string, workers: number): Promise<ScoringPage> {
  const context: BrowserContext = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(context);
  let wrapped = false;
  await context.route(SANDBOX_CHUNK, async (route) => {
    const response = await route.fetch();
    const patched = exposeSandbox(await response.text());
    wrapped = patched !== null;
    await route.fulfill({ response, ...(patched === null ? {} : { body: patched }) });
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  let started = 0;
  page.on('worker', (worker) => {
    if (worker.url().includes('browser-worker')) started++;
  });
  await page.goto(`${appUrl}#/score`);
  await page.getByRole('heading', { name: 'Scoring', exact: true }).waitFor({ timeout: 60_000 });

  const workersInput = page.getByLabel(/^Workers/);
  const offered = Number(await workersInput.getAttribute('max'));
  if (workers > offered) {
    throw new Error(`The Scoring page offers at most ${offered} workers here (navigator.hardwareConcurrency); the bench asked for ${workers}.`);
  }
  await workersInput.fill(String(workers));
  await page.getByLabel('Harness mode').selectOption('standard');

  return {
    page,
    workers,
    errors,
    workersStarted: () => started,
    statsReachable: () => wrapped,
    score: (fileName, benchmark, samples) => scoreFile(page, fileName, benchmark, samples),
    sandboxStats: () => page.evaluate(() => (globalThis as BenchGlobals).__benchSandboxes?.at(-1)?.stats() ?? null),
    close: () => context.close(),
  };
}

async function scoreFile(page: Page, fileName: string, benchmark: BenchmarkId, samples: readonly BenchSample[]): Promise<PageScore> {
  await page.getByLabel('Benchmark').selectOption(benchmark);
  const fileInput = page.getByLabel('Samples file');
  // Enabled once the selected benchmark's dataset is loaded and no run is going.
  await page.waitForFunction((input) => !(input as HTMLInputElement).disabled, await fileInput.elementHandle(), { timeout: 120_000 });

  const text = samples.map((s) => JSON.stringify({ task_id: s.taskId, completion: s.completion, bench_key: s.key })).join('\n') + '\n';
  // The clock starts at the change event (what choosing the file does) and stops when the
  // download button shows, which the page renders once the run is over; or at a failure notice.
  await page.evaluate((name) => {
    const globals = globalThis as BenchGlobals;
    globals.__benchRun = new Promise((resolve) => {
      let startMs = -1;
      addEventListener('change', () => (startMs = startMs < 0 ? performance.now() : startMs), { capture: true, once: true });
      const observer = new MutationObserver(() => {
        const done = [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === `Download ${name}_results.jsonl`);
        const failure = [...document.querySelectorAll('[role="alert"]')].find((a) => a.textContent?.includes('Scoring stopped'));
        if (!done && !failure) return;
        observer.disconnect();
        resolve({ startMs, endMs: performance.now(), failure: failure?.textContent ?? null });
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }, fileName);
  await fileInput.setInputFiles({ name: fileName, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  const run = await Promise.race([
    page.evaluate(() => (globalThis as BenchGlobals).__benchRun!),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${fileName}: not done after ${FILE_TIMEOUT_MS / 60_000} min.`)), FILE_TIMEOUT_MS).unref()),
  ]);
  if (run.failure !== null) throw new Error(`${fileName}: the page stopped scoring: ${run.failure}`);
  if (run.startMs < 0) throw new Error(`${fileName}: the file input's change event was not seen.`);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: `Download ${fileName}_results.jsonl` }).click(),
  ]);
  const verdicts = readResults(await readFile(await download.path(), 'utf8'));
  const missing = samples.filter((s) => !verdicts.has(s.key));
  if (missing.length > 0 || verdicts.size !== samples.length) {
    throw new Error(`${fileName}: the results file has ${verdicts.size} verdicts for ${samples.length} samples (missing ${missing.slice(0, 5).map((s) => s.key).join(', ')}).`);
  }
  return { ms: run.endMs - run.startMs, verdicts };
}

/** `<file>_results.jsonl` lines (`result`: `passed`, `timed out`, `failed: Type: message`) as verdicts by bench key. */
export function readResults(text: string): Map<string, Verdict> {
  const verdicts = new Map<string, Verdict>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = JSON.parse(line) as { bench_key: string; result: string };
    const failed = /^failed: ([^:]*)/.exec(fields.result);
    if (fields.result === 'passed') verdicts.set(fields.bench_key, { verdict: 'passed', errorType: '' });
    else if (fields.result === 'timed out') verdicts.set(fields.bench_key, { verdict: 'timeout', errorType: '' });
    else if (failed) verdicts.set(fields.bench_key, { verdict: 'failed', errorType: failed[1] ?? '' });
    else throw new Error(`Unexpected result ${JSON.stringify(fields.result)} for ${fields.bench_key}.`);
  }
  return verdicts;
}
