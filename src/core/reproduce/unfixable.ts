/**
 * "Unfixable" problems: the paper reports 7 of 164 HumanEval problems that no configuration
 * solved; in its released error-taxonomy run 15 problems were solved by no arm. The 8 between
 * them were dropped by the study's rule — "failed in every config" was tested as "every arm's
 * final error type is not None" — and a failure its harness could not name (mostly a bare
 * `AssertionError`) was logged as None, so an arm that ended on one looked like one that passed.
 */
import { studyErrorCategory } from './study-error-category.ts';
import type { ReleasedErrorTaxonomy, ReleasedUnfixable } from './error-taxonomy.ts';

export interface UnfixableReport {
  totalProblems: number;
  /** Problems no arm passed in that run. */
  unsolved: string[];
  /** The file's own `unfixable` list. */
  releasedUnfixable: string[];
  /** The study's rule (every arm's final error type non-null) re-applied here; equals the released list. */
  recomputedUnfixable: ReleasedUnfixable[];
  /** Unsolved problems missing from the list, with the arms whose last failure had no error type. */
  droppedByBareAssert: { taskId: string; armsEndingOnBareAssert: string[] }[];
  explanation: string;
}

/** Most frequent value, ties going to the first seen (as Python's Counter.most_common(1)). */
function dominant(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = '';
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Compares "solved by no arm" with the study's unfixable list, and says why they differ. */
export function unfixableReport(taxonomy: ReleasedErrorTaxonomy): UnfixableReport {
  const ids = taxonomy.arms[0]?.problems.map((p) => p.taskId) ?? [];
  const outcomesOf = (i: number) => taxonomy.arms.map((arm) => ({ arm: arm.name, outcome: arm.problems[i]! }));

  const unsolved: string[] = [];
  const recomputedUnfixable: ReleasedUnfixable[] = [];
  const droppedByBareAssert: UnfixableReport['droppedByBareAssert'] = [];
  ids.forEach((taskId, i) => {
    const outcomes = outcomesOf(i);
    if (outcomes.every(({ outcome }) => outcome.finalErrorType !== null)) {
      const errorTypes = outcomes.map(({ outcome }) => studyErrorCategory(outcome.finalErrorType));
      recomputedUnfixable.push({ taskId, errorTypes, dominantError: dominant(errorTypes) });
    }
    if (outcomes.some(({ outcome }) => outcome.passed)) return;
    unsolved.push(taskId);
    const bare = outcomes.filter(({ outcome }) => outcome.finalErrorType === null).map(({ arm }) => arm);
    if (bare.length > 0) droppedByBareAssert.push({ taskId, armsEndingOnBareAssert: bare });
  });

  const releasedUnfixable = taxonomy.unfixable.map((u) => u.taskId);
  const explanation =
    `In the released run ${unsolved.length} of ${taxonomy.totalProblems} problems were solved by no arm, ` +
    `but the study's list holds ${releasedUnfixable.length}: it kept a problem only when every arm's final ` +
    `error type was non-null, and its harness logged as None every failure it could not name: mostly a bare ` +
    `AssertionError (no message after a colon), also any exception raised without a message (the file keeps no ` +
    `message to tell them apart). ` +
    `The ${droppedByBareAssert.length} unsolved problems with at least one arm ending on None ` +
    `(${droppedByBareAssert.map((d) => d.taskId).join(', ')}) were therefore counted as if that arm had passed.`;
  return { totalProblems: taxonomy.totalProblems, unsolved, releasedUnfixable, recomputedUnfixable, droppedByBareAssert, explanation };
}
