/**
 * `iteration_analysis.json`: the study's forced-iteration run (3 refinements, no early stopping)
 * behind its Tables 4–6 and Fig. 3. It holds both the per-problem verdicts (`raw_trajectories`)
 * and the study's own tables computed from them (`analyses`); the converters below turn the
 * verdicts into the inputs of stats/iteration-tables.ts and stats/error-tables.ts, so the tables
 * can be recomputed and checked against `analyses`.
 */
import type { Step } from '../stats/error-tables.ts';
import {
  asBoolean,
  asCount,
  asNullableString,
  asString,
  check,
  entries,
  field,
  items,
  reject,
  rootCursor,
  type Cursor,
} from './read-json.ts';

export const ITERATION_ANALYSIS_FILE = 'iteration_analysis.json';

/** One row of the study's `error_fix_by_iter`. */
export interface ReleasedErrorFixRow {
  category: string;
  total: number;
  /** fixedAtIteration[k] = `fixed_iter_k` for k = 1…K; index 0 is 0 (nothing is fixed before refinement). */
  fixedAtIteration: number[];
  neverFixed: number;
}

/** The study's own tables for one arm (`analyses[name]`), iterations 0…K in every list. */
export interface ReleasedIterationSummary {
  problems: number;
  raw: number[];
  effective: number[];
  newFixes: number[];
  regressions: number[];
  errorFixByIteration: ReleasedErrorFixRow[];
  /** First failing iteration of each initially passing problem that later failed. */
  firstBreaks: number[];
  initialPasses: number;
}

export interface ReleasedProblemTrajectory {
  taskId: string;
  /** steps[k] is iteration k; error types are raw exception names (never null in this file). */
  steps: Step[];
}

export interface ReleasedIterationArm {
  name: string;
  summary: ReleasedIterationSummary;
  trajectories: ReleasedProblemTrajectory[];
}

export interface ReleasedIterationAnalysis {
  runTimestamp: string;
  totalProblems: number;
  /** K: refinements forced on every problem; trajectories have K + 1 steps. */
  forcedIterations: number;
  arms: ReleasedIterationArm[];
}

function countsOverIterations(cursor: Cursor, length: number): number[] {
  const counts = items(cursor).map(asCount);
  check(counts.length === length, cursor, `should hold one count per iteration 0…${length - 1}`);
  return counts;
}

function readSummary(cursor: Cursor, forced: number): ReleasedIterationSummary {
  const length = forced + 1;
  const errorFixByIteration = entries(field(cursor, 'error_fix_by_iter')).map(([category, row]) => ({
    category,
    total: asCount(field(row, 'total')),
    fixedAtIteration: [0, ...Array.from({ length: forced }, (_, i) => asCount(field(row, `fixed_iter_${i + 1}`)))],
    neverFixed: asCount(field(row, 'never_fixed')),
  }));
  return {
    problems: asCount(field(cursor, 'n_problems')),
    raw: countsOverIterations(field(cursor, 'raw_pass_at_iter'), length),
    effective: countsOverIterations(field(cursor, 'effective_pass_at_iter'), length),
    newFixes: countsOverIterations(field(cursor, 'new_fixes_at_iter'), length),
    regressions: countsOverIterations(field(cursor, 'regressions_at_iter'), length),
    errorFixByIteration,
    firstBreaks: items(field(cursor, 'regression_first_break')).map(asCount),
    initialPasses: asCount(field(cursor, 'initial_pass_count')),
  };
}

function readTrajectory(cursor: Cursor, forced: number): ReleasedProblemTrajectory {
  const stepsCursor = field(cursor, 'trajectory');
  const steps = items(stepsCursor).map((step, k): Step => {
    const iter = field(step, 'iter');
    check(asCount(iter) === k, iter, `should be ${k} (steps are iterations 0, 1, 2, … in order)`);
    return { passed: asBoolean(field(step, 'passed')), errorType: asNullableString(field(step, 'error_type')) };
  });
  check(steps.length === forced + 1, stepsCursor, `should hold ${forced + 1} steps (max_iters_forced + 1), holds ${steps.length}`);
  return { taskId: asString(field(cursor, 'task_id')), steps };
}

/** Validates and types a parsed `iteration_analysis.json`. Throws ReleasedFileError on any surprise. */
export function readIterationAnalysis(json: unknown): ReleasedIterationAnalysis {
  const root = rootCursor(ITERATION_ANALYSIS_FILE, json);
  const totalProblems = asCount(field(root, 'total_problems'));
  const forced = asCount(field(root, 'max_iters_forced'));
  const trajectoriesCursor = field(root, 'raw_trajectories');
  const trajectories = new Map(entries(trajectoriesCursor));
  const arms = entries(field(root, 'analyses')).map(([name, summaryCursor]): ReleasedIterationArm => {
    const armTrajectories = trajectories.get(name);
    if (armTrajectories === undefined) reject(trajectoriesCursor, `has no trajectories for the analysed arm "${name}"`);
    const problems = items(armTrajectories).map((t) => readTrajectory(t, forced));
    check(
      problems.length === totalProblems,
      armTrajectories,
      `should hold total_problems = ${totalProblems} trajectories, holds ${problems.length}`,
    );
    return { name, summary: readSummary(summaryCursor, forced), trajectories: problems };
  });
  check(arms.length === trajectories.size, trajectoriesCursor, 'has trajectories for an arm that `analyses` does not list');
  return { runTimestamp: asString(field(root, 'run_timestamp')), totalProblems, forcedIterations: forced, arms };
}

/** Per-problem verdicts at iterations 0…K: the input of iterationTable(). */
export function passTrajectories(arm: ReleasedIterationArm): boolean[][] {
  return arm.trajectories.map((t) => t.steps.map((s) => s.passed));
}

/** Per-problem steps with error types: the input of firstErrorTable() and errorTransitions(). */
export function stepTrajectories(arm: ReleasedIterationArm): Step[][] {
  return arm.trajectories.map((t) => t.steps);
}
