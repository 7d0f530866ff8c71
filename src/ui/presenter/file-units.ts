/**
 * A result file as the presenter replays from it: its config, its finished units listed with a
 * one-line story each, and one unit's trajectory fetched when a show is built. A file the Results
 * page holds stays in that page's worker: only the list crosses to the page, and then one unit.
 */
import { isolateForDisplay } from '../../core/control-characters.ts';
import type { ResultFile, ResultUnit } from '../../core/results/result-file.ts';
import type { StudyConfig } from '../../core/study/config.ts';

/** One finished unit of an opened result file, as the picker lists it. */
export interface FileUnitChoice {
  key: string;
  armId: string;
  armLabel: string;
  repeat: number;
  problemId: string;
  /** `NameError → AssertionError → passed`: what the loop went through, to find a good one to show. */
  story: string;
  passed: boolean;
}

export type FinishedUnit = Extract<ResultUnit, { status: 'finished' }>;

export interface ReplayableFile {
  fileName: string;
  config: StudyConfig;
  units: FileUnitChoice[];
  /** The finished unit a choice's key names; undefined when the file has none. */
  unit(key: string): Promise<FinishedUnit | undefined>;
  /** The file as it was picked, when at hand: the presenter keeps it so a reload finds it. */
  source?: Blob;
}

/** A file at hand (read here) as one to replay from. */
export function replayableFile(fileName: string, doc: ResultFile, source?: Blob): ReplayableFile {
  return { fileName, config: doc.config, units: finishedUnits(doc), unit: async (key) => finishedUnit(doc, key), ...(source ? { source } : {}) };
}

export function finishedUnit(doc: ResultFile, key: string): FinishedUnit | undefined {
  return doc.units.find((u): u is FinishedUnit => u.status === 'finished' && unitChoiceKey(u) === key);
}

/**
 * Where a replay from a file comes from, as the toolbar prints it after the pipeline's name. The
 * arm's label is left out when it is that name (the usual case): the header would name the arm
 * twice and wrap to a second line. A renamed arm keeps its label, the name the study gave it.
 */
export function fileSourceLabel(fileName: string, armLabel: string, pipelineName: string, repeat: number): string {
  const arm = armLabel.trim() === pipelineName.trim() ? [] : [armLabel];
  // Names from files: a U+202E in one reversed the rest of the header ("live 1 taeper"; R170-4).
  return [fileName, ...arm].map(isolateForDisplay).concat(`repeat ${repeat + 1}`).join(' · ');
}

/**
 * What the picker's label says of the file: how many units it lists and, when the study has
 * others (errored, stopped, never run), that they are left out: a user looking for one learns why
 * it is not there. Counted from the config, so a file held by the Results page's worker needs no more.
 */
export function unitsListedText(file: Pick<ReplayableFile, 'fileName' | 'config' | 'units'>): string {
  const listed = `${file.units.length} finished in ${file.fileName}`;
  const others = file.config.arms.length * file.config.problemIds.length * file.config.repeats - file.units.length;
  return others > 0 ? `${listed}; ${others} errored, unfinished or never run, with no run to replay, not listed` : listed;
}

export function unitChoiceKey(unit: { armId: string; repeat: number; problemId: string }): string {
  return JSON.stringify([unit.armId, unit.repeat, unit.problemId]);
}

/** Finished units with a one-line story each: the error types the loop went through, then the verdict. */
export function finishedUnits(doc: ResultFile): FileUnitChoice[] {
  const labels = new Map(doc.config.arms.map((a) => [a.id, a.label]));
  return doc.units.flatMap((unit) => {
    if (unit.status !== 'finished') return [];
    const outcomes = unit.trajectory.steps.flatMap((s) =>
      s.kind === 'execute' ? [s.outcome.kind === 'failed' ? s.outcome.errorType : s.outcome.kind === 'timed-out' ? 'timeout' : 'passed'] : [],
    );
    return [
      {
        key: unitChoiceKey(unit),
        armId: unit.armId,
        armLabel: labels.get(unit.armId) ?? unit.armId,
        repeat: unit.repeat,
        problemId: unit.problemId,
        story: outcomes.join(' → ') || 'no run',
        passed: unit.trajectory.passed,
      },
    ];
  });
}
