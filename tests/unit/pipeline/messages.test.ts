import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import {
  analyzerMessages,
  criticMessages,
  ERROR_TEXT_CHARS,
  errorText,
  generatorMessages,
  refinerMessages,
  reviserMessages,
} from '../../../src/core/pipeline/messages.ts';
import { assertionFailure, humanEvalProblem, mbppProblem, nameError, passed } from './fixtures.ts';

const code = 'def add(a, b):\n    return a - b\n';

describe('generator message', () => {
  it('is the raw HumanEval prompt, nothing added', () => {
    const messages = generatorMessages(humanEvalProblem, 'SYSTEM', 'standard');
    expect(messages).toEqual([
      { role: 'system', content: 'SYSTEM' },
      { role: 'user', content: humanEvalProblem.prompt },
    ]);
  });

  it('shows MBPP its task text and test asserts, and asks for only the function', () => {
    const [, user] = generatorMessages(mbppProblem, 'SYSTEM', 'standard');
    expect(user?.content).toContain(mbppProblem.prompt);
    for (const line of mbppProblem.testList) expect(user?.content).toContain(line);
    expect(user?.content).toMatch(/Write only the Python function/);
  });

  it('in study mode asks MBPP for what the study asked, the function alone, with no hint to add imports', () => {
    const user = generatorMessages(mbppProblem, 'SYSTEM', 'study')[1]?.content ?? '';
    expect(user).toMatch(/Write only the Python function: no tests, no explanation, no Markdown\.$/);
    expect(user).not.toMatch(/import/);
    // HumanEval is its raw prompt in both modes.
    expect(generatorMessages(humanEvalProblem, 'SYSTEM', 'study')[1]?.content).toBe(humanEvalProblem.prompt);
  });
});

