/**
 * A Sandbox port for interpreter tests: it does not run Python, it answers each program with a
 * RunResult the test chose, shaped like the real sandbox's (CPython-style tracebacks in
 * `program.py`), so the harness's own toOutcome reads them as it reads real ones.
 */
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import { PROGRAM_FILENAME } from '../../../src/core/harness/to-outcome.ts';
import type { Sandbox, SandboxLimits } from '../../../src/core/ports.ts';

/** What a scripted run ends as: a keyword for the common endings, or a RunResult as is. */
export type ScriptedRun = 'pass' | 'assert' | 'name-error' | 'timeout' | RunResult | ((program: string) => RunResult);

export interface FakeSandbox extends Sandbox {
  /** Every program run, oldest first. */
  readonly programs: string[];
  readonly limits: SandboxLimits[];
}

/** Answers run n with `runs[n]`; one run too many fails the test loudly. */
export function scriptedSandbox(...runs: ScriptedRun[]): FakeSandbox {
  const queue = [...runs];
  return fakeSandbox((program) => {
    const next = queue.shift();
    if (next === undefined) throw new Error(`scriptedSandbox ran out of results at program ${runs.length + 1}.`);
    return next;
  });
}

/** Judges each program with a rule, e.g. "passes when the code adds". */
export function judgingSandbox(passes: (program: string) => boolean, failure: ScriptedRun = 'assert'): FakeSandbox {
  return fakeSandbox((program) => (passes(program) ? 'pass' : failure));
}

export function fakeSandbox(decide: (program: string) => ScriptedRun): FakeSandbox {
  const programs: string[] = [];
  const limits: SandboxLimits[] = [];
  return {
    programs,
    limits,
    async run(program, runLimits) {
      programs.push(program);
      limits.push(runLimits);
      return toRunResult(decide(program), program, runLimits);
    },
    async close() {},
  };
}

function toRunResult(run: ScriptedRun, program: string, limits: SandboxLimits): RunResult {
  if (typeof run === 'function') return run(program);
  if (typeof run === 'object') return run;
  switch (run) {
    case 'pass':
      return { status: 'passed', durationMs: 5, stdout: '' };
    case 'timeout':
      return { status: 'timeout', durationMs: limits.timeoutMs, limitMs: limits.timeoutMs, stdout: '' };
    case 'assert':
      return assertionRun(program);
    case 'name-error':
      return {
        status: 'error',
        durationMs: 5,
        stdout: '',
        errorType: 'NameError',
        message: "name 'List' is not defined",
        traceback: [
          'Traceback (most recent call last):',
          `  File "${PROGRAM_FILENAME}", line 1, in <module>`,
          "NameError: name 'List' is not defined",
        ].join('\n'),
      };
  }
}

/** The first assert of the program's tests fails, with the traceback CPython would print. */
export function assertionRun(program: string): RunResult {
  const lines = program.split('\n');
  const assertIndex = lines.findIndex((l) => /^\s*assert\b/.test(l));
  const checkIndex = lines.findIndex((l) => /^check\(/.test(l));
  const frames =
    checkIndex >= 0
      ? [
          `  File "${PROGRAM_FILENAME}", line ${checkIndex + 1}, in <module>`,
          `    ${lines[checkIndex]?.trim()}`,
          `  File "${PROGRAM_FILENAME}", line ${assertIndex + 1}, in check`,
        ]
      : [`  File "${PROGRAM_FILENAME}", line ${assertIndex + 1}, in <module>`];
  return {
    status: 'error',
    durationMs: 5,
    stdout: '',
    errorType: 'AssertionError',
    message: '',
    traceback: ['Traceback (most recent call last):', ...frames, `    ${lines[assertIndex]?.trim()}`, 'AssertionError'].join('\n'),
  };
}
