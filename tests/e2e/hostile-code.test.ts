/**
 * Generated code is hostile, in the browser's workers too: the Playground's one worker runs
 * programs that try to reach JavaScript, poison the interpreter for the next program, and
 * raise exceptions too large to print quickly. Each must end as CPython would end it, and the
 * next program on the same worker must get its own verdict. (The Node runner has the same
 * attacks and more in tests/integration/sandbox/.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, startAppServer, type AppServer } from '../support/browser.ts';
import { sharedTab } from '../support/shared-tab.ts';
import {
  ABC_CACHE_POISON,
  ABC_PROBE,
  AUDIT_POLICY_POISON,
  CODEC_CACHE_POISON,
  DESCRIPTOR_REINIT,
  FAILING_ASSERT,
  LOGGING_LOCK_STOLEN,
  LOGGING_PROBE,
  RUNNER_GLOBALS_POISON,
  STDERR_REINIT,
  TYPING_CACHE_POISON,
} from '../support/isolation-attacks.ts';

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

const SOLUTION = 'def add(x: int, y: int):\n    return x + y\n';

/** Every route to JavaScript a program might try; the program fails if any of them works. */
const ESCAPES = `
routes = [
    'import js',
    'import pyodide_js',
    '__import__("js")',
    'import sys; sys.modules["pyodide_js"]',
    'import importlib; importlib.import_module("js")',
    'from pyodide.code import run_js',
    'from pyodide.ffi import to_js',
    'import _pyodide_core; _pyodide_core.to_js',
    'import micropip',
    'from pyodide.http import pyfetch',
    'import ctypes',
    'import gc; gc.get_objects()',
]
reached = []
for route in routes:
    try:
        exec(route, {})
    except Exception:
        continue
    reached.append(route)
assert not reached, reached
`;

/** State a program can leave behind in a worker; each line once changed the next program's verdict. */
const POISON = `
import random, sys, calendar, codecs
random._inst._randbelow = lambda n: 1 / 0
sys.stdout.reconfigure(encoding="ascii", errors="strict")
sys.stdout.write = lambda text: 1 / 0
calendar.setfirstweekday(calendar.SUNDAY)
codecs.register_error("strict", lambda error: ("?", error.end))
# State CPython keeps where Python cannot list it (codec-watch.ts, the runner's restore):
${TYPING_CACHE_POISON}
import numbers
numbers.Number.register(str)
${CODEC_CACHE_POISON}
`;

/** Uses what the poison touched: random (the task's own tests), printing, calendar, decoding, typing, ABCs, codecs. */
const PROBE = `
import calendar
print("h\\u00e9llo")
assert calendar.firstweekday() == 0
try:
    b"\\xff\\xfe\\x00".decode("utf-16")
except UnicodeDecodeError:
    pass
else:
    raise AssertionError("bad bytes decoded")
from typing import List
def mean(xs: List[float]) -> float:
    return sum(xs) / len(xs)
import numbers, codecs
assert not isinstance("a", numbers.Number)
assert codecs.encode("ab", "rot13") == "no"
`;

/** What the Playground's live region says about the last run ('' before the first). */
async function announcement(page: Page): Promise<string> {
  const texts = await page.getByRole('status').allTextContents();
  return texts.find((text) => text.startsWith('HumanEval/53: ')) ?? '';
}

/** Runs `code` and waits for its verdict; consecutive runs here never announce the same text. */
async function runCode(page: Page, code: string, verdict: 'passed' | 'failed'): Promise<string> {
  const before = await announcement(page);
  await page.getByRole('textbox', { name: /^Your code/ }).fill(code);
  await page.getByRole('button', { name: 'Run tests' }).click();
  let now = before;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline && (now === before || now === ''); ) {
    await page.waitForTimeout(100);
    now = await announcement(page);
  }
  const result = (await page.getByRole('region', { name: /Result/ }).textContent()) ?? '';
  expect(now, result.slice(0, 2000)).toMatch(new RegExp(`^HumanEval/53: ${verdict}`));
  return result;
}