describe('what the refiner sees (standard mode)', () => {
  it('is one system and one user message: problem, previous code, error, failing assert', () => {
    const messages = refinerMessages(humanEvalProblem, code, assertionFailure(), null, 'FIX IT', 'standard');
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({ role: 'system', content: 'FIX IT' });
    expect(messages[1]?.role).toBe('user');
    const user = messages[1]?.content ?? '';
    expect(user).toContain(humanEvalProblem.prompt);
    expect(user).toContain('```python\ndef add(a, b):\n    return a - b\n```');
    expect(user).toContain('AssertionError');
    expect(user).toContain('Failing test:\nassert candidate(2, 3) == 5');
    expect(user).not.toMatch(/reviewer/i);
  });

  it('gets only the first 1000 characters of a long traceback', () => {
    const frames = Array.from({ length: 80 }, (_, i) => `  File "<candidate>", line ${i + 1}, in f\n    return f(n)`);
    const traceback = ['Traceback (most recent call last):', ...frames, 'RecursionError: maximum recursion depth exceeded'].join('\n');
    const outcome: Outcome = {
      kind: 'failed',
      durationMs: 9,
      category: 'RecursionError',
      errorType: 'RecursionError',
      message: 'maximum recursion depth exceeded',
      traceback,
      failingAssert: null,
      studyErrorType: 'RecursionError',
    };
    expect(traceback.length).toBeGreaterThan(ERROR_TEXT_CHARS);
    expect(errorText(outcome, 'standard')).toBe(traceback.slice(0, 1000));
    const user = refinerMessages(humanEvalProblem, code, outcome, null, 'S', 'standard')[1]?.content ?? '';
    expect(user).toContain(traceback.slice(0, 1000));
    expect(user).not.toContain(traceback.slice(0, 1001));
  });

  it("includes the analyzer's diagnosis when the stage has an analyzer", () => {
    const user = refinerMessages(humanEvalProblem, code, assertionFailure(), 'It subtracts instead of adding.', 'S', 'standard')[1]?.content;
    expect(user).toContain('It subtracts instead of adding.');
  });

  it('names the error of a NameError and says no assert was identified', () => {
    const user = refinerMessages(humanEvalProblem, code, nameError(), null, 'S', 'standard')[1]?.content ?? '';
    expect(user).toContain("NameError: name 'List' is not defined");
    expect(user).toMatch(/Failing test:\n\(no single failing assert identified/);
  });

  it('lists the assert whose call raised a non-assertion error, as the study listed every assert line of stderr', () => {
    // What the sandbox reports when the candidate raises inside HumanEval/0's first assert.
    const traceback = [
      'Traceback (most recent call last):',
      '  File "program.py", line 14, in check',
      '    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True',
      '           ~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      '  File "program.py", line 2, in has_close_elements',
      '    return numbers + 1',
      '           ~~~~~~~~^~~',
      'TypeError: can only concatenate list (not "int") to list',
    ].join('\n');
    const outcome: Outcome = {
      kind: 'failed',
      durationMs: 5,
      category: 'TypeError',
      errorType: 'TypeError',
      message: 'can only concatenate list (not "int") to list',
      traceback,
      failingAssert: null,
      studyErrorType: 'TypeError',
    };
    const user = refinerMessages(humanEvalProblem, code, outcome, null, 'S', 'standard')[1]?.content ?? '';
    expect(user).toContain('Failing test:\nassert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True\n');
    expect(user).not.toMatch(/no single failing assert/);
    const analyzer = analyzerMessages(humanEvalProblem, code, outcome, 'S', 'standard')[1]?.content ?? '';
    expect(analyzer).toContain('Failing test:\nassert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True\n');
  });

  it('says the program timed out, with its limit', () => {
    const outcome: Outcome = { kind: 'timed-out', durationMs: 10_000, limitMs: 10_000, studyErrorType: null };
    expect(refinerMessages(humanEvalProblem, code, outcome, null, 'S', 'standard')[1]?.content).toContain('still running after 10 s');
  });

  it('shows no error when forced iterations refine code that passed, as the study did', () => {
    const user = refinerMessages(humanEvalProblem, code, passed, null, 'S', 'standard')[1]?.content ?? '';
    expect(user).toContain('(no error output)');
  });
});

describe('what the refiner sees (study mode): the study runner\'s own feedback', () => {
  // What the sandbox printed for `add` returning a - b, run as the study ran it (code + tests + check(add)).
  const printed = [
    'Traceback (most recent call last):',
    '  File "program.py", line 8, in <module>',
    '    check(add)',
    '    ~~~~~^^^^^',
    '  File "program.py", line 5, in check',
    '    assert candidate(2, 3) == 5',
    '           ^^^^^^^^^^^^^^^^^^^^',
    'AssertionError',
    '',
  ].join('\n');
  const failed = (outcome: Outcome) => outcome as Extract<Outcome, { kind: 'failed' }>;
  const studyAssertion: Outcome = { ...failed(assertionFailure()), fullTraceback: printed };
  const userOf = (outcome: Outcome, analysis: string | null = null) => refinerMessages(humanEvalProblem, code, outcome, analysis, 'S', 'study')[1]?.content ?? '';

  it('shows the traceback as printed, from the check(add) line on, and lists the assert and AssertionError lines', () => {
    const user = userOf(studyAssertion);
    expect(user).toContain(`What happened when the tests ran:\n${printed}\n`);
    expect(user).toContain('Failing test:\nassert candidate(2, 3) == 5\nAssertionError\n');
    // Standard mode shows the same failure trimmed to the test's own frame, and the assert alone.
    const standard = refinerMessages(humanEvalProblem, code, studyAssertion, null, 'S', 'standard')[1]?.content ?? '';
    expect(standard).not.toContain('check(add)');
    expect(standard).toContain('Failing test:\nassert candidate(2, 3) == 5\n\n');
  });

  it('cuts the first 1000 characters of the untrimmed traceback, not of the trimmed one', () => {
    const frames = Array.from({ length: 40 }, (_, i) => `  File "program.py", line 2, in add\n    return add(a, b - ${i})`);
    const full = ['Traceback (most recent call last):', '  File "program.py", line 8, in <module>', '    check(add)', ...frames, 'RecursionError: maximum recursion depth exceeded', ''].join('\n');
    const outcome: Outcome = { ...failed(nameError()), category: 'RecursionError', errorType: 'RecursionError', traceback: frames.join('\n'), fullTraceback: full };
    expect(errorText(outcome, 'study')).toBe(full.slice(0, ERROR_TEXT_CHARS));
    expect(errorText(outcome, 'study')).toMatch(/^Traceback \(most recent call last\):\n {2}File "program.py", line 8, in <module>\n {4}check\(add\)\n/);
  });

  it('says "See traceback above" when stderr has no assert line: a missing typing import', () => {
    const full = ['Traceback (most recent call last):', '  File "program.py", line 1, in <module>', '    def add(a: List[int], b):', '               ^^^^', "NameError: name 'List' is not defined. Did you mean: 'list'?", ''].join('\n');
    const user = userOf({ ...failed(nameError()), fullTraceback: full });
    expect(user).toContain(full);
    expect(user).toContain('Failing test:\nSee traceback above');
  });

  it('gives a timeout the runner\'s own line, and a program that exited quietly no error output', () => {
    const timeout: Outcome = { kind: 'timed-out', durationMs: 10_000, limitMs: 10_000, studyErrorType: null };
    expect(userOf(timeout)).toContain('What happened when the tests ran:\nExecution timed out after 10.0s\n\nFailing test:\nSee traceback above');
    const exited: Outcome = { ...failed(nameError()), category: 'SystemExit', errorType: 'SystemExit', message: '1', fullTraceback: 'Traceback (most recent call last):\nSystemExit: 1\n' };
    expect(userOf(exited)).toContain('What happened when the tests ran:\nNo error output\n');
    expect(userOf(passed)).toContain('No error output');
  });
});

describe("the analyzer's diagnosis, as the refiner reads it", () => {
  it('comes without its thinking, in both modes, as the study\'s client removed it', () => {
    const analysis = '<think>\nIs it the sign? Probably.\n</think>\n\nThe function subtracts b instead of adding it.';
    for (const mode of ['standard', 'study'] as const) {
      const user = refinerMessages(humanEvalProblem, code, assertionFailure(), analysis, 'S', mode)[1]?.content ?? '';
      expect(user).toContain('The function subtracts b instead of adding it.');
      expect(user).not.toMatch(/think|Probably/);
    }
  });
});

describe('an analyzer in study mode, as the study ran it', () => {
  it('is sent the message the refiner would be, asking for the corrected code, and the refiner reads its answer after that request', () => {
    const analyzer = analyzerMessages(humanEvalProblem, code, assertionFailure(), 'ANALYZE', 'study')[1]?.content ?? '';
    const refinerAlone = refinerMessages(humanEvalProblem, code, assertionFailure(), null, 'ANALYZE', 'study')[1]?.content ?? '';
    expect(analyzer).toBe(refinerAlone);
    expect(analyzer).not.toMatch(/do not write code/i);
    const refiner = refinerMessages(humanEvalProblem, code, assertionFailure(), 'The sign is wrong.', 'S', 'study')[1]?.content ?? '';
    expect(refiner.startsWith(`${refinerAlone}\n\n`)).toBe(true);
    expect(refiner.endsWith('The sign is wrong.')).toBe(true);
    // Standard mode keeps the diagnosis before the request, and asks the analyzer for words only.
    const standard = refinerMessages(humanEvalProblem, code, assertionFailure(), 'The sign is wrong.', 'S', 'standard')[1]?.content ?? '';
    expect(standard.endsWith('Reply with the complete function only.')).toBe(true);
  });
});

describe('what the analyzer sees', () => {
  it('has the same problem, code and error, and is asked for a diagnosis without code', () => {
    const [system, user] = analyzerMessages(humanEvalProblem, code, assertionFailure(), 'DIAGNOSE', 'standard');
    expect(system).toEqual({ role: 'system', content: 'DIAGNOSE' });
    expect(user?.content).toContain(humanEvalProblem.prompt);
    expect(user?.content).toContain('assert candidate(2, 3) == 5');
    expect(user?.content).toMatch(/do not write code/i);
  });
});

describe('text-only messages', () => {
  it('carry the task, code and review but no execution result', () => {
    const critic = criticMessages(humanEvalProblem, code, 'CRITIC', 'standard')[1]?.content ?? '';
    const reviser = reviserMessages(humanEvalProblem, code, 'Looks wrong: it subtracts.', 'REVISER', 'standard')[1]?.content ?? '';
    for (const text of [critic, reviser]) {
      expect(text).toContain(humanEvalProblem.prompt);
      expect(text).not.toMatch(/Traceback|Error|Failing test/);
    }
    expect(reviser).toContain('Looks wrong: it subtracts.');
  });
});

describe('on the real benchmarks', () => {
  it('sends HumanEval prompts untouched and shows MBPP its upstream asserts', async () => {
    const { loadTestProblem } = await import('../../support/datasets.ts');
    const humaneval = await loadTestProblem('humaneval', 'HumanEval/0');
    expect(generatorMessages(humaneval, 'S', 'standard')[1]?.content).toBe(humaneval.prompt);
    const mbpp = await loadTestProblem('mbpp', 'Mbpp/2');
    const user = generatorMessages(mbpp, 'S', 'standard')[1]?.content ?? '';
    expect(mbpp.testList.length).toBeGreaterThan(0);
    expect(user.startsWith(mbpp.prompt.trim())).toBe(true);
    for (const line of mbpp.testList) expect(user).toContain(line);
  });
});
