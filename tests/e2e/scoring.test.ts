import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, FileChooser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { axeViolations } from '../support/accessibility-checks.ts';
import { launchBrowser, openApp, startAppServer, type AppPage, type AppServer } from '../support/browser.ts';
import { loadTestProblem, loadTestProblems, readDatasetBytes } from '../support/datasets.ts';

let browser: Browser;
let server: AppServer;
let shared: AppPage | undefined;

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await shared?.close();
  await browser?.close();
  await server?.close();
});

/**
 * The Scoring page the tests below share, set back to a laptop window in the light theme on
 * HumanEval in standard mode. One tab, as a user scoring file after file has: each new page
 * started its own Python workers (about 3 s of a core each, three a page), and a run on a
 * page whose workers are already up scores the same. The first test starts them, as a first
 * visit does; a test that ends them (Stop now) leaves the next run to start them again, so
 * those two come last.
 */
async function scoringPage(): Promise<AppPage> {
  shared ??= await openApp(browser, server, { hash: '#/score' });
  const { page } = shared;
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'light' });
  if (!page.url().endsWith('#/score')) await page.goto(`${server.url}#/score`);
  await page.getByLabel('Benchmark').selectOption('humaneval');
  await page.getByLabel('Harness mode').selectOption('standard');
  await waitForDataset(shared, /HumanEval: 164 problems/);
  // Each test checks the console errors of its own steps.
  shared.errors.length = 0;
  return shared;
}

async function waitForDataset(app: AppPage, text: RegExp) {
  await app.page.getByRole('status').filter({ hasText: text }).waitFor({ timeout: 60_000 });
}

/**
 * Scores the reference solutions and returns the summary line once the run is over. When some
 * fail, the returned text also lists them, so a failure says which tasks and why.
 */
async function scoreCanonical(app: AppPage, benchmark: string, timeoutMs: number): Promise<string> {
  const { page } = app;
  await page.getByRole('button', { name: 'Score the canonical solutions' }).click();
  await page.getByRole('button', { name: `Download canonical-${benchmark}.jsonl_results.jsonl` }).waitFor({ timeout: timeoutMs });
  const summary = (await page.locator('.summary-line').textContent()) ?? '';
  if (summary.endsWith(' 0 failed')) return summary;
  await app.screenshot(`score-canonical-${benchmark}-failures`);
  const failures: string[] = [];
  for (const verdict of ['failed', 'timed-out']) {
    await page.getByLabel('Show').selectOption(verdict);
    failures.push(...(await page.getByRole('row').allTextContents()).slice(1));
  }
  return `${summary}\n${failures.join('\n')}`;
}