describe('hostile code in the browser sandbox', () => {
  // One Playground page for every test, as a user would run one program after another: each
  // page of its own cost a page load and the start of its workers (two Pyodides) per test. Every
  // verdict is still its own program's: runCode waits for the announcement to change, and each
  // test ends with a program that passes, so the next one's failure is news.
  const tab = sharedTab(async () => {
    const app = await openApp(browser, server, { hash: '#/playground?benchmark=humaneval&problem=HumanEval/53' });
    await app.page.getByRole('heading', { name: /HumanEval\/53/ }).waitFor({ timeout: 60_000 });
    return app;
  }, 90_000);

  it('reaches no JavaScript, leaves nothing for the next program, and a huge exception is that exception', { timeout: 240_000 }, async () => {
    const { page } = tab;
    await runCode(page, ESCAPES + SOLUTION, 'passed');

    // The poison breaks its own run (the task's tests draw random numbers)…
    await runCode(page, POISON + SOLUTION, 'failed');
    // …and not the next one, on the same worker.
    await runCode(page, PROBE + SOLUTION, 'passed');

    // A codec search function cannot be taken back without its reference: the worker that
    // found one in its registry (codec-watch.ts, in wasm memory) is replaced.
    // (Without a solution, so that it fails: two runs in a row never announce the same verdict.)
    await runCode(page, 'import codecs\ncodecs.register(lambda name: codecs.lookup("utf-8") if name == "sandbox_unknown" else None)\n', 'failed');
    await runCode(page, 'import codecs\ntry:\n    codecs.lookup("sandbox_unknown")\nexcept LookupError:\n    pass\nelse:\n    raise AssertionError("an earlier program\'s search function answered")\n' + SOLUTION, 'passed');

    // Pyodide collected a traceback's text one byte per JavaScript call (under Node this size timed out).
    const text = await runCode(page, 'def add(x, y):\n    raise ValueError("x" * 20_000_000)\n', 'failed');
    expect(text).toContain('ValueError: xxxx');
    await runCode(page, SOLUTION, 'passed');

    // A standard ABC's cache of what a lying subclass answered (the subclass died with its program).
    await runCode(page, ABC_CACHE_POISON + '\nraise SystemExit(1)\n', 'failed');
    await runCode(page, ABC_PROBE + '\n' + SOLUTION, 'passed');

    // The runner's own globals, which os._exit exposed, and a builtin its audit hook looked up by
    // name: each once made every later program on the worker pass, or let it trace the runner.
    await runCode(page, RUNNER_GLOBALS_POISON + '\nraise SystemExit(1)\n', 'failed');
    expect(await runCode(page, 'def add(x: int, y: int) -> int:\n    return 0\n', 'failed')).toContain('AssertionError');
    await runCode(page, AUDIT_POLICY_POISON + '\nraise SystemExit(1)\n', 'failed');
    expect(await runCode(page, 'import sys\nsys.settrace(lambda *args: None)\n' + SOLUTION, 'failed')).toContain('PermissionError');
    await runCode(page, SOLUTION, 'passed');

    // Objects set up again in place, and a lock handed to a thread that does not exist (audit
    // R221): each once changed every later program on the worker.
    await runCode(page, DESCRIPTOR_REINIT + '\nraise SystemExit(1)\n', 'failed');
    await runCode(page, ABC_PROBE + '\n' + SOLUTION, 'passed');
    await runCode(page, STDERR_REINIT + '\nraise SystemExit(1)\n', 'failed');
    expect(await runCode(page, FAILING_ASSERT + '\n' + SOLUTION, 'failed')).toContain('wrong answer');
    await runCode(page, LOGGING_LOCK_STOLEN + '\nraise SystemExit(1)\n', 'failed');
    await runCode(page, LOGGING_PROBE, 'passed');

    expect(tab.errorsOfThisTest()).toEqual([]);
  });

  // Recursion that stays inside C code: CPython 3.14 watches only Emscripten's stack, which these
  // barely use, so some run the engine's stack out first. Each must fail with RecursionError as
  // its category (CPython's own, or the interpreter that died of it), and the next program on
  // a fresh worker must get its own verdict.
  it.each([
    ['repr of a list nested 100,000 deep', 'nested = []\nfor _ in range(100_000):\n    nested = [nested]\nrepr(nested)\n'],
    ['json.dumps of dicts nested 100,000 deep', 'import json\nnested = {}\nfor _ in range(100_000):\n    nested = {"a": nested}\njson.dumps(nested)\n'],
    ['a sort key that sorts', 'def key(v):\n    return sorted([v, v + 1], key=key)[0]\nkey(0)\n'],
    ['pickle of a list nested 100,000 deep', 'import pickle\nnested = []\nfor _ in range(100_000):\n    nested = [nested]\npickle.dumps(nested)\n'],
    ['str of tuples nested 100,000 deep', 'nested = ()\nfor _ in range(100_000):\n    nested = (nested,)\nstr(nested)\n'],
  ])('%s fails as a RecursionError, and the next program passes', { timeout: 180_000 }, async (_, program) => {
    const { page } = tab;
    const text = await runCode(page, program + SOLUTION, 'failed');
    expect(text).toMatch(/Category\s*RecursionError/);
    expect(text).toMatch(/RecursionError: Stack overflow|RecursionError: maximum recursion depth|Crash: RangeError: Maximum call stack size exceeded/);
    await runCode(page, SOLUTION, 'passed');
    // The interpreter that dies says so on the console; nothing else may.
    expect(tab.errorsOfThisTest().filter((line) => !/Pyodide has suffered a fatal error|The cause of the fatal error|Maximum call stack size exceeded/.test(line))).toEqual([]);
  });
});
