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

const SMALL = 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC';
const LARGE = 'Llama-3.2-1B-Instruct-q4f32_1-MLC';

/**
 * A stand-in worker for a download that takes as long as the test wants. In the `first` worker,
 * a load of LARGE downloads: it reports a first shard, then waits for 'finish-download' on the
 * page's BroadcastChannel. Once LARGE is loaded the GPU device is lost: WebLLM then unloads its
 * models but its worker still counts them loaded, so a chat fails as WebLLM's does. Any other
 * load, and every load in a later worker, comes from the cache at once.
 */
function downloadingWorker(first: boolean): string {
  return `
    const channel = new BroadcastChannel('fake-webllm');
    let finishDownload = () => undefined;
    channel.onmessage = ({ data }) => { if (data === 'finish-download') finishDownload(); };
    let gpuLost = false;
    let sent = 0;
    const answer = (uuid, content) => postMessage({ kind: 'return', uuid, content });
    const report = (text, progress) => postMessage({ kind: 'initProgressCallback', uuid: '', content: { progress, timeElapsed: 0, text } });
    const chunk = (text) => ({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
    onmessage = async ({ data: { kind, uuid, content } }) => {
      switch (kind) {
        case 'setAppConfig': return;
        case 'reload': {
          const downloads = ${first} && content.modelId[0] === '${LARGE}';
          report('Start to fetch params', 0);
          if (downloads) {
            report('Fetching param cache[1/4]: 220MB fetched. 25% completed, 3 secs elapsed.', 0.25);
            await new Promise((resolve) => (finishDownload = resolve));
            report('Fetching param cache[4/4]: 879MB fetched. 100% completed, 12 secs elapsed.', 1);
          }
          report('Loading model from cache[4/4]: 879MB loaded. 100% completed, 1 secs elapsed.', 1);
          report('Finish loading on WebGPU', 1);
          gpuLost = downloads;
          return answer(uuid, null);
        }
        case 'resetChat': case 'interruptGenerate': case 'completionStreamReturn': case 'unload':
          return answer(uuid, null);
        case 'chatCompletionStreamInit':
          if (gpuLost) return postMessage({ kind: 'throw', uuid, content: 'ModelNotLoadedError: Model not loaded before trying to complete ChatCompletionRequest. Please ensure you have called MLCEngine.reload(model) to load the model before initiating APIs, or initialize your engine using CreateMLCEngine() with a valid model configuration.' });
          sent = 0;
          return answer(uuid, null);
        case 'completionStreamNextChunk':
          sent += 1;
          if (sent === 1) return answer(uuid, chunk('def add(a, b):\\n    return a + b'));
          if (sent === 2) return answer(uuid, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
          return answer(uuid, undefined);
        default:
          postMessage({ kind: 'throw', uuid, content: 'Error: unexpected ' + kind });
      }
    };
  `;
}

describe('the in-browser engine while a download runs, and after the GPU is lost', () => {
  it('no other model is called loaded, deleted or asked during a download; a lost GPU is said in words and the next Send loads afresh', async () => {
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page, context } = app;
    const workers: string[] = [];
    page.on('worker', (worker) => {
      if (/\/webllm-worker[^/]*\.js/.test(worker.url())) workers.push(worker.url());
    });
    await context.route(/\/webllm-worker[^/]*\.js(\?.*)?$/, (route) => route.fulfill({ contentType: 'text/javascript', body: downloadingWorker(workers.length === 0) }));
    await context.route(/^https:\/\//, (route) => route.abort());
    // The small model is in this browser's cache (a tiny stand-in of its files), so it has a Delete button.
    await page.evaluate(async (id) => {
      const base = `https://huggingface.co/mlc-ai/${id}/resolve/main/`;
      const weights = await caches.open('webllm/model');
      await weights.put(`${base}tensor-cache.json`, new Response(JSON.stringify({ records: [{ dataPath: 'params_shard_0.bin' }] })));
      await weights.put(`${base}params_shard_0.bin`, new Response(new Uint8Array(1000)));
      await (await caches.open('webllm/config')).put(`${base}mlc-chat-config.json`, new Response('{}'));
    }, SMALL);
    await page.reload();
    await page.locator('[data-fact="adapter"]').waitFor({ timeout: 30_000 });
    const tryIt = page.getByRole('region', { name: 'Try it' });
    const send = tryIt.getByRole('button', { name: 'Send' });
    const rowSmall = page.locator('tr[data-model="Qwen2.5-0.5B-Instruct"]');
    const rowLarge = page.locator('tr[data-model="Llama-3.2-1B-Instruct"]');
    const costLine = page.locator('#catalog-heading + p');

    await tryIt.locator('select').selectOption(SMALL);
    await send.click();
    await tryIt.getByText('return a + b').waitFor({ timeout: 30_000 });
    await rowSmall.locator('.loaded').waitFor();
    expect(await costLine.textContent()).toContain(`The last load (${SMALL}) took`);

    // The large model downloads: the small one is no longer loaded, and cannot be deleted or asked.
    await page.getByRole('button', { name: `Download ${LARGE}` }).click();
    await page.getByRole('progressbar', { name: `Loading ${LARGE}` }).waitFor();
    await rowSmall.locator('.loaded').waitFor({ state: 'detached' });
    const deleteSmall = page.getByRole('button', { name: `Delete ${SMALL} from this browser` });
    expect(await deleteSmall.isDisabled()).toBe(true);
    const why = page.locator(`#${await deleteSmall.getAttribute('aria-describedby')}`);
    expect(await why.textContent()).toMatch(new RegExp(`Until ${LARGE} has loaded or is cancelled, no in-browser model can be loaded, deleted or tried`));
    await send.click();
    const refused = tryIt.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toBe(`${LARGE} is downloading: wait for it, or cancel it, then send again.`);
    expect(await tryIt.getByRole('status').textContent()).not.toContain('Generating');

    // It finishes: the large model is the one loaded, and a download is not given as what switching costs.
    await page.evaluate(() => new BroadcastChannel('fake-webllm').postMessage('finish-download'));
    await rowLarge.locator('.loaded').waitFor({ timeout: 30_000 });
    expect(await rowSmall.locator('.loaded').count()).toBe(0);
    expect(await costLine.textContent()).not.toContain('The last load');

    // The GPU is lost while idle: the reply fails in words, and the model is no longer called loaded…
    await tryIt.locator('select').selectOption(LARGE);
    await send.click();
    const lost = tryIt.getByRole('alert').filter({ hasText: 'The GPU ran out of memory' });
    await lost.waitFor({ timeout: 30_000 });
    expect(await lost.textContent()).toMatch(/try again: the model is loaded afresh/);
    await rowLarge.locator('.loaded').waitFor({ state: 'detached' });
    // …and the next Send loads it into a fresh worker (from the cache: its time is shown) and answers.
    await send.click();
    await tryIt.getByText('return a + b').waitFor({ timeout: 30_000 });
    await rowLarge.locator('.loaded').waitFor();
    expect(workers.length).toBe(2);
    expect(await costLine.textContent()).toContain(`The last load (${LARGE}) took`);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
