/**
 * How a program is started: as openai/human-eval execs it (`standard` mode) or as a script (the
 * study's subprocess). The difference decides verdicts a user sees: a reply ending in
 * `if __name__ == "__main__": unittest.main()` passes under human-eval, whose exec never runs that
 * block, and fails as a script, whose unittest.main() exits. Each program here runs both ways in
 * the sandbox and in the CPython reference runner, and both must say the same, as stated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { RunAs, Sandbox } from '../../../src/core/ports.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import { runReference } from '../../../reference/reference-runner.ts';

const LIMITS = { timeoutMs: 3000, maxOutputChars: 100_000 };

/** What each program ends as, exec then script: 'passed', or the class of what it raised. */
const PROGRAMS: { name: string; program: string; exec: string; script: string }[] = [
  {
    name: 'a main guard that exits, as unittest.main() does',
    program: 'def add(a, b):\n    return a + b\n\nif __name__ == "__main__":\n    import sys\n    sys.exit(1)\n\nassert add(2, 2) == 4\n',
    exec: 'passed',
    script: 'SystemExit',
  },
  {
    name: 'unittest.main() under a main guard',
    program:
      'import unittest\n\ndef add(a, b):\n    return a + b\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 2), 3)\n\nif __name__ == "__main__":\n    unittest.main()\n\nassert add(2, 2) == 4\n',
    exec: 'passed',
    script: 'SystemExit',
  },
  { name: "the module's name", program: "assert __name__ == 'builtins'\n", exec: 'passed', script: 'AssertionError' },
  { name: 'the builtins as exec gives them (a dict)', program: 'assert isinstance(__builtins__, dict)\n', exec: 'passed', script: 'AssertionError' },
  { name: "a script's __file__", program: "assert __file__ == 'program.py'\n", exec: 'NameError', script: 'passed' },
  { name: 'input()', program: 'n = int(input())\n', exec: 'OSError', script: 'EOFError' },
  { name: 'sys.stdin.read()', program: 'import sys\nassert sys.stdin.read() == ""\n', exec: 'OSError', script: 'passed' },
  { name: 'iterating sys.stdin', program: 'import sys\nfor line in sys.stdin:\n    raise AssertionError(line)\n', exec: 'OSError', script: 'passed' },
  {
    name: 'input() caught as the end of the input',
    program: 'try:\n    input()\nexcept EOFError:\n    pass\n',
    exec: 'OSError',
    script: 'passed',
  },
  {
    name: 'an annotation naming what was never imported',
    program: 'def head(xs: List[int]) -> int:\n    return xs[0]\n\nassert head([1]) == 1\n',
    exec: 'NameError',
    script: 'NameError',
  },
  {
    name: 'doctest.testmod() under a main guard',
    program: 'def add(a, b):\n    """\n    >>> add(1, 2)\n    3\n    """\n    return a + b\n\nif __name__ == "__main__":\n    import doctest\n    doctest.testmod()\n\nassert add(2, 2) == 4\n',
    exec: 'passed',
    script: 'passed',
  },
  // A script's namespace is sys.modules['__main__']'s dict: testmod() finds the program's
  // docstrings there, pickle its classes. exec(program, {}) has no module of its own.
  {
    name: "doctest.testmod() reports the program's own failing example",
    program: 'def sq(x):\n    """\n    >>> sq(2)\n    5\n    """\n    return x * x\n\nimport doctest\nassert doctest.testmod().failed == 1\n',
    exec: 'AssertionError',
    script: 'passed',
  },
  {
    name: "pickling an instance of the program's class",
    program: 'import pickle\n\nclass Point:\n    pass\n\nassert type(pickle.loads(pickle.dumps(Point()))) is Point\n',
    exec: 'PicklingError',
    script: 'passed',
  },
  {
    name: "sys.modules['__main__'] holds the program's names",
    program: 'import sys\n\nassert sys.modules["__main__"].__dict__ is globals()\n',
    exec: 'AssertionError',
    script: 'passed',
  },
];

const ending = (result: RunResult): string => (result.status === 'passed' ? 'passed' : result.status === 'error' ? result.errorType : result.status);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createNodeSandbox({ workers: 1 });
}, 120_000);
afterAll(async () => {
  await sandbox?.close();
});

describe.each(['exec', 'script'] as const)('run as %s', (runAs: RunAs) => {
  it('ends each program as stated, in the sandbox and in the reference runner alike', async () => {
    const sandboxEndings: Record<string, string> = {};
    for (const { name, program } of PROGRAMS) sandboxEndings[name] = ending(await sandbox.run(program, LIMITS, { runAs }));
    const reference = await runReference(
      PROGRAMS.map(({ name, program }) => ({ key: name, program, timeoutS: LIMITS.timeoutMs / 1000, runAs })),
      { workers: 2 },
    );
    const referenceEndings = Object.fromEntries([...reference].map(([name, r]) => [name, r.verdict === 'passed' ? 'passed' : r.errorType]));
    const stated = Object.fromEntries(PROGRAMS.map((p) => [p.name, p[runAs]]));
    expect(sandboxEndings).toEqual(stated);
    expect(referenceEndings).toEqual(stated);
  }, 120_000);
});

it("puts the sandbox's own __main__ back after a script, whatever the script put there", async () => {
  const mainIsProgram = 'import sys\nassert sys.modules["__main__"].__dict__ is globals()\n';
  expect(ending(await sandbox.run('import sys\nsys.modules["__main__"] = 42\n', LIMITS, { runAs: 'script' }))).toBe('passed');
  expect(ending(await sandbox.run('import sys\nassert sys.modules["__main__"] != 42\n', LIMITS, { runAs: 'exec' }))).toBe('passed');
  expect(ending(await sandbox.run(mainIsProgram, LIMITS, { runAs: 'exec' }))).toBe('AssertionError');
  expect(ending(await sandbox.run(mainIsProgram, LIMITS, { runAs: 'script' }))).toBe('passed');
}, 60_000);

it('runs as a script when the caller does not say, on the same worker between the two', async () => {
  expect(ending(await sandbox.run("assert __name__ == '__main__'\n", LIMITS))).toBe('passed');
  expect(ending(await sandbox.run("assert __name__ == 'builtins'\n", LIMITS, { runAs: 'exec' }))).toBe('passed');
  expect(ending(await sandbox.run('import sys\nassert sys.stdin.read() == ""\n', LIMITS))).toBe('passed');
}, 60_000);
