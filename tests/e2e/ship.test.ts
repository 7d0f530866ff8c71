/**
 * Shipping: the app built for a sub-path (`BASE_PATH=/feedback-lab/`, into its own folder so the
 * other e2e files keep `dist/`), served by the real `vite preview` under that sub-path (each
 * server checked first for what docs/deploy.md asks of a host: types, a raw gzip file, real 404s)
 * - with the isolation headers: isolated at once; after a first visit it goes offline (the
 *   browser offline and the server stopped) and a reload still scores a sample and shows and
 *   exports a study stored before;
 * - without them (PREVIEW_ISOLATION=off): the service worker adds them and the page is isolated after one reload;
 * - without them and with service workers blocked: not isolated, says so in the footer, and still
 *   scores a sample and stops a program that sleeps past its limit (a worker restart).
 * Every test fails on console errors and on any answer ≥ 400 from the server.
 *
 * `SHIP_DIST_DIR=path` reuses a build made with the same BASE_PATH instead of building.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Download, Page } from 'playwright-core';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DATASET_FILES } from '../../src/core/benchmarks/datasets.ts';
import { RELEASED_SOURCE_FILES } from '../../src/core/reproduce/released-sources.ts';
import { sha256Hex } from '../../src/core/sha256.ts';
import type { BenchmarkId } from '../../src/core/benchmarks/problem.ts';
import { importResultFile } from '../../src/core/results/result-file-import.ts';
import { REPO_ROOT, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { loadTestProblem, readDatasetBytes } from '../support/datasets.ts';
import { readReleasedBytes } from '../support/study-results.ts';
import { studyResultFile } from '../unit/results/result-file-fixtures.ts';

const BASE = '/feedback-lab/';
const OUT_DIR = process.env.SHIP_DIST_DIR ? resolve(process.env.SHIP_DIST_DIR) : join(REPO_ROOT, 'test-results', 'dist-subpath');

let browser: Browser;

async function buildForSubPath(): Promise<void> {
  if (process.env.SHIP_DIST_DIR) {
    if (!existsSync(join(OUT_DIR, 'sw.js'))) throw new Error(`SHIP_DIST_DIR=${OUT_DIR} holds no build with a service worker.`);
    return;
  }
  await promisify(execFile)(join(REPO_ROOT, 'node_modules/.bin/vite'), ['build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    // vitest sets NODE_ENV=test, which would make a build that is not a production build.
    env: { ...process.env, BASE_PATH: BASE, NODE_ENV: 'production' },
    maxBuffer: 16 * 2 ** 20,
  });
}

beforeAll(async () => {
  await buildForSubPath();
  const html = readFileSync(join(OUT_DIR, 'index.html'), 'utf8');
  expect(html, 'the build is for the sub-path').toContain(`src="${BASE}assets/`);
  // The deploy ships the benchmark files beside the build, as `npm run datasets` would have.
  mkdirSync(join(OUT_DIR, 'datasets'), { recursive: true });
  for (const benchmark of Object.keys(DATASET_FILES) as BenchmarkId[]) {
    writeFileSync(join(OUT_DIR, DATASET_FILES[benchmark].sameOriginPath), await readDatasetBytes(benchmark));
  }
  // And the study's released results, as `npm run datasets -- --released` would have.
  for (const file of RELEASED_SOURCE_FILES) {
    mkdirSync(dirname(join(OUT_DIR, 'released', file.path)), { recursive: true });
    writeFileSync(join(OUT_DIR, 'released', file.path), readReleasedBytes(file.path));
  }
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

interface SubPathServer {
  /** `http://127.0.0.1:PORT/feedback-lab/` */
  url: string;
  /** Stops `vite preview` and waits for its process to end. */
  close(): Promise<void>;
}

/** Every `vite preview` still running: stopped after each test, even one that failed or timed out. */
const running = new Set<ChildProcess>();

afterEach(async () => {
  await Promise.all([...running].map(stop));
});

// Last resort when the test process itself ends: no server outlives it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port nothing listens on at the moment (vite's --strictPort then fails rather than moving on). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The build served by the real `vite preview` under the sub-path. `isolation: false` sets
 * PREVIEW_ISOLATION=off, which vite.config.ts reads to leave out the COOP/COEP headers.
 */