describe('the Scoring page in Chromium', () => {
  it('passes every canonical solution: 164/164 HumanEval and 427/427 MBPP (standard mode, 2 workers)', { timeout: 900_000 }, async () => {
    const app = await scoringPage();
    const { page } = app;
    await page.getByLabel('Workers').fill('2');

    expect(await scoreCanonical(app, 'humaneval', 300_000)).toBe('164 passed, 0 failed');
    expect(await page.getByText('164 of 164 scored').count()).toBe(1);
    expect(await page.getByTestId('known-broken').count()).toBe(0);
    await app.screenshot('score-canonical-humaneval');

    await page.getByLabel('Benchmark').selectOption('mbpp');
    await waitForDataset(app, /MBPP: 427 problems/);
    expect(await scoreCanonical(app, 'mbpp', 600_000)).toBe('427 passed, 0 failed');
    // The tasks MBPP+ removed as broken are named under the totals, and still counted in them.
    expect(await page.getByTestId('known-broken').textContent()).toMatch(/^21 of the tasks scored \(Mbpp\/83, .*\) are among the 21 that MBPP\+ removed as broken .*: 21 of their 21 samples passed\./);
    await app.screenshot('score-canonical-mbpp');

    expect(app.errors).toEqual([]);
  });

  it('scores an uploaded samples file: bad lines listed, verdicts shown, results file downloaded', async () => {
    const [p0, p2, p3] = await Promise.all(['HumanEval/0', 'HumanEval/2', 'HumanEval/3'].map((id) => loadTestProblem('humaneval', id)));
    const samples = [
      JSON.stringify({ task_id: 'HumanEval/0', completion: p0!.canonicalSolution, model: 'tiny' }),
      '{"task_id": "HumanEval/1", "completion": ',
      JSON.stringify({ task_id: 'HumanEval/2', completion: '    return numbr % 1.0\n', model: 'tiny' }),
      JSON.stringify({ task_id: 'HumanEval/400', completion: '    pass\n' }),
      JSON.stringify({ task_id: 'HumanEval/3', completion: '    return False\n', model: 'tiny' }),
    ].join('\n');
    expect(p2!.entryPoint).toBe('truncate_number');
    expect(p3!.entryPoint).toBe('below_zero');

    const app = await scoringPage();
    const { page } = app;
    await page.getByLabel('Samples file').setInputFiles({ name: 'tiny.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(samples) });

    await page.getByText('1 passed, 2 failed', { exact: true }).waitFor({ timeout: 120_000 });
    // Screen readers hear the end of the run once, not the counts ticking four times a second.
    await page.getByRole('status').filter({ hasText: 'Scored tiny.jsonl: 1 passed, 2 failed.' }).waitFor();
    expect(await page.locator('[role="status"], [aria-live="polite"]').filter({ hasText: /\d+ of \d+ scored|per second/ }).count()).toBe(0);
    const skipped = page.getByRole('region', { name: '2 lines skipped' });
    expect(await skipped.textContent()).toContain('line 2: not valid JSON');
    expect(await skipped.textContent()).toContain('line 4: unknown task id');

    const table = page.getByRole('table');
    const rowFor = (task: string) => table.getByRole('row').filter({ has: page.getByRole('link', { name: task, exact: true }) });
    expect(await rowFor('HumanEval/0').textContent()).toContain('passed');
    expect(await rowFor('HumanEval/2').textContent()).toContain('NameError');
    expect(await rowFor('HumanEval/3').textContent()).toContain('AssertionError');
    const summary = page.getByRole('region', { name: 'Failures by error category' });
    expect(await summary.textContent()).toContain('NameError 1');
    // The summary is part of the verdicts, whose heading is an h2: its own sat beside it as another h2.
    const outline = await page.evaluate(() => [...document.querySelectorAll('main :is(h1, h2, h3, h4)')].map((h) => `${h.tagName} ${h.textContent?.trim().replace(/\s+/g, ' ')}`));
    expect(outline.filter((h) => /Verdicts for|Failures by/.test(h))).toEqual(['H2 Verdicts for tiny.jsonl (HumanEval, standard mode)', 'H3 Failures by error category']);

    await summary.getByRole('button', { name: /NameError/ }).click();
    expect(await table.getByRole('row').count()).toBe(2);
    await app.screenshot('score-uploaded-file');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download tiny.jsonl_results.jsonl' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('tiny.jsonl_results.jsonl');
    const written = readFileSync(await download.path(), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(written).toEqual([
      { task_id: 'HumanEval/0', completion: p0!.canonicalSolution, model: 'tiny', result: 'passed', passed: true },
      {
        task_id: 'HumanEval/2',
        completion: '    return numbr % 1.0\n',
        model: 'tiny',
        // Python 3.14 may add a "Did you mean" hint after the message.
        result: expect.stringMatching(/^failed: NameError: name 'numbr' is not defined/),
        passed: false,
      },
      { task_id: 'HumanEval/3', completion: '    return False\n', model: 'tiny', result: 'failed: AssertionError: ', passed: false },
    ]);
    expect(Object.keys(written[1]!)).toEqual(['task_id', 'completion', 'model', 'result', 'passed']);

    // A task link opens the Playground; Back finds the verdicts and the filter as they were.
    await page.getByLabel('Benchmark').selectOption('humaneval');
    await rowFor('HumanEval/2').getByRole('link').click();
    await page.getByRole('heading', { name: /HumanEval\/2/ }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Verdicts for tiny.jsonl' }).waitFor();
    expect(await page.locator('.summary-line').textContent()).toBe('1 passed, 2 failed');
    expect(await table.getByRole('row').count()).toBe(2);
    expect(await rowFor('HumanEval/2').textContent()).toContain('NameError');
    // …and the page still follows the next run.
    const again = [
      JSON.stringify({ task_id: 'HumanEval/0', completion: p0!.canonicalSolution }),
      JSON.stringify({ task_id: 'HumanEval/2', completion: '    return number % 1.0\n' }),
      JSON.stringify({ task_id: 'HumanEval/3', completion: '    return False\n' }),
    ];
    await page.getByLabel('Samples file').setInputFiles({ name: 'again.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(again.join('\n')) });
    await page.getByRole('button', { name: 'Download again.jsonl_results.jsonl' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('.summary-line').textContent()).toBe('2 passed, 1 failed');
    await page.getByRole('status').filter({ hasText: 'Scored again.jsonl: 2 passed, 1 failed.' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(4);

    // Looking at MBPP next leaves these HumanEval verdicts, and their numbers, as they were.
    const missing = page.getByText(/problems have no sample in this file/);
    expect(await missing.textContent()).toContain('161 of 164 problems');
    await page.getByLabel('Benchmark').selectOption('mbpp');
    await waitForDataset(app, /MBPP: 427 problems/);
    expect(await missing.textContent()).toContain('161 of 164 problems');

    // A file with nothing to score says so, and shows no progress for a run that never started.
    await page.getByLabel('Samples file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello\nworld\n') });
    await page.getByRole('heading', { name: 'Scoring stopped' }).waitFor();
    expect(await page.getByRole('region', { name: '2 lines skipped' }).textContent()).toContain('No line of this file could be scored.');
    expect(await page.getByRole('region', { name: 'Progress' }).count()).toBe(0);
    // Read as the command line reads it, in this browser too: a lone CR ends a line, and a byte that is not UTF-8 is named.
    const latin1 = Buffer.concat([Buffer.from('hello\r{"task_id": "HumanEval/0", "completion": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    await page.getByLabel('Samples file').setInputFiles({ name: 'latin1.jsonl', mimeType: 'application/x-ndjson', buffer: latin1 });
    await page.getByText(/^line 2: not valid UTF-8/).waitFor();
    expect(await page.getByRole('region', { name: '2 lines skipped' }).getByRole('listitem').allTextContents()).toEqual([
      'line 1: not valid JSON: unexpected "h" at column 1.',
      'line 2: not valid UTF-8 at column 46 (the file may be in another encoding, such as Windows-1252 or Latin-1: save it as UTF-8).',
    ]);

    expect(app.errors).toEqual([]);
  });

  it('gives pass@1 and pass@10 of a file with ten samples per task, in the command line’s words, and names the tasks left out', async () => {
    const [p0, p2] = await Promise.all(['HumanEval/0', 'HumanEval/2'].map((id) => loadTestProblem('humaneval', id)));
    // HumanEval/0: 4 of 10 samples pass; HumanEval/2: all 10 do. pass@1 = (0.4 + 1) / 2, pass@10 = 1.
    const lines = [
      ...Array.from({ length: 10 }, (_, i) => JSON.stringify({ task_id: 'HumanEval/0', completion: i < 4 ? p0!.canonicalSolution : '    return None\n' })),
      ...Array.from({ length: 10 }, () => JSON.stringify({ task_id: 'HumanEval/2', completion: p2!.canonicalSolution })),
    ];
    const app = await scoringPage();
    const { page } = app;
    await page.getByLabel('Samples file').setInputFiles({ name: 'ten-each.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) });
    await page.getByRole('button', { name: 'Download ten-each.jsonl_results.jsonl' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('.summary-line').textContent()).toBe('14 passed, 6 failed');
    expect(await page.getByTestId('pass-at-k').textContent()).toBe('pass@1 0.7000, pass@10 1.0000 (2 tasks, 10 samples each)');
    // A screen reader is told the run's end with the figures the page shows, pass@k included.
    expect(await page.getByRole('status').filter({ hasText: /^Scored ten-each\.jsonl/ }).textContent()).toBe(
      'Scored ten-each.jsonl: 14 passed, 6 failed. pass@1 0.7000, pass@10 1.0000 (2 tasks, 10 samples each).',
    );
    const missing = await page.getByText(/problems have no sample in this file/).textContent();
    expect(missing).toContain('162 of 164 problems have no sample in this file (HumanEval/1, HumanEval/3, HumanEval/4,');
    expect(missing).toContain('HumanEval/11, …)');
    expect(missing).toContain('left out of the verdicts and of pass@k');
    await app.screenshot('score-pass-at-k');
    expect(app.errors).toEqual([]);
  });

  it('refuses a long wrong file at once, and says it is cancelling while running samples finish', async () => {
    const app = await scoringPage();
    const { page } = app;
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 800, height: 600 });

    // A traceback with a long line scrolls sideways, by keyboard too.
    const longError = JSON.stringify({ task_id: 'HumanEval/0', completion: `    raise ValueError('${'y'.repeat(300)}')\n` });
    await page.getByLabel('Samples file').setInputFiles({ name: 'long-error.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(longError) });
    await page.getByText('0 passed, 1 failed', { exact: true }).waitFor({ timeout: 120_000 });
    await page.getByRole('table').locator('summary').click();
    await page.getByRole('region', { name: 'Traceback of line 1' }).focus();
    expect(await axeViolations(page, 'scoring, traceback open [dark]')).toEqual([]);
    // On a phone the table scrolls sideways and the traceback keeps a readable width (it had none).
    await page.setViewportSize({ width: 375, height: 700 });
    const tracebackWidth = await page.getByRole('region', { name: 'Traceback of line 1' }).evaluate((element) => element.getBoundingClientRect().width);
    expect(tracebackWidth).toBeGreaterThan(200);
    await page.setViewportSize({ width: 800, height: 600 });

    // A CSV picked by mistake: 300,000 bad lines, the first 50 listed and the rest counted.
    const csv = Array.from({ length: 300_000 }, (_, i) => `${i},HumanEval/${i % 164},0.5`).join('\n');
    await page.getByLabel('Samples file').setInputFiles({ name: 'export.csv', mimeType: 'text/plain', buffer: Buffer.from(csv) });
    await page.getByRole('heading', { name: 'Scoring stopped' }).waitFor({ timeout: 60_000 });
    const skipped = page.getByRole('region', { name: '300,000 lines skipped' });
    expect(await skipped.getByRole('listitem').count()).toBe(50);
    expect(await skipped.textContent()).toContain('…and 299,950 more.');
    expect(await axeViolations(page, 'scoring, 50 bad lines listed [dark]')).toEqual([]);

    // Samples that loop until their time limit: Cancel waits for the ones running, and says so.
    const loops = Array.from({ length: 8 }, (_, i) => JSON.stringify({ task_id: `HumanEval/${i}`, completion: '\nwhile True:\n    pass\n' })).join('\n');
    // Study mode: each loop runs its 10 s, so the two in flight outlast the checks below.
    await page.getByLabel('Harness mode').selectOption('study');
    await page.getByLabel('Samples file').setInputFiles({ name: 'loops.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(loops) });
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await cancel.waitFor({ timeout: 60_000 });
    await page.getByText(/ left$/).waitFor({ timeout: 60_000 });
    await cancel.click();
    await page.getByRole('button', { name: 'Cancelling…' }).waitFor();
    await page.getByText('Cancelling: letting the samples already running finish…').first().waitFor();
    await app.screenshot('score-cancelling-dark');
    expect(await axeViolations(page, 'scoring, cancelling [dark]')).toEqual([]);
    // Waiting would take the loops' whole 10 s (48 s on Mbpp/123): Stop now ends them and scores none.
    await page.getByRole('button', { name: 'Stop now, without them' }).click();
    await page.getByRole('status').filter({ hasText: /^Cancelled after 0 of 8 samples/ }).waitFor({ timeout: 3_000 });
    expect(await page.locator('.summary-line').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Cancel/ }).count()).toBe(0);

    expect(app.errors).toEqual([]);
  });

  it('filters verdicts by kind with each count shown, finds a task, jumps to a page; names a cancelled run’s file as partial and lists what it lacks', async () => {
    const problems = (await loadTestProblems('humaneval')).slice(0, 120);
    // 60 right, 60 wrong: three pages of 50.
    const samples = problems.map((p, i) => JSON.stringify({ task_id: p.id, completion: i < 60 ? p.canonicalSolution : '    pass\n' }));
    const app = await scoringPage();
    const { page } = app;
    // Workers past what this machine runs: the field shows the count the run will use, not what was typed.
    const workers = page.getByLabel(/^Workers/);
    const most = /\(1–(\d+)\)/.exec((await page.getByText(/^Workers \(1–\d+\)$/).textContent()) ?? '')?.[1];
    await workers.fill('99');
    await workers.press('Tab');
    expect(await workers.inputValue()).toBe(most);
    await workers.fill('0');
    await workers.press('Tab');
    expect(await workers.inputValue()).toBe('1');
    await workers.fill('2');
    await workers.press('Tab');
    await page.getByLabel('Samples file').setInputFiles({ name: 'many.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(samples.join('\n')) });
    await page.getByRole('button', { name: 'Download many.jsonl_results.jsonl' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('.summary-line').textContent()).toBe('60 passed, 60 failed');

    // Each choice of the verdict filter says how many rows it shows.
    const show = page.getByLabel('Show');
    expect(await show.locator('option').allTextContents()).toEqual(['all verdicts (120)', 'passed (60)', 'failed (60)', 'timed out (0)']);
    const table = page.getByRole('table');
    const taskLinks = () => table.getByRole('link').allTextContents();
    const pager = page.getByRole('navigation', { name: 'Verdict pages' });
    await pager.getByText('Page 1 of 3').waitFor();

    // A typed page, committed with Enter; Last and First.
    await pager.getByLabel('Go to page').fill('3');
    await pager.getByLabel('Go to page').press('Enter');
    await pager.getByText('Page 3 of 3').waitFor();
    expect(await taskLinks()).toEqual(problems.slice(100).map((p) => p.id));
    await pager.getByRole('button', { name: 'First' }).click();
    await pager.getByText('Page 1 of 3').waitFor();
    await pager.getByRole('button', { name: 'Last' }).click();
    await pager.getByText('Page 3 of 3').waitFor();
    // Past the end goes to the end, and the field says where it went.
    await pager.getByLabel('Go to page').fill('40');
    await pager.getByLabel('Go to page').press('Enter');
    expect(await pager.getByLabel('Go to page').inputValue()).toBe('3');

    // A task found by its number (whole: 6 is not 60 or 116), the counts following what is found.
    const find = page.getByRole('searchbox', { name: 'Find task' });
    await find.fill('6');
    await expect.poll(taskLinks).toEqual(['HumanEval/6']);
    expect(await show.locator('option').allTextContents()).toEqual(['all verdicts (1)', 'passed (1)', 'failed (0)', 'timed out (0)']);
    await page.getByText('1 of 120 rows').waitFor();
    expect(await pager.count()).toBe(0);
    await find.fill('HumanEval/11');
    await expect.poll(taskLinks).toEqual(['HumanEval/11', ...problems.slice(110, 120).map((p) => p.id)]);
    await show.selectOption('failed');
    await expect.poll(taskLinks).toEqual(problems.slice(110, 120).map((p) => p.id));
    await find.fill('999');
    await page.getByText('No verdict here matches the task “999” among the failed ones.').waitFor();
    expect(await axeViolations(page, 'scoring, a task searched for and not found')).toEqual([]);
    await find.fill('');
    await show.selectOption('all');

    // Cancelled part-way: the download is named as partial, and the page says which tasks it lacks.
    // (In study mode a bare function body fails at once, as an IndentationError: quick verdicts.)
    const quick = problems.slice(0, 4).map((p) => JSON.stringify({ task_id: p.id, completion: p.canonicalSolution }));
    const loops = problems.slice(4, 8).map((p) => JSON.stringify({ task_id: p.id, completion: '\nwhile True:\n    pass\n' }));
    // Study mode: each loop runs its 10 s, so the ones in flight are still running when Cancel is pressed.
    await page.getByLabel('Harness mode').selectOption('study');
    await page.getByLabel('Samples file').setInputFiles({ name: 'cut.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from([...quick, ...loops].join('\n')) });
    await page.getByText('4 of 8 scored').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Stop now, without them' }).click();
    await page.getByRole('status').filter({ hasText: /^Cancelled after 4 of 8 samples/ }).waitFor({ timeout: 5_000 });
    expect(await page.getByRole('button', { name: 'Download cut.jsonl_results.jsonl' }).count()).toBe(0);
    const partial = page.getByTestId('partial-results');
    expect(await partial.textContent()).toContain('cancelled after 4 of 8 samples, so the results file holds only those. 4 samples of 4 tasks were not scored');
    // No pass@k over the first lines of a file: the note says it is for a whole run.
    expect(await partial.textContent()).toContain('pass@k is given for a whole run only');
    expect(await page.getByTestId('pass-at-k').count()).toBe(0);
    await partial.getByText('Tasks with samples the results file lacks (4)').click();
    expect(await partial.locator('.lacking').textContent()).toBe(problems.slice(4, 8).map((p) => p.id).join(', '));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download cut.jsonl_results.partial-4-of-8.jsonl' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('cut.jsonl_results.partial-4-of-8.jsonl');
    const written = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
    expect(written.map((line) => (JSON.parse(line) as { task_id: string }).task_id)).toEqual(problems.slice(0, 4).map((p) => p.id));
    expect(await axeViolations(page, 'scoring, a cancelled run’s partial results')).toEqual([]);
    await app.screenshot('score-partial-results');

    expect(app.errors).toEqual([]);
  });

  it('keeps a run across reloads: an interrupted one, and a cancelled one, continue to the file an uninterrupted run writes; a finished one shows again, and another tab lists it', async () => {
    const problems = (await loadTestProblems('humaneval')).slice(0, 7);
    // Lines 2 and 5 sleep past the 3-s limit: with one worker the page sits on each for 3 s.
    const naps = problems.map((p, i) => JSON.stringify({ task_id: p.id, completion: i === 1 || i === 4 ? '    import time\n    time.sleep(10)\n' : p.canonicalSolution }));
    const file = { name: 'naps.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(naps.join('\n')) };
    const app = await scoringPage();
    const { page } = app;
    await page.getByLabel('Workers').fill('1');
    const download = async (name: string) => {
      const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Download ${name}` }).click()]);
      expect(saved.suggestedFilename()).toBe(name);
      return readFileSync(await saved.path(), 'utf8');
    };

    // The file scored without a break, for comparison.
    await page.getByLabel('Samples file').setInputFiles(file);
    await page.getByRole('button', { name: 'Download naps.jsonl_results.jsonl' }).waitFor({ timeout: 120_000 });
    const whole = await download('naps.jsonl_results.jsonl');
    expect(whole.trimEnd().split('\n')).toHaveLength(7);

    // Again, reloaded while line 5 sleeps: lines 1–4 were scored, and kept on the next publish.
    await page.getByLabel('Samples file').setInputFiles(file);
    await page.getByText('4 of 7 scored').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1000);
    await page.reload();
    const interrupted = page.getByTestId('continuable');
    await interrupted.getByText('Scoring of naps.jsonl was interrupted at 4 of 7 samples').waitFor({ timeout: 60_000 });
    // The run names its own benchmark and mode: the form may say otherwise, and the run goes on with its own.
    expect(await interrupted.textContent()).toContain('(HumanEval, standard mode)');
    expect(await page.getByRole('table').getByRole('row').count()).toBe(5);
    expect(await page.locator('.summary-line').textContent()).toBe('3 passed, 1 failed');
    expect(await page.getByTestId('partial-results').textContent()).toContain('press Continue to score them');
    const partial = await download('naps.jsonl_results.partial-4-of-7.jsonl');
    expect(partial).toBe(`${whole.split('\n').slice(0, 4).join('\n')}\n`);
    expect(await axeViolations(page, 'scoring, an interrupted run')).toEqual([]);

    // The form switched to another benchmark, loading or not: Continue waits only on the run's own.
    await page.getByLabel('Benchmark').selectOption('mbpp');
    const continueButton = page.getByRole('button', { name: 'Continue' });
    expect(await continueButton.isEnabled()).toBe(true);
    expect(await continueButton.getAttribute('aria-describedby')).toBeNull();

    // Continue, from the keyboard: the rest is scored from the kept file, with Cancel as in any run.
    await continueButton.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Cancel' }).waitFor();
    await page.getByRole('button', { name: 'Download naps.jsonl_results.jsonl' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('.summary-line').textContent()).toBe('5 passed, 2 failed');
    expect(await download('naps.jsonl_results.jsonl')).toBe(whole);
    // Scored against HumanEval, as the heading says, whatever the form says.
    await page.getByRole('heading', { name: 'Verdicts for naps.jsonl (HumanEval, standard mode)', exact: true }).waitFor();

    // Cancelled while line 5 sleeps (it finishes and is kept), then continued in the tab at once.
    await page.getByLabel('Benchmark').selectOption('humaneval');
    await waitForDataset(app, /HumanEval: 164 problems/);
    await page.getByLabel('Samples file').setInputFiles(file);
    await page.getByText('4 of 7 scored').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('status').filter({ hasText: 'Cancelled after 5 of 7 samples: 3 passed, 2 failed.' }).waitFor({ timeout: 30_000 });
    const cancelled = page.getByTestId('continuable');
    expect(await cancelled.textContent()).toContain('Scoring of naps.jsonl was cancelled at 5 of 7 samples (HumanEval, standard mode).');
    expect(await page.getByTestId('partial-results').textContent()).toContain('press Continue to score them');
    await cancelled.getByRole('button', { name: 'Continue' }).click();
    // (Its two quick lines are scored within a moment: "Continuing…" is checked in score-keeping.test.ts.)
    await page.getByRole('status').filter({ hasText: 'Scored naps.jsonl: 5 passed, 2 failed.' }).waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('continuable').count()).toBe(0);
    expect(await download('naps.jsonl_results.jsonl')).toBe(whole);

    // Finished: a reload shows it as it was.
    await page.reload();
    await page.getByRole('heading', { name: 'Verdicts for naps.jsonl' }).waitFor({ timeout: 60_000 });
    expect(await page.locator('.summary-line').textContent()).toBe('5 passed, 2 failed');
    expect(await page.getByRole('table').getByRole('row').count()).toBe(8);
    expect(await page.getByTestId('continuable').count()).toBe(0);
    expect(await download('naps.jsonl_results.jsonl')).toBe(whole);

    // A new tab has no run of its own: it lists the kept ones (newest first), to open or delete.
    const other = await page.context().newPage();
    try {
      await other.goto(`${server.url}#/score`);
      const kept = other.getByRole('region', { name: 'Kept scorings' });
      const cards = kept.getByRole('article', { name: 'naps.jsonl' });
      await cards.first().waitFor();
      expect(await cards.count()).toBe(3);
      expect(await cards.first().textContent()).toContain('7 of 7 samples scored, 5 passed');
      expect(await axeViolations(other, 'scoring, the kept scorings')).toEqual([]);
      await kept.getByRole('button', { name: 'Open naps.jsonl' }).first().focus();
      await other.keyboard.press('Enter');
      await other.getByRole('heading', { name: 'Verdicts for naps.jsonl' }).waitFor({ timeout: 60_000 });
      expect(await other.locator('.summary-line').textContent()).toBe('5 passed, 2 failed');
      // The one opened is shown above, not listed; the older ones are deleted, at once.
      expect(await cards.count()).toBe(2);
      // Deleted from the keyboard, with the runs kept by the tests before: each deletion is said,
      // and focus goes to the list's heading, then, once the last card takes the list with it, to
      // a control that stays rather than to <body>.
      const focused = () => other.evaluate(() => document.activeElement?.textContent?.trim());
      const deletes = kept.getByRole('button', { name: /^Delete / });
      for (let left = await deletes.count(); left > 0; left--) {
        const name = (await deletes.first().getAttribute('aria-label'))!.replace(/^Delete /, '');
        await deletes.first().focus();
        await other.keyboard.press('Enter');
        await other.getByRole('status').filter({ hasText: `Deleted ${name}` }).waitFor();
        await expect.poll(focused).toBe(left > 1 ? 'Kept scorings' : 'Score the canonical solutions');
      }
      expect(await cards.count()).toBe(0);
      expect(await other.getByRole('heading', { name: 'Kept scorings' }).count()).toBe(0);
    } finally {
      await other.close();
    }
    expect(app.errors).toEqual([]);
  });

  it('says beside the disabled samples field and canonical button, and in the status line, that they wait for the benchmark (only when it takes a while), or that it is missing and where to get it', { timeout: 120_000 }, async () => {
    // The site's copy is held back at first: a download that takes a while.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const app = await openApp(browser, server, {
      hash: '#/score',
      serviceWorkers: 'block',
      beforeOpen: async (context) => {
        await context.route(/\/datasets\/(HumanEval\.jsonl\.gz|sanitized-mbpp\.json)$/, async (route) => {
          await held;
          await route.fulfill({ status: 404, body: 'Not found' });
        });
        await context.route('https://raw.githubusercontent.com/**', (route) => route.abort('internetdisconnected'));
        // Whether the note that the page waits for HumanEval was ever drawn, and when the page and HumanEval were.
        await context.addInitScript(() => {
          const seen = { waitNote: false, loadingLine: false, pageAt: -1, readyAt: -1 };
          (window as unknown as { seen: typeof seen }).seen = seen;
          new MutationObserver(() => {
            const now = performance.now();
            if (/^Waiting for HumanEval/.test(document.getElementById('score-start-note')?.textContent ?? '')) seen.waitNote = true;
            if (/Loading HumanEval/.test(document.querySelector('.dataset-status')?.textContent ?? '')) seen.loadingLine = true;
            if (seen.pageAt < 0 && document.querySelector('h1')?.textContent === 'Scoring') seen.pageAt = now;
            if (seen.readyAt < 0 && /HumanEval: 164 problems/.test(document.querySelector('.dataset-status')?.textContent ?? '')) seen.readyAt = now;
          }).observe(document, { subtree: true, childList: true, characterData: true });
        });
      },
    });
    const { page } = app;
    const samples = page.getByLabel('Samples file');
    const canonical = page.getByRole('button', { name: 'Score the canonical solutions' });
    const describedBy = (control: typeof samples) => control.evaluate((element) => document.getElementById(element.getAttribute('aria-describedby') ?? '')?.textContent ?? null);
    // A wait that lasts is said beside the controls it holds, and read with them.
    const waiting = 'Waiting for HumanEval to load: samples are scored against its tests.';
    await page.getByText(waiting).waitFor();
    // The status line above says so too, once the wait has lasted.
    await page.getByRole('status').filter({ hasText: 'Loading HumanEval…' }).waitFor();
    expect(await canonical.isDisabled()).toBe(true);
    expect(await describedBy(canonical)).toBe(waiting);
    release();
    await page.getByRole('alert').filter({ hasText: 'HumanEval could not be loaded' }).waitFor({ timeout: 60_000 });
    const expected =
      'No HumanEval loaded to score against: pick HumanEval.jsonl.gz (from raw.githubusercontent.com) in the HumanEval file field above, or try the downloads again.';
    for (const control of [samples, canonical]) {
      expect(await control.isDisabled()).toBe(true);
      // What a screen reader reads with the control: its description.
      expect(await describedBy(control)).toBe(expected);
    }
    expect(await page.getByText(expected).isVisible()).toBe(true);
    expect(await axeViolations(page, 'scoring, no benchmark loaded')).toEqual([]);
    await app.screenshot('score-no-benchmark');

    // The file picked by hand: the controls work and the note goes.
    await page.getByLabel(/^HumanEval file/).setInputFiles({ name: 'HumanEval.jsonl.gz', mimeType: 'application/gzip', buffer: Buffer.from(await readDatasetBytes('humaneval')) });
    await waitForDataset(app, /HumanEval: 164 problems/);
    expect(await canonical.isDisabled()).toBe(false);
    expect(await canonical.getAttribute('aria-describedby')).toBeNull();
    expect(await samples.getAttribute('aria-describedby')).toBeNull();
    expect(await page.getByText(expected).count()).toBe(0);

    // Opened again, HumanEval comes from this browser's cache at once: nothing to wait for, and no
    // note flashed up and away (it was, on every visit). Checked when HumanEval was ready well
    // inside the half second the page gives a wait before saying it: a loaded machine may take longer.
    await page.reload();
    await waitForDataset(app, /HumanEval: 164 problems, from this browser’s cache/);
    const seen = await page.evaluate(() => (window as unknown as { seen: { waitNote: boolean; loadingLine: boolean; pageAt: number; readyAt: number } }).seen);
    expect(seen.pageAt).toBeGreaterThanOrEqual(0);
    if (seen.readyAt - seen.pageAt < 250) expect(seen).toMatchObject({ waitNote: false, loadingLine: false });
    // Only the downloads refused above went wrong.
    expect(app.errors.filter((e) => !/status of 404|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    await app.close();
  });
});

/**
 * A picked file refused as a whole (empty, a JSON array, the other benchmark's) gives focus back to
 * the file field the user picked it with, not to "Score the canonical solutions", where the next
 * Space or Enter would start scoring every reference solution.
 */
describe('the Scoring page after a refused file, from the keyboard', () => {
  it('puts focus back on the samples file field, with the refusal in an alert', async () => {
    const app = await openApp(browser, server, { hash: '#/score' });
    const { page } = app;
    try {
      await page.getByRole('status').filter({ hasText: /HumanEval: 164 problems/ }).waitFor({ timeout: 60_000 });
      const field = page.getByLabel('Samples file (.jsonl or .jsonl.gz)');
      // The field is disabled until the page can score (Python started too), after the benchmark's
      // line: focused before, it took no focus and Space opened nothing.
      await expect.poll(() => field.isEnabled(), { timeout: 60_000 }).toBe(true);
      await field.focus();
      await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true);
      // Listened to for the whole test, so Chromium hands each file chooser to the test from the
      // start rather than from a subscription sent alongside the key press.
      const choosers: FileChooser[] = [];
      page.on('filechooser', (chooser) => choosers.push(chooser));
      for (const [name, text, why] of [
        ['empty.jsonl', '', 'The samples file is empty'],
        ['array.json', '[{"task_id": "HumanEval/0", "completion": "    return True\\n"}]\n', 'one JSON array'],
      ] as const) {
        const opened = choosers.length;
        // Space on the focused field opens the chooser. Once in a full CI run on two loaded cores no
        // chooser came within 30 s of a press (alone, it comes in well under a second): a press that
        // went unanswered is made again, with the field still focused, up to three times.
        for (let press = 0; press < 3 && choosers.length === opened; press++) {
          expect(await field.evaluate((element) => element === document.activeElement)).toBe(true);
          await page.keyboard.press('Space');
          await expect.poll(() => choosers.length, { timeout: 10_000 }).toBe(opened + 1).catch(() => undefined);
        }
        expect(choosers.length).toBeGreaterThan(opened);
        await choosers.at(-1)!.setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
        await page.getByRole('alert').filter({ hasText: 'Scoring stopped' }).filter({ hasText: why }).waitFor();
        // The field is disabled while the file is read, and may still be as the refusal shows
        // (focused, on a loaded machine): a Space pressed then would open nothing.
        await expect.poll(() => field.isEnabled(), { timeout: 30_000 }).toBe(true);
        await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true);
      }
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
