/**
 * Checks across fields that a schema cannot express: every unit names an arm, a repeat and a
 * problem of the study, appears once, and its trajectory agrees with it. A merge or a replay
 * trusts these, so import refuses a file that breaks them.
 */
import type { Step } from '../pipeline/trajectory.ts';
import { unitKey, unitSteps, type ResultFile } from './result-file.ts';

/** Every problem found, each starting with its field path. */
export function checkUnits(doc: ResultFile): string[] {
  const problems: string[] = [];
  const arms = new Map(doc.config.arms.map((arm) => [arm.id, arm]));
  const problemIds = new Set(doc.config.problemIds);
  const seen = new Map<string, number>();
  doc.units.forEach((unit, i) => {
    const at = `units[${i}]`;
    const arm = arms.get(unit.armId);
    if (!arm) problems.push(`${at}.armId: "${unit.armId}" is not an arm of the study (${[...arms.keys()].join(', ')}).`);
    if (!problemIds.has(unit.problemId)) problems.push(`${at}.problemId: "${unit.problemId}" is not among config.problemIds.`);
    if (unit.repeat >= doc.config.repeats) {
      problems.push(`${at}.repeat: ${unit.repeat} is past the study's ${doc.config.repeats} repeats (they count from 0).`);
    }
    const key = unitKey(unit);
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${at}: the same arm, repeat and problem as units[${first}].`);
    else seen.set(key, i);

    if (unit.status === 'finished') {
      const t = unit.trajectory;
      if (t.problemId !== unit.problemId) problems.push(`${at}.trajectory.problemId: "${t.problemId}" differs from the unit's "${unit.problemId}".`);
      if (t.repeat !== null && t.repeat !== unit.repeat) problems.push(`${at}.trajectory.repeat: ${t.repeat} differs from the unit's ${unit.repeat}.`);
      if (arm && t.pipelineId !== arm.pipeline.id) {
        problems.push(`${at}.trajectory.pipelineId: "${t.pipelineId}" is not the pipeline of arm "${arm.id}" ("${arm.pipeline.id}").`);
      }
      if (t.mode !== doc.config.mode) problems.push(`${at}.trajectory.mode: "${t.mode}" differs from the study's "${doc.config.mode}".`);
      // Pass rates count `passed`; the interpreter sets it from the verdict and the stop reason,
      // so a file where they disagree (edited, or written by another program) would be counted wrong.
      const verdictPassed = t.stopReason !== 'time-cap' && t.verdict?.kind === 'passed';
      if (t.passed !== verdictPassed) {
        problems.push(
          `${at}.trajectory.passed: ${t.passed} disagrees with its verdict (${t.verdict?.kind ?? 'none'}${t.stopReason === 'time-cap' ? ', cut by the time cap' : ''}), which makes it ${verdictPassed}.`,
        );
      }
    }
    const misplaced = firstMisnumberedStep(unitSteps(unit));
    if (misplaced !== null) {
      const list = unit.status === 'finished' ? 'trajectory.steps' : 'steps';
      problems.push(`${at}.${list}[${misplaced}].index: steps must be numbered 0, 1, 2… in order.`);
    }
  });
  return problems;
}

function firstMisnumberedStep(steps: readonly Step[]): number | null {
  const k = steps.findIndex((step, i) => step.index !== i);
  return k === -1 ? null : k;
}
