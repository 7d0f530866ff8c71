/**
 * The presenter on the day of a talk, in Chromium: a reload mid-talk, a clicker's blank-screen
 * button, an endpoint that dies mid-show, and a viewer who asked for less motion. Screenshots go
 * to test-results/presenter-talk-*.png; no console error may appear but the failed requests a
 * dying endpoint causes.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { demoRecording } from '../../src/core/presenter/shipped-recordings.ts';
import { axeViolations } from '../support/accessibility-checks.ts';
import { allowServiceWorkersByDefault, launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server.ts';
import { scene, waitForScene } from '../support/presenter-stage.ts';

// Offline use, updates or storage: pages run the app's service worker, as a user's do.
allowServiceWorkersByDefault();

let browser: Browser;
let server: AppServer;

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A port on this machine that nothing listens on: one the system gave out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** What the audience can read of the scene on stage: its kind and title. */
async function onStage(page: Page): Promise<string> {
  return `${await scene(page).getAttribute('data-scene')}: ${await scene(page).locator('h2').textContent()}`;
}

describe('the presenter during a talk', () => {
  it('comes back to the same scene after a reload mid-talk, paused, and goes on from there', { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=name-error&speed=step&autostart=1' });
    const { page } = app;
    await waitForScene(page, 'problem', 60_000);
    for (const kind of ['generation', 'execution', 'briefing']) {
      await page.keyboard.press('PageDown');
      await waitForScene(page, kind);
    }
    const before = await onStage(page);
    await page.reload();
    await waitForScene(page, 'briefing', 60_000);
    expect(await onStage(page)).toBe(before);
    await app.screenshot('presenter-talk-01-reloaded-step');
    await page.keyboard.press('PageDown');
    await waitForScene(page, 'refinement');
    await page.keyboard.press('PageUp');
    await waitForScene(page, 'briefing');

    // A timed replay comes back paused on its scene: the speaker resumes it with space.
    await page.getByRole('button', { name: /Back to the setup/ }).click();
    await page.goto(`${server.url}#/presenter?source=demo&demo=assertion-error&speed=4&autostart=1`);
    await page.reload();
    await waitForScene(page, 'execution', 60_000);
    const timed = await onStage(page);
    await page.reload();
    await waitForScene(page, 'execution', 60_000);
    expect(await onStage(page)).toBe(timed);
    await expect.poll(() => page.getByLabel('Progress').textContent()).toContain('paused');
    await app.screenshot('presenter-talk-02-reloaded-timed');
    await page.keyboard.press(' ');
    await waitForScene(page, 'briefing', 60_000);

    // Back on the setup, a reload stays on the setup.
    await page.getByRole('button', { name: /Back to the setup/ }).click();
    await page.getByRole('button', { name: 'Start' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Start' }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1000);
    expect(await scene(page).count()).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it("blacks the screen on a clicker's B or full stop, holding the show until a key brings it back", { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=assertion-error&speed=1&autostart=1', colorScheme: 'dark' });
    const { page } = app;
    const blank = page.locator('.presenter .blank');
    await page.getByLabel('Reply so far').waitFor({ timeout: 60_000 });
    await page.keyboard.press('b');
    await blank.waitFor();
    await app.screenshot('presenter-talk-03-blank');
    // Nothing of the show is visible, and nothing moves behind the black.
    expect(await blank.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(0, 0, 0)');
    const box = await blank.boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 1280, height: 720 });
    const held = await scene(page).textContent();
    await page.waitForTimeout(1500);
    expect(await scene(page).textContent()).toBe(held);

    // → brings the show back where it was, without moving on, and it plays on.
    await page.keyboard.press('ArrowRight');
    await blank.waitFor({ state: 'detached' });
    expect(await scene(page).getAttribute('data-scene')).toBe('generation');
    await expect.poll(() => scene(page).textContent(), { timeout: 20_000 }).not.toBe(held);

    // Step by step, the full stop does the same.
    await page.goto(`${server.url}#/presenter?source=demo&demo=name-error&speed=step&autostart=1`);
    await page.reload();
    await waitForScene(page, 'problem', 60_000);
    await page.keyboard.press('PageDown');
    await waitForScene(page, 'generation');
    await page.keyboard.press('.');
    await blank.waitFor();
    await page.keyboard.press('PageDown');
    await blank.waitFor({ state: 'detached' });
    expect(await scene(page).getAttribute('data-scene')).toBe('generation');
    await page.keyboard.press('.');
    await blank.waitFor();
    await page.keyboard.press('.');
    await blank.waitFor({ state: 'detached' });
    await page.keyboard.press('PageDown');
    await waitForScene(page, 'execution');

    // The help lists the key.
    await page.keyboard.press('?');
    expect(await page.getByRole('dialog', { name: 'Keyboard' }).textContent()).toContain('B or .');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('holds the spinner still for viewers who asked for less motion', { timeout: 120_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter' });
    const { page } = app;
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${server.url}#/presenter?source=demo&demo=name-error&speed=0.5&autostart=1`);
    await page.reload();
    await waitForScene(page, 'problem', 60_000);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const spinner = page.locator('article.scene .spinner');
    await spinner.waitFor({ timeout: 60_000 });
    expect(await spinner.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('says on its setup when this browser will keep no offline copy, instead of saving one for ever', { timeout: 60_000 }, async () => {
    // Service workers refused, as Chromium does with site data blocked: it said "Saving a copy of
    // the app…" for as long as the page was open, and no copy ever came. (Playwright's own
    // blocking fakes a registration that succeeds, which no browser does: refuse it here instead.)
    const app = await openApp(browser, server, {
      hash: '#/presenter?source=demo&demo=name-error&speed=step',
      serviceWorkers: 'allow',
      beforeOpen: async (context) => {
        await context.addInitScript(() => {
          navigator.serviceWorker.register = () =>
            Promise.reject(new DOMException('Failed to register a ServiceWorker: The user denied permission to use Service Worker.', 'SecurityError'));
        });
      },
    });
    const note = app.page.locator('.presenter .offline-note');
    await expect.poll(() => note.textContent(), { timeout: 30_000 }).toContain('This browser keeps no offline copy of the app');
    expect(await note.textContent()).not.toContain('Saving');
    expect(await note.evaluate((element) => element.classList.contains('warn'))).toBe(true);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('says on its setup when the offline copy could not be installed, instead of saving one for ever', { timeout: 60_000 }, async () => {
    // The browser takes the worker, but its install fails: the app shell could not be cached (a
    // network cut part-way, a full disk). `navigator.serviceWorker.ready` never settles then, and
    // the setup said "Saving a copy of the app…" for as long as it was open.
    const app = await openApp(browser, server, {
      hash: '#/presenter?source=demo&demo=name-error&speed=step',
      serviceWorkers: 'allow',
      beforeOpen: async (context) => {
        await context.route('**/index.html', (route) =>
          route.request().serviceWorker() ? route.fulfill({ status: 503, body: 'unavailable' }) : route.fallback(),
        );
      },
    });
    const note = app.page.locator('.presenter .offline-note');
    await expect.poll(() => note.textContent(), { timeout: 30_000 }).toContain('This browser keeps no offline copy of the app');
    expect(await app.page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.active ?? null))).toBeNull();
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('says on its setup whether it will work at a venue with no network, and then does', { timeout: 240_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/presenter?source=demo&demo=name-error&speed=step' });
    const { page, context } = app;
    const note = page.locator('.presenter .offline-note');
    // The first visit saves the offline copy; the setup says when it is there.
    await expect.poll(() => note.textContent(), { timeout: 180_000 }).toContain('This browser holds an offline copy');
    await context.setOffline(true);
    await expect.poll(() => note.textContent()).toContain('No network. Built-in demos and result files replay');
    await app.screenshot('presenter-talk-06-offline-setup');
    // At the venue: the page reloads from that copy and the demo plays.
    // (Chromium's emulation does not carry navigator.onLine across a reload, and a venue's Wi-Fi
    // without internet reads as online anyway: the copy is what counts.)
    await page.reload();
    await page.getByRole('button', { name: 'Start' }).click({ timeout: 60_000 });
    await waitForScene(page, 'problem', 60_000);
    for (const kind of ['generation', 'execution']) {
      await page.keyboard.press('ArrowRight');
      await waitForScene(page, kind);
    }
    expect(await scene(page).locator('.banner').textContent()).toContain('NameError');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('keeps the heading, the first lines of why and what to do next in view when a run fails, at 2× type on a 1024×768 projector and at 200 % zoom', { timeout: 180_000 }, async () => {
    // Nothing listens on a port just freed: the run stops at once, saying which servers to check
    // and how (a reason of a dozen lines, which at 2× type scrolled R, try again, three screens down).
    const port = await closedPort();
    const query = new URLSearchParams({ problem: 'HumanEval/0', preset: 'llama-self-refine', source: 'endpoint', endpoint: `http://127.0.0.1:${port}/v1`, model: 'fake-model', autostart: '1' });
    const SIZES = [
      { name: '1024×768 at 2× type', viewport: { width: 1024, height: 768 }, scale: 2 },
      { name: '1024×768 at 200 % zoom', viewport: { width: 512, height: 384 }, scale: 1 },
    ];
    const problems: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const size of SIZES) {
        const app = await openApp(browser, server, {
          colorScheme,
          serviceWorkers: 'block',
          // The presenter's A+ at its largest, as this browser remembers it.
          beforeOpen: async (context) => {
            await context.addInitScript((scale) => localStorage.setItem('feedback-lab.presenter', JSON.stringify({ scale, scheme: null })), size.scale);
          },
          hash: `#/presenter?${query}`,
        });
        const { page } = app;
        await page.setViewportSize(size.viewport);
        const failure = page.getByRole('alert').filter({ hasText: 'The run stopped' });
        await failure.waitFor({ timeout: 60_000 });
        const where = `${size.name} [${colorScheme}]`;
        // Two frames: the boxes' size observer has made what scrolls a Tab stop.
        const look = await failure.evaluate(async (box) => {
          await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
          const shown = box.getBoundingClientRect();
          const inView = (element: Element | null) => {
            const rect = element?.getBoundingClientRect();
            return rect !== undefined && rect.top >= shown.top - 1 && rect.bottom <= Math.min(shown.bottom, innerHeight) + 1;
          };
          const reason = box.querySelector<HTMLElement>('.reason')!;
          // The reason's first words, as a range over its text.
          const range = document.createRange();
          range.setStart(reason.firstChild!, 0);
          range.setEnd(reason.firstChild!, 30);
          const firstLine = range.getBoundingClientRect();
          const reasonShown = reason.getBoundingClientRect();
          return {
            heading: inView(box.querySelector('h2')),
            next: inView(box.querySelector('.next')),
            firstLine: firstLine.top >= Math.max(shown.top, reasonShown.top) - 1 && firstLine.bottom <= Math.min(shown.bottom, reasonShown.bottom, innerHeight) + 1,
            reasonScrolls: reason.scrollHeight > reason.clientHeight + 1,
            reasonStop: reason.getAttribute('tabindex') === '0',
            boxScrolls: box.scrollHeight > box.clientHeight + 1,
          };
        });
        if (!look.heading) problems.push(`${where}: the heading is out of view`);
        if (!look.firstLine) problems.push(`${where}: the reason's first line is out of view`);
        if (!look.next) problems.push(`${where}: what to do next (R tries again) is out of view`);
        // The rest of the reason scrolls in its own box, which the keyboard reaches; the failure as a whole does not scroll.
        if (look.boxScrolls) problems.push(`${where}: the whole failure box scrolls`);
        if (look.reasonScrolls !== look.reasonStop) problems.push(`${where}: the reason ${look.reasonScrolls ? 'scrolls but is no Tab stop' : 'is a Tab stop that does not scroll'}`);
        problems.push(...(await axeViolations(page, where)));
        // Tab reaches the reason, and ↓ there scrolls it.
        const reason = failure.getByRole('group', { name: 'Why it stopped' });
        for (let i = 0; i < 20 && !(await reason.evaluate((box) => box === document.activeElement)); i++) await page.keyboard.press('Tab');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        if (!(await reason.evaluate((box) => new Promise<boolean>((done) => setTimeout(() => done(box.scrollTop > 0), 500))))) problems.push(`${where}: Tab and ↓ do not scroll the reason`);
        await app.screenshot(`presenter-talk-06-failure-${size.scale}x-${size.viewport.width}-${colorScheme}`);
        // The refused connection is the browser's own console report.
        problems.push(...app.errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED')).map((e) => `${where}: ${e}`));
        await app.close();
      }
    }
    expect(problems).toEqual([]);
  });

  describe('live, when the endpoint dies mid-show', () => {
    let endpoint: FakeOpenAIServer;
    beforeAll(async () => {
      const [broken] = demoRecording('name-error').trajectory.steps.flatMap((s) => (s.kind === 'execute' ? [] : [s.reply]));
      endpoint = await startFakeOpenAIServer({ reply: broken!, tokensPerSecond: 200 });
      // The generator answers; the connection drops while the refiner writes, on every attempt.
      // On a busy machine the browser can discard the few chunks it had not handed to the page
      // yet when the connection's error arrives (a stream's error empties its queue); with no
      // text seen the client rightly sends the request again, so each retry (3) must die too.
      endpoint.script({ kind: 'reply' }, ...Array.from({ length: 4 }, () => ({ kind: 'disconnect' as const, afterTokens: 3 })));
    });
    afterAll(async () => endpoint?.close());

    it('says the run stopped, and ← still shows the scenes the room saw before it', { timeout: 240_000 }, async () => {
      const query = new URLSearchParams({
        problem: 'HumanEval/0',
        preset: 'llama-self-refine',
        source: 'endpoint',
        endpoint: endpoint.url,
        model: 'fake-model',
        autostart: '1',
      });
      const app = await openApp(browser, server, { hash: `#/presenter?${query}` });
      const { page } = app;
      await page.setViewportSize({ width: 800, height: 600 });
      const failure = page.getByRole('alert').filter({ hasText: 'The run stopped' });
      await waitForScene(page, 'briefing', 120_000);
      await page.keyboard.press('ArrowRight');
      await failure.waitFor({ timeout: 120_000 });
      // "…in the middle of the reply, after 3 pieces", or "…before the reply finished" when those were lost.
      expect(await failure.textContent()).toContain('The connection to the server closed');
      // The strip under it says so too (it said "The problem", where the run had begun).
      expect(await page.getByLabel('Progress').getByRole('status').textContent()).toMatch(/^The run stopped/);
      await app.screenshot('presenter-talk-04-endpoint-died');
      const box = await failure.boundingBox();
      expect(box!.y + box!.height).toBeLessThanOrEqual(600);

      // ← shows what the room saw last: the refiner's reply as far as it came, cut off (or, when
      // those pieces were lost, what the refiner was told), then the failed run and what came
      // before it; → comes back to the failure.
      await page.keyboard.press('ArrowLeft');
      await failure.waitFor({ state: 'detached' });
      const cutOff = (await scene(page).getAttribute('data-scene')) === 'refinement';
      if (cutOff) {
        expect(await scene(page).locator('.detail').textContent()).toContain('cut off');
        expect(await scene(page).getByLabel('Reply, cut off').textContent()).not.toBe('');
        // Its pieces count in the strip, with the generator's.
        const tokens = Number(/Tokens\s*(\d+)/.exec((await page.getByLabel('Progress').textContent()) ?? '')?.[1]);
        expect(tokens).toBeGreaterThan(58);
        await app.screenshot('presenter-talk-05a-cut-off-reply');
        await page.keyboard.press('ArrowLeft');
      }
      await waitForScene(page, 'briefing');
      await page.keyboard.press('ArrowLeft');
      await waitForScene(page, 'execution');
      expect(await scene(page).locator('.banner').textContent()).toContain('NameError');
      await app.screenshot('presenter-talk-05-looking-back');
      await page.keyboard.press('ArrowLeft');
      await waitForScene(page, 'generation');
      await page.keyboard.press('ArrowRight');
      await waitForScene(page, 'execution');
      await page.keyboard.press('ArrowRight');
      await waitForScene(page, 'briefing');
      if (cutOff) {
        await page.keyboard.press('ArrowRight');
        await waitForScene(page, 'refinement');
      }
      await page.keyboard.press('ArrowRight');
      await failure.waitFor();
      // Only the dropped connection's own report reaches the console.
      expect(app.errors.filter((e) => !e.includes('ERR_INCOMPLETE_CHUNKED_ENCODING'))).toEqual([]);
      await app.close();
    });
  });
});
