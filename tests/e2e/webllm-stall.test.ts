import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { allowServiceWorkersByDefault, launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';

// Written with the service worker running; with it blocked, Try it never showed the reply (not yet investigated why).
allowServiceWorkersByDefault();

let browser: Browser;
let server: AppServer;

beforeAll(async () => {
  server = await startAppServer();
  // The app from http://localhost, a secure context, where the page offers in-browser models.
  server = { ...server, url: server.url.replace('127.0.0.1', 'localhost') };
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * A stand-in for the bundled WebLLM worker: it speaks WebLLM's worker protocol, loads nothing,
 * and answers a chat with one chunk. `hangs`: the next chunk never comes, and a request to stop
 * is answered but changes nothing, as with a GPU that stopped answering mid-reply.
 */
function fakeWorker(hangs: boolean): string {
  return `
    let sent = 0;
    const answer = (uuid, content) => postMessage({ kind: 'return', uuid, content });
    const chunk = (text) => ({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
    onmessage = ({ data: { kind, uuid } }) => {
      switch (kind) {
        case 'setAppConfig': return;
        case 'reload':
          postMessage({ kind: 'initProgressCallback', uuid: '', content: { progress: 1, timeElapsed: 0, text: 'Finish loading on WebGPU' } });
          return answer(uuid, null);
        case 'resetChat': case 'interruptGenerate': case 'completionStreamReturn': case 'unload':
          return answer(uuid, null);
        case 'chatCompletionStreamInit':
          sent = 0;
          return answer(uuid, null);
        case 'completionStreamNextChunk':
          sent += 1;
          if (sent === 1) return answer(uuid, chunk('def add(a, b):'));
          if (${hangs}) return; // the GPU never finishes this step
          if (sent === 2) return answer(uuid, chunk('\\n    return a + b'));
          if (sent === 3) return answer(uuid, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
          return answer(uuid, undefined);
        default:
          postMessage({ kind: 'throw', uuid, content: 'Error: unexpected ' + kind });
      }
    };
  `;
}

describe('an in-browser reply that stops coming', () => {
  it('ends in Try it with a plain explanation once its silence limit passes, and the next Send works on a fresh worker', async () => {
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page, context } = app;
    // Model workers the page started. Not the script's fetches: the service worker fetches it too
    // when it saves the offline copy, at a moment of its own (its hash check then drops the stand-in).
    const workers: string[] = [];
    page.on('worker', (worker) => {
      if (/\/webllm-worker[^/]*\.js/.test(worker.url())) workers.push(worker.url());
    });
    await context.route(/\/webllm-worker[^/]*\.js(\?.*)?$/, (route) => route.fulfill({ contentType: 'text/javascript', body: fakeWorker(workers.length === 0) }));
    await context.route(/^https:\/\//, (route) => route.abort());
    await page.clock.install();
    await page.reload();
    await page.locator('[data-fact="adapter"]').waitFor({ timeout: 30_000 });
    const tryIt = page.getByRole('region', { name: 'Try it' });
    await tryIt.locator('select').selectOption('Qwen2.5-0.5B-Instruct-q4f32_1-MLC');
    await tryIt.getByRole('button', { name: 'Send' }).click();
    await tryIt.getByText('def add(a, b):').waitFor({ timeout: 30_000 });
    const row = page.locator('tr[data-model="Qwen2.5-0.5B-Instruct"]');
    await row.locator('.loaded').waitFor();

    // A minute without a chunk: the engine is told to stop; it answers, but the reply does not end.
    await page.clock.fastForward('01:01');
    expect(await tryIt.getByRole('alert').count()).toBe(0);
    // The worker's answer to "stop" is a real message, not a timer the fake clock moves: give it real
    // time to arrive, or the page would rightly say the worker did not answer at all (it did, at times, on busy cores).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Twenty seconds later the worker is ended, and the page says so in words.
    await page.clock.fastForward('00:21');
    const alert = tryIt.getByRole('alert').filter({ hasText: 'The in-browser model stopped answering' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/no new text for 60 seconds, and the model did not stop when told to.*The model worker was ended/s);
    expect(await tryIt.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
    // The table no longer calls the model loaded: its worker is gone, and Load is offered again.
    await row.locator('.loaded').waitFor({ state: 'detached' });
    await row.getByRole('button', { name: /^(Load|Download) Qwen2\.5-0\.5B-Instruct-q4f32_1-MLC$/ }).waitFor();

    // Send again: a new worker loads the model and the reply arrives whole.
    await tryIt.getByRole('button', { name: 'Send' }).click();
    await tryIt.getByText(/return a \+ b/).waitFor({ timeout: 30_000 });
    expect(workers.length).toBe(2);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
