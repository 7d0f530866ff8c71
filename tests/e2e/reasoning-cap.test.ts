/**
 * A reasoning model at the study's 512 tokens, in Chromium: the fake endpoint streams its thinking
 * apart from the reply (`reasoning_content`) until the cap stops it, so no text comes and every
 * problem fails with empty code. The Study page's run panel says so once the run ends, the Results
 * page says it above the report, and Try it counts the reasoning it does not show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { llamaSolo } from '../../src/core/pipeline/presets.ts';
import { encodeStudyLink } from '../../src/core/study/link.ts';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server.ts';

/** About 600 tokens of thinking: past the 512 a preset's node (and Try it) allows. */
const THINKING = 'Let me think about the edge cases first. '.repeat(75);
const CUT = 'llama3.2:3b solo: both its model replies spent the whole 512-token cap on reasoning and gave no answer, so there was no code to run.';

let browser: Browser;
let server: AppServer;
let endpoint: FakeOpenAIServer;

beforeAll(async () => {
  [server, browser, endpoint] = await Promise.all([
    startAppServer(),
    launchBrowser(),
    startFakeOpenAIServer({
      models: ['llama3.2:3b'],
      reply: () => ({ kind: 'reply', text: '```python\ndef answer():\n    return 42\n```', reasoning: { text: THINKING } }),
      tokensPerSecond: 4000,
    }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await endpoint?.close();
});

describe('a reasoning model that thinks through its whole token cap', () => {
  it('is named once its study ends, on the Study page and on the Results page, with what to change', async () => {
    const link = await encodeStudyLink({
      name: 'A reasoning model',
      benchmark: 'humaneval',
      selection: { kind: 'ids', ids: ['HumanEval/0', 'HumanEval/2'] },
      arms: [{ id: llamaSolo.id, label: llamaSolo.name, pipeline: llamaSolo, forcedIterations: false }],
      repeats: 1,
      mode: 'standard',
      engine: 'openai',
      endpoint: endpoint.url,
      modelNames: {},
      autorun: true,
    });
    const app = await openApp(browser, server, { hash: `#/study?${link}` });
    const { page } = app;
    await page.locator('.run .phase', { hasText: /^Done$/ }).waitFor({ timeout: 120_000 });
    const note = (await page.getByTestId('study-cut-replies').textContent()) ?? '';
    expect(note.startsWith(`${CUT} A reasoning model thinks before it answers, and 512 tokens are rarely enough for both`)).toBe(true);
    expect(note).toMatch(/larger maxTokens .*\/no_think/);
    await app.screenshot('study-reasoning-cap');

    await page.getByTestId('study-next').getByRole('link', { name: 'open it on the Results page' }).click();
    await page.getByRole('heading', { name: 'Results', level: 1 }).waitFor();
    await page.locator('.report section').first().waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByText(CUT, { exact: true }).count()).toBe(1);
    await page.getByText(/^A reasoning model thinks before it answers/).waitFor();
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('Try it counts the reasoning it does not show, and says what the cap did', async () => {
    const app = await openApp(browser, server, { hash: '#/models' });
    const { page } = app;
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
    await page.getByLabel('Base URL').fill(endpoint.url);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Connected: 1 model.').waitFor();
    const tryIt = page.getByRole('region', { name: 'Try it' });
    await tryIt.getByRole('radio', { name: /Endpoint/ }).check();
    await tryIt.getByRole('button', { name: 'Send' }).click();
    const status = tryIt.getByRole('status');
    await status.getByText(/tokens\/s/).waitFor({ timeout: 30_000 });
    // It read "512 tokens · … · stopped by length" beside an empty reply, with no word of reasoning.
    expect((await status.textContent())?.replace(/\s+/g, ' ')).toMatch(/^ ?512 tokens, 512 of them reasoning \(not shown\) · first token after .* · cut off at the token limit/);
    expect(await page.getByLabel('Reply').textContent()).toBe('');
    expect(await tryIt.getByTestId('try-it-reasoning-cut').textContent()).toMatch(
      /^The model spent all 512 tokens on reasoning \(sent apart from the reply, so not shown\) and gave no answer\. .*\/no_think/,
    );
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
