/**
 * What every analysis reads: a study's trajectories grouped by arm and repeat, keyed by
 * problem. A result file holds exactly this (units of arm × repeat × problem); so does a study
 * in the store. Units that never reached a verdict (the model kept failing, or the study was
 * stopped) are not trajectories: they are counted as missing, never as failures.
 */
import type { Outcome } from '../harness/outcome.ts';
import type { ExecuteStep, Trajectory } from '../pipeline/trajectory.ts';
import { isExecuteStep } from '../pipeline/trajectory.ts';

export interface AnalysisArm {
  id: string;
  label: string;
  /** Every iteration ran even after a pass: the iteration tables apply. */
  forcedIterations: boolean;
  /** Versions of the code the arm's pipeline can write (see ArmSpec.plannedAttempts). */
  plannedAttempts?: number;
  /**
   * The runs that reached at least one verdict, in repeat order: runs[i] maps problem id →
   * trajectory. A repeat with no verdict at all (never started, or every unit errored) is not a
   * run of zero passes, so it is left out; `plannedRuns` says how many were meant.
   */
  runs: ReadonlyMap<string, Trajectory>[];
  /** The repeat (0-based) each of `runs` is, so two arms' runs pair by repeat when one lacks some. */
  runRepeats: number[];
  plannedRuns: number;
  /**
   * Problems of the arm's own study: a run with fewer verdicts is partial (stopped, errored or
   * in a shard not loaded). Arms of studies shown side by side may have different counts.
   */
  problemCount: number;
  /** Those problems' ids: arms of studies side by side compare pass counts only over the same problems. */
  problemIds: readonly string[];
  /** Which of the studies side by side the arm belongs to (0 for the first; absent with one study). */
  studyIndex?: number;
}

export interface AnalysisStudy {
  name: string;
  /** All problem ids of the study, in its order (some may lack a verdict in some runs). */
  problemIds: string[];
  arms: AnalysisArm[];
}

export interface ArmSpec {
  id: string;
  label: string;
  forcedIterations: boolean;
  /**
   * Versions of the code the arm's pipeline can write: the generator's and one per refinement
   * iteration (1 + 3 for self-refine). The iteration figures and tables run to the last of them
   * even when no run got that far (all solved sooner, or cut by the time cap), where the runs'
   * own lengths would end the line early and print "–" for a count that is known. Absent: the
   * runs' lengths alone.
   */
  plannedAttempts?: number;
}

export interface PlacedTrajectory {
  armId: string;
  /** 0-based. */
  repeat: number;
  trajectory: Trajectory;
}

/** Groups finished trajectories by arm and repeat; `repeats` is how many runs each arm was meant to have. */
export function groupTrajectories(
  name: string,
  problemIds: readonly string[],
  arms: readonly ArmSpec[],
  repeats: number,
  placed: readonly PlacedTrajectory[],
): AnalysisStudy {
  const byArm = new Map(
    arms.map((arm) => [arm.id, Array.from({ length: repeats }, () => new Map<string, Trajectory>())] as const),
  );
  for (const { armId, repeat, trajectory } of placed) {
    const runs = byArm.get(armId);
    if (runs === undefined) throw new RangeError(`A trajectory names the arm "${armId}", which the study does not have.`);
    const run = runs[repeat];
    if (run === undefined) throw new RangeError(`A trajectory of "${armId}" is in repeat ${repeat + 1}, beyond the ${repeats} repeats.`);
    run.set(trajectory.problemId, trajectory);
  }
  return {
    name,
    problemIds: [...problemIds],
    arms: arms.map((arm) => {
      const all = byArm.get(arm.id) ?? [];
      const runRepeats = all.flatMap((run, repeat) => (run.size > 0 ? [repeat] : []));
      return {
        ...arm,
        runs: runRepeats.map((repeat) => all[repeat]!),
        runRepeats,
        plannedRuns: repeats,
        problemCount: problemIds.length,
        problemIds: [...problemIds],
      };
    }),
  };
}

/**
 * The verdict of each version of the code, in order: index k is attempt k (0 = the generator's
 * code, k = after k refinements). When an attempt was executed twice, the later run counts.
 */
export function attemptExecutions(trajectory: Trajectory): ExecuteStep[] {
  const byAttempt: ExecuteStep[] = [];
  for (const step of trajectory.steps) if (isExecuteStep(step)) byAttempt[step.attempt] = step;
  return byAttempt.filter((s): s is ExecuteStep => s !== undefined);
}

/** How error types are labelled in the taxonomy tables. */
export type ErrorLabelling = 'exception' | 'study';

/**
 * The label of a failed outcome: the exception class name, or the study's own family (its
 * harness logged a bare AssertionError as "None"; see reproduce/study-error-category.ts for the
 * folding), with timeouts named as the study named them.
 */
export function errorLabel(outcome: Outcome, labelling: ErrorLabelling, fold: (t: string | null) => string): string | null {
  switch (outcome.kind) {
    case 'passed':
      return null;
    case 'timed-out':
      return labelling === 'study' ? fold('TimeoutError') : 'Timeout';
    case 'failed':
      return labelling === 'study' ? fold(outcome.studyErrorType) : outcome.errorType;
    default:
      return assertNever(outcome);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected outcome ${JSON.stringify(value)}.`);
}

/** Problems with a verdict in every run of every given arm, in study order: what paired tests align on. */
export function commonProblems(study: AnalysisStudy, arms: readonly AnalysisArm[]): string[] {
  return study.problemIds.filter((id) => arms.every((arm) => arm.runs.every((run) => run.has(id))));
}

/** Passes in one run. */
export function runPasses(run: ReadonlyMap<string, Trajectory>): number {
  let passes = 0;
  for (const t of run.values()) if (t.passed) passes++;
  return passes;
}

/** Share of the arm's runs that solved the problem, over the runs that reached a verdict on it. */
export function shareSolved(arm: AnalysisArm, problemId: string): number | null {
  let finished = 0;
  let passed = 0;
  for (const run of arm.runs) {
    const t = run.get(problemId);
    if (t === undefined) continue;
    finished++;
    if (t.passed) passed++;
  }
  return finished === 0 ? null : passed / finished;
}

/** Every finished trajectory of the arm, repeat by repeat, in study problem order. */
export function armTrajectories(study: AnalysisStudy, arm: AnalysisArm): Trajectory[] {
  return arm.runs.flatMap((run) => study.problemIds.flatMap((id) => run.get(id) ?? []));
}
