/**
 * The harness's verdict: what the sandbox observed (RunResult), read against the program it ran.
 * Only this function decides pass or fail, from data the generated code cannot forge beyond
 * what the sandbox reports.
 */
import type { AssembledProgram } from './assemble-program.ts';
import { classifyError } from './classify-error.ts';
import type { ErrorCategory, Outcome, RunResult } from './outcome.ts';
import { statementText } from './statement-span.ts';
import { studyErrorType } from './study-error-type.ts';
import { failingTestFrame, trimTraceback, type ProgramRegions } from './traceback.ts';

/** The file name the sandbox must compile programs under, so tracebacks can be traced back to them. */
export const PROGRAM_FILENAME = 'program.py';

export function toOutcome(run: RunResult, program: AssembledProgram, filename: string = PROGRAM_FILENAME): Outcome {
  switch (run.status) {
    case 'passed':
      return { kind: 'passed', durationMs: run.durationMs };
    case 'timeout':
      return { kind: 'timed-out', durationMs: run.durationMs, limitMs: run.limitMs, studyErrorType: null };
    case 'error': {
      const regions: ProgramRegions = { filename, testFirstLine: program.testFirstLine, programLines: program.text.split('\n') };
      // The study read the type from stderr; a sandbox that reports no traceback still said what was raised.
      const stderr = run.traceback !== '' ? run.traceback : `${run.errorType}${run.message ? `: ${run.message}` : ''}`;
      return {
        kind: 'failed',
        durationMs: run.durationMs,
        category: run.errorType === 'OutputLimit' ? 'OutputLimit' : classifyError(run.errorType),
        errorType: run.errorType,
        message: run.message,
        traceback: trimTraceback(run.traceback, regions),
        // The study's runner showed its refiner raw stderr; the standard feedback needs only the trimmed text.
        ...(program.mode === 'study' && run.traceback !== '' ? { fullTraceback: run.traceback } : {}),
        failingAssert: isAssertionError(run.errorType) ? failingAssert(run.traceback, regions) : null,
        studyErrorType: studyErrorType(stderr),
      };
    }
    case 'crashed': {
      const category = crashCategory(run.cause, run.detail);
      return {
        kind: 'failed',
        durationMs: run.durationMs,
        category,
        errorType: 'Crash',
        message: run.detail,
        traceback: '',
        failingAssert: null,
        // CPython survives what kills Pyodide here: deep recursion through C raises a
        // RecursionError it prints with a message; MemoryError and os._exit leave no `Name: ` line.
        studyErrorType: category === 'RecursionError' ? 'RecursionError' : null,
      };
    }
    default: {
      const never: never = run;
      throw new Error(`Unknown run status in ${JSON.stringify(never)}.`);
    }
  }
}

/**
 * os._exit and friends end the program before its tests finish: counted with SystemExit. A
 * dead interpreter is a Crash unless its last words name memory or the stack.
 */
function crashCategory(cause: 'exit' | 'fatal' | 'worker-lost', detail: string): ErrorCategory {
  if (cause === 'exit') return 'SystemExit';
  if (/MemoryError|out of memory|Cannot enlarge memory|allocation failed/i.test(detail)) return 'MemoryError';
  if (/RecursionError|maximum call stack|too much recursion|stack overflow|recursion depth/i.test(detail)) return 'RecursionError';
  return 'Crash';
}

function isAssertionError(errorType: string): boolean {
  return errorType === 'AssertionError' || errorType.endsWith('.AssertionError');
}

/**
 * The assert statement that failed, as written in the tests: found from the innermost test frame,
 * widened to the whole statement when it spans several lines (HumanEval/1, 87, 113 have such).
 */
function failingAssert(traceback: string, regions: ProgramRegions): string | null {
  const frame = failingTestFrame(traceback, regions);
  if (!frame) return null;
  const lines = regions.programLines;
  const isAssert = (index: number) => /^\s*assert\b/.test(lines[index] ?? '');
  // A frame can point inside a multi-line assert; walk up to its first line, within the tests.
  const lowest = Math.max(regions.testFirstLine - 1, frame.line - 30);
  let start = frame.line - 1;
  while (start > lowest && !isAssert(start)) start--;
  if (!isAssert(start)) return (lines[frame.line - 1] ?? '').trim() || null;
  return statementText(lines, start);
}

