/**
 * The problem explorer's data: per problem, how each arm's runs went (solved at once, fixed by
 * refinement, broken by it, never solved), filters over that, and one trajectory laid out as
 * versions of the code with the prompts that produced each, its diff and its outcome.
 */
import type { ExecuteStep, ModelStep, Step, Trajectory } from '../pipeline/trajectory.ts';
import { labelAsRecorded } from '../stats/error-tables.ts';
import { studyErrorCategory } from '../reproduce/study-error-category.ts';
import { codeDiff, type CodeDiff } from './code-diff.ts';
import { attemptExecutions, errorLabel, type AnalysisArm, type AnalysisStudy, type ErrorLabelling } from './study-runs.ts';

/**
 * - solved-first: the first version passed and so did the verdict.
 * - fixed: the first version failed, the verdict passed.
 * - broken: some version passed, the verdict failed (forced iterations, or the time cap).
 * - never-solved: no version passed.
 */
export type TrajectoryFate = 'solved-first' | 'fixed' | 'broken' | 'never-solved';

export const FATE_LABELS: Record<TrajectoryFate, string> = {
  'solved-first': 'solved at once',
  fixed: 'fixed',
  broken: 'broken',
  'never-solved': 'never solved',
};

export function trajectoryFate(t: Trajectory): TrajectoryFate {
  const passes = attemptExecutions(t).map((e) => e.outcome.kind === 'passed');
  if (t.passed) return passes[0] === true ? 'solved-first' : 'fixed';
  return passes.includes(true) ? 'broken' : 'never-solved';
}

export interface ArmProblemRuns {
  armId: string;
  label: string;
  /** Per run with any verdict (the arm's `runs`): the fate, or null when this problem's unit has none. */
  fates: (TrajectoryFate | null)[];
  /** Per run, as `fates`: the first version's error label (null when it passed or there is no verdict). */
  firstErrors: (string | null)[];
  solved: number;
  finished: number;
  /**
   * Planned repeats with no verdict for this problem (the unit errored, never ran, or is in a shard
   * not loaded), counting repeats with no verdict at all, which `fates` does not list; 0 for a
   * problem that is not in the arm's study.
   */
  noVerdict: number;
}

export interface ProblemSummary {
  problemId: string;
  arms: ArmProblemRuns[];
  fates: TrajectoryFate[];
  firstErrors: string[];
  solvedByAny: boolean;
}

export function summarizeProblems(study: AnalysisStudy, labelling: ErrorLabelling): ProblemSummary[] {
  const fold = labelling === 'study' ? studyErrorCategory : labelAsRecorded;
  return study.problemIds.map((problemId) => {
    const arms = study.arms.map((arm): ArmProblemRuns => {
      const runs = arm.runs.map((run) => run.get(problemId) ?? null);
      const firstErrors = runs.map((t) => {
        const first = t ? attemptExecutions(t)[0] : undefined;
        return first ? errorLabel(first.outcome, labelling, fold) : null;
      });
      const finished = runs.filter((t) => t !== null).length;
      return {
        armId: arm.id,
        label: arm.label,
        fates: runs.map((t) => (t ? trajectoryFate(t) : null)),
        firstErrors,
        solved: runs.filter((t) => t?.passed === true).length,
        finished,
        noVerdict: arm.problemIds.includes(problemId) ? Math.max(0, arm.plannedRuns - finished) : 0,
      };
    });
    const fates = [...new Set(arms.flatMap((a) => a.fates.filter((f): f is TrajectoryFate => f !== null)))];
    const firstErrors = [...new Set(arms.flatMap((a) => a.firstErrors.filter((e): e is string => e !== null)))];
    const solvedByAny = fates.some((f) => f !== 'never-solved');
    return { problemId, arms, fates, firstErrors, solvedByAny };
  });
}

/**
 * One arm's cell in the explorer's table: solved/finished runs, the fates met, and the planned
 * repeats without a verdict, which are neither solved nor failed (as in the arm summary's
 * "Units without verdict"); an en dash for a problem the arm's study does not have.
 */
