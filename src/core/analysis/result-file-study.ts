/**
 * Result files (one or more) as the analysis input. Shards of one study (same id and config
 * hash) are merged by the results module's own rules; different studies stand side by side,
 * their arms labelled with the study's name so two "solo" arms stay apart.
 */
import { maxModelCalls } from '../pipeline/genome.ts';
import { configDifference, mergeResultFiles } from '../results/result-file-merge.ts';
import { unitKey, unitSteps, type ResultFile, type ResultServedModel } from '../results/result-file.ts';
import { servedModelSentence, servedModelsOf } from '../results/served-model-text.ts';
import type { StudyArm, StudyConfig } from '../study/config.ts';
import { groupTrajectories, type AnalysisArm, type AnalysisStudy } from './study-runs.ts';

export interface NamedResultFile {
  fileName: string;
  doc: ResultFile;
}

/** Where an analysis arm came from: its study's config and the arm as that config holds it. */
export interface ArmOrigin {
  config: StudyConfig;
  arm: StudyArm;
  /** What the endpoints said about the models the study ran on them (every shard's). */
  servedModels: ResultServedModel[];
}

export interface LoadedStudies {
  study: AnalysisStudy;
  /** One sentence per merge of shards, and per endpoint model as its server described it, for the page to show. */
  notes: string[];
  /** By analysis arm id (which is prefixed when studies stand side by side). */
  origins: ReadonlyMap<string, ArmOrigin>;
}

function fromDoc(doc: ResultFile): AnalysisStudy {
  const placed = doc.units.flatMap((unit) =>
    unit.status === 'finished' ? [{ armId: unit.armId, repeat: unit.repeat, trajectory: unit.trajectory }] : [],
  );
  const arms = doc.config.arms.map((arm) => ({ ...arm, forcedIterations: recordsEveryIteration(arm), plannedAttempts: plannedAttempts(arm) }));
  return groupTrajectories(doc.config.name, doc.config.problemIds, arms, doc.config.repeats, placed);
}

/**
 * Whether every iteration of the arm ran and was recorded, which is what the iteration tables
 * need: the arm's flag, or a refine pipeline with early stopping off (the forced presets, as the
 * Study page and drafts add them, leave the flag false and say it in the pipeline).
 */
export function recordsEveryIteration(arm: StudyArm): boolean {
  // A one-call pipeline flagged forced (a link could say so before links refused it) has no
  // iteration to record: its iteration tables would be empty.
  if (maxModelCalls(arm.pipeline) <= 1) return false;
  return arm.forcedIterations || (arm.pipeline.kind === 'refine' && !arm.pipeline.earlyStopping && arm.pipeline.stages.length > 0);
}

/**
 * Versions of the code a refine pipeline can write: the generator's, then one per iteration of
 * each stage. Other kinds record their versions differently: their runs say how many there are.
 */
function plannedAttempts(arm: StudyArm): number | undefined {
  const { pipeline } = arm;
  return pipeline.kind === 'refine' ? 1 + pipeline.stages.reduce((n, stage) => n + stage.maxIterations, 0) : undefined;
}

