import type { Outcome } from './outcome.ts';

/**
 * The `result` string of a `<samples>_results.jsonl` line: "passed", "timed out", or
 * "failed: <ExceptionType>: <message>" (DESIGN §3, the contract our users script against).
 *
 * openai/human-eval (`human_eval/execution.py`) writes f"failed: {e}", i.e. str(e) alone, so a
 * bare `assert` there reads "failed: " and tells nothing. We keep its first two strings and its
 * "failed: " prefix, so tools that test `result == "passed"` or `startswith("failed")` read our
 * files unchanged, and add the exception type because error taxonomies need it. The separator is
 * always ": ", even after an empty message, so the line splits the same way every time.
 */
export function humanEvalResult(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'passed':
      return 'passed';
    case 'timed-out':
      return 'timed out';
    case 'failed':
      return `failed: ${outcome.errorType}: ${outcome.message}`;
    default: {
      const never: never = outcome;
      return never;
    }
  }
}
