import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowServiceWorkersByDefault, launchBrowser, openApp, startAppServer, type AppPage, type AppServer } from '../support/browser.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server.ts';

// Offline use, updates or storage: pages run the app's service worker, as a user's do.
allowServiceWorkersByDefault();

let browser: Browser;
let server: AppServer;
/** The app from http://localhost, a secure context, as a person would open it. */
let localhost: AppServer;
/**
 * The app as another machine sees it after `npm start -- --host 0.0.0.0`: plain http from a
 * public address, not a secure context. Its own server, which Chromium is told is on the
 * internet, so the browser treats this computer's servers as out of its reach, as it would.
 */
let insecure: AppServer;

beforeAll(async () => {
  server = await startAppServer();
  localhost = { ...server, url: server.url.replace('127.0.0.1', 'localhost') };
  const lan = await startAppServer();
  const lanPort = new URL(lan.url).port;
  insecure = { ...lan, url: `http://lab.test:${lanPort}/` };
  browser = await launchBrowser({ args: ['--host-resolver-rules=MAP lab.test 127.0.0.1', `--ip-address-space-overrides=127.0.0.1:${lanPort}=public`] });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await insecure?.close();
});

/**
 * Opens the Models page with every request to the internet refused, so no test downloads weights.
 * `guard: false` leaves the browser's network alone: while a route is set, Playwright answers CORS
 * preflights itself (no OPTIONS reaches a server), so a server that refuses them would pass.
 */
async function openModels({ guard = true } = {}): Promise<{ app: AppPage; internet: string[] }> {
  const app = await openApp(browser, localhost, { hash: '#/models' });
  const internet: string[] = [];
  if (guard) {
    await app.context.route(/^https:\/\/(huggingface\.co|raw\.githubusercontent\.com)\//, (route) => {
      internet.push(route.request().url());
      return route.abort();
    });
  }
  await app.page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
  await app.page.locator('[data-fact="adapter"]').waitFor({ timeout: 30_000 });
  return { app, internet };
}

/** A model's weights (one small shard and its list) in WebLLM's cache under the default Hugging Face URLs, and its chat config with `config`. */
async function cacheModelFiles(page: Page, modelId: string, { config }: { config: boolean }): Promise<void> {
  await page.evaluate(
    async ({ id, withConfig }) => {
      const base = `https://huggingface.co/mlc-ai/${id}/resolve/main/`;
      const weights = await caches.open('webllm/model');
      await weights.put(`${base}tensor-cache.json`, new Response(JSON.stringify({ records: [{ dataPath: 'params_shard_0.bin' }] })));
      await weights.put(`${base}params_shard_0.bin`, new Response(new Uint8Array(300_000)));
      if (withConfig) await (await caches.open('webllm/config')).put(`${base}mlc-chat-config.json`, new Response('{}'));
    },
    { id: modelId, withConfig: config },
  );
}

/**
 * A model-file server (CORS-readable, as a mirror would be). `empty`: every path is a 404.
 * `stalling`: it serves a chat config, then never answers for the compiled library, so a load
 * stays in progress until it is cancelled. `no-library`: it serves a chat config, then a 404
 * page for the compiled library, as a libraries folder without this model's .wasm does.
 */
async function startModelServer(kind: 'empty' | 'stalling' | 'no-library'): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const empty: Server = createServer((request, response) => {
    paths.push(request.url ?? '');
    const cors = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
    if (kind !== 'empty' && request.url?.endsWith('/mlc-chat-config.json')) {
      response.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
      response.end('{"context_window_size": 4096}');
      return;
    }
    if (kind === 'stalling') return; // the library request hangs
    response.writeHead(404, {
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Content-Type': 'text/plain',
    });
    response.end('no such model file\n');
  });
  await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
  const { port } = empty.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    paths,
    close: () =>
      new Promise((resolve) => {
        empty.closeAllConnections();
        empty.close(() => resolve());
      }),
  };
}

/** Connects the endpoint panel to a one-model server and waits for it to say so. */
async function connectEndpoint(page: Page, url: string): Promise<void> {
  await page.getByLabel('Base URL').fill(url);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText('Connected: 1 model.').waitFor();
}

