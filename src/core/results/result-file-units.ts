/**
 * Checks across fields that a schema cannot express: every unit names an arm, a repeat and a
 * problem of the study, appears once, and its trajectory agrees with it and with its own steps.
 * A merge, a replay and every pass rate trust these, so import refuses a file that breaks them.
 */
import type { Pipeline } from '../pipeline/genome.ts';
import type { ExecuteStep, Step, Trajectory } from '../pipeline/trajectory.ts';
import { canonicalJson } from './canonical-json.ts';
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

    const list = unit.status === 'finished' ? `${at}.trajectory.steps` : `${at}.steps`;
    if (unit.status === 'finished') {
      const t = unit.trajectory;
      if (t.problemId !== unit.problemId) problems.push(`${at}.trajectory.problemId: "${t.problemId}" differs from the unit's "${unit.problemId}".`);
      if (t.repeat !== null && t.repeat !== unit.repeat) problems.push(`${at}.trajectory.repeat: ${t.repeat} differs from the unit's ${unit.repeat}.`);
      if (arm && t.pipelineId !== arm.pipeline.id) {
        problems.push(`${at}.trajectory.pipelineId: "${t.pipelineId}" is not the pipeline of arm "${arm.id}" ("${arm.pipeline.id}").`);
      }
      if (t.mode !== doc.config.mode) problems.push(`${at}.trajectory.mode: "${t.mode}" differs from the study's "${doc.config.mode}".`);
      // Pass rates count `passed`, which the interpreter takes from the deciding execution: a
      // verdict that is not that step's outcome (edited, or written by another program) would be
      // counted as the file says, not as the code ran.
      if (arm) {
        const verdictProblem = verdictDisagreement(t, arm.pipeline.kind, list);
        if (verdictProblem) problems.push(`${at}.trajectory.verdict: ${verdictProblem}`);
      }
      const verdictPassed = t.stopReason !== 'time-cap' && t.verdict?.kind === 'passed';
      if (t.passed !== verdictPassed) {
        problems.push(
          `${at}.trajectory.passed: ${t.passed} disagrees with its verdict (${t.verdict?.kind ?? 'none'}${t.stopReason === 'time-cap' ? ', cut by the time cap' : ''}), which makes it ${verdictPassed}.`,
        );
      }
    }
    const steps = unitSteps(unit);
    const misplaced = firstMisnumberedStep(steps);
    if (misplaced !== null) problems.push(`${list}[${misplaced}].index: steps must be numbered 0, 1, 2… in order.`);
    problems.push(...stepProblems(steps, doc, list));
  });
  return problems;
}

/**
 * Steps that claim another study: a model key the config binds to no model (its replies cannot
 * be told apart from another model's), or code run in another harness mode than the study's.
 */
function stepProblems(steps: readonly Step[], doc: ResultFile, list: string): string[] {
  const problems: string[] = [];
  const keys = Object.keys(doc.config.models);
  steps.forEach((step, k) => {
    if (step.kind === 'execute') {
      if (step.mode !== doc.config.mode) problems.push(`${list}[${k}].mode: "${step.mode}" differs from the study's "${doc.config.mode}".`);
    } else if (!Object.hasOwn(doc.config.models, step.modelKey)) {
      problems.push(`${list}[${k}].modelKey: "${step.modelKey}" is bound to no model in config.models (${keys.join(', ') || 'none'}).`);
    }
  });
  return problems;
}

/**
 * Why the trajectory's verdict is not its deciding execution's outcome, or null when it is. The
 * deciding execution is the last one; a resample's is its first pass, unless the time cap ended
 * it (interpret.ts decides the same way).
 */
function verdictDisagreement(t: Trajectory, kind: Pipeline['kind'], list: string): string | null {
  const executions = t.steps.flatMap((step, k) => (step.kind === 'execute' ? [{ step, k }] : []));
  const last = executions[executions.length - 1];
  const firstPass = executions.find(({ step }) => step.outcome.kind === 'passed');
  const deciding = kind === 'resample' && t.stopReason !== 'time-cap' ? (firstPass ?? last) : last;
  if (!deciding) return t.verdict === null ? null : `${t.verdict.kind}, but no step ran the code (a verdict is the deciding execution's outcome).`;
  if (t.verdict === null) return `null, but ${list}[${deciding.k}] ran the code (${describeOutcome(deciding.step)}).`;
  if (canonicalJson(t.verdict) === canonicalJson(deciding.step.outcome)) return null;
  const ended = t.verdict.kind === deciding.step.outcome.kind ? `${describeOutcome(deciding.step)} with other details` : describeOutcome(deciding.step);
  return `${t.verdict.kind}, but the deciding execution, ${list}[${deciding.k}], ended ${ended}; a verdict is that step's outcome.`;
}

function describeOutcome(step: ExecuteStep): string {
  return step.outcome.kind === 'failed' ? `failed with ${step.outcome.errorType}` : step.outcome.kind;
}

function firstMisnumberedStep(steps: readonly Step[]): number | null {
  const k = steps.findIndex((step, i) => step.index !== i);
  return k === -1 ? null : k;
}
