/**
 * Assembling a result file from plain data: the study config, its units and where it ran.
 * `resultUnitsFromStore` turns what a StudyStore holds (steps one by one, finished-unit records)
 * into units, so a file can be written at any moment of a study, finished or not.
 */
import type { StoredStudy } from '../ports.ts';
import type { Step } from '../pipeline/trajectory.ts';
import type { StudyConfig } from '../study/config.ts';
import { parseUnitId } from '../study/work-plan.ts';
import { configHash } from './config-hash.ts';
import { RESULT_FILE_FORMAT, RESULT_FILE_VERSION, type ResultEnvironment, type ResultFile, type ResultUnit } from './result-file.ts';

export async function buildResultFile(config: StudyConfig, units: readonly ResultUnit[], environment: ResultEnvironment): Promise<ResultFile> {
  return {
    format: RESULT_FILE_FORMAT,
    version: RESULT_FILE_VERSION,
    appVersion: environment.appVersion,
    configHash: await configHash(config),
    config,
    environments: [environment],
    units: sortUnits(config, units),
  };
}

/** Units in the file's order: arm (as configured), repeat, then problem (as configured). */
export function sortUnits(config: Pick<StudyConfig, 'arms' | 'problemIds'>, units: readonly ResultUnit[]): ResultUnit[] {
  const armOrder = new Map(config.arms.map((arm, i) => [arm.id, i]));
  const problemOrder = new Map(config.problemIds.map((id, i) => [id, i]));
  const rank = (map: Map<string, number>, key: string) => map.get(key) ?? Number.MAX_SAFE_INTEGER;
  return [...units].sort(
    (a, b) =>
      rank(armOrder, a.armId) - rank(armOrder, b.armId) ||
      a.repeat - b.repeat ||
      rank(problemOrder, a.problemId) - rank(problemOrder, b.problemId),
  );
}

/**
 * The units a store holds: one per finished record, plus one `unfinished` unit for steps with no
 * finished record yet (or with an errored record older than its steps: a retry cut short). Throws if a finished record's step count disagrees with the stored steps,
 * which would be a bug in the runner or the store, not something a user can fix.
 */
export function resultUnitsFromStore(stored: Pick<StoredStudy, 'steps' | 'finished'>): ResultUnit[] {
  const stepsByUnit = new Map<string, Step[]>();
  for (const { unitId, step } of stored.steps) {
    const list = stepsByUnit.get(unitId);
    if (list) list.push(step);
    else stepsByUnit.set(unitId, [step]);
  }
  for (const list of stepsByUnit.values()) list.sort((a, b) => a.index - b.index);

  const units: ResultUnit[] = [];
  const done = new Set<string>();
  for (const record of stored.finished) {
    const steps = stepsByUnit.get(record.unitId) ?? [];
    const key = { armId: record.armId, repeat: record.repeat, problemId: record.problemId };
    const { result } = record;
    // An errored unit being run again (a resume) stores new steps before it gets a new record:
    // until then it is unfinished, with every step, not errored with a count that no longer holds.
    if (result.status === 'errored' && steps.length > result.stepCount) continue;
    done.add(record.unitId);
    const expected = result.status === 'finished' ? result.trajectory.stepCount : result.stepCount;
    if (expected !== steps.length) {
      throw new Error(`Unit ${record.unitId} is recorded with ${expected} steps but the store holds ${steps.length}.`);
    }
    if (result.status === 'finished') {
      const { stepCount: _stepCount, ...trajectory } = result.trajectory;
      units.push({ ...key, status: 'finished', trajectory: { ...trajectory, steps } });
    } else {
      units.push({ ...key, status: 'errored', message: result.message, attempts: result.attempts, steps });
    }
  }
  for (const [unitId, steps] of stepsByUnit) {
    if (done.has(unitId)) continue;
    const key = parseUnitId(unitId);
    if (!key) throw new Error(`The store holds steps under "${unitId}", which is not a unit id (arm/repeat/problem).`);
    units.push({ ...key, status: 'unfinished', steps });
  }
  return units;
}
