/**
 * End-to-end support: a system Chromium driven by playwright-core (never a downloaded browser),
 * the built app served by scripts/serve.mjs with the benchmark files and the study's released
 * results beside it (as a deploy that ships them has), and a page that
 * records every console error from itself and its workers.
 */
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_FILES } from '../../src/core/benchmarks/datasets.ts';
import type { BenchmarkId } from '../../src/core/benchmarks/problem.ts';
import { RELEASED_SOURCE_FILES } from '../../src/core/reproduce/released-sources.ts';
import { readDatasetBytes } from './datasets.ts';
import { readReleasedBytes } from './study-results.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const BROWSER_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export function chromePath(): string {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH is ${fromEnv}, but no file is there.`);
    return fromEnv;
  }
  const found = BROWSER_CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`No Chromium or Chrome found (looked at ${BROWSER_CANDIDATES.join(', ')}). Install one or set CHROME_PATH.`);
  }
  return found;
}

export interface LaunchOptions {
  /** WebGPU on SwiftShader, for the capability checks (default on; the benches leave it off). */
  webgpu?: boolean;
  /** Further command-line switches. */
  args?: readonly string[];
}

/** The one way tests and benches start Chromium: headless, no network of its own, fresh profile. */
export function launchBrowser({ webgpu = true, args = [] }: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromePath(),
    headless: true,
    // No --user-data-dir: playwright makes a fresh profile itself, so runs never share caches.
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(webgpu ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] : []),
      ...args,
    ],
  });
}

export interface AppServer {
  /** Ends with a slash: `http://127.0.0.1:41234/`. */
  url: string;
  close(): Promise<void>;
}

/** Serves dist/ (build it first: `npm run test:e2e` does) with the benchmark files in dist/datasets and the released results in dist/released. */
export async function startAppServer(): Promise<AppServer> {
  const dist = join(REPO_ROOT, 'dist');
  if (!existsSync(join(dist, 'index.html'))) throw new Error('dist/ has no build. Run `npm run build` (npm run test:e2e builds first).');
  // readDatasetBytes throws, naming the folder, when a file is missing: e2e never runs without data.
  mkdirSync(join(dist, 'datasets'), { recursive: true });
  for (const benchmark of Object.keys(DATASET_FILES) as BenchmarkId[]) {
    placeFile(join(dist, DATASET_FILES[benchmark].sameOriginPath), await readDatasetBytes(benchmark));
  }
  // The study's released results where a deploy ships them (`npm run datasets -- --released DIR`).
  for (const file of RELEASED_SOURCE_FILES) {
    mkdirSync(dirname(join(dist, 'released', file.path)), { recursive: true });
    placeFile(join(dist, 'released', file.path), readReleasedBytes(file.path));
  }

  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/serve.mjs'), '--root', dist, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (match) resolve(match[0]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`scripts/serve.mjs exited (${code}) before serving:\n${output}`)));
  });
  return { url, close: () => stopChild(child) };
}

/**
 * Puts `bytes` at `path` for the app server. Two e2e files run at once, and each starts its own
 * server on the same dist/: rewriting a file in place would let the other file's page read it
 * truncated or half-written. So a file already there with these bytes is left alone, and a new
 * one is written beside it and renamed over, which a reader sees whole or not at all.
 */
function placeFile(path: string, bytes: Uint8Array): void {
  if (existsSync(path) && Buffer.from(bytes).equals(readFileSync(path))) return;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Saves a PNG of a page (whole, scrolled) or of one element as test-results/<name>.png, for a
 * person to look at. Nobody looks at them in CI, where each costs 0.1–0.3 s of a busy core:
 * `.ci/run` sets E2E_SCREENSHOTS=off and they are skipped.
 */
export async function saveScreenshot(target: Page | Locator, name: string): Promise<void> {
  if (process.env.E2E_SCREENSHOTS === 'off') return;
  const dir = join(REPO_ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  if ('goto' in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
}

/**
 * The browser's own line for the 404 a server that is not Ollama gives the run's one question
 * about each model it serves (src/llm/served-model.ts asks /api/ps, then /api/show). The page
 * cannot keep the browser from logging it; the result file records why nothing was learnt.
 */
function isServedModelProbe(text: string, url: string): boolean {
  return /^Failed to load resource: the server responded with a status of 404\b/.test(text) && /\/api\/(ps|show)$/.test(url);
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions from the page and its workers, in order. */
  errors: string[];
  /** Saves a full-page PNG as test-results/<name>.png (saveScreenshot). */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  /** The page to open, e.g. `#/score`. */
  hash?: string;
  /**
   * Runs on the new context before the page opens (routes, say). A page the service worker
   * controls gets files from the worker's cache with no request to route, and `page.route` never
   * sees the worker's own fetches (`context.route` does): give `serviceWorkers: 'block'` with routes
   * meant for the page.
   */
  beforeOpen?: (context: BrowserContext) => Promise<void>;
  /** Default: see allowServiceWorkersByDefault. */
  serviceWorkers?: 'allow' | 'block';
}

/**
 * Whether pages opened without saying may run the app's service worker. Off unless a file asks:
 * on a first visit the worker only copies the app for offline use (about 27 MB, 2 s of a core per
 * page here), which no test but those of offline use, updates and storage reads, and the e2e
 * stage of CI is short of cores. The test server sends the isolation headers itself.
 */
let serviceWorkersByDefault: 'allow' | 'block' = 'block';

/** For a test file about offline use, updates or storage: its pages run the service worker unless they say otherwise. */
export function allowServiceWorkersByDefault(): void {
  serviceWorkersByDefault = 'allow';
}

export async function openApp(browser: Browser, server: AppServer, options: OpenOptions = {}): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
    serviceWorkers: options.serviceWorkers ?? serviceWorkersByDefault,
  });
  await options.beforeOpen?.(context);
  const errors: string[] = [];
  // Context-level console events include dedicated workers (the Pyodide sandbox) as well as pages.
  context.on('console', (message) => {
    if (message.type() === 'error' && !isServedModelProbe(message.text(), message.location().url)) errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  await page.goto(`${server.url}${options.hash ?? ''}`);
  return {
    context,
    page,
    errors,
    screenshot: (name) => saveScreenshot(page, name),
    close: () => context.close(),
  };
}
