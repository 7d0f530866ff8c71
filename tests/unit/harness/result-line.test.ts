import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import { humanEvalResult } from '../../../src/core/harness/result-line.ts';

const failed = (errorType: string, message: string): Outcome => ({
  kind: 'failed',
  durationMs: 1,
  category: 'other',
  errorType,
  message,
  traceback: '',
  failingAssert: null,
  studyErrorType: null,
});

describe('humanEvalResult (openai/human-eval `result` strings)', () => {
  it('says passed and timed out', () => {
    expect(humanEvalResult({ kind: 'passed', durationMs: 1 })).toBe('passed');
    expect(humanEvalResult({ kind: 'timed-out', durationMs: 3001, limitMs: 3000, studyErrorType: null })).toBe('timed out');
  });

  it('writes failed: <ExceptionType>: <message>, even when the message is empty (a bare assert)', () => {
    expect(humanEvalResult(failed('AssertionError', ''))).toBe('failed: AssertionError: ');
    expect(humanEvalResult(failed('NameError', "name 'List' is not defined"))).toBe("failed: NameError: name 'List' is not defined");
    expect(humanEvalResult(failed('KeyError', "'a'"))).toBe("failed: KeyError: 'a'");
  });
});
