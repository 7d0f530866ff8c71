/** Small problems and outcomes written for these tests (not dataset records). */
import type { Problem } from '../../../src/core/benchmarks/problem.ts';
import type { Outcome } from '../../../src/core/harness/outcome.ts';

export const humanEvalProblem: Problem = {
  benchmark: 'humaneval',
  id: 'HumanEval/900',
  number: 900,
  prompt: 'def add(a: int, b: int) -> int:\n    """Return the sum of a and b.\n    >>> add(2, 3)\n    5\n    """\n',
  entryPoint: 'add',
  canonicalSolution: '    return a + b\n',
  test: 'def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n',
  testImports: [],
  testList: [],
  knownBroken: false,
};

export const mbppProblem: Problem = {
  benchmark: 'mbpp',
  id: 'Mbpp/9000',
  number: 9000,
  prompt: 'Write a function to double every number in a list.',
  entryPoint: 'double_all',
  canonicalSolution: 'def double_all(xs):\n    return [2 * x for x in xs]\n',
  test: 'assert double_all([1, 2]) == [2, 4]\nassert double_all([]) == []',
  testImports: [],
  testList: ['assert double_all([1, 2]) == [2, 4]', 'assert double_all([]) == []'],
  knownBroken: false,
};

export const passed: Outcome = { kind: 'passed', durationMs: 3 };

export function assertionFailure(failingAssert = 'assert candidate(2, 3) == 5'): Outcome {
  return {
    kind: 'failed',
    durationMs: 4,
    category: 'AssertionError',
    errorType: 'AssertionError',
    message: '',
    traceback: `Traceback (most recent call last):\n  File "<test>", line 3, in check\n    ${failingAssert}\nAssertionError`,
    failingAssert,
    studyErrorType: null,
  };
}

export function nameError(name = 'List'): Outcome {
  return {
    kind: 'failed',
    durationMs: 4,
    category: 'NameError',
    errorType: 'NameError',
    message: `name '${name}' is not defined`,
    traceback: `Traceback (most recent call last):\n  File "<candidate>", line 1, in <module>\nNameError: name '${name}' is not defined`,
    failingAssert: null,
    studyErrorType: 'NameError',
  };
}