async function preview(isolation: boolean): Promise<SubPathServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const vite = join(REPO_ROOT, 'node_modules/.bin/vite');
    const args = ['preview', '--outDir', OUT_DIR, '--base', BASE, '--port', String(port), '--strictPort', '--host', '127.0.0.1'];
    const child = spawn(vite, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'production', BASE_PATH: BASE, PREVIEW_ISOLATION: isolation ? 'on' : 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = tracked(child);
    const url = `http://127.0.0.1:${port}${BASE}`;
    try {
      await waitUntilAnswering(url, child, output);
      return { url, close: () => stop(child) };
    } catch (error) {
      await stop(child);
      // Another process may have taken the port between the probe and vite: try another one.
      if (attempt < 3 && /already in use/i.test(output())) continue;
      throw error;
    }
  }
}

/** A server process stopped with the others at the end, and what it has printed so far (for the error when it does not answer). */
function tracked(child: ChildProcess): () => string {
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  // Generous: loading vite.config.ts runs its plugins' config hooks, on a busy two-core machine.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`The server exited (${child.exitCode ?? child.signalCode}) before serving:\n${output()}`);
    let response: Response | undefined;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    } catch {
      // Refused, or no answer yet, while vite starts.
    }
    if (response?.ok) return;
    if (response) throw new Error(`The server answered ${url} with HTTP ${response.status}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`The server did not answer ${url} within 120 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM (vite closes its server and exits), SIGKILL if it is still there 10 s later. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** `scripts/serve.mjs` on `root` under the sub-path: it reads every file from disk when asked, so a deploy can be swapped under it. */
async function staticServer(root: string): Promise<SubPathServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/serve.mjs'), '--root', root, '--base', BASE, '--port', String(port)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}${BASE}`;
  await waitUntilAnswering(url, child, tracked(child));
  return { url, close: () => stop(child) };
}

interface Deploy {
  /** The new build's version, as its service worker's manifest names it. */
  version: string;
  /** The build's files under assets/ before this deploy: none of them is on the host any more. */
  gone: string[];
}

/**
 * A new deploy over the build in `root`, as a host replaces its files after a rebuild that changed
 * code: every file under assets/ gets a new name (its stem gets `tag`), every reference to it in
 * the build follows (index.html, chunks, workers, styles, the service worker), and the worker's
 * manifest gives each file's new hash and the build a new version. The old names are gone.
 */
