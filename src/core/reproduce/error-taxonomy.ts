/**
 * `error_taxonomy.json`: one instrumented run of each arm with early stopping, keeping per
 * problem the first and last error type, and the study's fix rates and "unfixable" list.
 *
 * Its error types come from the study's harness, which logged a bare `AssertionError` (no colon
 * on its stderr line) as null, shown as "None". That matters for the unfixable list: the study
 * called a problem unfixable when every arm ended with a non-null error type, so a problem whose
 * last failure in some arm was a bare assert dropped off the list although nobody solved it.
 */
import { type Step } from '../stats/error-tables.ts';
import {
  asBoolean,
  asCount,
  asNullableString,
  asNumber,
  asString,
  check,
  entries,
  field,
  items,
  rootCursor,
  type Cursor,
} from './read-json.ts';

export const ERROR_TAXONOMY_FILE = 'error_taxonomy.json';

export interface ReleasedProblemOutcome {
  taskId: string;
  passed: boolean;
  /** Error type of the first execution; also null when the first execution passed. */
  initialErrorType: string | null;
  /** Error type of the last execution; null when it passed, or for a bare AssertionError. */
  finalErrorType: string | null;
  /** Executions recorded: 1 + refinements used; 0 when the 120 s pipeline cap struck. */
  executions: number;
}

export interface ReleasedFixRate {
  category: string;
  count: number;
  fixed: number;
  fixRate: number;
}

export interface ReleasedTaxonomyArm {
  name: string;
  passed: number;
  /** The study's fix rates by first error category; null for solo arms (nothing to refine). */
  fixRates: ReleasedFixRate[] | null;
  problems: ReleasedProblemOutcome[];
}

export interface ReleasedUnfixable {
  taskId: string;
  /** Each arm's final error category, in arm order. */
  errorTypes: string[];
  dominantError: string;
}

export interface ReleasedErrorTaxonomy {
  runTimestamp: string;
  totalProblems: number;
  arms: ReleasedTaxonomyArm[];
  unfixable: ReleasedUnfixable[];
  unfixableErrorDistribution: { category: string; count: number }[];
}

function readArm(name: string, cursor: Cursor, totalProblems: number): ReleasedTaxonomyArm {
  const problemsCursor = field(cursor, 'per_problem');
  const problems = items(problemsCursor).map(
    (p): ReleasedProblemOutcome => ({
      taskId: asString(field(p, 'task_id')),
      passed: asBoolean(field(p, 'passed')),
      initialErrorType: asNullableString(field(p, 'initial_error_type')),
      finalErrorType: asNullableString(field(p, 'final_error_type')),
      executions: asCount(field(p, 'trajectory_length')),
    }),
  );
  check(problems.length === totalProblems, problemsCursor, `should list total_problems = ${totalProblems} problems`);
  const passedCursor = field(cursor, 'passed');
  const passed = asCount(passedCursor);
  check(
    passed === problems.filter((p) => p.passed).length,
    passedCursor,
    `says ${passed} passed, but per_problem marks ${problems.filter((p) => p.passed).length} as passed`,
  );
  const fixRatesCursor = field(cursor, 'fix_rates');
  const fixRates =
    fixRatesCursor.value === null
      ? null
      : entries(fixRatesCursor).map(([category, row]) => ({
          category,
          count: asCount(field(row, 'count')),
          fixed: asCount(field(row, 'fixed')),
          fixRate: asNumber(field(row, 'fix_rate')),
        }));
  return { name, passed, fixRates, problems };
}

/** Validates and types a parsed `error_taxonomy.json`. Throws ReleasedFileError on any surprise. */
export function readErrorTaxonomy(json: unknown): ReleasedErrorTaxonomy {
  const root = rootCursor(ERROR_TAXONOMY_FILE, json);
  const totalProblems = asCount(field(root, 'total_problems'));
  const configs = field(root, 'configs');
  const arms = entries(configs).map(([name, c]) => readArm(name, c, totalProblems));
  const ids = arms[0]?.problems.map((p) => p.taskId) ?? [];
  for (const arm of arms) {
    check(
      arm.problems.every((p, i) => p.taskId === ids[i]),
      field(field(configs, arm.name), 'per_problem'),
      'should list the same problems in the same order as the first arm',
    );
  }
  const unfixable = entries(field(root, 'unfixable')).map(([taskId, u]) => ({
    taskId,
    errorTypes: items(field(u, 'error_types')).map(asString),
    dominantError: asString(field(u, 'dominant_error')),
  }));
  const unfixableErrorDistribution = entries(field(root, 'unfixable_error_distribution')).map(([category, c]) => ({
    category,
    count: asCount(c),
  }));
  return { runTimestamp: asString(field(root, 'run_timestamp')), totalProblems, arms, unfixable, unfixableErrorDistribution };
}

/** Error type of an execution between the first and the last, which this file does not keep. */
export const NOT_RECORDED = '(not recorded)';

/**
 * Rebuilds step trajectories from the per-problem summary, for firstErrorTable(): with early
 * stopping, a problem with e executions failed the first e − 1 and ended as `passed` says. The
 * first and last error types are known; those in between are labelled NOT_RECORDED. A first
 * execution that passed has e = 1. The study's fix rates follow: count = first step failed,
 * fixed = ended passing (problems with e = 0 are skipped, as the study skipped them).
 */
export function taxonomyStepTrajectories(arm: ReleasedTaxonomyArm): Step[][] {
  return arm.problems.map((p) => {
    const e = p.executions;
    if (e === 0) return [];
    if (e === 1) return [{ passed: p.passed, errorType: p.passed ? null : p.finalErrorType }];
    const middle = Array.from({ length: e - 2 }, (): Step => ({ passed: false, errorType: NOT_RECORDED }));
    return [
      { passed: false, errorType: p.initialErrorType },
      ...middle,
      { passed: p.passed, errorType: p.passed ? null : p.finalErrorType },
    ];
  });
}
