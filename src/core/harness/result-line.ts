import type { Outcome } from './outcome.ts';

/**
 * The `result` string openai/human-eval writes into `<samples>_results.jsonl`, so result files
 * from either tool can be compared line by line. Upstream (`human_eval/execution.py`,
 * `unsafe_execute`) appends "passed", "timed out", or f"failed: {e}" for any BaseException:
 * str(e) only, without the exception's type. So a bare `assert` gives "failed: " (nothing after
 * the colon and space), a NameError gives "failed: name 'x' is not defined", and a KeyError
 * gives "failed: 'x'" (str of a KeyError is the repr of its key). This relies on the sandbox
 * reporting `message` as str(exception); for crashes the message is the sandbox's own detail.
 * (DESIGN §3 sketches "failed: <ExceptionType>: <message>"; upstream compatibility wins here.)
 */
export function humanEvalResult(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'passed':
      return 'passed';
    case 'timed-out':
      return 'timed out';
    case 'failed':
      return `failed: ${outcome.message}`;
    default: {
      const never: never = outcome;
      return never;
    }
  }
}
