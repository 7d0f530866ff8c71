/**
 * Pass counts per arm, the way the study reports them: passed per repeat, and mean ± SD over
 * repeats (Table 1: "94.0 ± 2.7" of 164). Also the one-line form the command line prints,
 * `ARM: N/M passed`, which scripts and tests read.
 */
import { summarize, type Summary } from '../stats/summary.ts';
import type { StudyConfig } from './config.ts';
import type { FinishedUnit } from './unit-record.ts';

export interface ArmSummary {
  armId: string;
  label: string;
  /** Problems per repeat. */
  problems: number;
  repeats: number;
  /** Passed in each repeat (index = repeat). */
  passedPerRepeat: number[];
  /** Units whose model kept failing, per repeat: not passed, and not a verdict either. */
  erroredPerRepeat: number[];
  /** Units finished (errored included), per repeat. */
  donePerRepeat: number[];
  passed: number;
  errored: number;
  /** Units the study plans for this arm (repeats × problems). */
  planned: number;
  /**
   * Mean ± SD of passes over the repeats that judged every unit; null when none did. A repeat with
   * an errored unit is left out, as on the Results page: its missing verdict is not a failure.
   */
  perRepeat: Summary | null;
}

export function summarizeArms(config: Pick<StudyConfig, 'arms' | 'repeats' | 'problemIds'>, finished: readonly FinishedUnit[]): ArmSummary[] {
  const problems = config.problemIds.length;
  return config.arms.map((arm) => {
    const zeros = () => Array.from({ length: config.repeats }, () => 0);
    const passedPerRepeat = zeros();
    const erroredPerRepeat = zeros();
    const donePerRepeat = zeros();
    const seen = new Set<string>();
    for (const unit of finished) {
      if (unit.armId !== arm.id || unit.repeat < 0 || unit.repeat >= config.repeats || seen.has(unit.unitId)) continue;
      seen.add(unit.unitId);
      donePerRepeat[unit.repeat]!++;
      if (unit.result.status === 'errored') erroredPerRepeat[unit.repeat]!++;
      else if (unit.result.trajectory.passed) passedPerRepeat[unit.repeat]!++;
    }
    const complete = passedPerRepeat.filter((_, r) => donePerRepeat[r] === problems && erroredPerRepeat[r] === 0);
    return {
      armId: arm.id,
      label: arm.label,
      problems,
      repeats: config.repeats,
      passedPerRepeat,
      erroredPerRepeat,
      donePerRepeat,
      passed: sum(passedPerRepeat),
      errored: sum(erroredPerRepeat),
      planned: problems * config.repeats,
      perRepeat: complete.length > 0 ? summarize(complete) : null,
    };
  });
}

/**
 * `ARM: N/M passed`, M being every unit the arm plans; then, where they apply, the passes per
 * repeat with their mean ± SD, errored units and units not run. For example
 * `llama-self-refine: 470/820 passed (per repeat 97, 92, 95, 91, 95; mean 94.0 ± 2.5 of 164)`.
 * A repeat missing verdicts is written as the Results page writes it but without its brackets,
 * which would nest in this line's own, `2 passed of 4 scored`; one without any as `–`; the mean is over the whole repeats only, and says so when some are not.
 */
export function armLine(arm: ArmSummary): string {
  const notes: string[] = [];
  if (arm.repeats > 1) {
    const verdicts = (r: number) => arm.donePerRepeat[r]! - arm.erroredPerRepeat[r]!;
    const perRepeat = arm.passedPerRepeat.map((passed, r) => {
      if (verdicts(r) === arm.problems) return String(passed);
      return verdicts(r) === 0 ? '–' : `${passed} passed of ${verdicts(r)} scored`;
    });
    const whole = arm.perRepeat?.n ?? 0;
    const over = whole < arm.repeats ? ` over ${whole === 1 ? 'the 1 whole repeat' : `the ${whole} whole repeats`}` : '';
    const stats = arm.perRepeat
      ? `; mean ${arm.perRepeat.mean.toFixed(1)}${arm.perRepeat.sd !== null ? ` ± ${arm.perRepeat.sd.toFixed(1)}` : ''} of ${arm.problems}${over}`
      : '';
    notes.push(`per repeat ${perRepeat.join(', ')}${stats}`);
  }
  if (arm.errored > 0) notes.push(`${arm.errored} errored`);
  const notRun = arm.planned - sum(arm.donePerRepeat);
  if (notRun > 0) notes.push(`${notRun} not run`);
  return `${arm.armId}: ${arm.passed}/${arm.planned} passed${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
