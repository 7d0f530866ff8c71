/**
 * What the study's refiner (and analyzer) read about an execution, rebuilt from an Outcome by the
 * study's own rules (feedback-over-form `code_executor.py` and `code_pipeline.py`):
 *
 * - The execution result is the first 1000 characters of stderr as CPython printed it: the whole
 *   traceback, with the module-level `check(entry_point)` frame, every frame in between and the
 *   exception line; "No error output" when stderr was empty. A timeout's stderr was the runner's
 *   own line, "Execution timed out after 10.0s".
 * - The failing tests are every distinct stderr line that, stripped, starts with `assert ` or
 *   contains `AssertionError`, in order; "See traceback above" when there is none.
 *
 * What differs from the study's stderr, and why, is listed in docs/reproducing.md ("What will
 * differ"): the file is `program.py` where the study's was a temporary file, Python is 3.14, and
 * what the program itself writes to stderr is not kept.
 */
import type { Outcome } from './outcome.ts';
import { pyHead, pySplitLines, pyStrip } from './python-text.ts';

/** The study cut stderr to 2000 characters and showed the refiner the first 1000 of those. */
export const STUDY_ERROR_CHARS = 1000;

/** What CPython would have printed to stderr for this outcome, as far as the harness knows it. */
export function studyStderr(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'passed':
      return '';
    case 'timed-out':
      return `Execution timed out after ${pythonFloat(outcome.limitMs / 1000)}s`;
    case 'failed': {
      if (outcome.errorType === 'SystemExit') return systemExitText(outcome.message);
      // os._exit and friends end the process without a word.
      if (outcome.category === 'SystemExit') return '';
      if (outcome.fullTraceback !== undefined) return outcome.fullTraceback;
      // A crash printed nothing the sandbox could keep (and a record from before study mode kept
      // the full traceback has only the trimmed one): say what the harness knows.
      if (outcome.traceback !== '') return outcome.traceback;
      return `${outcome.errorType}: ${outcome.message}`.trimEnd();
    }
    default: {
      const never: never = outcome;
      throw new Error(`Unknown outcome in ${JSON.stringify(never)}.`);
    }
  }
}

/** The "Execution result" the study's refiner read. */
export function studyExecutionResult(outcome: Outcome): string {
  const stderr = studyStderr(outcome);
  return stderr === '' ? 'No error output' : pyHead(stderr, STUDY_ERROR_CHARS);
}

/** The study's "Failed tests" lines (`_extract_failed_assertions`), read from the whole of stderr. */
export function studyFailedTests(outcome: Outcome): string[] {
  // The runner looked for them only in a failed run's stderr; a timeout had none.
  if (outcome.kind !== 'failed') return [];
  const lines = new Set<string>();
  for (const line of pySplitLines(studyStderr(outcome))) {
    const stripped = pyStrip(line);
    if (stripped.startsWith('assert ') || stripped.includes('AssertionError')) lines.add(stripped);
  }
  return [...lines];
}

/** The "Failed tests" section as the study's refiner read it. */
export function studyFailedTestsText(outcome: Outcome): string {
  const lines = studyFailedTests(outcome);
  return lines.length > 0 ? lines.join('\n') : 'See traceback above';
}

/**
 * CPython prints no traceback for an uncaught SystemExit: nothing for `sys.exit()` or an integer
 * code, the code itself for anything else (`sys.exit("bye")` prints "bye").
 */
function systemExitText(message: string): string {
  return message === '' || message === 'None' || /^[+-]?\d+$/.test(message.trim()) ? '' : `${message}\n`;
}

/** A number of seconds as Python prints a float: 10.0, 12.5. */
function pythonFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}
