import type { Outcome } from './outcome.ts';

// feedback-over-form code_executor.py `_extract_error_type`: re.findall(r"^(\w+(?:Error|Exception|Warning)): ", stderr, re.M)[-1].
// Python's \w is Unicode (letters, numbers, underscore: `ÉchecError` matches), and under re.M a
// line starts only after "\n", where JavaScript's ^ also starts one after "\r", U+2028 and U+2029.
const STUDY_ERROR_LINE = /^([\p{L}\p{N}_]+(?:Error|Exception|Warning)): /u;

/**
 * The study's error type: the name on the LAST stderr line that looks like `SomeError: message`,
 * else null. So a bare `AssertionError` (no message, no colon) is null, which the study logged
 * as "None", and a dotted `json.decoder.JSONDecodeError: …` is not matched either. Its stderr came
 * through `subprocess.run(text=True)`, which turned "\r\n" and "\r" into "\n": so are they here.
 */
export function studyErrorType(stderr: string): string | null {
  let last: string | null = null;
  for (const line of stderr.replace(/\r\n?/g, '\n').split('\n')) {
    const match = STUDY_ERROR_LINE.exec(line);
    if (match) last = match[1] ?? null;
  }
  return last;
}

/**
 * The error type the study would have recorded for an outcome. Its runner reported a timeout as
 * "TimeoutError" (subprocess.TimeoutExpired), which the Outcome keeps as null; use this when
 * rebuilding the study's error tables.
 */
export function studyErrorTypeOf(outcome: Outcome): string | null {
  switch (outcome.kind) {
    case 'passed':
      return null;
    case 'timed-out':
      return 'TimeoutError';
    case 'failed':
      return outcome.studyErrorType;
    default: {
      const never: never = outcome;
      return never;
    }
  }
}
