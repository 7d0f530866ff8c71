/**
 * Error taxonomy of a study (the study's Fig. 2 and Table 3, and a transition view): each
 * problem-run's first error type → fixed or not, fix rate per type, and how error types turn
 * into one another from one version of the code to the next. Trajectories of every repeat are
 * pooled, so counts are problem-runs.
 */
import { errorTransitions, firstErrorTable, labelAsRecorded, type FirstErrorRow, type Step, type TransitionMatrices } from '../stats/error-tables.ts';
import { studyErrorCategory } from '../reproduce/study-error-category.ts';
import { armTrajectories, attemptExecutions, errorLabel, type AnalysisStudy, type ErrorLabelling } from './study-runs.ts';
import { transitionRows } from './chart-data.ts';
import { numberCell, tableId, textCell, type Cell, type Table } from './table.ts';
import { countOf } from '../count-text.ts';

export interface ArmErrors {
  label: string;
  /** Versions of the code the longest trajectory judged (1 = no refinement). */
  attempts: number;
  firstErrors: FirstErrorRow[];
  transitions: TransitionMatrices;
  /** A pass ends the arm's runs (no forced iterations), so no transition starts from "passed". */
  stopsAtPass: boolean;
  /** Problem-runs the time cap cut short, left out of the study-style labelling's rows (0 otherwise). */
  leftOut: number;
  /**
   * Other problem-runs with no version of the code judged (the time cap ended them before any
   * code ran: a slow first reply): they have no first error and are in no matrix.
   */
  unjudged: number;
  /** Versions of the code each problem-run judged, in run order (0 for a run left out). */
  lengths: number[];
}

/** One step per version of the code, labelled for the taxonomy. */
export function errorSteps(study: AnalysisStudy, labelling: ErrorLabelling): { label: string; steps: Step[][] }[] {
  const fold = labelling === 'study' ? studyErrorCategory : labelAsRecorded;
  return study.arms.map((arm) => ({
    label: arm.label,
    steps: armTrajectories(study, arm).map((t) =>
      // The study's runner kept no record of a run its 120 s cap cancelled (an empty trajectory),
      // so its fix rates leave such runs out; counted as the study counted, they are left out too.
      labelling === 'study' && t.stopReason === 'time-cap'
        ? []
        : attemptExecutions(t).map((e) => ({ passed: e.outcome.kind === 'passed', errorType: errorLabel(e.outcome, labelling, fold) })),
    ),
  }));
}

/** Arms that refine (some trajectory judged more than one version of the code). */
export function armErrors(study: AnalysisStudy, labelling: ErrorLabelling): ArmErrors[] {
  return errorSteps(study, labelling)
    .map(({ label, steps }, i) => ({
      label,
      attempts: Math.max(0, ...steps.map((s) => s.length)),
      firstErrors: firstErrorTable(steps),
      transitions: errorTransitions(steps),
      stopsAtPass: !study.arms[i]!.forcedIterations,
      leftOut: labelling === 'study' ? armTrajectories(study, study.arms[i]!).filter((t) => t.stopReason === 'time-cap').length : 0,
      unjudged: labelling === 'study' ? 0 : steps.filter((s) => s.length === 0).length,
      lengths: steps.map((s) => s.length),
    }))
    .filter((a) => a.attempts > 1);
}

export function firstErrorTableView(arms: readonly ArmErrors[]): Table {
  const iterations = Math.max(1, ...arms.map((a) => a.attempts)) - 1;
  const ks = Array.from({ length: iterations }, (_, i) => i + 1);
  const rows = arms.flatMap((arm) =>
    arm.firstErrors.map((row): Cell[] => [
      textCell(`${arm.label} · ${row.category}`),
      numberCell(row.total),
      numberCell(row.fixed),
      numberCell(row.neverFixed),
      numberCell(100 * row.fixRate, 0, ' %'),
      ...ks.map((k) => numberCell(row.fixedAtIteration[k] ?? 0)),
    ]),
  );
  return {
    id: 'first-error',
    caption: 'First error type → fixed by refinement, per arm (problem-runs of every repeat)',
    columns: [
      { label: 'Arm · first error' },
      { label: 'Problem-runs', numeric: true },
      { label: 'Fixed', numeric: true },
      { label: 'Never fixed', numeric: true },
      { label: 'Fix rate', numeric: true },
      ...ks.map((k) => ({ label: `Fixed at iteration ${k}`, numeric: true })),
    ],
    rows,
    notes: [
      'A problem-run counts when its first version of the code failed; "fixed" means a later version passed.',
      // Said, not silent: a reader comparing the two labellings would otherwise find runs missing.
      ...arms
        .filter((arm) => arm.leftOut > 0)
        .map(
          (arm) =>
            `${arm.label}: ${arm.leftOut} problem-run${arm.leftOut === 1 ? '' : 's'} that the time cap on one problem cut short ${arm.leftOut === 1 ? 'is' : 'are'} ` +
            'left out, as the study left them out (its runner kept no record of them); with error types as Python named them, those that ran some code are counted.',
        ),
      // A run the cap ended before any code ran has no first error: said, or the rows sum to fewer
      // problem-runs than the arm's failures without a word (audit R222-3).
      ...arms
        .filter((arm) => arm.unjudged > 0)
        .map(
          (arm) =>
            `${arm.label}: ${countOf(arm.unjudged, 'problem-run')} the time cap on one problem ended before any code ran ${arm.unjudged === 1 ? 'has' : 'have'} no first error and ${arm.unjudged === 1 ? 'is' : 'are'} not counted here.`,
        ),
    ],
  };
}

/** The error types of a transition matrix, in the order given, as a table for iteration k (1-based). */
export function transitionTableView(arm: ArmErrors, k: number): Table {
  const counts = arm.transitions.counts[k - 1] ?? [];
  const labels = arm.transitions.labels;
  return {
    id: tableId('transitions', arm.label, String(k)),
    caption: `${arm.label}: outcome at iteration ${k - 1} (rows) → iteration ${k} (columns)`,
    columns: [{ label: `From \\ to` }, ...labels.map((l) => ({ label: l, numeric: true }))],
    rows: transitionRows(labels, arm.stopsAtPass).map((i) => [textCell(labels[i]!), ...labels.map((_, j) => numberCell(counts[i]?.[j] ?? 0))]),
    ...(arm.stopsAtPass
      ? { notes: [`A problem whose code passes stops there, so only those still failing at iteration ${k - 1} have a row.`] }
      : forcedNotes(arm, k)),
  };
}

/**
 * A forced arm runs every iteration, so a run missing from matrix k is one the time cap ended
 * before iteration k; said, or the matrix holds fewer problem-runs than the tables beside it
 * without a word (audit R208-1). Runs the study's labelling leaves out are said under the first-error table.
 */
function forcedNotes(arm: ArmErrors, k: number): { notes?: string[] } {
  // Runs the study's labelling leaves out (length 0) are said under the first-error table; a run
  // the cap ended before any code ran (length 0 too) is missing from every matrix (audit R222-3).
  const missing = arm.lengths.filter((length) => length < k + 1).length - arm.leftOut;
  if (missing === 0) return {};
  return {
    notes: [
      `${countOf(missing, 'problem-run')} the time cap per problem ended before iteration ${k} ${missing === 1 ? 'is' : 'are'} not in this matrix.`,
    ],
  };
}