export function armRunsText(runs: ArmProblemRuns | undefined): string {
  if (!runs) return '–';
  const kinds = [...new Set(runs.fates.filter((f) => f !== null))].map((f) => FATE_LABELS[f]);
  const parts = [
    ...(runs.finished > 0 ? [`${runs.solved}/${runs.finished}`] : []),
    ...(kinds.length > 0 ? [kinds.join(', ')] : []),
    ...(runs.noVerdict > 0 ? [`${runs.noVerdict} without verdict`] : []),
  ];
  return parts.length > 0 ? parts.join(' · ') : '–';
}

/** One planned repeat of an arm, for the explorer's Run picker: its trajectory of the problem, or null without a verdict. */
export interface RepeatChoice {
  /** 0-based. */
  repeat: number;
  trajectory: Trajectory | null;
}

/** Every planned repeat of the arm with this problem's trajectory in it, those without a verdict included. */
export function repeatChoices(arm: AnalysisArm, problemId: string): RepeatChoice[] {
  return Array.from({ length: arm.plannedRuns }, (_, repeat) => {
    const run = arm.runs[arm.runRepeats.indexOf(repeat)];
    return { repeat, trajectory: run?.get(problemId) ?? null };
  });
}

/** One planned repeat of an arm for the explorer's Run picker, and whether it has a verdict for the problem. */
export interface RepeatVerdict {
  /** 0-based. */
  repeat: number;
  judged: boolean;
}

/**
 * Every planned repeat of the arm, from the problem's row alone (no trajectory needed): a run's
 * fate is null when it has no verdict for the problem, and repeats with no run are not judged.
 */
export function repeatVerdicts(arm: Pick<AnalysisArm, 'plannedRuns' | 'runRepeats'>, runs: ArmProblemRuns | undefined): RepeatVerdict[] {
  return Array.from({ length: arm.plannedRuns }, (_, repeat) => {
    const i = arm.runRepeats.indexOf(repeat);
    return { repeat, judged: i >= 0 && (runs?.fates[i] ?? null) !== null };
  });
}

export type FateFilter = 'all' | 'fixed' | 'broken' | 'never-solved';

export interface ExplorerFilter {
  fate: FateFilter;
  /** Only problems where some run's first error had this label; null for any. */
  errorType: string | null;
  /** Case-insensitive substring of the problem id. */
  search: string;
}

export function filterProblems(rows: readonly ProblemSummary[], filter: ExplorerFilter): ProblemSummary[] {
  const needle = filter.search.trim().toLowerCase();
  return rows.filter((row) => {
    if (needle && !row.problemId.toLowerCase().includes(needle)) return false;
    if (filter.errorType !== null && !row.firstErrors.includes(filter.errorType)) return false;
    switch (filter.fate) {
      case 'all':
        return true;
      case 'never-solved':
        // A problem with no verdict in any run was never judged, not never solved.
        return row.fates.length > 0 && !row.solvedByAny;
      case 'fixed':
      case 'broken':
        return row.fates.includes(filter.fate);
    }
  });
}

/** Every first-error label that occurs, sorted, for the filter's menu. */
export function errorTypesOf(rows: readonly ProblemSummary[]): string[] {
  return [...new Set(rows.flatMap((r) => r.firstErrors))].sort();
}

/** One version of the code in a trajectory, with what produced it and how it ran. */
export interface CodeVersion {
  attempt: number;
  execution: ExecuteStep;
  /** The model calls between the previous execution and this one (analysis, refinement…), in order. */
  modelSteps: ModelStep[];
  /** Diff to the previous version; null for the first. */
  diff: CodeDiff | null;
}

/** A run's steps as versions of the code: the explorer's timeline. */
export function codeVersions(steps: readonly Step[]): CodeVersion[] {
  const versions: CodeVersion[] = [];
  let pending: ModelStep[] = [];
  let previous: string | null = null;
  for (const step of steps) {
    if (step.kind !== 'execute') {
      pending.push(step);
      continue;
    }
    versions.push({
      attempt: step.attempt,
      execution: step,
      modelSteps: pending,
      diff: previous === null ? null : codeDiff(previous, step.code),
    });
    pending = [];
    previous = step.code;
  }
  return versions;
}

/** Model calls after the last execution (a run the time cap cut short, or one that stopped without a verdict). */
export function trailingModelSteps(steps: readonly Step[]): ModelStep[] {
  const lastExec = steps.findLastIndex((s) => s.kind === 'execute');
  return steps.slice(lastExec + 1).filter((s): s is ModelStep => s.kind !== 'execute');
}
