/**
 * What the store keeps about a finished unit besides its steps: how its trajectory ended, or why
 * it could not be run. Plain data, so it goes into IndexedDB and result files as is.
 */
import type { Trajectory } from '../pipeline/trajectory.ts';

/** A trajectory without its steps (the store keeps those one by one), plus how many there are. */
export type TrajectorySummary = Omit<Trajectory, 'steps'> & { stepCount: number };

export type UnitResult =
  /** The pipeline ran to a verdict (passed, failed, or cut by the time cap). */
  | { status: 'finished'; trajectory: TrajectorySummary }
  /**
   * The unit could not be run: its model kept failing (engine or network errors) through every
   * retry. Not a failed verdict: it is reported apart and left out of pass rates.
   */
  | { status: 'errored'; message: string; attempts: number; stepCount: number };

export interface FinishedUnit {
  unitId: string;
  armId: string;
  repeat: number;
  problemId: string;
  result: UnitResult;
}

export function summarizeTrajectory(trajectory: Trajectory): TrajectorySummary {
  const { steps, ...rest } = trajectory;
  return { ...rest, stepCount: steps.length };
}

/** Dropping steps of a finished unit would silently change its result: a bug in the caller. */
export function finishedUnitUntouchable(unitId: string): Error {
  return new Error(`Unit ${unitId} is finished; its steps cannot be dropped.`);
}
