import { describe, expect, it } from 'vitest';
import { assembleProgram, type AssembledProgram } from '../../../src/core/harness/assemble-program.ts';
import { Playground, startingCode } from '../../../src/ui/playground/playground.svelte.ts';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import { testLinesOf, wholeStatement } from '../../../src/ui/playground/test-lines.ts';
import { messageForEditor, stoppedTest, tracebackForEditor, type CodeLines } from '../../../src/ui/playground/traceback-lines.ts';
import { SandboxHolder } from '../../../src/ui/sandbox/sandbox-holder.ts';
import { loadTestProblem } from '../../support/datasets.ts';

/** What Pyodide printed for HumanEval/2 in standard mode with `return numbr % 1.0` on the editor's line 10. */
const HUMANEVAL_2_TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "program.py", line 32, in check',
  '    assert candidate(3.5) == 0.5',
  '  File "program.py", line 21, in truncate_number',
  '    return numbr % 1.0',
  "NameError: name 'numbr' is not defined",
].join('\n');

describe('Playground tracebacks in the editor’s terms', () => {
  it('says which line of the editor a HumanEval standard-mode frame is, after the prompt put before it', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    const code = `${startingCode(problem)}    return numbr % 1.0\n`;
    expect(code.split('\n')[9]).toBe('    return numbr % 1.0');
    const program = assembleProgram(problem, code, 'standard');
    const shown = tracebackForEditor(HUMANEVAL_2_TRACEBACK, {
      codeFirstLine: program.candidateFirstLine,
      codeLastLine: program.candidateLastLine,
      testFirstLine: program.testFirstLine,
    });
    expect(shown.split('\n')).toEqual([
      'Traceback (most recent call last):',
      '  File "program.py", line 32, in check  (in the tests)',
      '    assert candidate(3.5) == 0.5',
      '  File "program.py", line 21, in truncate_number  (your line 10)',
      '    return numbr % 1.0',
      "NameError: name 'numbr' is not defined",
    ]);
  });

  it('marks frames in the tests when the code starts the program (MBPP, study mode), leaving the code’s own line numbers as they are', async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/3');
    const program = assembleProgram(problem, 'def is_not_prime(n):\n    return 1 / 0\n', 'standard');
    expect(program.candidateFirstLine).toBe(1);
    const assertLine = program.text.split('\n').findIndex((line) => line.startsWith('assert is_not_prime')) + 1;
    const traceback = [
      'Traceback (most recent call last):',
      `  File "program.py", line ${assertLine}, in <module>`,
      '    assert is_not_prime(2) == False',
      '  File "program.py", line 2, in is_not_prime',
      '    return 1 / 0',
      'ZeroDivisionError: division by zero',
    ].join('\n');
    expect(tracebackForEditor(traceback, linesOf(program)).split('\n')).toEqual([
      'Traceback (most recent call last):',
      `  File "program.py", line ${assertLine}, in <module>  (in the tests)`,
      '    assert is_not_prime(2) == False',
      '  File "program.py", line 2, in is_not_prime',
      '    return 1 / 0',
      'ZeroDivisionError: division by zero',
    ]);
  });

  it('marks frames in the tests in study mode too', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    const program = assembleProgram(problem, 'def truncate_number(number):\n    return numbr % 1.0\n', 'study');
    const traceback = '  File "program.py", line 14, in check\n    assert candidate(3.5) == 0.5\n  File "program.py", line 2, in truncate_number';
    expect(tracebackForEditor(traceback, linesOf(program))).toBe(
      '  File "program.py", line 14, in check  (in the tests)\n    assert candidate(3.5) == 0.5\n  File "program.py", line 2, in truncate_number',
    );
  });

  it('says which editor line a SyntaxError’s message means, in the message and at the foot of the traceback', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    // The editor's line 10 opens an `if` whose body (line 11) is not indented.
    const code = `${startingCode(problem)}    if number:\n    return 1\n`;
    const program = assembleProgram(problem, code, 'standard');
    const message = "expected an indented block after 'if' statement on line 21";
    const traceback = ['  File "program.py", line 22', '    return 1', '    ^^^^^^', `IndentationError: ${message}`].join('\n');
    expect(messageForEditor(message, traceback, linesOf(program))).toBe(`${message} (your line 10)`);
    expect(tracebackForEditor(traceback, linesOf(program)).split('\n')).toEqual([
      '  File "program.py", line 22  (your line 11)',
      '    return 1',
      '    ^^^^^^',
      `IndentationError: ${message} (your line 10)`,
    ]);
  });

  it('places a string left open by where Python noticed it, in the tests', async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/3');
    const program = assembleProgram(problem, 'def is_not_prime(n):\n    """\n    return False\n', 'standard');
    const end = program.text.split('\n').length;
    const message = `unterminated triple-quoted string literal (detected at line ${end})`;
    const traceback = `  File "program.py", line 2\n    """\n    ^\nSyntaxError: ${message}`;
    expect(messageForEditor(message, traceback, linesOf(program))).toBe(`${message} (in the tests)`);
  });

  it('leaves a SyntaxError’s message alone when it is about a text the code compiled, not the program', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    const program = assembleProgram(problem, `${startingCode(problem)}    exec("if x:\\npass")\n`, 'standard');
    const message = "expected an indented block after 'if' statement on line 1";
    const traceback = [
      'Traceback (most recent call last):',
      '  File "program.py", line 21, in truncate_number',
      '  File "<string>", line 2',
      '    pass',
      '    ^^^^',
      `IndentationError: ${message}`,
    ].join('\n');
    expect(messageForEditor(message, traceback, linesOf(program))).toBe(message);
    expect(tracebackForEditor(traceback, linesOf(program)).split('\n').at(-1)).toBe(`IndentationError: ${message}`);
  });

  it('keeps where the run’s code sat, so the page can map its traceback', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    const playground = new Playground(
      new SandboxHolder(async () => ({
        run: async () => ({ status: 'error', durationMs: 1, stdout: '', errorType: 'NameError', message: "name 'numbr' is not defined", traceback: HUMANEVAL_2_TRACEBACK }),
        close: async () => {},
      })),
    );
    playground.select(problem);
    playground.code = `${startingCode(problem)}    return numbr % 1.0\n`;
    await playground.execute();
    const program = assembleProgram(problem, playground.code, 'standard');
    expect(playground.run?.lines).toEqual({ codeFirstLine: program.candidateFirstLine, codeLastLine: program.candidateLastLine, testFirstLine: program.testFirstLine });
    expect(program.candidateFirstLine).toBe(12);
  });
});

