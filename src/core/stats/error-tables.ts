/**
 * Error taxonomy tables (the study's Fig. 2 and Table 3, and a transition view): which kinds of
 * first failure refinement repairs, at which iteration, and how error types turn into one
 * another from one iteration to the next.
 *
 * A trajectory is one problem's steps at iterations 0…K (fewer with early stopping). Error types
 * are grouped by a `categorize` function: the study folded them into coarse families
 * (IndexError/KeyError, Other…), our own results can keep raw exception names.
 */

/** One execution of a problem's code at one iteration. */
export interface Step {
  passed: boolean;
  /** Exception type of a failure; null when passed, or when the harness recorded none. */
  errorType: string | null;
}

/** Maps a failing step's error type to the row it is counted under. */
export type Categorize = (errorType: string | null) => string;

/**
 * Keeps error types as recorded. A failure without a type is labelled "None", the label the
 * study's own files use for it (mostly a bare `AssertionError`, which has no message after a colon).
 */
export const labelAsRecorded: Categorize = (errorType) => errorType ?? 'None';

export interface FirstErrorRow {
  category: string;
  /** Problems whose iteration-0 code failed with this category. */
  total: number;
  /** fixedAtIteration[k] = problems of the row first passing at iteration k (index 0 is 0). */
  fixedAtIteration: number[];
  /** Problems of the row that passed at some later iteration: Σ_k fixedAtIteration[k]. */
  fixed: number;
  /** total − fixed */
  neverFixed: number;
  /** fixed / total */
  fixRate: number;
  /** Problems of the row whose last recorded step passed (equals `fixed` under early stopping). */
  endedPassing: number;
}

/**
 * First error type → fixed or not, per category, in order of first appearance. A problem counts
 * when its first step failed; problems with no recorded step at all (the study's 120 s pipeline
 * cap) have no first error and are left out, as the study left them out.
 */
export function firstErrorTable(
  trajectories: readonly (readonly Step[])[],
  categorize: Categorize = labelAsRecorded,
): FirstErrorRow[] {
  const length = Math.max(1, ...trajectories.map((t) => t.length));
  const rows = new Map<string, FirstErrorRow>();
  for (const t of trajectories) {
    const first = t[0];
    if (first === undefined || first.passed) continue;
    const category = categorize(first.errorType);
    let row = rows.get(category);
    if (row === undefined) {
      row = {
        category,
        total: 0,
        fixedAtIteration: new Array<number>(length).fill(0),
        fixed: 0,
        neverFixed: 0,
        fixRate: 0,
        endedPassing: 0,
      };
      rows.set(category, row);
    }
    row.total++;
    const firstPass = t.findIndex((step) => step.passed);
    if (firstPass > 0) {
      row.fixedAtIteration[firstPass]!++;
      row.fixed++;
    } else {
      row.neverFixed++;
    }
    if (t[t.length - 1]?.passed === true) row.endedPassing++;
  }
  for (const row of rows.values()) row.fixRate = row.fixed / row.total;
  return [...rows.values()];
}

/** Label of a passing step in transition matrices. */
export const PASSED_LABEL = 'passed';

export interface TransitionMatrices {
  /** Row and column labels: `passed` first, then error categories in order of first appearance. */
  labels: string[];
  /**
   * counts[k − 1][i][j] = problems labelled labels[i] at iteration k − 1 and labels[j] at k, for
   * k = 1…K; a problem counts at k only if it has a step at k (early stopping ends trajectories).
   */
  counts: number[][][];
}

/** Error-type transitions between consecutive iterations (a Sankey or matrix per iteration). */
export function errorTransitions(
  trajectories: readonly (readonly Step[])[],
  categorize: Categorize = labelAsRecorded,
): TransitionMatrices {
  const labelOf = (step: Step): string => (step.passed ? PASSED_LABEL : categorize(step.errorType));
  const labels = [PASSED_LABEL];
  for (const t of trajectories) {
    for (const step of t) {
      const label = labelOf(step);
      if (!labels.includes(label)) labels.push(label);
    }
  }
  const index = new Map(labels.map((label, i) => [label, i]));
  const steps = Math.max(0, ...trajectories.map((t) => t.length - 1));
  const counts = Array.from({ length: steps }, () =>
    Array.from({ length: labels.length }, () => new Array<number>(labels.length).fill(0)),
  );
  for (const t of trajectories) {
    for (let k = 1; k < t.length; k++) {
      const from = index.get(labelOf(t[k - 1] as Step)) as number;
      const to = index.get(labelOf(t[k] as Step)) as number;
      counts[k - 1]![from]![to]!++;
    }
  }
  return { labels, counts };
}
