import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { gunzipSync } from 'node:zlib';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { readDatasetBytes } from '../support/datasets.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server.ts';

// A first visit on a laptop without a usable GPU: Study and Search need a model server, and the
// home page used to say only "connect an OpenAI-compatible server (Ollama, llama.cpp, vLLM…) on the
// Models page". Nothing in the app said how to get one, which model the default study asks for,
// or what Ollama must be told to answer this page, until a Run study had already failed.

let server: AppServer;
let noGpu: Browser;
let swiftShader: Browser;
let model: FakeOpenAIServer;

beforeAll(async () => {
  server = await startAppServer();
  noGpu = await launchBrowser({ webgpu: false });
  swiftShader = await launchBrowser();
  const problems = gunzipSync(Buffer.from(await readDatasetBytes('humaneval')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { prompt: string; canonical_solution: string });
  // Ollama with the one model the home page says to pull, answering with each problem's reference solution.
  model = await startFakeOpenAIServer({
    models: ['llama3.2:3b'],
    reply: (request) => {
      const asked = request.messages.map((message) => message.content).join('\n');
      const problem = problems.find((p) => asked.includes(p.prompt.trim()));
      return problem ? '```python\n' + problem.prompt + problem.canonical_solution + '```' : 'def f():\n    return None\n';
    },
  });
});

afterAll(async () => {
  await noGpu?.close();
  await swiftShader?.close();
  await server?.close();
  await model?.close();
});

describe('first run without a usable GPU', () => {
  it('the home page says how to get a model server for a first study, and following it gets the default study to finish', { timeout: 240_000 }, async () => {
    const app = await openApp(noGpu, server);
    const { page } = app;
    const origin = new URL(server.url).origin;
    const start = page.getByRole('region', { name: 'Before you start' });
    const recipe = start.getByRole('list', { name: 'A first study without a GPU, on Ollama' });
    await recipe.waitFor({ timeout: 30_000 });
    const text = (await recipe.textContent()) ?? '';
    expect(text).toContain('ollama pull llama3.2:3b');
    // The page's own origin, ready to paste: Ollama refuses pages it was not told about.
    expect(text).toContain(`OLLAMA_ORIGINS=${origin} ollama serve`);
    expect(await recipe.getByRole('link', { name: 'ollama.com' }).getAttribute('href')).toBe('https://ollama.com/download');

    // Step by step, as the recipe says: the Models page, Test connection (here on the stand-in server's address).
    await recipe.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
    await page.getByLabel('Base URL').fill(model.origin);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Connected: 1 model.').waitFor({ timeout: 30_000 });

    // Then the Study page: the model the recipe named is the one its default study asks for, and
    // the number of calls the recipe gave is the one the form gives.
    await page.goto(`${server.url}#/`);
    await page.getByRole('list', { name: 'A first study without a GPU, on Ollama' }).getByRole('link', { name: 'Study' }).click();
    await page.getByRole('heading', { level: 1, name: 'Study' }).waitFor();
    expect(await page.getByLabel('Model for llama3.2:3b').inputValue()).toBe('llama3.2:3b');
    const cost = page.getByText(/at most \d+ model calls/);
    expect(await cost.textContent()).toContain('at most 50 model calls');
    expect(text).toContain('at most 50 times');
    await page.getByRole('button', { name: 'Run study' }).click();
    await page.getByRole('status').filter({ hasText: 'Done: 20 of 20 units done;' }).waitFor({ timeout: 180_000 });
    expect(app.errors.filter((error) => !/status of 404/.test(error))).toEqual([]);
    await app.close();
  });

  it('a software adapter gets the recipe too; a page whose GPU check is still running does not show it yet', async () => {
    const app = await openApp(swiftShader, server);
    const start = app.page.getByRole('region', { name: 'Before you start' });
    await expect.poll(() => start.getByRole('status').getAttribute('data-webgpu'), { timeout: 30_000 }).toBe('yes');
    expect(await start.getByRole('list', { name: 'A first study without a GPU, on Ollama' }).count()).toBe(1);
    await app.close();

    // A GPU that never answers: while the check runs nothing is said either way.
    const stuck = await openApp(swiftShader, server, {
      beforeOpen: async (context) => {
        await context.addInitScript(() => {
          Object.defineProperty(navigator, 'gpu', { configurable: true, value: { requestAdapter: () => new Promise(() => {}) } });
        });
      },
    });
    const stuckStart = stuck.page.getByRole('region', { name: 'Before you start' });
    expect(await stuckStart.getByRole('status').getAttribute('data-webgpu')).toBe('checking');
    expect(await stuckStart.getByRole('list', { name: 'A first study without a GPU, on Ollama' }).count()).toBe(0);
    await stuck.close();
  });
});
