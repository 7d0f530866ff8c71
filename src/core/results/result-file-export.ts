/**
 * Writing a result file: canonical JSON (keys sorted, `format` and `version` first) so that two
 * exports of the same data are byte-identical and diff cleanly, optionally gzip (studies with
 * every prompt and reply shrink about tenfold).
 */
import { asciiSlug } from '../ascii-slug.ts';
import { gzip } from './bounded-compression.ts';
import { canonicalJson } from './canonical-json.ts';
import type { ResultFile } from './result-file.ts';

export interface ExportOptions {
  gzip: boolean;
  /** Indent for reading by eye; none by default (`jq .` pretty-prints). */
  indent?: number;
}

/** The keys a result file puts before the sorted rest, so a reader sees what the file is first. */
export const RESULT_FILE_FIRST_KEYS = ['format', 'version'] as const;

export async function exportResultFile(doc: ResultFile, options: ExportOptions): Promise<Uint8Array> {
  const text = canonicalJson(doc, { firstKeys: RESULT_FILE_FIRST_KEYS, ...(options.indent ? { indent: options.indent } : {}) });
  const bytes = new TextEncoder().encode(text);
  return options.gzip ? gzip(bytes) : bytes;
}

/** How far a study had got when its file was written: units finished out of units planned. */
export interface StudyProgress {
  finished: number;
  total: number;
}

/** Finished units out of arms × repeats × problems (errored and unfinished units still have work to do). */
export function studyProgress(doc: Pick<ResultFile, 'config' | 'units'>): StudyProgress {
  const { config } = doc;
  return {
    finished: doc.units.filter((unit) => unit.status === 'finished').length,
    total: config.arms.length * config.repeats * config.problemIds.length,
  };
}

/**
 * `feedback-lab-<study-name>-<tag>-<date>[-partial-<finished>-of-<total>].json[.gz]`: the name in
 * lower case with runs of anything but letters and digits turned into one hyphen (at most 60
 * characters), the study's tag (studyTag: two studies of one name differ, shards of one study
 * agree), the date as YYYY-MM-DD (UTC), and, for a study with units still to run, how far it got.
 * Without the tag and the progress, two studies of one name, or a study exported half-way and
 * again at the end on the same day, got one name and the second download replaced the first.
 */
export function resultFileName(
  study: { id: string; name: string },
  options: { gzip: boolean; date?: Date; progress?: StudyProgress },
): string {
  const date = (options.date ?? new Date()).toISOString().slice(0, 10);
  return `feedback-lab-${fileNameSlug(study.name) || 'study'}-${studyTag(study.id)}-${date}${partialSuffix(options.progress)}.json${options.gzip ? '.gz' : ''}`;
}

/**
 * `feedback-lab-<first study's name>-<tag>[-<tag>…]`: the start of a download made from open
 * result files (the Results page's tables), every study's tag in the order opened (shards of one
 * study count once), so the same table from two reports no longer gets one name.
 */
export function reportFileStem(studies: readonly { id: string; name: string }[]): string {
  const ids = [...new Set(studies.map((s) => s.id))];
  if (ids.length === 0) return 'feedback-lab';
  return `feedback-lab-${fileNameSlug(studies[0]!.name) || 'study'}-${ids.map(studyTag).join('-')}`;
}

/** `-partial-<finished>-of-<total>` when units are still to run, else nothing. */
export function partialSuffix(progress: StudyProgress | undefined): string {
  return progress && progress.finished < progress.total ? `-partial-${progress.finished}-of-${progress.total}` : '';
}

/**
 * Six lower-case letters and digits that stand for a study (or search) id in file names: the same
 * for every shard and export of one study, different for each new start (ids are unique; a
 * 32-bit FNV-1a hash of them, so ids of any shape and length give a tag of one shape).
 */
export function studyTag(id: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) % 36 ** 6).toString(36).padStart(6, '0');
}

/** Text as a file-name part: lower-case ASCII letters and digits, other runs as one hyphen, ≤ 60 characters. */
export function fileNameSlug(text: string): string {
  return asciiSlug(text).slice(0, 60).replace(/-+$/g, '');
}
