/**
 * How one program ended, as the harness sees it. Generated code failing is the experiment
 * working, so every ending is a value, never an exception.
 */

/** How the study's runner and the official harness both run code: the mode is recorded with every result. */
export type HarnessMode = 'standard' | 'study';

/** Exception families reported in tables (issue #2); anything else is `other`. */
export const ERROR_CATEGORIES = [
  'SyntaxError',
  'IndentationError',
  'NameError',
  'TypeError',
  'AttributeError',
  'IndexError',
  'KeyError',
  'ValueError',
  'ZeroDivisionError',
  'RecursionError',
  'AssertionError',
  'ImportError',
  'MemoryError',
  'SystemExit',
  'KeyboardInterrupt',
  'OutputLimit',
  'Crash',
  'other',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** What the sandbox observed, before the harness interprets it. Plain data: it crosses postMessage. */
export type RunResult =
  | {
      status: 'passed';
      durationMs: number;
      stdout: string;
      /** True when the program printed more to stdout than the sandbox kept (`stdout` is its start); absent otherwise. */
      stdoutTruncated?: boolean;
    }
  | {
      status: 'error';
      durationMs: number;
      stdout: string;
      stdoutTruncated?: boolean;
      /** The exception class name as Python reports it (`AssertionError`, `ModuleNotFoundError`…). */
      errorType: string;
      message: string;
      /** The whole traceback, formatted as CPython prints it to stderr. */
      traceback: string;
    }
  | { status: 'timeout'; durationMs: number; limitMs: number; stdout: string; stdoutTruncated?: boolean }
  | {
      status: 'crashed';
      durationMs: number;
      /** exit: os._exit and friends; fatal: the interpreter died (C-level recursion, wasm trap); worker-lost: anything else. */
      cause: 'exit' | 'fatal' | 'worker-lost';
      detail: string;
    };

export type Outcome =
  | { kind: 'passed'; durationMs: number }
  | {
      kind: 'failed';
      durationMs: number;
      category: ErrorCategory;
      /** The raw exception class name, or a sandbox label for crashes (`Crash`). */
      errorType: string;
      message: string;
      /** Traceback trimmed to the candidate's own lines. */
      traceback: string;
      /**
       * Study mode only: the traceback before trimming, as the sandbox printed it (CPython's
       * format, the sandbox's own frames removed). The study's refiner was shown the start of
       * this text, so study-mode feedback is cut from it. Absent for crashes (nothing printed).
       */
      fullTraceback?: string;
      /** The failing `assert …` line of the tests, when an assertion failed. */
      failingAssert: string | null;
      /**
       * The study's own classification: the last `^(\w+(Error|Exception|Warning)): ` line of
       * stderr, or null (a bare `AssertionError` has no colon and was logged as "None").
       */
      studyErrorType: string | null;
    }
  | { kind: 'timed-out'; durationMs: number; limitMs: number; studyErrorType: null };
