import { describe, expect, it } from 'vitest';
import { assembleProgram } from '../../../src/core/harness/assemble-program.ts';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import { PROGRAM_FILENAME, toOutcome } from '../../../src/core/harness/to-outcome.ts';
import { loadTestProblem } from '../../support/datasets.ts';

const he0 = await loadTestProblem('humaneval', 'HumanEval/0');
const he1 = await loadTestProblem('humaneval', 'HumanEval/1');
const mbpp2 = await loadTestProblem('mbpp', 'Mbpp/2');

// What the Pyodide sandbox's own frames look like above the program's.
const RUNNER = [
  'Traceback (most recent call last):',
  '  File "/lib/python314.zip/_pyodide/_base.py", line 597, in eval_code_async',
  '    await CodeRunner(',
  '  File "/lib/python314.zip/_pyodide/_base.py", line 411, in run_async',
  '    coroutine = eval(self.code, globals, locals)',
  '                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
];

const error = (errorType: string, message: string, traceback: string[]): RunResult => ({
  status: 'error',
  durationMs: 12,
  stdout: '',
  errorType,
  message,
  traceback: `${traceback.join('\n')}\n`,
});

describe('toOutcome', () => {
  it('passes a passing run', () => {
    const program = assembleProgram(mbpp2, 'x = 1', 'study');
    expect(toOutcome({ status: 'passed', durationMs: 5, stdout: '' }, program)).toEqual({ kind: 'passed', durationMs: 5 });
  });

  it('reads a timeout, with the limit', () => {
    const program = assembleProgram(mbpp2, 'x = 1', 'study');
    expect(toOutcome({ status: 'timeout', durationMs: 10_004, limitMs: 10_000, stdout: '' }, program)).toEqual({
      kind: 'timed-out',
      durationMs: 10_004,
      limitMs: 10_000,
      studyErrorType: null,
    });
  });

  it("reports the study's NameError on a missing typing import, with the runner's frames dropped", () => {
    const code = 'def has_close_elements(numbers: List[float], threshold: float) -> bool:\n    return False';
    const program = assembleProgram(he0, code, 'study');
    const run = error('NameError', "name 'List' is not defined", [
      ...RUNNER,
      '  File "program.py", line 1, in <module>',
      '    def has_close_elements(numbers: List[float], threshold: float) -> bool:',
      '                                    ^^^^',
      "NameError: name 'List' is not defined",
    ]);
    expect(toOutcome(run, program)).toEqual({
      kind: 'failed',
      durationMs: 12,
      category: 'NameError',
      errorType: 'NameError',
      message: "name 'List' is not defined",
      traceback: [
        'Traceback (most recent call last):',
        '  File "program.py", line 1, in <module>',
        '    def has_close_elements(numbers: List[float], threshold: float) -> bool:',
        '                                    ^^^^',
        "NameError: name 'List' is not defined",
      ].join('\n'),
      failingAssert: null,
      studyErrorType: 'NameError',
      // Study mode also keeps what the sandbox printed, untrimmed, for the study's feedback.
      fullTraceback: run.status === 'error' ? run.traceback : null,
    });
  });

  it('keeps the untrimmed traceback in study mode only: the refiner of the study read it from the <module> frame on', () => {
    const code = 'def has_close_elements(numbers, threshold):\n    return False';
    const printed = [
      'Traceback (most recent call last):',
      '  File "program.py", line 22, in <module>',
      '    check(has_close_elements)',
      '    ~~~~~^^^^^^^^^^^^^^^^^^^^',
      '  File "program.py", line 13, in check',
      '    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True',
      '           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      'AssertionError',
    ];
    const study = toOutcome(error('AssertionError', '', printed), assembleProgram(he0, code, 'study'));
    expect(study).toMatchObject({ fullTraceback: `${printed.join('\n')}\n` });
    expect(study.kind === 'failed' && study.traceback).not.toContain('check(has_close_elements)');
    const standard = toOutcome(error('AssertionError', '', printed), assembleProgram(he0, code, 'standard'));
    expect(standard).not.toHaveProperty('fullTraceback');
    expect(toOutcome({ status: 'crashed', durationMs: 3, cause: 'fatal', detail: 'RangeError: Maximum call stack size exceeded' }, assembleProgram(he0, code, 'study'))).not.toHaveProperty('fullTraceback');
  });

  it('finds the failing assert inside check() for HumanEval, and the study sees None for a bare AssertionError', () => {
    const program = assembleProgram(he0, 'def has_close_elements(numbers, threshold):\n    return False', 'study');
    const outcome = toOutcome(
      error('AssertionError', '', [
        ...RUNNER,
        '  File "program.py", line 22, in <module>',
        '    check(has_close_elements)',
        '  File "program.py", line 13, in check',
        '    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True',
        '           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
        'AssertionError',
      ]),
      program,
    );
    expect(outcome).toMatchObject({
      kind: 'failed',
      category: 'AssertionError',
      failingAssert: 'assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True',
      studyErrorType: null,
      traceback: [
        'Traceback (most recent call last):',
        '  File "program.py", line 13, in check',
        '    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True',
        '           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
        'AssertionError',
      ].join('\n'),
    });
  });

  it('fills in source lines when the sandbox printed frames without them (standard mode, HumanEval/0)', () => {
    const program = assembleProgram(he0, '    return numbers[0] < threshold\n', 'standard');
    const outcome = toOutcome(
      error('AssertionError', '', [...RUNNER, '  File "program.py", line 32, in <module>', '  File "program.py", line 23, in check', 'AssertionError']),
      program,
    );
    expect(outcome).toMatchObject({
      failingAssert: 'assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True',
      traceback: [
        'Traceback (most recent call last):',
        '  File "program.py", line 23, in check',
        '    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True',
        'AssertionError',
      ].join('\n'),
    });
  });

  it('keeps the whole of a multi-line assert (HumanEval/1)', () => {
    const program = assembleProgram(he1, 'def separate_paren_groups(s):\n    return []', 'study');
    const outcome = toOutcome(
      error('AssertionError', '', [...RUNNER, '  File "program.py", line 24, in <module>', '  File "program.py", line 13, in check', 'AssertionError']),
      program,
    );
    expect(outcome.kind === 'failed' && outcome.failingAssert).toBe(
      "assert candidate('(()()) ((())) () ((())()())') == [\n    '(()())', '((()))', '()', '((())()())'\n]",
    );
  });

  it('finds a top-level MBPP assert, and reads an assert message as the study did', () => {
    const program = assembleProgram(mbpp2, 'def similar_elements(a, b):\n  return tuple(a)', 'study');
    const outcome = toOutcome(
      error('AssertionError', 'wrong', [...RUNNER, '  File "program.py", line 4, in <module>', 'AssertionError: wrong']),
      program,
    );
    expect(outcome).toMatchObject({
      failingAssert: 'assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))',
      studyErrorType: 'AssertionError',
    });
  });

  it("keeps the candidate's frames and the test line that called it, not library internals", () => {
    const code = 'import json\ndef similar_elements(a, b):\n  return json.loads(a)';
    const program = assembleProgram(mbpp2, code, 'study');
    const outcome = toOutcome(
      error('TypeError', 'the JSON object must be str, bytes or bytearray, not tuple', [
        ...RUNNER,
        '  File "program.py", line 5, in <module>',
        '  File "program.py", line 3, in similar_elements',
        '  File "/lib/python3.14/json/__init__.py", line 339, in loads',
        "    raise TypeError(f'the JSON object must be str, bytes or bytearray, '",
        "TypeError: the JSON object must be str, bytes or bytearray, not tuple",
      ]),
      program,
    );
    expect(outcome).toMatchObject({
      category: 'TypeError',
      failingAssert: null,
      studyErrorType: 'TypeError',
      traceback: [
        'Traceback (most recent call last):',
        '  File "program.py", line 5, in <module>',
        '    assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))',
        '  File "program.py", line 3, in similar_elements',
        '    return json.loads(a)',
        'TypeError: the JSON object must be str, bytes or bytearray, not tuple',
      ].join('\n'),
    });
  });

  it('keeps the location of a SyntaxError and its marker', () => {
    const program = assembleProgram(mbpp2, 'def similar_elements(a, b:\n  return a', 'study');
    const outcome = toOutcome(
      error('SyntaxError', "'(' was never closed", [
        ...RUNNER,
        '  File "program.py", line 1',
        '    def similar_elements(a, b:',
        '                        ^',
        "SyntaxError: '(' was never closed",
      ]),
      program,
    );
    expect(outcome).toMatchObject({
      category: 'SyntaxError',
      studyErrorType: 'SyntaxError',
      traceback: [
        'Traceback (most recent call last):',
        '  File "program.py", line 1',
        '    def similar_elements(a, b:',
        '                        ^',
        "SyntaxError: '(' was never closed",
      ].join('\n'),
    });
  });

  it('keeps the repeat marker of a deep recursion', () => {
    const program = assembleProgram(mbpp2, 'def similar_elements(a, b):\n  return similar_elements(a, b)', 'study');
    const outcome = toOutcome(
      error('RecursionError', 'maximum recursion depth exceeded', [
        ...RUNNER,
        '  File "program.py", line 4, in <module>',
        '  File "program.py", line 2, in similar_elements',
        '  File "program.py", line 2, in similar_elements',
        '  [Previous line repeated 996 more times]',
        'RecursionError: maximum recursion depth exceeded',
      ]),
      program,
    );
    expect(outcome.kind === 'failed' && outcome.traceback).toBe(
      [
        'Traceback (most recent call last):',
        '  File "program.py", line 4, in <module>',
        '    assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))',
        '  File "program.py", line 2, in similar_elements',
        '    return similar_elements(a, b)',
        '  File "program.py", line 2, in similar_elements',
        '    return similar_elements(a, b)',
        '  [Previous line repeated 996 more times]',
        'RecursionError: maximum recursion depth exceeded',
      ].join('\n'),
    );
  });

  it('keeps both parts of a chained exception, and the study type is the last one', () => {
    const code = 'def similar_elements(a, b):\n  try:\n    return int("x")\n  except ValueError:\n    raise KeyError(a)';
    const program = assembleProgram(mbpp2, code, 'study');
    const outcome = toOutcome(
      error('KeyError', '(3, 4, 5, 6)', [
        'Traceback (most recent call last):',
        '  File "program.py", line 3, in similar_elements',
        "ValueError: invalid literal for int() with base 10: 'x'",
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        ...RUNNER,
        '  File "program.py", line 7, in <module>',
        '  File "program.py", line 5, in similar_elements',
        'KeyError: (3, 4, 5, 6)',
      ]),
      program,
    );
    expect(outcome).toMatchObject({ category: 'KeyError', studyErrorType: 'KeyError', failingAssert: null });
    expect(outcome.kind === 'failed' && outcome.traceback.split('\n')).toEqual([
      'Traceback (most recent call last):',
      '  File "program.py", line 3, in similar_elements',
      '    return int("x")',
      "ValueError: invalid literal for int() with base 10: 'x'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "program.py", line 7, in <module>',
      '    assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))',
      '  File "program.py", line 5, in similar_elements',
      '    raise KeyError(a)',
      'KeyError: (3, 4, 5, 6)',
    ]);
  });

  it('ignores frames of other files named like the program', () => {
    const program = assembleProgram(mbpp2, 'def similar_elements(a, b):\n  return 1', 'study');
    const outcome = toOutcome(
      error('AssertionError', '', [...RUNNER, '  File "/tmp/program.py", line 4, in <module>', 'AssertionError']),
      program,
    );
    expect(outcome).toMatchObject({ failingAssert: null, traceback: 'Traceback (most recent call last):\nAssertionError' });
    expect(PROGRAM_FILENAME).toBe('program.py');
  });

  it('uses the type and message when the sandbox gave no traceback', () => {
    const program = assembleProgram(mbpp2, 'x', 'study');
    const outcome = toOutcome({ status: 'error', durationMs: 1, stdout: '', errorType: 'ValueError', message: 'bad', traceback: '' }, program);
    expect(outcome).toMatchObject({ category: 'ValueError', studyErrorType: 'ValueError', traceback: '' });
  });

  it('files a print flood under OutputLimit', () => {
    const program = assembleProgram(mbpp2, 'print("x" * 10**7)', 'study');
    const outcome = toOutcome(
      { status: 'error', durationMs: 40, stdout: '', errorType: 'OutputLimit', message: 'more than 1000000 characters of output', traceback: '' },
      program,
    );
    expect(outcome).toMatchObject({ category: 'OutputLimit', errorType: 'OutputLimit', studyErrorType: null });
  });

  it('turns crashes into failures with a clear category', () => {
    const program = assembleProgram(mbpp2, 'import os\nos._exit(0)', 'study');
    const crash = (cause: 'exit' | 'fatal' | 'worker-lost', detail: string) =>
      toOutcome({ status: 'crashed', durationMs: 3, cause, detail }, program);
    expect(crash('exit', 'the program called os._exit(0)')).toEqual({
      kind: 'failed',
      durationMs: 3,
      category: 'SystemExit',
      errorType: 'Crash',
      message: 'the program called os._exit(0)',
      traceback: '',
      failingAssert: null,
      studyErrorType: null,
    });
    expect(crash('fatal', 'RangeError: Maximum call stack size exceeded')).toMatchObject({ category: 'RecursionError', studyErrorType: 'RecursionError' });
    expect(crash('fatal', 'Pyodide fatal error: MemoryError')).toMatchObject({ category: 'MemoryError', studyErrorType: null });
    expect(crash('worker-lost', 'the worker stopped answering')).toMatchObject({ category: 'Crash', errorType: 'Crash' });
  });
});
