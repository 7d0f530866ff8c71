/**
 * Problem-runs that the time cap per problem ended, counted per arm, and what to say about them.
 * The cap (the study's 120 s) holds a problem's model replies and code runs together: a run it
 * ends counts as failed, as the study counted it, and the result file records it truthfully
 * (`stopReason: "time-cap"`). But a pass count, or a unit listed under its last error type, does
 * not tell the cap from the model, and on a slow machine many problems can end this way. So
 * wherever the replies cut at their token cap are named (cut-replies.ts: the end of
 * `feedback-lab run`, `feedback-lab report`, the Study page and the Results page), these
 * sentences stand beside them.
 */
import type { StopReason } from '../pipeline/trajectory.ts';
import type { LoadedStudies } from './result-file-study.ts';
import { armTrajectories } from './study-runs.ts';

export interface TimeCapped {
  /** Problem-runs with a verdict (a unit whose model kept failing has none and is not one). */
  runs: number;
  /** Of those, the ones the time cap ended. */
  capped: number;
}

export interface ArmTimeCapped {
  label: string;
  counts: TimeCapped;
  /** The cap per problem the arm ran with (its study's `limits.problemTimeCapMs`); null when not known. */
  capMs: number | null;
}

export function noTimeCapped(): TimeCapped {
  return { runs: 0, capped: 0 };
}

/** Adds one problem-run, by how it stopped, to `counts`; returns `counts`. */
export function countTimeCapped(counts: TimeCapped, stopReason: StopReason): TimeCapped {
  counts.runs++;
  if (stopReason === 'time-cap') counts.capped++;
  return counts;
}

/**
 * Every arm's problem-runs over its finished trajectories, as the Results page and `feedback-lab
 * report` read them, each with the cap its own study recorded: studies side by side may have run
 * with different caps, and the shards of one study merge only with the same config, so one cap.
 */
export function armTimeCapped({ study, origins }: Pick<LoadedStudies, 'study' | 'origins'>): ArmTimeCapped[] {
  return study.arms.map((arm) => {
    const counts = noTimeCapped();
    for (const trajectory of armTrajectories(study, arm)) countTimeCapped(counts, trajectory.stopReason);
    return { label: arm.label, counts, capMs: origins.get(arm.id)?.config.limits.problemTimeCapMs ?? null };
  });
}

/** What the counting reads of a stored unit's record (core/study/unit-record.ts). */
interface UnitEnd {
  unitId: string;
  armId: string;
  result: { status: 'errored' } | { status: 'finished'; trajectory: { stopReason: StopReason } };
}

/**
 * Counts of a study's stored units, in the arms' order under the names given (the command line
 * names arms by id, as its pass lines do). A unit recorded twice (a resume's store holds each
 * once, but a unit is never counted twice) counts once; errored units are no problem-runs.
 */
export function timeCappedByArm(arms: readonly { id: string; name: string }[], capMs: number, units: Iterable<UnitEnd>): ArmTimeCapped[] {
  const counts = new Map(arms.map((arm) => [arm.id, noTimeCapped()] as const));
  const seen = new Set<string>();
  for (const unit of units) {
    const armCounts = counts.get(unit.armId);
    if (!armCounts || seen.has(unit.unitId) || unit.result.status !== 'finished') continue;
    seen.add(unit.unitId);
    countTimeCapped(armCounts, unit.result.trajectory.stopReason);
  }
  return arms.map((arm) => ({ label: arm.name, counts: counts.get(arm.id)!, capMs }));
}

/**
 * One sentence per arm with problem-runs the cap ended, then one saying what the cap holds;
 * nothing when it ended none. For example `llama-self-refine: 1 of its 30 problem-runs was ended
 * by the 120-s time cap per problem (counted as failed, as the study did).`
 */
export function timeCapNotes(arms: readonly ArmTimeCapped[]): string[] {
  const capped = arms.filter((arm) => arm.counts.capped > 0);
  if (capped.length === 0) return [];
  return [...capped.map(armSentence), CAP_ADVICE];
}

function armSentence({ label, counts, capMs }: ArmTimeCapped): string {
  const n = (count: number) => count.toLocaleString('en');
  const { runs, capped } = counts;
  let which: string;
  if (runs === 1) which = 'its only problem-run was';
  else if (capped < runs) which = `${n(capped)} of its ${n(runs)} problem-runs ${capped === 1 ? 'was' : 'were'}`;
  else which = runs === 2 ? 'both its problem-runs were' : `all ${n(runs)} of its problem-runs were`;
  const cap = capMs === null ? 'the time cap' : `the ${capText(capMs)} time cap`;
  return `${label}: ${which} ended by ${cap} per problem (counted as failed, as the study did).`;
}

/** `120-s`, `1.5-s`; under a second (a test's cap), `20-ms`. */
function capText(ms: number): string {
  return ms < 1000 ? `${ms}-ms` : `${ms / 1000}-s`;
}

/** Said once after the arms: why a slow machine meets the cap more often, and where it is set. */
const CAP_ADVICE =
  "The cap holds a problem's model replies and code runs together, so a machine slower than the study's ends more problems this way; " +
  'a draft file for feedback-lab run --study sets another cap in its limits.problemTimeCapMs, which departs from the study.';
