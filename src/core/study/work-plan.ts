/**
 * The units of a study: one unit is one arm's pipeline run once (one repeat) over one problem.
 * The order interleaves arms within each problem and finishes a repeat before the next begins,
 * so a study stopped at any point has run every arm on (nearly) the same problems the same
 * number of times: partial results compare arms fairly instead of showing arm A complete and
 * arm C untouched.
 */
import type { StudyConfig } from './config.ts';

export interface StudyUnit {
  /** `arm/repeat/problemId`, e.g. `self-refine/0/HumanEval/12`; the store's key for the unit. */
  id: string;
  armId: string;
  /** Position of the arm in `config.arms`. */
  armIndex: number;
  /** 0-based repeat. */
  repeat: number;
  problemId: string;
  /** Position in the plan, from 0: units start in this order. */
  order: number;
}

/** The id of a unit. Arm ids hold no `/` and repeats are numbers, so the id reads back unambiguously. */
export function unitId(armId: string, repeat: number, problemId: string): string {
  return `${armId}/${repeat}/${problemId}`;
}

/** The parts of a unit id, or null when it is not one. */
export function parseUnitId(id: string): { armId: string; repeat: number; problemId: string } | null {
  const match = /^([^/]+)\/(\d+)\/(.+)$/.exec(id);
  if (!match) return null;
  return { armId: match[1] as string, repeat: Number(match[2]), problemId: match[3] as string };
}

/** Every unit of the study in run order: repeat, then problem, then arm. */
export function workPlan(config: Pick<StudyConfig, 'arms' | 'repeats' | 'problemIds'>): StudyUnit[] {
  const units: StudyUnit[] = [];
  for (let repeat = 0; repeat < config.repeats; repeat++) {
    for (const problemId of config.problemIds) {
      config.arms.forEach((arm, armIndex) => {
        units.push({ id: unitId(arm.id, repeat, problemId), armId: arm.id, armIndex, repeat, problemId, order: units.length });
      });
    }
  }
  return units;
}