/** Groups files by study, merges shards, and lays every study's arms side by side. */
export function studiesFromResultFiles(files: readonly NamedResultFile[]): LoadedStudies {
  const groups = new Map<string, NamedResultFile[]>();
  for (const file of files) {
    const key = `${file.doc.config.id}\u0000${file.doc.configHash}`;
    const list = groups.get(key);
    if (list) list.push(file);
    else groups.set(key, [file]);
  }
  const notes: string[] = [];
  const studies = [...groups.values()].map((all) => {
    // The same file opened twice under two names (a download saved again as "study (1).json")
    // would merge as "30 + 0 from each": say what it is, and count it once.
    const group = all.filter((file, i) => {
      const twin = all.slice(0, i).find((earlier) => sameUnits(earlier.doc, file.doc));
      if (twin) notes.push(`${file.fileName} holds the very same ${twin.doc.units.length.toLocaleString('en')} units as ${twin.fileName} (the same file, opened twice under two names): they are counted once.`);
      return !twin;
    });
    const fileNames = group.map((g) => g.fileName).join(' + ');
    if (group.length === 1) return { study: fromDoc(group[0]!.doc), fileNames };
    const { doc, report } = mergeResultFiles(
      group.map((g) => g.doc),
      { names: group.map((g) => g.fileName) },
    );
    notes.push(`${fileNames}: ${report.summary}`);
    return { study: fromDoc(doc), fileNames };
  });
  notes.push(...unmergedNotes([...groups.values()]));
  const configs = [...groups.values()].map((group) => group[0]!.doc.config);
  const served = [...groups.values()].map((group) => servedModelsOf(group.flatMap((file) => file.doc.environments)));
  // Where a study's endpoint models are described: what ran is part of what the numbers mean.
  for (const [i, reports] of served.entries()) {
    const prefix = groups.size > 1 ? `${configs[i]!.name}: ` : '';
    notes.push(...reports.map((report) => `${prefix}${servedModelSentence(report)}`));
  }
  const originsFor = (prefix: (i: number) => string) =>
    new Map(configs.flatMap((config, i) => config.arms.map((arm) => [`${prefix(i)}${arm.id}`, { config, arm, servedModels: served[i] ?? [] }] as const)));
  if (studies.length === 1) return { study: studies[0]!.study, notes, origins: originsFor(() => '') };

  // Two runs of one study design (a study run twice, or shared by two people) carry the same
  // name: the file names tell their arms apart, since tables, figures and pickers show labels only.
  const nameCounts = new Map<string, number>();
  for (const { study } of studies) nameCounts.set(study.name, (nameCounts.get(study.name) ?? 0) + 1);
  const origin = ({ study, fileNames }: (typeof studies)[number]) =>
    (nameCounts.get(study.name) ?? 0) > 1 ? `${study.name}, ${fileNames}` : study.name;

  const problemIds: string[] = [];
  const seen = new Set<string>();
  for (const { study } of studies) for (const id of study.problemIds) if (!seen.has(id)) (seen.add(id), problemIds.push(id));
  const arms: AnalysisArm[] = studies.flatMap((entry, i) =>
    entry.study.arms.map((arm) => ({ ...arm, id: `${i + 1}:${arm.id}`, label: `${arm.label} (${origin(entry)})`, studyIndex: i })),
  );
  return {
    study: { name: studies.map((s) => s.study.name).join(' + '), problemIds, arms },
    notes,
    origins: originsFor((i) => `${i + 1}:`),
  };
}

/**
 * Whether two files of one study hold the same units: each unit in both, with the same status,
 * verdict and number of steps. Cheaper than comparing 200 MB documents, and a re-export of the
 * same progress is, for the report, the same file.
 */
function sameUnits(a: ResultFile, b: ResultFile): boolean {
  if (a.units.length !== b.units.length) return false;
  const shape = (unit: ResultFile['units'][number]) =>
    `${unit.status}|${unit.status === 'finished' ? String(unit.trajectory.passed) : ''}|${unitSteps(unit).length}`;
  const theirs = new Map(b.units.map((unit) => [unitKey(unit), shape(unit)]));
  return a.units.every((unit) => theirs.get(unitKey(unit)) === shape(unit));
}

/**
 * Why files that look like one study were not merged, one sentence per pair of groups: the same
 * study id run with other settings, or two studies of one name (each start of a study link is
 * its own study). Two people who each ran "half" of a study that way would otherwise see its arms
 * twice with no word of why.
 */
function unmergedNotes(groups: readonly NamedResultFile[][]): string[] {
  const notes: string[] = [];
  const names = (group: readonly NamedResultFile[]) => group.map((g) => g.fileName).join(' + ');
  groups.forEach((group, i) => {
    const a = group[0]!.doc.config;
    for (const other of groups.slice(i + 1)) {
      const b = other[0]!.doc.config;
      if (a.id === b.id) {
        const difference = configDifference(a, b, names(group), names(other));
        notes.push(
          `${names(group)} and ${names(other)} hold the study “${a.name}” run with different settings${difference ? ` (${difference})` : ''}: ` +
            'they are shown side by side, not merged.',
        );
      } else if (a.name === b.name) {
        notes.push(
          `${names(group)} and ${names(other)} are two different studies named “${a.name}” (each start of a study, even from one link, is a study of its own): ` +
            'they are shown side by side, not merged. Only the files of one study merge: one exported, imported in another browser and resumed there.',
        );
      }
    }
  });
  return notes;
}

/**
 * Per problem, the first of the files with a finished run of it: the file the presenter replays
 * it from (shards of one study each hold some problems; a problem no file finished has none).
 */
export function replayFileByProblem(files: readonly NamedResultFile[]): Map<string, string> {
  const fileOf = new Map<string, string>();
  for (const file of files) {
    for (const unit of file.doc.units) {
      if (unit.status === 'finished' && !fileOf.has(unit.problemId)) fileOf.set(unit.problemId, file.fileName);
    }
  }
  return fileOf;
}
