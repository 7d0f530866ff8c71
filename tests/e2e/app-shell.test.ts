import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createServer } from 'node:net';
import { focusedElement } from '../support/accessibility-checks.ts';
import { allowServiceWorkersByDefault, launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { readDatasetBytes } from '../support/datasets.ts';

// Offline use, updates or storage: pages run the app's service worker, as a user's do.
allowServiceWorkersByDefault();

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

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

describe('the app shell', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`loads every page without console errors in the ${colorScheme} theme`, async () => {
      const app = await openApp(browser, server, { colorScheme });
      const { page } = app;
      await expect.poll(() => page.locator('h1').first().textContent()).toBe('Feedback Lab');
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
      await app.screenshot(`home-${colorScheme}`);

      for (const [link, heading] of [
        ['Scoring', 'Scoring'],
        ['Playground', 'Playground'],
        ['Models', 'Models'],
      ] as const) {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        expect(await page.title()).toContain(heading);
      }
      await app.screenshot(`models-${colorScheme}`);
      expect(app.errors).toEqual([]);
      await app.close();
    });
  }

  it('fits the header in a projector-sized 800×600 window: no sideways scrolling, every link and the theme button on screen', async () => {
    const app = await openApp(browser, server, { colorScheme: 'dark' });
    const { page } = app;
    await page.setViewportSize({ width: 800, height: 600 });
    await page.getByRole('heading', { level: 1, name: 'Feedback Lab' }).waitFor();
    // Offline shows the indicator's pill, the widest thing the header can hold.
    await app.context.setOffline(true);
    await page.getByRole('status').getByText('Offline').waitFor();
    await app.screenshot('shell-800x600-offline');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    const header = page.locator('header.site-header');
    const onScreen = async (name: string, role: 'link' | 'button') => {
      const box = await header.getByRole(role, { name, exact: true }).boundingBox();
      return box !== null && box.x >= 0 && box.x + box.width <= 800;
    };
    for (const name of ['Scoring', 'Playground', 'Models', 'Study', 'Search', 'Results', 'Reproduce', 'Presenter']) expect(await onScreen(name, 'link'), name).toBe(true);
    expect(await onScreen('Dark theme', 'button')).toBe(true);
    await app.context.setOffline(false);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('tells a first visit what needs no model, and whether models can run in this browser', async () => {
    const app = await openApp(browser, server);
    const start = app.page.getByRole('region', { name: 'Before you start' });
    await start.getByRole('link', { name: 'Playground', exact: true }).waitFor();
    await expect.poll(() => start.getByRole('status').textContent()).toContain('This browser has WebGPU');
    expect(app.errors).toEqual([]);
    await app.close();

    // Headless Chromium without the WebGPU switches has navigator.gpu but no adapter, like a
    // blocklisted GPU: the home page says so and points to an endpoint before anything is built.
    const noGpuBrowser = await launchBrowser({ webgpu: false });
    try {
      const noGpu = await openApp(noGpuBrowser, server, { colorScheme: 'dark' });
      const status = noGpu.page.getByRole('region', { name: 'Before you start' }).getByRole('status');
      await expect.poll(() => status.getAttribute('data-webgpu')).toBe('no');
      expect(await status.textContent()).toContain('no usable GPU adapter');
      expect(await status.textContent()).toContain('OpenAI-compatible server');
      await noGpu.screenshot('home-no-webgpu-dark');
      expect(noGpu.errors).toEqual([]);
      await noGpu.close();
    } finally {
      await noGpuBrowser.close();
    }
  });

  it('stops checking a GPU that never answers and says so, on the home page and the Models page', { timeout: 90_000 }, async () => {
    const app = await openApp(browser, server);
    const { page } = app;
    // A wedged GPU process: requestAdapter() neither resolves nor rejects.
    await app.context.addInitScript(() => {
      Object.defineProperty(navigator, 'gpu', { configurable: true, value: { requestAdapter: () => new Promise(() => {}) } });
    });
    await page.reload();
    const status = page.getByRole('region', { name: 'Before you start' }).getByRole('status');
    expect(await status.getAttribute('data-webgpu')).toBe('checking');
    await expect.poll(() => status.getAttribute('data-webgpu'), { timeout: 30_000 }).toBe('no');
    expect(await status.textContent()).toContain('the GPU did not answer within 10 s');
    expect(await status.textContent()).toContain('OpenAI-compatible server');

    await page.evaluate(() => (location.hash = '#/models'));
    const webgpu = page.locator('dt', { hasText: 'WebGPU' }).locator('+ dd');
    await expect.poll(() => webgpu.textContent(), { timeout: 30_000 }).toBe('no answer (the GPU did not answer within 10 s)');
    // Every model's verdict gives the same reason, above the table.
    await expect.poll(() => page.locator('.shared-reasons').textContent()).toContain('the GPU did not answer within 10 s');
    await app.screenshot('models-gpu-no-answer');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('on a software GPU (SwiftShader) Study and Search start on the endpoint, saying why; the engine picked is remembered in this browser', async () => {
    const app = await openApp(browser, server, { hash: '#/study' });
    const { page, context } = app;
    const why = /only WebGPU adapter is a software one \(google swiftshader\)/;
    const engineGroup = (tab: Page) => tab.getByRole('group', { name: /^Engine/ });
    await engineGroup(page).getByText(why).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('radio', { name: 'OpenAI-compatible endpoint' }).isChecked()).toBe(true);
    await app.screenshot('study-engine-default-swiftshader');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
    await engineGroup(page).getByText(why).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('radio', { name: 'OpenAI-compatible endpoint' }).isChecked()).toBe(true);

    // Picked on the Search form: no note left, and a new tab's Study form starts on it.
    await page.getByRole('radio', { name: 'In this browser (WebLLM)' }).check();
    expect(await engineGroup(page).getByText(why).count()).toBe(0);
    // The note about the default goes, but not the warning: while WebLLM is chosen it says what a software GPU means.
    const warning = /software one: in-browser models would run on the CPU/;
    await engineGroup(page).getByText(warning).waitFor();
    const other = await context.newPage();
    await other.goto(`${server.url}#/study`);
    await other.getByRole('heading', { level: 1, name: 'Study' }).waitFor();
    await expect.poll(() => other.getByRole('radio', { name: 'In this browser (WebLLM)' }).isChecked(), { timeout: 30_000 }).toBe(true);
    expect(await engineGroup(other).getByText(why).count()).toBe(0);
    await engineGroup(other).getByText(warning).waitFor();
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('a first study without WebGPU, on an endpoint nothing answers at or on in-browser models, is refused at once, saying why, and stores nothing; Try it asks the endpoint', async () => {
    const noGpuBrowser = await launchBrowser({ webgpu: false });
    try {
      const app = await openApp(noGpuBrowser, server, { hash: '#/study' });
      const { page } = app;
      // Without WebGPU the form offers the endpoint; nothing listens on that port here.
      const port = await freePort();
      await page.getByLabel('OpenAI-compatible endpoint').check();
      await page.getByLabel('Endpoint URL').fill(`http://127.0.0.1:${port}/v1`);
      await page.getByText(/HumanEval: 164 problems/).waitFor();
      await page.getByRole('button', { name: 'Run study' }).click();
      const refusal = page.locator('.errors[role="alert"]');
      await refusal.getByText(`Could not reach the language-model server at http://127.0.0.1:${port}`).waitFor({ timeout: 15_000 });
      // Each way out on its own line, not one run-on paragraph.
      expect(await refusal.locator('p').first().evaluate((p) => getComputedStyle(p).whiteSpace)).toBe('pre-line');
      await app.screenshot('study-first-run-unreachable');
      // Another address typed: the alert was about the old one and goes, not left beside the new one until the next start.
      await page.getByLabel('Endpoint URL').fill(`http://127.0.0.1:${port}/v2`);
      await expect.poll(() => refusal.count()).toBe(0);
      // In-browser models cannot run without an adapter: refused before WebLLM fetches anything.
      await page.getByLabel('In this browser (WebLLM)').check();
      await page.getByText('This browser offers no WebGPU adapter').waitFor();
      expect(await page.getByText('Builds for this GPU').count()).toBe(0);
      await page.getByRole('button', { name: 'Run study' }).click();
      await refusal.getByText(/no usable GPU adapter.*nothing was started/).waitFor({ timeout: 15_000 });
      expect(await page.evaluate(() => performance.getEntriesByType('resource').some((entry) => /webllm-worker/.test(entry.name)))).toBe(false);
      await page.getByText('No studies yet').waitFor();
      expect(await page.locator('#run-title').count()).toBe(0);

      // The Models page's Try it asks the endpoint, not an empty list of in-browser models.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
      const tryIt = page.getByRole('region', { name: 'Try it' });
      await tryIt.getByText('none can run on this device').waitFor();
      expect(await tryIt.getByRole('radio', { name: /In-browser model/ }).isDisabled()).toBe(true);
      expect(await tryIt.getByRole('radio', { name: /Endpoint/ }).isChecked()).toBe(true);
      expect(app.errors.filter((e) => !/ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
      await app.close();
    } finally {
      await noGpuBrowser.close();
    }
  });

  it('puts focus on the new page\'s one h1 after each navigation, with a visible ring, and names the page in a live region', { timeout: 90_000 }, async () => {
    // No service worker: once it has copied the app, it serves Reproduce's code itself, past the
    // route below that holds that code back, and the placeholder came and went unseen (once in three runs).
    const app = await openApp(browser, server, { serviceWorkers: 'block' });
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Feedback Lab' }).waitFor();
    const announcer = page.locator('[data-route-announcer]');
    /** The focused element if it is the page's only h1 shown, else what has focus instead. */
    const focusedHeading = () =>
      page.evaluate(() => {
        const shown = [...document.querySelectorAll('h1')].filter((h1) => h1.checkVisibility());
        const focused = document.activeElement;
        return shown.length === 1 && focused === shown[0] ? `h1 ${focused.textContent?.trim()}` : `${shown.length} h1, focus on ${focused?.tagName.toLowerCase()}`;
      });
    const nav = page.getByRole('navigation', { name: 'Main' });
    // Reproduce's code is held back until its placeholder is seen: that names the page as its h1
    // does, not as the shorter menu link.
    let releaseReproduce = () => {};
    const reproduceHeld = new Promise<void>((resolve) => (releaseReproduce = resolve));
    await page.route(/\/assets\/ReproducePage-[^/]*\.js$/, async (route) => {
      await reproduceHeld;
      await route.continue();
    });
    // The presenter fills the window without the menu: it goes last, and its own link leads home.
    for (const [link, heading] of [['Scoring', 'Scoring'], ['Playground', 'Playground'], ['Models', 'Models'], ['Study', 'Study'], ['Search', 'Search'], ['Results', 'Results'], ['Reproduce', 'Reproduce the paper'], ['Presenter', 'Presenter']] as const) {
      await nav.getByRole('link', { name: link, exact: true }).focus();
      await page.keyboard.press('Enter');
      if (link === 'Reproduce') {
        await page.locator('main').getByRole('status').filter({ hasText: 'Loading “Reproduce the paper”…' }).waitFor();
        releaseReproduce();
      }
      await expect.poll(focusedHeading, { message: `after the ${link} link` }).toBe(`h1 ${heading}`);
      expect(await announcer.textContent()).toBe(`${heading} page`);
      expect(await page.title()).toBe(`${heading} · Feedback Lab`);
      expect((await focusedElement(page)).ring, `${link}: the heading's focus ring`).toBeGreaterThanOrEqual(3);
      // A first visit to Results has no file: the page says where one comes from.
      if (link === 'Results') {
        const where = page.locator('main p', { hasText: /^No result file yet\?/ });
        expect(await where.getByRole('link').allTextContents()).toEqual(['Study', 'Reproduce']);
      }
    }
    await page.getByRole('link', { name: '← Feedback Lab' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(focusedHeading, { message: 'back home from the presenter' }).toBe('h1 Feedback Lab');
    expect(await announcer.textContent()).toBe('Home page');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('a first visit with no benchmark files on this site and no network gets from the home page to a passing Run tests, told at each wall what to do', { timeout: 180_000 }, async () => {
    const datasetsUnreachable = async (context: BrowserContext) => {
      await context.route(/\/datasets\/(HumanEval\.jsonl\.gz|sanitized-mbpp\.json)$/, (route) => route.fulfill({ status: 404, body: 'Not found' }));
      await context.route('https://raw.githubusercontent.com/**', (route) => route.abort('internetdisconnected'));
    };
    const humanEval = Buffer.from(await readDatasetBytes('humaneval'));
    /** Whether the element is on screen now, where the user is looking, not somewhere up the page. */
    const inView = (page: Page, selector: string) =>
      page.locator(selector).evaluate((element) => {
        const box = element.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= innerHeight;
      });
    const noGpuBrowser = await launchBrowser({ webgpu: false });
    try {
      // Plain headless Chromium (no WebGPU adapter), then WebGPU on SwiftShader.
      for (const [name, chromium] of [['no WebGPU', noGpuBrowser], ['WebGPU on SwiftShader', browser]] as const) {
        const app = await openApp(chromium, server, { serviceWorkers: 'block', beforeOpen: datasetsUnreachable });
        const { page } = app;
        // Home: what needs no model, whether models can run here, and a first step.
        const start = page.getByRole('region', { name: 'Before you start' });
        await expect.poll(() => start.getByRole('status').getAttribute('data-webgpu'), { message: name }).not.toBe('checking');
        expect(await start.getByRole('status').textContent()).toMatch(name === 'no WebGPU' ? /no usable GPU adapter.*OpenAI-compatible server/ : /software adapter/);

        // Study, the page a reader of the paper heads for: the benchmark cannot be had, and the page says why and offers the file.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Study' }).click();
        const failed = page.getByRole('alert').filter({ hasText: 'HumanEval could not be loaded' });
        await failed.waitFor({ timeout: 60_000 });
        expect(await failed.textContent()).toContain('Pick the file yourself');
        // Run study anyway: refused, in sight of the button that was pressed, saying what to do.
        await page.getByRole('button', { name: 'Run study' }).click();
        const refusal = page.locator('.errors[role="alert"]');
        await refusal.getByText('The HumanEval problems could not be loaded; see above for why, or pick the file.').waitFor({ timeout: 30_000 });
        expect(await inView(page, '.errors[role="alert"]'), `${name}: the refusal is out of sight`).toBe(true);
        expect(await page.getByText('No studies yet').count()).toBe(1);
        // The way out: the file, picked by hand, checked and kept in this browser.
        await page.getByLabel(/^HumanEval file/).setInputFiles({ name: 'HumanEval.jsonl.gz', mimeType: 'application/gzip', buffer: humanEval });
        await page.getByRole('status').filter({ hasText: 'HumanEval: 164 problems' }).waitFor({ timeout: 60_000 });

        // Home again, then its first step: the Playground, where the kept file is ready and Run tests is two presses away.
        await page.getByRole('link', { name: 'Feedback Lab', exact: true }).click();
        await page.getByRole('region', { name: 'Before you start' }).getByRole('link', { name: 'Open the Playground' }).click();
        await page.getByRole('heading', { name: /^HumanEval\/0/ }).waitFor({ timeout: 60_000 });
        expect(await page.getByRole('alert').count()).toBe(0);
        await page.getByRole('button', { name: 'Load the reference solution' }).click();
        // Python may still be starting (seconds): the wait is said, however short, then the verdict.
        await page.evaluate(() => {
          const seen = { running: false };
          Object.assign(window, { runningSeen: seen });
          new MutationObserver(() => (seen.running ||= document.querySelector('.result')?.textContent?.includes('Running the tests…') === true)).observe(document.querySelector('main')!, { subtree: true, childList: true, characterData: true });
        });
        await page.getByRole('button', { name: 'Run tests' }).click();
        const result = page.getByRole('region', { name: /Result/ });
        await result.getByText('passed', { exact: true }).waitFor({ timeout: 120_000 });
        expect(await page.evaluate(() => (window as unknown as { runningSeen: { running: boolean } }).runningSeen.running)).toBe(true);
        await app.screenshot(`first-visit-${name === 'no WebGPU' ? 'no-webgpu' : 'swiftshader'}`);
        // The only console errors are the two downloads that could not be made.
        expect(app.errors.filter((error) => !/status of 404|ERR_INTERNET_DISCONNECTED/.test(error)), name).toEqual([]);
        await app.close();
      }
    } finally {
      await noGpuBrowser.close();
    }
  });

  it("says a page's code that never arrives is taking long, and offers a reload, instead of 'Loading…' for good", async () => {
    // No service worker: it would serve the page's code from its copy, past the route below.
    const app = await openApp(browser, server, { serviceWorkers: 'block' });
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Feedback Lab' }).waitFor();
    // A connection that stays open and silent: the request is held and never answered.
    let abort = () => {};
    await page.route(/\/assets\/ReproducePage-[^/]*\.js$/, (route) => new Promise<void>((resolve) => (abort = () => void route.abort().finally(resolve))));
    await page.clock.install();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reproduce', exact: true }).click();
    await page.locator('main').getByRole('status').filter({ hasText: 'Loading “Reproduce the paper”…' }).waitFor();
    await page.clock.fastForward(31_000);
    const alert = page.locator('main').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('“Reproduce the paper” is taking long to load: the connection may have stalled or dropped.');
    expect(await alert.getByRole('button', { name: 'Reload' }).isVisible()).toBe(true);
    abort();
    await app.close();
  });

  it('remembers the theme the user picks across reloads', async () => {
    const app = await openApp(browser, server, { colorScheme: 'light' });
    const toggle = app.page.getByRole('button', { name: 'Dark theme' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await app.page.reload();
    expect(await app.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('says in the footer how a program out of time is stopped, and what that means, to the keyboard too (not a tooltip)', async () => {
    const app = await openApp(browser, server);
    const { page } = app;
    const summary = page.locator('footer summary');
    await expect.poll(() => summary.textContent()).toMatch(/^Timeouts: (stopped in place|by restarting Python)$/);
    const detail = page.locator('footer details p');
    expect(await detail.isVisible()).toBe(false);
    await summary.focus();
    await page.keyboard.press('Enter');
    await detail.waitFor({ state: 'visible' });
    expect(await detail.textContent()).toMatch(/a program that runs out of time is/);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('opens what the Offline badge means to the keyboard and a touch screen, inside a narrow window, and closes it on Escape', async () => {
    const app = await openApp(browser, server);
    const { page } = app;
    await page.setViewportSize({ width: 400, height: 700 });
    await page.getByRole('heading', { level: 1, name: 'Feedback Lab' }).waitFor();
    await app.context.setOffline(true);
    const help = page.locator('header').getByRole('button', { name: 'What this means' });
    await help.focus();
    await page.keyboard.press('Enter');
    const meaning = page.locator('#offline-meaning');
    await meaning.waitFor({ state: 'visible' });
    expect(await meaning.textContent()).toMatch(/^No network\. The app, Python and benchmarks already loaded keep working/);
    const box = (await meaning.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(400);
    await page.keyboard.press('Escape');
    await meaning.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('What this means');
    await app.context.setOffline(false);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('says so when something the app did not handle goes wrong, once per message, and not for work cancelled on purpose', async () => {
    const app = await openApp(browser, server);
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Feedback Lab' }).waitFor();
    const notice = page.locator('.unexpected-error');
    // Cancelled work rejects with an AbortError: that is no news.
    await page.evaluate(() => void Promise.reject(new DOMException('The operation was aborted.', 'AbortError')));
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await notice.count()).toBe(0);
    // A handler that throws, twice, and a promise nobody waits for.
    await page.evaluate(() => {
      for (let i = 0; i < 2; i++) setTimeout(() => { throw new TypeError('the worker is gone'); });
      void Promise.reject(new Error('the store is closed'));
    });
    await notice.waitFor();
    await expect.poll(() => notice.getByRole('listitem').allTextContents()).toEqual(['TypeError: the worker is gone (2 times)', 'the store is closed']);
    expect(await page.getByRole('alert').filter({ hasText: 'Something went wrong on this page' }).count()).toBe(1);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    expect(await notice.count()).toBe(0);
    await app.close();
  });

  it('shows a not-found page for an unknown address, and the server answers missing files with 404', async () => {
    const app = await openApp(browser, server, { hash: '#/no-such-page' });
    await app.page.getByRole('heading', { name: 'Page not found' }).waitFor();
    const response = await app.page.request.get(`${server.url}no-such-file.json`);
    expect(response.status()).toBe(404);
    const dataset = await app.page.request.get(`${server.url}datasets/HumanEval.jsonl.gz`);
    expect(dataset.headers()['content-type']).toBe('application/gzip');
    expect(dataset.headers()['content-encoding']).toBeUndefined();
    expect(await app.page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
