import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../src/core/harness/classify-error.ts';
import { studyErrorType, studyErrorTypeOf } from '../../../src/core/harness/study-error-type.ts';

describe('classifyError', () => {
  it('keeps the families the tables report', () => {
    for (const name of ['SyntaxError', 'NameError', 'TypeError', 'AssertionError', 'RecursionError', 'SystemExit', 'KeyboardInterrupt']) {
      expect(classifyError(name)).toBe(name);
    }
  });

  it('files subclasses under their nearest reported ancestor', () => {
    expect(classifyError('ModuleNotFoundError')).toBe('ImportError');
    expect(classifyError('TabError')).toBe('IndentationError');
    expect(classifyError('UnboundLocalError')).toBe('NameError');
    expect(classifyError('UnicodeDecodeError')).toBe('ValueError');
    expect(classifyError('json.decoder.JSONDecodeError')).toBe('ValueError');
  });

  it('puts everything else under other', () => {
    expect(classifyError('StopIteration')).toBe('other');
    expect(classifyError('OverflowError')).toBe('other');
    expect(classifyError('MyCustomError')).toBe('other');
    expect(classifyError('')).toBe('other');
  });
});

describe("the study's error type regex", () => {
  it('gives null for a bare AssertionError, which the study logged as None', () => {
    expect(studyErrorType('Traceback (most recent call last):\n  File "x.py", line 3, in <module>\nAssertionError\n')).toBeNull();
  });

  it('reads an AssertionError that has a message', () => {
    expect(studyErrorType('Traceback (most recent call last):\n  File "x.py", line 3, in <module>\nAssertionError: x\n')).toBe('AssertionError');
  });

  it('takes the last matching line of chained exceptions', () => {
    const stderr = [
      'Traceback (most recent call last):',
      '  File "x.py", line 4, in f',
      "ValueError: invalid literal for int() with base 10: 'a'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "x.py", line 6, in f',
      "KeyError: 'a'",
    ].join('\n');
    expect(studyErrorType(stderr)).toBe('KeyError');
  });

  it('also matches Exception and Warning names, and lines printed before the traceback', () => {
    expect(studyErrorType('MyException: boom')).toBe('MyException');
    expect(studyErrorType('UserWarning: careful\nTraceback (most recent call last):\nZeroDivisionError: division by zero')).toBe(
      'ZeroDivisionError',
    );
    // Names that end otherwise are invisible to it.
    expect(studyErrorType('Traceback (most recent call last):\nSystemExit: 1')).toBeNull();
    expect(studyErrorType('program.py:3: SyntaxWarning: invalid escape sequence')).toBeNull();
    expect(studyErrorType('UserWarning: careful\n')).toBe('UserWarning');
  });

  it("reads names as Python's \\w does (any letter), and starts lines only where Python's text-mode stderr did (audit R217-3)", () => {
    expect(studyErrorType('Traceback (most recent call last):\n  File "x.py", line 2, in <module>\nÉchecError: raté\n')).toBe('ÉchecError');
    expect(studyErrorType('ValueError: first\r\nKeyError: second\r\n')).toBe('KeyError');
    expect(studyErrorType('ValueError: first\rKeyError: second')).toBe('KeyError');
    // U+2028 and U+2029 end no line for Python's re.M, so the last line is the first.
    expect(studyErrorType('ValueError: first \u2028KeyError: second')).toBe('ValueError');
    expect(studyErrorType('ValueError: x\u2029TypeError: y')).toBe('ValueError');
  });

  it('misses dotted names and indented lines, as the study did', () => {
    expect(studyErrorType('json.decoder.JSONDecodeError: Expecting value')).toBeNull();
    expect(studyErrorType('    raise ValueError: no')).toBeNull();
    expect(studyErrorType('')).toBeNull();
  });

  it('records a timeout the way the study did', () => {
    expect(studyErrorTypeOf({ kind: 'timed-out', durationMs: 10, limitMs: 10, studyErrorType: null })).toBe('TimeoutError');
    expect(studyErrorTypeOf({ kind: 'passed', durationMs: 1 })).toBeNull();
  });
});