function redeploy(root: string, tag: string): Deploy {
  const assets = join(root, 'assets');
  const gone = readdirSync(assets);
  // `ResultsPage-AbC123.` → `ResultsPage-AbC123b.`: a hashed name without its extensions (some
  // names hold dots of their own: `endpoint-settings.svelte-AbC123.js`).
  const stemOf = (name: string) => name.replace(/\.[a-z0-9]+(\.map)?$/, '');
  const stems = new Map(gone.map((name) => [`${stemOf(name)}.`, `${stemOf(name)}${tag}.`]));
  const escaped = [...stems.keys()].map((stem) => stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\w-])(?:${escaped.join('|')})`, 'g');
  const rename = (text: string) => text.replace(pattern, (stem) => stems.get(stem)!);
  // sw.js is written last and once, whole: a tab's update check can land mid-deploy, and a
  // worker installed from a half-written sw.js (new names, old hashes) is a deploy no host makes.
  const textFiles = ['index.html', '404.html', ...gone.filter((name) => /\.(js|css)$/.test(name)).map((name) => `assets/${name}`)];
  for (const path of textFiles) {
    const full = join(root, path);
    if (existsSync(full)) writeFileSync(full, rename(readFileSync(full, 'utf8')));
  }
  for (const name of gone) renameSync(join(assets, name), join(assets, rename(name)));

  // The manifest sits in sw.js as a JS string literal holding its JSON: {"version": …, "entries": […]}.
  const swPath = join(root, 'sw.js');
  const sw = rename(readFileSync(swPath, 'utf8'));
  const literal = /"\{\\"version\\"(?:[^"\\]|\\.)*"/.exec(sw)?.[0];
  if (!literal) throw new Error('sw.js holds no precache manifest');
  const manifest = JSON.parse(JSON.parse(literal) as string) as { version: string; entries: { path: string; rev: string; bytes: number }[] };
  const hash = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  for (const entry of manifest.entries) {
    const bytes = readFileSync(join(root, entry.path));
    entry.rev = hash(bytes);
    entry.bytes = bytes.length;
  }
  manifest.version = hash(manifest.entries.map((entry) => `${entry.path} ${entry.rev}`).join('\n'));
  writeFileSync(`${swPath}.tmp`, sw.replace(literal, () => JSON.stringify(JSON.stringify(manifest))));
  renameSync(`${swPath}.tmp`, swPath);
  return { version: manifest.version, gone };
}

/** The builds whose files the service worker keeps, newest first, as the page can read them from its cache. */
function keptBuilds(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    if (!registration) return [];
    const cache = await caches.open('feedback-lab-precache-v1');
    const listed = await cache.match(new URL('__feedback-lab-precache-builds.json', registration.scope).href);
    return listed ? ((await listed.json()) as { version: string }[]).map((build) => build.version) : [];
  });
}

/** The scripts and states of the workers a tab's registration holds, and the one in control: for a failure's message. */
function workersOf(page: Page): Promise<string> {
  return page
    .evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      const describe = (worker: ServiceWorker | null | undefined) => (worker ? `${new URL(worker.scriptURL).pathname} ${worker.state}` : 'none');
      const controller = navigator.serviceWorker.controller;
      if (!registration) return `no registration (controller: ${describe(controller)})`;
      return `installing: ${describe(registration.installing)}, waiting: ${describe(registration.waiting)}, active: ${describe(registration.active)}, controller: ${describe(controller)}`;
    })
    .catch((error: unknown) => `unreadable (${String(error)})`);
}

/** Shift+Reload: the browser's cache and the service worker are both bypassed. */
async function hardReload(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await Promise.all([page.waitForEvent('load'), cdp.send('Page.reload', { ignoreCache: true })]);
  await cdp.detach();
}

/** Ends the line of a failed request the service worker made itself (an offline copy, or a page's file fetched for it). */
const BY_THE_WORKER = ' (fetched by the service worker)';

/** Answers of the server that name a file of an earlier deploy (a 404, and Chromium's console line for it). */
const aboutGoneFiles = (errors: string[], gone: readonly string[]) => errors.filter((error) => gone.some((name) => error.includes(`/assets/${name}`)));

/**
 * What a static host must do (docs/deploy.md), checked on this server's answers: the service
 * worker, Pyodide and the shipped benchmark files with their types (the gzip file as its own
 * bytes, never with Content-Encoding), a real 404 for a missing file, and the headers asked for.
 */
async function expectStaticHostAnswers(server: SubPathServer, isolation: boolean): Promise<void> {
  const types: Record<string, RegExp> = {
    '': /^text\/html/,
    'sw.js': /^text\/javascript/,
    'pyodide/pyodide.mjs': /^text\/javascript/,
    'pyodide/pyodide.asm.mjs': /^text\/javascript/,
    'pyodide/pyodide.asm.wasm': /^application\/wasm$/,
    'pyodide/python_stdlib.zip': /^application\/zip$/,
    'pyodide/pyodide-lock.json': /^application\/json/,
    [DATASET_FILES.humaneval.sameOriginPath]: /^application\/gzip$/,
    [DATASET_FILES.mbpp.sameOriginPath]: /^application\/json/,
  };
  for (const [path, type] of Object.entries(types)) {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status, `${path} is served`).toBe(200);
    expect(response.headers.get('content-type'), `${path}'s type`).toMatch(type);
    expect(response.headers.get('cross-origin-embedder-policy') ?? undefined, `${path}'s COEP header`).toBe(isolation ? 'require-corp' : undefined);
    expect(response.headers.get('cross-origin-opener-policy') ?? undefined, `${path}'s COOP header`).toBe(isolation ? 'same-origin' : undefined);
    if (path === DATASET_FILES.humaneval.sameOriginPath) expect(response.headers.get('content-encoding'), 'the gzip file is not re-encoded').toBeNull();
    await response.arrayBuffer();
  }
  for (const benchmark of Object.keys(DATASET_FILES) as BenchmarkId[]) {
    const file = DATASET_FILES[benchmark];
    const bytes = new Uint8Array(await (await fetch(`${server.url}${file.sameOriginPath}`)).arrayBuffer());
    expect(await sha256Hex(bytes), `${file.fileName} arrives as the published bytes`).toBe(file.sha256);
  }
  const missing = await fetch(`${server.url}no-such-file.json`);
  expect(missing.status, 'a missing file is a 404, not the index page').toBe(404);
  // Cloudflare Pages serves index.html with 200 for every missing path unless the build has a top-level 404.html.
  expect(existsSync(join(OUT_DIR, '404.html')), 'the build ships a 404.html').toBe(true);
  await missing.arrayBuffer();
}

