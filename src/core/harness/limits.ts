/**
 * How long and how loud one program may run.
 *
 * Defaults follow the harnesses each mode stands for: openai/human-eval's 3 s for `standard`,
 * the study's 10 s subprocess timeout for `study`. Python in the browser (Pyodide) runs about
 * 2-3× slower than CPython, so a few tasks whose canonical solution is itself slow would time
 * out under the default even when correct (MBPP task 123 sums amicable numbers below 10 000:
 * about 2.5 s in CPython, about 6 s in Pyodide under Node). `slow-tasks.json` gives those tasks
 * a calibrated floor in milliseconds: the limit is never below it, whatever the mode or an
 * override says, so every canonical solution passes. It is measured data, refreshed by the
 * calibration script, not hand-tuned; the limits used are recorded with every result.
 */
import type { Problem } from '../benchmarks/problem.ts';
import type { SandboxLimits } from '../ports.ts';
import type { HarnessMode } from './outcome.ts';
import slowTasks from './slow-tasks.json' with { type: 'json' };

export const DEFAULT_TIMEOUT_MS: Record<HarnessMode, number> = { standard: 3000, study: 10_000 };
export const DEFAULT_MAX_OUTPUT_CHARS = 1_000_000;

/** Per-task timeout floors in ms, keyed by canonical id (`Mbpp/123`). */
export const SLOW_TASK_TIMEOUT_MS: Readonly<Record<string, number>> = slowTasks;

export interface LimitsOverride {
  /** Replaces the mode's default timeout (e.g. `--timeout` on the command line). */
  timeoutMs?: number;
  maxOutputChars?: number;
  /** False to ignore the per-task floors, to reproduce a harness that had none. Default true. */
  slowTaskFloors?: boolean;
}

export function limitsFor(problem: Problem, mode: HarnessMode, override: LimitsOverride = {}): SandboxLimits {
  const base = override.timeoutMs ?? DEFAULT_TIMEOUT_MS[mode];
  if (!(base > 0)) throw new Error(`A timeout must be a positive number of milliseconds, got ${base}.`);
  const maxOutputChars = override.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  if (!(maxOutputChars > 0)) throw new Error(`The output limit must be a positive number of characters, got ${maxOutputChars}.`);
  const floor = override.slowTaskFloors === false ? 0 : (SLOW_TASK_TIMEOUT_MS[problem.id] ?? 0);
  return { timeoutMs: Math.max(base, floor), maxOutputChars };
}
