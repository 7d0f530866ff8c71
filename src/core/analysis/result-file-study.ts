/**
 * Result files (one or more) as the analysis input. Shards of one study (same id and config
 * hash) are merged by the results module's own rules; different studies stand side by side,
 * their arms labelled with the study's name so two "solo" arms stay apart.
 */
import { mergeResultFiles } from '../results/result-file-merge.ts';
import type { ResultFile } from '../results/result-file.ts';
import { groupTrajectories, type AnalysisArm, type AnalysisStudy } from './study-runs.ts';

export interface NamedResultFile {
  fileName: string;
  doc: ResultFile;
}

export interface LoadedStudies {
  study: AnalysisStudy;
  /** One sentence per merge of shards, for the page to show. */
  notes: string[];
}

function fromDoc(doc: ResultFile): AnalysisStudy {
  const placed = doc.units.flatMap((unit) =>
    unit.status === 'finished' ? [{ armId: unit.armId, repeat: unit.repeat, trajectory: unit.trajectory }] : [],
  );
  return groupTrajectories(doc.config.name, doc.config.problemIds, doc.config.arms, doc.config.repeats, placed);
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
  const studies = [...groups.values()].map((group) => {
    if (group.length === 1) return fromDoc(group[0]!.doc);
    const { doc, report } = mergeResultFiles(
      group.map((g) => g.doc),
      { names: group.map((g) => g.fileName) },
    );
    notes.push(`${group.map((g) => g.fileName).join(' + ')}: ${report.summary}`);
    return fromDoc(doc);
  });
  if (studies.length === 1) return { study: studies[0]!, notes };

  const problemIds: string[] = [];
  const seen = new Set<string>();
  for (const s of studies) for (const id of s.problemIds) if (!seen.has(id)) (seen.add(id), problemIds.push(id));
  const arms: AnalysisArm[] = studies.flatMap((s, i) =>
    s.arms.map((arm) => ({ ...arm, id: `${i + 1}:${arm.id}`, label: `${arm.label} (${s.name})` })),
  );
  return { study: { name: studies.map((s) => s.name).join(' + '), problemIds, arms }, notes };
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