function linesOf(program: AssembledProgram): CodeLines {
  return { codeFirstLine: program.candidateFirstLine, codeLastLine: program.candidateLastLine, testFirstLine: program.testFirstLine };
}

describe('The test a failed Playground run stopped at', () => {
  const failed = (errorType: string, traceback: string, failingAssert: string | null = null): Outcome => ({
    kind: 'failed',
    durationMs: 5,
    category: 'other',
    errorType,
    message: '',
    traceback,
    failingAssert,
    studyErrorType: null,
  });

  it('points at the assert whose call raised, when the code under test raised something other than an AssertionError', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    const program = assembleProgram(problem, `${startingCode(problem)}    return numbr % 1.0\n`, 'standard');
    const lines = { codeFirstLine: program.candidateFirstLine, codeLastLine: program.candidateLastLine, testFirstLine: program.testFirstLine };
    expect(stoppedTest(failed('NameError', HUMANEVAL_2_TRACEBACK), lines)).toEqual({
      statement: 'assert candidate(3.5) == 0.5',
      note: 'raised NameError',
      assertion: false,
    });
  });

  it('keeps the harness’s failing assert, whole, for an AssertionError', () => {
    const lines = { codeFirstLine: 1, codeLastLine: 3, testFirstLine: 5 };
    const statement = 'assert candidate([1, 2],\n                 3) == 4';
    expect(stoppedTest(failed('AssertionError', '', statement), lines)).toEqual({ statement, note: 'failed', assertion: true });
  });

  it('points at nothing when the program stopped before the tests or did not fail', () => {
    const lines = { codeFirstLine: 1, codeLastLine: 3, testFirstLine: 5 };
    const syntax = ['  File "program.py", line 2', '    return (', '           ^', "SyntaxError: '(' was never closed"].join('\n');
    expect(stoppedTest(failed('SyntaxError', syntax), lines)).toBeNull();
    const inCode = ['Traceback (most recent call last):', '  File "program.py", line 2, in <module>', '    x = 1 / 0', 'ZeroDivisionError: division by zero'].join('\n');
    expect(stoppedTest(failed('ZeroDivisionError', inCode), lines)).toBeNull();
    expect(stoppedTest({ kind: 'passed', durationMs: 3 }, lines)).toBeNull();
  });

  it('widens a test line to its whole statement when the tests are given, past brackets inside strings', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/1');
    const tests = testLinesOf(problem);
    const first = tests.find((line) => line.trim().startsWith('assert') && line.trimEnd().endsWith('['))!;
    const whole = wholeStatement(tests, first)!;
    // The string's own brackets, '(()()) ((())) () ((())()())', do not end it: the list's closing bracket does.
    expect(whole.split('\n').length).toBeGreaterThan(1);
    expect(whole.startsWith(first.trim())).toBe(true);
    expect(whole.trimEnd().endsWith(']')).toBe(true);
    const raised = ['Traceback (most recent call last):', '  File "program.py", line 40, in check', `    ${first.trim()}`, "NameError: name 'helper' is not defined"].join('\n');
    const lines = { codeFirstLine: 1, codeLastLine: 30, testFirstLine: 31 };
    expect(stoppedTest(failed('NameError', raised), lines, tests)?.statement).toBe(whole);
    expect(stoppedTest(failed('NameError', raised), lines)?.statement).toBe(first.trim());
    expect(wholeStatement(tests, 'assert no_such_line')).toBeNull();
  });

  it('reads the last exception of a chain: the test during which the error that ended the program was raised', () => {
    const lines = { codeFirstLine: 1, codeLastLine: 4, testFirstLine: 6 };
    const chained = [
      'Traceback (most recent call last):',
      '  File "program.py", line 6, in <module>',
      '    assert f(1) == 2',
      '  File "program.py", line 2, in f',
      '    return {}[x]',
      'KeyError: 1',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "program.py", line 7, in <module>',
      '    assert f(2) == 3',
      '  File "program.py", line 3, in f',
      '    raise ValueError(x)',
      'ValueError: 2',
    ].join('\n');
    expect(stoppedTest(failed('ValueError', chained), lines)?.statement).toBe('assert f(2) == 3');
  });
});
