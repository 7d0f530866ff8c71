/**
 * `feedback-lab score --timeout` below a millisecond: refused as a bad command line (exit 2),
 * not taken and then ended, after the interpreters started, as "score failed: A timeout must be
 * a positive number of milliseconds, got 0" with the advice to report a bug.
 */
import { describe, expect, it } from 'vitest';
import { parseScoreOptions } from '../../../cli/score/score-options.ts';
import { UsageError } from '../../../cli/usage-error.ts';

describe('feedback-lab score --timeout', () => {
  it('refuses a limit that rounds to no millisecond, and takes one that does not', () => {
    for (const text of ['0.0001', '1e-9', '0.00049']) {
      expect(() => parseScoreOptions(['-b', 'humaneval', '--timeout', text, 'samples.jsonl']), text).toThrow(UsageError);
      expect(() => parseScoreOptions(['-b', 'humaneval', '--timeout', text, 'samples.jsonl']), text).toThrow(
        `--timeout must be at least 0.001 seconds (a millisecond), not "${text}".`,
      );
    }
    expect(parseScoreOptions(['-b', 'humaneval', '--timeout', '0.001', 'samples.jsonl'])?.timeoutS).toBe(0.001);
  });
});
