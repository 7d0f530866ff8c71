/**
 * Chromium pages for the benches: the built app's Playground running one reference solution
 * (which needs the sandbox ready), and the named baseline of the same run — a blank page on the
 * same server whose module worker does nothing but `loadPyodide()` from the same self-hosted
 * files. Both are timed from the navigation's start (`performance.now()` in the page).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATASET_FILES } from '../src/core/benchmarks/datasets.ts';
import type { BenchmarkId } from '../src/core/benchmarks/problem.ts';
import { REPO_ROOT, launchBrowser } from '../tests/support/browser.ts';
import { readDatasetBytes } from '../tests/support/datasets.ts';

export interface ServedBuild {
  /** The app's address, ending with its base: `http://127.0.0.1:PORT/` or `…/feedback-lab/`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a build (default `dist/`) with scripts/serve.mjs and the isolation headers, under the
 * base it was built for (read from index.html), with the benchmark files beside it as a deploy
 * that ships them would have. A bench can then measure any build without rebuilding `dist/`.
 */
export async function serveBuild(dir = join(REPO_ROOT, 'dist')): Promise<ServedBuild> {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${root} has no build. Run \`npm run build\` first.`);
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const base = /src="([^"]*\/)assets\//.exec(html)?.[1] ?? '/';
  mkdirSync(join(root, 'datasets'), { recursive: true });
  for (const benchmark of Object.keys(DATASET_FILES) as BenchmarkId[]) {
    writeFileSync(join(root, DATASET_FILES[benchmark].sameOriginPath), await readDatasetBytes(benchmark));
  }
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/serve.mjs'), '--root', root, '--port', '0', '--base', base], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(output);
      if (match) resolveUrl(match[0]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`scripts/serve.mjs exited (${code}) before serving:\n${output}`)));
  });
  const close = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  return { url, close };
}

export function launchBenchBrowser(): Promise<Browser> {
  // measureUserAgentSpecificMemory otherwise waits for the next garbage collection (up to 20 s).
  return launchBrowser({ webgpu: false, args: ['--enable-blink-features=ForceEagerMeasureMemory'] });
}

/** Console errors from the page and its workers, so a broken run is not mistaken for a fast one. */
export function watchErrors(context: BrowserContext): string[] {
  const errors: string[] = [];
  context.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

export interface AppTimings {
  /** The page's load event (index.html, the entry chunk, its styles). */
  loadMs: number;
  /** The problem is on screen: the Playground chunk and the benchmark file are in. */
  problemShownMs: number;
  /** The verdict is on screen: the sandbox is ready and one short program ran. */
  verdictMs: number;
}

/**
 * Opens the Playground on HumanEval/0, runs its reference solution as soon as the editor is
 * there, and reads the page's clock (ms since the navigation started) at each step.
 */
export async function appFirstVerdict(page: Page, appUrl: string): Promise<AppTimings> {
  await page.goto(`${appUrl}#/playground?benchmark=humaneval&problem=HumanEval/0`);
  await page.getByRole('heading', { name: /HumanEval\/0/ }).waitFor({ timeout: 120_000 });
  const problemShownMs = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Load the reference solution' }).click();
  await page.getByRole('button', { name: 'Run tests' }).click();
  const verdict = page.getByRole('region', { name: /Result/ }).getByText('passed', { exact: true });
  await verdict.waitFor({ timeout: 120_000 });
  const verdictMs = await page.evaluate(() => performance.now());
  const loadMs = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
  return { loadMs, problemShownMs, verdictMs };
}

const BLANK_PATH = '__bench/blank.html';

/**
 * A blank page on the app's origin (served by Playwright, with the same isolation headers as the
 * app), whose module worker imports Pyodide from the app's `pyodide/` and loads it. Resolves
 * with the page's clock when the worker says Python answered.
 */
export async function barePyodideReady(page: Page, appUrl: string): Promise<number> {
  await page.route(`${appUrl}${BLANK_PATH}`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
      body: '<!doctype html><title>bare Pyodide</title>',
    }),
  );
  await page.goto(`${appUrl}${BLANK_PATH}`);
  return page.evaluate(async (base) => {
    const source = `
      import { loadPyodide } from ${JSON.stringify(`${base}pyodide/pyodide.mjs`)};
      const pyodide = await loadPyodide({ indexURL: ${JSON.stringify(`${base}pyodide/`)} });
      postMessage(pyodide.runPython('1 + 1'));`;
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module' });
    (globalThis as unknown as { benchWorker: Worker }).benchWorker = worker;
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => reject(new Error(event.message));
    });
    return performance.now();
  }, appUrl);
}

export interface MemoryBreakdown {
  /** Bytes attributed to dedicated workers. */
  workersBytes: number;
  workers: number;
  /** Bytes attributed to the page itself. */
  pageBytes: number;
  totalBytes: number;
}

interface MeasureMemoryResult {
  bytes: number;
  breakdown: { bytes: number; attribution: { url?: string; scope?: string }[]; types: string[] }[];
}

/** performance.measureUserAgentSpecificMemory(), split into the page and its workers (needs isolation). */
export async function measureMemory(page: Page): Promise<MemoryBreakdown> {
  const result = await page.evaluate(async () => {
    if (!crossOriginIsolated) throw new Error('measureUserAgentSpecificMemory needs a cross-origin isolated page.');
    const perf = performance as Performance & { measureUserAgentSpecificMemory(): Promise<unknown> };
    return (await perf.measureUserAgentSpecificMemory()) as MeasureMemoryResult;
  });
  let workersBytes = 0;
  let pageBytes = 0;
  // Counted by attribution, not by URL: the sandbox's workers (a spare among them) share one.
  let workers = 0;
  for (const entry of result.breakdown) {
    const inWorkers = entry.attribution.filter((a) => a.scope === 'DedicatedWorkerGlobalScope').length;
    if (inWorkers > 0) {
      workersBytes += entry.bytes;
      workers += inWorkers;
    } else if (entry.attribution.some((a) => a.scope === 'Window')) {
      pageBytes += entry.bytes;
    }
  }
  return { workersBytes, workers, pageBytes, totalBytes: result.bytes };
}