async function useModelFilesFrom({ page }: AppPage, url: string): Promise<void> {
  const settings = page.locator('details', { hasText: 'Where model files come from' });
  if (!(await settings.evaluate((details) => (details as HTMLDetailsElement).open))) await page.getByText('Where model files come from').click();
  await page.getByLabel('Weights mirror').fill(url);
  await page.getByLabel('Model libraries folder').fill(`${url}/libs/`);
  await page.getByRole('button', { name: 'Use these' }).click();
  // Said where it was pressed, for the eye and a screen reader: the page changes nowhere else (audit R177-3).
  await page.getByRole('status').filter({ hasText: `Saved in this browser: weights now come from ${url}, compiled libraries from ${url}/libs/.` }).waitFor();
}

describe('the Models page on SwiftShader WebGPU', () => {
  it('shows the adapter, reports no shader-f16 and picks the q4f32_1 builds', async () => {
    const { app, internet } = await openModels();
    const { page } = app;
    expect(await page.locator('[data-fact="adapter"]').textContent()).toMatch(/swiftshader/i);
    expect(await page.locator('[data-fact="shader-f16"]').textContent()).toMatch(/no: models use the q4f32_1 builds/);

    const llama = page.locator('tr[data-model="Llama-3.2-3B-Instruct"]');
    expect(await llama.locator('[data-cell="build"]').textContent()).toBe('q4f32_1');
    // "3 B" is a parameter count: under a "Size" header, beside byte counts, it read as three bytes.
    const headers = await page.locator('table thead th').allTextContents();
    expect(headers).toContain('Parameters');
    expect(await llama.locator('td').first().textContent()).toBe('3 B');
    expect(headers).not.toContain('Size');
    expect(await llama.locator('[data-cell="verdict"]').textContent()).toMatch(/yes, but/);
    // Said once for all models rather than in every row.
    await page.getByText('For every model below:').waitFor();
    expect(await page.locator('.shared-reasons').textContent()).toMatch(/software fallback/);
    // WebLLM ships gemma3-1b only as q4f16_1: the page says why it cannot run here.
    const gemma = page.locator('tr[data-model="gemma3-1b-it"]');
    expect(await gemma.locator('[data-cell="verdict"]').textContent()).toMatch(/no.*only as q4f16_1.*shader-f16/s);
    await expect.poll(() => page.getByRole('button', { name: /^Download .*q4f32_1-MLC$/ }).count()).toBeGreaterThan(5);

    // A GPU memory budget of -5 MB is named at the field and never saved, nor does every model stand "over budget".
    const budget = page.getByLabel('GPU memory WebLLM may use (MB)');
    const help = await page.locator('#memory-budget-help').textContent();
    await budget.fill('-5');
    await budget.press('Enter');
    await page.getByText('-5 is out of range. Give a number of at least 256 (in MB; empty uses the estimate).').waitFor();
    expect(await budget.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('table').textContent()).not.toMatch(/-5 MB/);
    expect(await page.evaluate(() => localStorage.getItem('feedback-lab.models'))).not.toMatch(/-5/);
    // The help names the estimate, not what was typed.
    expect(await page.locator('#memory-budget-help').textContent()).toBe(help);
    await budget.fill('8192');
    await budget.press('Enter');
    await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('feedback-lab.models') ?? '{}').memoryBudgetMB)).toBe(8192);
    expect(await budget.getAttribute('aria-invalid')).toBeNull();

    await app.screenshot('models-capabilities');
    expect(internet).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('fits an 800×600 projector window: the model table scrolls in its own box, the page does not scroll sideways', async () => {
    const { app } = await openModels();
    const { page } = app;
    await page.setViewportSize({ width: 800, height: 600 });
    await page.locator('table tbody tr').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    // Every row's Download is in sight without scrolling the table sideways.
    const box = await page.locator('.table-wrap').boundingBox();
    const buttons = page.getByRole('button', { name: /^(Download|Load) / });
    await expect.poll(() => buttons.count()).toBeGreaterThan(5);
    for (const button of await buttons.all()) {
      const own = await button.boundingBox();
      expect(own && box && own.x >= box.x && own.x + own.width <= box.x + box.width + 1, (await button.getAttribute('aria-label')) ?? undefined).toBe(true);
    }
    // gemma3-1b cannot run here, for several reasons: they are one click away, not a row 345 px tall.
    const gemma = page.locator('tr[data-model="gemma3-1b-it"]');
    const llama = page.locator('tr[data-model="Llama-3.2-3B-Instruct"]');
    await gemma.getByText(/only as q4f16_1/).waitFor({ state: 'attached' });
    const height = async () => (await gemma.boundingBox())?.height ?? Infinity;
    expect(await height()).toBeLessThanOrEqual(((await llama.boundingBox())?.height ?? 0) + 1);
    await gemma.getByText('Why?').click();
    expect(await gemma.getByText(/only as q4f16_1/).isVisible()).toBe(true);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('ends a download from a server without the files in a clear error, not a stuck progress bar', async () => {
    const files = await startModelServer('empty');
    const { app, internet } = await openModels();
    const { page } = app;
    await useModelFilesFrom(app, files.url);

    await page.getByRole('button', { name: 'Download Qwen2.5-0.5B-Instruct-q4f32_1-MLC' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'A model file could not be downloaded' });
    await alert.waitFor({ timeout: 120_000 });
    expect(await alert.textContent()).toMatch(/Qwen2\.5-0\.5B-Instruct-q4f32_1-MLC.*What to do/s);
    // WebLLM's own words stay one click away, exactly as its worker sent them.
    expect(await alert.locator('pre').textContent()).toBe("TypeError: Failed to execute 'add' on 'Cache': Request failed");
    expect(await page.locator('progress').count()).toBe(0);
    expect(files.paths).toContain('/mlc-ai/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/resolve/main/mlc-chat-config.json');
    // The button is back, so the user can try again.
    expect(await page.getByRole('button', { name: 'Download Qwen2.5-0.5B-Instruct-q4f32_1-MLC' }).isEnabled()).toBe(true);
    await app.screenshot('models-download-error');
    // …and so can the notice itself, which starts the same download again.
    const asked = files.paths.length;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => files.paths.length, { timeout: 60_000 }).toBeGreaterThan(asked);
    await page.getByRole('alert').filter({ hasText: 'A model file could not be downloaded' }).waitFor({ timeout: 120_000 });

    expect(internet).toEqual([]);
    // The only console error allowed is the browser's own note of the failed request.
    const unexpected = app.errors.filter((e) => !(e.includes('404') && e.includes(files.url)));
    expect(unexpected).toEqual([]);
    await app.close();
    await files.close();
  });

  it('after the weights mirror changes, files from Hugging Face are not called downloaded, and Delete removes them', async () => {
    const files = await startModelServer('empty');
    const { app, internet } = await openModels();
    const { page } = app;
    const model = 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC';
    // A complete download from the default location, as WebLLM stores it: every file under its URL.
    await cacheModelFiles(page, model, { config: true });
    await page.reload();
    await page.locator('[data-fact="adapter"]').waitFor({ timeout: 30_000 });
    const row = page.locator('tr[data-model="Qwen2.5-0.5B-Instruct"]');
    // Weights alone, without the compiled library a load also needs: "Download", not "Load".
    await expect.poll(() => row.locator('td').nth(5).textContent()).toMatch(/partly \(29\d KB\)/);
    await row.getByRole('button', { name: `Download ${model}` }).waitFor();
    // Try it says only the rest is fetched, not the whole model again.
    const tryIt = page.getByRole('region', { name: 'Try it' });
    await tryIt.locator('select').selectOption(model);
    await tryIt.getByText(/^Partly downloaded \(29\d KB\): sending fetches the rest first\.$/).waitFor();

    await useModelFilesFrom(app, files.url);
    // WebLLM keys files by URL: loading from the mirror downloads them all again.
    const cached = row.locator('td').nth(5);
    await expect.poll(() => cached.textContent()).toMatch(/^\s*no\s+also 29\d KB from huggingface\.co, unused with\s+localhost:\d+/);
    await row.getByRole('button', { name: `Download ${model}` }).waitFor();
    await tryIt.getByText(/^Not downloaded yet: sending downloads it first/).waitFor();
    // Delete asks first, and counts the unused copies it removes too.
    await row.getByRole('button', { name: `Delete ${model} from this browser…` }).click();
    const question = row.getByRole('group', { name: `Confirm deleting ${model}` });
    expect(await question.textContent()).toMatch(/Delete its 29\d KB from this browser\?/);
    // In the sticky column, not run out of it under the table's edge.
    const [groupRight, cellRight] = await question.evaluate((group) => [group.getBoundingClientRect().right, group.closest('td')!.getBoundingClientRect().right]);
    expect(groupRight).toBeLessThanOrEqual(cellRight);
    await question.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => cached.textContent()).toMatch(/^\s*no\s*$/);
    expect(await page.evaluate(async () => (await (await caches.open('webllm/model')).keys()).length)).toBe(0);
    expect(internet).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.close();
    await files.close();
  });

  it('with no usable GPU adapter, says once why no model can run here and that an endpoint still can', async () => {
    const app = await openApp(browser, localhost, {
      hash: '#/models',
      // A blocklisted GPU: WebGPU is there, its adapter request gives nothing.
      beforeOpen: async (context) => void (await context.addInitScript(() => Object.defineProperty(navigator.gpu, 'requestAdapter', { value: () => Promise.resolve(null) }))),
    });
    const { page } = app;
    const shared = page.locator('.shared-reasons');
    await shared.waitFor({ timeout: 30_000 });
    expect(await shared.textContent()).toContain('found no usable GPU adapter');
    expect(await shared.textContent()).toContain('They can still run on an OpenAI-compatible endpoint (Ollama, llama.cpp, vLLM)');
    expect(await page.getByRole('button', { name: /^Download / }).evaluateAll((buttons) => buttons.every((b) => (b as HTMLButtonElement).disabled))).toBe(true);
    // Nothing in the table can take focus then: in a narrow window its box does, named, to be scrolled from the keyboard.
    await page.setViewportSize({ width: 320, height: 640 });
    const box = page.getByRole('region', { name: 'Table of in-browser models' });
    await expect.poll(() => box.getAttribute('tabindex')).toBe('0');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('Delete from the keyboard asks first; then focus moves to the row\'s Download, which the deleted files leave in its place, not to <body>', async () => {
    const { app, internet } = await openModels();
    const { page } = app;
    const model = 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC';
    await cacheModelFiles(page, model, { config: false });
    await page.reload();
    await page.locator('[data-fact="adapter"]').waitFor({ timeout: 30_000 });
    const remove = page.getByRole('button', { name: `Delete ${model} from this browser…` });
    await remove.focus();
    // The question takes focus on its safe answer; Escape withdraws it and gives focus back.
    await page.keyboard.press('Enter');
    const keep = page.getByRole('button', { name: 'Keep it' });
    await expect.poll(() => keep.evaluate((button) => button === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => remove.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await page.evaluate(async () => (await (await caches.open('webllm/model')).keys()).length)).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await remove.waitFor({ state: 'detached' });
    const download = page.getByRole('button', { name: `Download ${model}` });
    await expect.poll(() => download.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(internet).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('reads the site\'s storage again after a download, so its figures and the quota check follow what was stored', async () => {
    const files = await startModelServer('empty');
    const { app, internet } = await openModels();
    const { page } = app;
    // A tight quota; `storedByTest` stands in for what a download (or a cancelled one) stored.
    await app.context.addInitScript(() => {
      const GB = 2 ** 30;
      navigator.storage.estimate = async () => ({ quota: 1.5 * GB, usage: (window as unknown as { storedByTest?: number }).storedByTest ?? 0 });
    });
    await page.reload();
    await page.locator('[data-fact="adapter"]').waitFor({ timeout: 30_000 });
    const storage = page.locator('dt', { hasText: 'Storage for this site' }).locator('+ dd');
    await expect.poll(() => storage.textContent()).toContain('0 B used of 1.5 GB');
    const verdict = page.locator('tr[data-model="Qwen2.5-1.5B-Instruct"] [data-cell="verdict"]');
    expect(await verdict.textContent()).not.toContain('may only store');
    await useModelFilesFrom(app, files.url);

    await page.evaluate(() => ((window as unknown as { storedByTest?: number }).storedByTest = 1.2 * 2 ** 30));
    await page.getByRole('button', { name: 'Download Qwen2.5-0.5B-Instruct-q4f32_1-MLC' }).click();
    await page.getByRole('alert').filter({ hasText: 'A model file could not be downloaded' }).waitFor({ timeout: 120_000 });
    // The panel said 0 B used until a reload, and the check let a model start that could not fit.
    await expect.poll(() => storage.textContent()).toContain('1.2 GB used of 1.5 GB');
    await expect.poll(() => verdict.textContent()).toMatch(/no.*this site may only store 307 MB more/s);
    expect(internet).toEqual([]);
    await app.close();
    await files.close();
  });

  it('cancels a download in progress: the bar goes, no error shows, and the model can be tried again', async () => {
    const files = await startModelServer('stalling');
    const { app, internet } = await openModels();
    const { page } = app;
    await useModelFilesFrom(app, files.url);
    const download = page.getByRole('button', { name: 'Download Llama-3.2-1B-Instruct-q4f32_1-MLC' });
    await download.focus();
    await page.keyboard.press('Enter');
    const bar = page.getByRole('progressbar', { name: 'Loading Llama-3.2-1B-Instruct-q4f32_1-MLC' });
    await bar.waitFor();
    // Download disabled itself: keyboard focus went to Cancel, not to <body>.
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await expect.poll(() => cancel.evaluate((button) => button === document.activeElement)).toBe(true);
    await expect.poll(() => files.paths.some((p) => p.startsWith('/libs/')), { timeout: 60_000 }).toBe(true);
    await app.screenshot('models-download-in-progress');
    await page.keyboard.press('Enter');
    await bar.waitFor({ state: 'detached' });
    // …and back to the model's Download button once Cancel is gone.
    await expect.poll(() => download.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Download Llama-3.2-1B-Instruct-q4f32_1-MLC' }).isEnabled()).toBe(true);
    expect(internet).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.close();
    await files.close();
  });

  it('a download that stalls says how long nothing came, then stops with an explanation and Try again, not "Loading…" for ever', async () => {
    const files = await startModelServer('stalling');
    const { app, internet } = await openModels();
    const { page } = app;
    // The page's clock, so minutes of silence pass in a moment (the worker's own fetch just hangs).
    await page.clock.install();
    await page.reload();
    await page.locator('[data-fact="adapter"]').waitFor({ timeout: 30_000 });
    await useModelFilesFrom(app, files.url);
    const model = 'Llama-3.2-1B-Instruct-q4f32_1-MLC';
    await page.getByRole('button', { name: `Download ${model}` }).click();
    await expect.poll(() => files.paths.some((p) => p.startsWith('/libs/')), { timeout: 60_000 }).toBe(true);
    await page.clock.fastForward('00:50');
    await expect.poll(() => page.locator('[data-download-quiet]').textContent()).toMatch(
      /^Nothing new for [45]0 s; the load stops if nothing comes for 5 minutes\.$/,
    );
    await page.clock.fastForward('04:20');
    const alert = page.getByRole('alert').filter({ hasText: 'The model load stopped making progress' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/Nothing arrived for 5 minutes while fetching the model configuration and library/);
    expect(await page.getByRole('progressbar').count()).toBe(0);
    const asked = files.paths.length;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('progressbar', { name: `Loading ${model}` }).waitFor();
    await expect.poll(() => files.paths.length, { timeout: 60_000 }).toBeGreaterThan(asked);
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(internet).toEqual([]);
    expect(app.errors).toEqual([]);
    await app.close();
    await files.close();
  });

  it('Try it with no model loaded: Stop cancels the download it started, and a failed load is named in Try it', async () => {
    const stalling = await startModelServer('stalling');
    const { app, internet } = await openModels();
    const { page } = app;
    await useModelFilesFrom(app, stalling.url);
    const tryIt = page.getByRole('region', { name: 'Try it' });
    const model = 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC';
    await tryIt.locator('select').selectOption(model);
    await tryIt.getByRole('button', { name: 'Send' }).click();
    const bar = page.getByRole('progressbar', { name: `Loading ${model}` });
    await bar.waitFor();
    await expect.poll(() => stalling.paths.some((p) => p.startsWith('/libs/')), { timeout: 60_000 }).toBe(true);
    // Stop used to wait for the whole download (gigabytes) before it stopped anything.
    await tryIt.getByRole('button', { name: 'Stop' }).click();
    await bar.waitFor({ state: 'detached', timeout: 30_000 });
    await tryIt.getByRole('alert').filter({ hasText: 'Stopped.' }).waitFor();
    expect(await tryIt.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
    await stalling.close();

    // A load that fails says so in Try it, not only in the notice far up the page.
    const noLibrary = await startModelServer('no-library');
    await useModelFilesFrom(app, noLibrary.url);
    await tryIt.getByRole('button', { name: 'Send' }).click();
    await tryIt
      .getByRole('alert')
      .filter({ hasText: `Could not load ${model}: The model library could not be loaded.` })
      .waitFor({ timeout: 120_000 });
    const notice = page.getByRole('alert').filter({ hasText: 'What the engine said' });
    expect(await notice.textContent()).toContain('Model libraries folder');
    expect(internet).toEqual([]);
    const unexpected = app.errors.filter((e) => !(e.includes('404') && e.includes(noLibrary.url)));
    expect(unexpected).toEqual([]);
    await app.close();
    await noLibrary.close();
  });

  it('Try it from the keyboard: Send hands focus to Stop (not to the download panel up the page) and gets it back when the reply ends', async () => {
    const stalling = await startModelServer('stalling');
    const endpoint: FakeOpenAIServer = await startFakeOpenAIServer({ models: ['tiny-coder'], reply: 'def add(a, b):\n    return a + b\n' + '# ok\n'.repeat(20), tokensPerSecond: 40 });
    const { app } = await openModels();
    const { page } = app;
    await useModelFilesFrom(app, stalling.url);
    const tryIt = page.getByRole('region', { name: 'Try it' });
    const send = tryIt.getByRole('button', { name: 'Send' });
    const stop = tryIt.getByRole('button', { name: 'Stop' });
    const focused = (button: typeof send) => button.evaluate((element) => element === document.activeElement);

    // In-browser model, not downloaded: Send starts the download.
    await send.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('progressbar', { name: /^Loading / }).waitFor();
    await expect.poll(() => focused(stop)).toBe(true);
    await page.keyboard.press('Enter');
    await tryIt.getByRole('alert').filter({ hasText: 'Stopped.' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => focused(send)).toBe(true);

    // An endpoint reply, streamed for a second or so.
    await connectEndpoint(page, endpoint.url);
    await tryIt.getByRole('radio', { name: /Endpoint/ }).check();
    await send.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(stop)).toBe(true);
    await tryIt.getByText(/tokens\/s/).waitFor({ timeout: 30_000 });
    await expect.poll(() => focused(send)).toBe(true);
    expect(app.errors).toEqual([]);
    await app.close();
    await stalling.close();
    await endpoint.close();
  });

  it('lists an endpoint\'s models and streams a reply from it with tokens per second', async () => {
    const endpoint: FakeOpenAIServer = await startFakeOpenAIServer({
      models: ['tiny-coder'],
      reply: '```python\ndef add(a, b):\n    return a + b\n```',
      tokensPerSecond: 200,
    });
    // A server that serves chat but no model list (404 at /v1/models), and one with no model pulled yet.
    const chatOnly: FakeOpenAIServer = await startFakeOpenAIServer({ models: ['my-model'], reply: 'from chat-only', modelList: false });
    const empty: FakeOpenAIServer = await startFakeOpenAIServer({ models: [] });
    const { app } = await openModels();
    const { page } = app;
    // The server itself answers 404 to its model list: a context route for it let the request
    // through about one run in two here, and the page then saw a list.
    const status = page.locator('#endpoint-heading + p + form + p[role="status"]');
    const tryIt = page.getByRole('region', { name: 'Try it' });
    await page.getByLabel('Base URL').fill(empty.url);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/Connected, but the server lists no models\. Add one to the server \(for Ollama: ollama pull qwen2\.5-coder:3b\)/).waitFor();
    await page.getByLabel('Base URL').fill(chatOnly.url);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/answered, but gives no model list \(404 at \/models\)\. Type the name of a model it serves in the Model field/).waitFor();
    // The name is typed, and Try it sends it.
    await page.getByRole('textbox', { name: 'Model' }).fill('my-model');
    await page.getByRole('textbox', { name: 'Model' }).press('Tab');
    await tryIt.getByRole('radio', { name: 'Endpoint (my-model)' }).check();
    await tryIt.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByLabel('Reply').textContent()).toContain('from chat-only');
    expect(chatOnly.requests.at(-1)?.model).toBe('my-model');
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('feedback-lab.endpoint'))) ?? '{}')).toMatchObject({ model: 'my-model', served: [] });
    expect(await status.getAttribute('class')).not.toMatch(/failed/);

    await connectEndpoint(page, endpoint.url);
    await page.getByRole('radio', { name: /Endpoint/ }).check();
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByLabel('Reply').textContent()).toContain('return a + b');
    await page.getByText(/tokens\/s/).waitFor();
    expect(endpoint.requests.at(-1)?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    await app.screenshot('models-try-endpoint');
    // The 404 of the model list, as the browser logs it.
    expect(app.errors.filter((e) => !/Failed to load resource.*404/.test(e))).toEqual([]);
    await app.close();
    await endpoint.close();
    await chatOnly.close();
    await empty.close();
  });

  it('an endpoint that refuses this page (CORS) or its preflight, wants a key, or is asked without /v1: each message names the cause and the fix', async () => {
    const refusing: FakeOpenAIServer = await startFakeOpenAIServer({ models: ['qwen2.5-coder:1.5b'], cors: false });
    // A hand-made proxy: CORS headers on every answer, but OPTIONS answered 405.
    const proxy: FakeOpenAIServer = await startFakeOpenAIServer({ models: ['qwen2.5-coder:1.5b'], preflight: false });
    const keyed: FakeOpenAIServer = await startFakeOpenAIServer({ models: ['qwen2.5-coder:1.5b'], apiKey: 'sk-right' });
    // Nothing here loads weights, and the proxy's preflights must reach it.
    const { app } = await openModels({ guard: false });
    const { page } = app;
    const status = page.locator('#endpoint-heading + p + form + p[role="status"]');
    const connect = async (url: string) => {
      await page.getByLabel('Base URL').fill(url);
      await page.getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => status.textContent(), { timeout: 30_000 }).not.toMatch(/^\s*Asking the server|^\s*$/);
      return (await status.textContent()) ?? '';
    };
    // The browser only says "Failed to fetch": the page says what to set, with this page's own origin.
    const origin = new URL(localhost.url).origin;
    const cors = await connect(refusing.origin);
    expect(cors).toContain(`OLLAMA_ORIGINS=${origin}`);
    expect(cors).toMatch(/--cors-origins/);
    expect(cors).toMatch(/--allowed-origins/);
    // One cause per line, not a wall of text.
    expect(await status.evaluate((p) => p.getClientRects().length && (p as HTMLElement).innerText.split('\n').length)).toBeGreaterThan(3);
    await app.screenshot('models-endpoint-cors');
    // Another address typed: the red message is about the last one, and says so.
    await page.getByLabel('Base URL').fill(keyed.origin);
    expect(await status.textContent()).toMatch(/^\s*The address changed since the test of .* failed: press Test connection to try this one\.\s*$/);
    expect(await status.getAttribute('class')).not.toMatch(/failed/);

    // Its model list comes as a plain GET would, but every chat request is preflighted: not "Connected".
    const preflight = await connect(proxy.origin);
    expect(preflight).toMatch(/^\s*The server at \S+ answers, but refuses the browser's preflight, so the browser will block every chat request: /);
    expect(preflight).toContain(`Access-Control-Allow-Origin: ${origin}, Access-Control-Allow-Methods: GET, POST, OPTIONS`);

    expect(await connect(keyed.origin)).toMatch(/needs a valid API key \(401 Unauthorized\)/);
    await page.getByLabel('API key (optional)').fill('sk-right');
    // The server root, without /v1, is the same endpoint.
    expect(await connect(keyed.origin)).toBe('Connected: 1 model.');
    expect(await connect(`${keyed.url}/`)).toBe('Connected: 1 model.');
    // Another server's test fails: Try it no longer offers this one's model, to be sent to the other.
    const tryIt = page.getByRole('region', { name: 'Try it' });
    await tryIt.getByRole('radio', { name: 'Endpoint (qwen2.5-coder:1.5b)' }).waitFor();
    expect(await connect(refusing.origin)).toMatch(/Could not reach/);
    await tryIt.getByRole('radio', { name: 'Endpoint (its address changed: test the connection first)' }).check();
    expect(await tryIt.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    // Back at the address it was chosen at, it is offered again.
    await page.getByLabel('Base URL').fill(`${keyed.url}/`);
    await tryIt.getByRole('radio', { name: 'Endpoint (qwen2.5-coder:1.5b)' }).waitFor();
    // After a reload the panel still names the model in use (it showed none, while Try it used it).
    await page.reload();
    await page.getByText('Model: qwen2.5-coder:1.5b, chosen earlier.').waitFor({ timeout: 30_000 });
    expect(app.errors.filter((e) => !/CORS|Failed to load resource/.test(e))).toEqual([]);
    await app.close();
    await refusing.close();
    await proxy.close();
    await keyed.close();
  });

  it('opened over plain http from another address: says the page is not a secure context, not "use Chrome" or "set OLLAMA_ORIGINS"', async () => {
    const endpoint: FakeOpenAIServer = await startFakeOpenAIServer({ models: ['qwen2.5-coder:1.5b'] });
    const app = await openApp(browser, insecure, { hash: '#/models' });
    const { page } = app;
    await page.locator('[data-fact="adapter"]').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => isSecureContext)).toBe(false);
    // WebGPU is hidden from such a page in every browser: that reason alone, not "this browser has no WebGPU".
    await page.getByText('For every model below:').waitFor();
    expect(await page.locator('.shared-reasons').textContent()).toMatch(
      /^For every model below:\s*This page is not a secure context, and browsers only offer WebGPU over https or on localhost\.$/,
    );
    // The browser refuses the request to this computer before sending it: no server setting helps.
    await page.getByLabel('Base URL').fill(endpoint.url);
    await page.getByRole('button', { name: 'Test connection' }).click();
    const status = page.locator('#endpoint-heading + p + form + p[role="status"]');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/not a secure context/);
    const said = (await status.textContent()) ?? '';
    expect(said).toContain(`this page (${new URL(insecure.url).origin}) is not a secure context`);
    expect(said).toContain('blocks its requests to this computer');
    expect(said).not.toMatch(/OLLAMA_ORIGINS|CORS/);
    expect(endpoint.requests).toEqual([]);
    expect(app.errors.filter((e) => !/Cross-Origin-Opener-Policy header has been ignored|not a secure context|Failed to load resource/.test(e))).toEqual([]);
    await app.close();
    await endpoint.close();
  });

  it('Try it with a prompt longer than the model\'s context: said as such, with what to change', async () => {
    const endpoint: FakeOpenAIServer = await startFakeOpenAIServer({
      models: ['tiny-coder'],
      reply: () => ({
        kind: 'status',
        status: 400,
        body: {
          object: 'error',
          message: "This model's maximum context length is 4096 tokens. However, you requested 6000 tokens (5488 in the messages, 512 in the completion).",
          type: 'BadRequestError',
          code: 400,
        },
      }),
    });
    const { app } = await openModels();
    const { page } = app;
    await connectEndpoint(page, endpoint.url);
    await page.getByRole('radio', { name: /Endpoint/ }).check();
    await page.getByRole('button', { name: 'Send' }).click();
    const alert = page.getByRole('region', { name: 'Try it' }).getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/too long for the model's context window.*maximum context length is 4096 tokens.*--max-model-len/s);
    expect(endpoint.requests).toHaveLength(1);
    await app.close();
    await endpoint.close();
  });
});