interface ShipPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Loads of the top-level document, reloads included. */
  documentLoads: string[];
}

async function open(server: SubPathServer, options: BrowserContextOptions = {}): Promise<ShipPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true, ...options });
  const errors: string[] = [];
  context.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  // Anything outside the sub-path, or missing from the build, is a 404 from this server.
  context.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}${response.request().serviceWorker() ? BY_THE_WORKER : ''}`);
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  const documentLoads: string[] = [];
  page.on('load', () => documentLoads.push(page.url()));
  await page.goto(server.url);
  return { context, page, errors, documentLoads };
}

const isolated = (page: Page) => page.evaluate(() => crossOriginIsolated);

/** The app has mounted (on whatever page the address names). */
async function appReady(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 60_000 });
}

/** Opens HumanEval/2 in the Playground, runs `code` and returns the verdict shown. */
async function runInPlayground(page: Page, code: string, expected: 'passed' | 'failed' | 'timed out'): Promise<string> {
  await page.evaluate(() => (location.hash = '#/playground?benchmark=humaneval&problem=HumanEval/2'));
  await page.getByRole('heading', { name: /HumanEval\/2/ }).waitFor({ timeout: 60_000 });
  await page.getByRole('textbox', { name: /^Your code/ }).fill(code);
  await page.getByRole('button', { name: 'Run tests' }).click();
  const result = page.getByRole('region', { name: /Result/ });
  await result.getByText(expected, { exact: true }).waitFor({ timeout: 120_000 });
  return (await result.textContent()) ?? '';
}

async function passingCode(): Promise<string> {
  const problem = await loadTestProblem('humaneval', 'HumanEval/2');
  return `${problem.prompt}    return number % 1.0\n`;
}

const footer = (page: Page) => page.locator('footer').textContent();

describe('the build under a sub-path', () => {
  it('with isolation headers: isolated at once, then offline a reload still scores a sample and opens a stored study', async () => {
    const server = await preview(true);
    const app = await open(server);
    const { page, context, errors } = app;
    try {
      await expectStaticHostAnswers(server, true);
      await appReady(page);
      expect(await isolated(page)).toBe(true);
      expect(await footer(page)).toContain('Timeouts: stopped in place');

      // A study stored in this browser, from a small result file.
      const doc = await studyResultFile();
      await page.evaluate(() => (location.hash = '#/study'));
      await page.getByRole('heading', { name: 'Studies in this browser' }).waitFor({ timeout: 60_000 });
      await page.getByLabel(/Import result files/).setInputFiles({ name: 'small-study.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
      await page.getByText(`Imported “${doc.config.name}”: ${doc.units.length} units written.`).waitFor();

      expect(await runInPlayground(page, await passingCode(), 'passed')).toContain('Every test passed');
      // The whole build is cached once the header says so.
      await page.getByRole('status').filter({ hasText: 'Available offline' }).waitFor({ timeout: 120_000 });
      // Said as it comes, on every page load: the two words, not the twenty of what they mean,
      // which follow them on the page for a screen reader reading it (audit R181-1).
      expect((await page.getByRole('status').filter({ hasText: 'Available offline' }).textContent())?.trim()).toBe('Available offline');
      expect(await page.locator('.offline-indicator').textContent()).toContain('This browser holds a copy of the app, Python and the shipped benchmarks: they work without a network.');

      // Offline for real: the browser's network off, and the server gone (the browser's offline
      // mode does not apply to the service worker's own fetches).
      await context.setOffline(true);
      await page.getByRole('status').filter({ hasText: /^\s*Offline\s*(?::|$)/ }).waitFor();
      await saveScreenshot(page, 'ship-offline');
      await server.close();
      await expect(fetch(server.url), 'the server is gone').rejects.toThrow();
      // (After a reload Chromium's emulated offline mode no longer shows in navigator.onLine, so
      // the indicator is checked above; the server is gone either way.)
      await page.reload();
      await page.getByRole('heading', { name: /HumanEval\/2/ }).waitFor({ timeout: 60_000 });
      expect(await isolated(page)).toBe(true);
      expect(await runInPlayground(page, await passingCode(), 'passed')).toContain('Every test passed');

      // The released results the deploy ships were saved with the copy: Reproduce loads them offline.
      await page.evaluate(() => (location.hash = '#/reproduce'));
      await page.getByRole('button', { name: 'Load the released files' }).click();
      await page.getByText('All four kinds of released file are loaded.').waitFor({ timeout: 120_000 });

      await page.evaluate(() => (location.hash = '#/study'));
      const card = page.locator('article.study', { has: page.getByRole('heading', { name: doc.config.name, exact: true }) });
      await card.waitFor({ timeout: 60_000 });
      const [download] = await Promise.all([page.waitForEvent('download') as Promise<Download>, card.getByRole('button', { name: 'Export .json', exact: true }).click()]);
      const exported = await importResultFile(new Uint8Array(readFileSync(await download.path())));
      expect(exported.config.id).toBe(doc.config.id);
      expect(exported.units).toHaveLength(doc.units.length);

      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('without isolation headers: the service worker isolates the page after one reload', async () => {
    const server = await preview(false);
    const app = await open(server);
    const { page, context, errors } = app;
    try {
      await expectStaticHostAnswers(server, false);

      await appReady(page);
      await expect.poll(() => isolated(page), { timeout: 30_000 }).toBe(true);
      await appReady(page);
      expect(await footer(page)).toContain('Timeouts: stopped in place');
      expect(await runInPlayground(page, await passingCode(), 'passed')).toContain('Every test passed');
      // One reload, and only one, by the time Python has run.
      expect(app.documentLoads).toHaveLength(2);

      // Later loads are isolated straight away: no second reload.
      await page.reload();
      await appReady(page);
      expect(await isolated(page)).toBe(true);
      expect(app.documentLoads).toHaveLength(3);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('without headers or service workers: not isolated, says so, and still scores and stops a sleeping program', async () => {
    const server = await preview(false);
    const app = await open(server, { serviceWorkers: 'block' });
    const { page, context, errors } = app;
    try {
      await appReady(page);
      expect(await isolated(page)).toBe(false);
      expect(app.documentLoads).toHaveLength(1);
      expect(await footer(page)).toContain('Timeouts: by restarting Python');
      expect(await runInPlayground(page, await passingCode(), 'passed')).toContain('Every test passed');

      // time.sleep is a busy wait in C that no interrupt reaches: the pool must restart the worker.
      const problem = await loadTestProblem('humaneval', 'HumanEval/2');
      await runInPlayground(page, `import time\n${problem.prompt}    time.sleep(1000)\n`, 'timed out');
      expect(await runInPlayground(page, await passingCode(), 'passed')).toContain('Every test passed');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('deploys over open tabs: each is told to reload (a hard-reloaded one too), opens pages it had not loaded from the kept copy, and two deploys behind reloads into the new version', { timeout: 420_000 }, async () => {
    const root = join(REPO_ROOT, 'test-results', 'dist-subpath-deploy');
    rmSync(root, { recursive: true, force: true });
    cpSync(OUT_DIR, root, { recursive: true });
    const server = await staticServer(root);
    const app = await open(server);
    const { page, context, errors } = app;
    const newNotice = (tab: Page) => tab.getByRole('status').filter({ hasText: 'A new version of Feedback Lab is out' });
    const clearHttpCache = async () => (await context.newCDPSession(page)).send('Network.clearBrowserCache');
    /** Waits for the notice; when it does not come, the error says which workers the tab's registration holds. */
    const noticeShown = async (tab: Page) => {
      try {
        await newNotice(tab).waitFor({ timeout: 120_000 });
      } catch (error) {
        throw new Error(`No update notice in ${tab === page ? 'the first tab' : 'the hard-reloaded tab'}; its service workers: ${await workersOf(tab)}`, { cause: error });
      }
    };
    try {
      await appReady(page);
      await page.getByRole('status').filter({ hasText: 'Available offline' }).waitFor({ timeout: 120_000 });
      expect(await newNotice(page).count()).toBe(0);
      // A second tab of the same build, hard-reloaded: that load bypassed the worker, which controls it no more.
      const hard = await context.newPage();
      await hard.goto(server.url);
      await appReady(hard);
      await hardReload(hard);
      await appReady(hard);
      expect(await hard.evaluate(() => navigator.serviceWorker.controller === null), 'a hard reload leaves the page uncontrolled').toBe(true);

      const first = redeploy(root, 'b');
      // The old files' copies in the HTTP cache outlive no host's max-age (GitHub Pages: 10 minutes).
      await clearHttpCache();
      // Another tab opens the app: the browser finds the new worker, which takes over every tab.
      const other = await context.newPage();
      await other.goto(server.url);
      await appReady(other);

      // Generous: Chromium looks for the new worker only once the old one has had a second with no
      // request to answer, and the other tab's start (a page of chunks, Pyodide's files for two
      // workers) keeps it busy for long on a loaded machine (30 s ran out once in CI). A new worker
      // Chromium left waiting (src/ui/shell/update-watch.ts, nudgeWaitingWorker) is asked again
      // within 5 s.
      await noticeShown(page);
      // The hard-reloaded tab runs the old build too: taken over by the new worker, it is told as well.
      await noticeShown(hard);
      // The other tab was taken over too, but it already runs the new build: nothing to tell it.
      await other.waitForTimeout(1000);
      expect(await newNotice(other).count()).toBe(0);
      await other.close();
      expect(await newNotice(page).getByRole('button', { name: 'Reload' }).count()).toBe(1);
      await saveScreenshot(page, 'ship-update-notice');
      await page.setViewportSize({ width: 800, height: 600 });
      await page.emulateMedia({ colorScheme: 'dark' });
      await saveScreenshot(page, 'ship-update-notice-800-dark');
      // The old tab's Results page, never loaded before, comes from the kept copy of its own build.
      await page.evaluate(() => (location.hash = '#/results'));
      await page.getByRole('heading', { level: 1, name: 'Results' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('main [role="alert"]').count()).toBe(0);
      expect(aboutGoneFiles(errors, first.gone)).toEqual([]);

      // A second deploy. The hard-reloaded tab is hard-reloaded again before any worker heard of
      // it: the page is the newest build while the worker in place is one behind. The page looks
      // for a new worker at once and gets it: it runs that worker's build already, so no notice.
      const second = redeploy(root, 'c');
      await clearHttpCache();
      await hardReload(hard);
      await appReady(hard);
      await expect.poll(() => keptBuilds(hard), { timeout: 60_000 }).toEqual([second.version, first.version]);
      await hard.waitForTimeout(1000);
      expect(await newNotice(hard).count()).toBe(0);
      await hard.close();

      // The first tab is now two deploys behind: its build's Scoring page is neither on the host
      // nor kept by the worker. Opened, it finds the newer deploy and, holding nothing a reload
      // would stop, reloads into it.
      const loads = app.documentLoads.length;
      await page.evaluate(() => (location.hash = '#/score'));
      await page.getByRole('heading', { level: 1, name: 'Scoring' }).waitFor({ timeout: 60_000 });
      expect(app.documentLoads, 'one reload').toHaveLength(loads + 1);
      expect(await page.evaluate(() => document.querySelector('script[type="module"][src]')?.getAttribute('src'))).toMatch(/c\.js$/);
      expect(await newNotice(page).count()).toBe(0);
      // Its old files are asked for once, and answered 404; nothing else went wrong.
      expect(aboutGoneFiles(errors, first.gone).length).toBeGreaterThan(0);
      // The worker of the second build may still be copying that build for offline use when the
      // third lands: its requests for the second build's files then fail, as on a real host (its
      // copy counts them as failed). No page asks for them.
      const copyOfSecondBuild = (error: string) => error.endsWith(BY_THE_WORKER) && aboutGoneFiles([error], second.gone).length > 0;
      expect(errors.filter((error) => !aboutGoneFiles([error], first.gone).length && !copyOfSecondBuild(error))).toEqual([]);
    } finally {
      await context.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
