/**
 * Merging shards: one study (one id, one config) run in parts, each exporting its own file: a
 * file imported into another browser (or given to `feedback-lab run --resume`) continues there.
 * Shards merge only when their configs are identical (same study id, same config hash);
 * otherwise the first field that differs is named, because "the configs differ" alone sends
 * people diffing 50 KB of JSON by eye.
 *
 * A unit held by several shards is kept once: the finished copy over an unfinished or errored
 * one; of finished copies the earlier file's; of unfinished ones the copy with more steps, then
 * the earlier file's. Every environment is kept, so the
 * merged file still says which browsers and GPUs produced it.
 */
import { countOf } from '../count-text.ts';
import { UserError } from '../user-error.ts';
import { canonicalJson } from './canonical-json.ts';
import { sortUnits } from './result-file-build.ts';
import { unitKey, unitSteps, type ResultFile, type ResultUnit, type UnitKey } from './result-file.ts';

export interface MergeOptions {
  /** Names of the files, for messages (`results-laptop.json`); else "file 1", "file 2"… */
  names?: readonly string[];
  /** The app version writing the merged file; by default the first file's. */
  appVersion?: string;
}

/** Why the kept copy of a duplicated unit won. */
export type MergeReason = 'finished' | 'more-steps' | 'first-file';

export interface MergeDuplicate extends UnitKey {
  /** 0-based index of the file whose copy was kept… */
  keptFrom: number;
  /** …and of the files whose copies were dropped. */
  droppedFrom: number[];
  reason: MergeReason;
  /**
   * Two or more files finished this unit with different verdicts (passed in one, failed in
   * another): the kept copy decides it in the merged file, and people must be told, because
   * the two runs disagree and the pass counts depend on which file came first.
   */
  verdictsDiffer: boolean;
}

export interface MergeReport {
  files: number;
  /** Units in the merged file. */
  units: number;
  /** Units kept from each file, in file order. */
  keptPerFile: number[];
  /** Units found in more than one file. */
  duplicates: MergeDuplicate[];
  /** The duplicates finished in several files with different verdicts (see MergeDuplicate.verdictsDiffer). */
  conflicts: MergeDuplicate[];
  /** One sentence for people. */
  summary: string;
}

export function mergeResultFiles(docs: readonly ResultFile[], options: MergeOptions = {}): { doc: ResultFile; report: MergeReport } {
  const first = docs[0];
  if (!first) throw new UserError('There is nothing to merge.', 'Choose two or more result files of the same study.');
  const name = (i: number) => options.names?.[i] ?? `file ${i + 1}`;
  docs.forEach((doc, i) => {
    if (i > 0) checkSameStudy(first, doc, name(0), name(i));
  });

  const copies = new Map<string, { unit: ResultUnit; file: number }[]>();
  docs.forEach((doc, file) => {
    for (const unit of doc.units) {
      const key = unitKey(unit);
      const list = copies.get(key);
      if (list) list.push({ unit, file });
      else copies.set(key, [{ unit, file }]);
    }
  });

  const kept: ResultUnit[] = [];
  const keptPerFile = docs.map(() => 0);
  const duplicates: MergeDuplicate[] = [];
  for (const list of copies.values()) {
    // Stable sort: among equals the earlier file stays first.
    const ranked = [...list].sort((x, y) => rank(y.unit) - rank(x.unit) || progress(y.unit) - progress(x.unit));
    const best = ranked[0]!;
    kept.push(best.unit);
    keptPerFile[best.file]!++;
    const runnerUp = ranked[1];
    if (!runnerUp) continue;
    const { armId, repeat, problemId } = best.unit;
    const verdicts = new Set(ranked.flatMap((c) => (c.unit.status === 'finished' ? [c.unit.trajectory.passed] : [])));
    duplicates.push({
      armId,
      repeat,
      problemId,
      keptFrom: best.file,
      droppedFrom: ranked.slice(1).map((c) => c.file),
      reason:
        rank(best.unit) > rank(runnerUp.unit)
          ? 'finished'
          : progress(best.unit) > progress(runnerUp.unit)
            ? 'more-steps'
            : 'first-file',
      verdictsDiffer: verdicts.size > 1,
    });
  }
  const units = sortUnits(first.config, kept);
  const doc: ResultFile = {
    ...first,
    appVersion: options.appVersion ?? first.appVersion,
    environments: uniqueEnvironments(docs),
    units,
  };
  const count = (n: number) => n.toLocaleString('en');
  const conflicts = duplicates.filter((d) => d.verdictsDiffer);
  const versions = [...new Set(docs.map((doc) => doc.appVersion))];
  const summary =
    `Merged ${countOf(docs.length, 'file')} into ${countOf(units.length, 'unit')} (${keptPerFile.map(count).join(' + ')} from each)` +
    (duplicates.length > 0
      ? `; ${count(duplicates.length)} unit${duplicates.length === 1 ? ' was' : 's were'} in more than one file, each kept from the earliest file unless a later one finished it or got further with it.`
      : '; no unit was in more than one file.') +
    (conflicts.length > 0 ? ` ${conflictSentence(conflicts, name)}` : '') +
    (versions.length > 1 ? ` The files were written by different versions of Feedback Lab (${versions.join(', ')}): their verdicts may not be comparable.` : '');
  return { doc, report: { files: docs.length, units: units.length, keptPerFile, duplicates, conflicts, summary } };
}

/** Conflicts listed in the summary by name; past this they are counted. */
const LISTED_CONFLICTS = 3;

/**
 * "2 units finished with different verdicts in different files (…): the copy kept decides them."
 * Shards that ran the same unit twice disagree only by chance (sampling without a seed), but the
 * merged pass counts then depend on the order the files were given in, so it is said, not buried.
 */
function conflictSentence(conflicts: readonly MergeDuplicate[], name: (i: number) => string): string {
  const listed = conflicts.slice(0, LISTED_CONFLICTS).map((c) => `${c.problemId} in arm ${c.armId}, repeat ${c.repeat + 1}: kept ${name(c.keptFrom)}`);
  const more = conflicts.length > LISTED_CONFLICTS ? `; and ${(conflicts.length - LISTED_CONFLICTS).toLocaleString('en')} more` : '';
  const n = conflicts.length;
  return (
    `${n.toLocaleString('en')} of them ${n === 1 ? 'was' : 'were'} finished in more than one file with different verdicts (passed in one, failed in another), ` +
    `and the copy kept decides ${n === 1 ? 'it' : 'them'} (${listed.join('; ')}${more}).`
  );
}

/**
 * How far an unfinished or errored copy got: of two, the one with more steps leaves less to run.
 * Zero for a finished copy, so finished copies tie and the earlier file's wins. Their step counts
 * say nothing but their verdicts: with early stopping a failed refinement runs every iteration and
 * a passed one stops, so preferring more steps kept the failure of every two copies that disagreed.
 */
function progress(unit: ResultUnit): number {
  return unit.status === 'finished' ? 0 : unitSteps(unit).length;
}

/** A finished copy beats an unfinished or errored one, whatever their step counts. */
function rank(unit: ResultUnit): number {
  return unit.status === 'finished' ? 1 : 0;
}

function checkSameStudy(a: ResultFile, b: ResultFile, nameA: string, nameB: string): void {
  // Each start of a study link is a new study (its own id), so the link is not what makes shards.
  const hint =
    'Only shards of one study can be merged: files of a study that was exported, imported elsewhere and resumed there. ' +
    'Two runs of the same study link are two studies: open both on the Results page to see them side by side.';
  if (a.config.id !== b.config.id) {
    throw new UserError(
      `These files are from different studies: ${nameA} holds "${a.config.id}" (${a.config.name}) and ${nameB} holds "${b.config.id}" (${b.config.name}).`,
      hint,
    );
  }
  if (a.configHash === b.configHash) return;
  const difference = firstDifference(a.config, b.config, 'config');
  throw new UserError(
    difference
      ? `${nameA} and ${nameB} ran the study "${a.config.id}" with different settings: ${difference.path} is ${difference.a} in ${nameA} and ${difference.b} in ${nameB}.`
      : `${nameA} and ${nameB} ran the study "${a.config.id}" with different settings (their config hashes differ).`,
    hint,
  );
}

/**
 * The first setting two configs differ in, as "config.repeats is 2 in a.json and 3 in b.json",
 * or null when they are the same: for pages that show such files side by side instead.
 */
export function configDifference(a: ResultFile['config'], b: ResultFile['config'], nameA: string, nameB: string): string | null {
  const difference = firstDifference(a, b, 'config');
  return difference ? `${difference.path} is ${difference.a} in ${nameA} and ${difference.b} in ${nameB}` : null;
}

/** The first path where two JSON values differ, with both values shown briefly. */
function firstDifference(a: unknown, b: unknown, path: string): { path: string; a: string; b: string } | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const inner = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return a.length === b.length ? null : { path: `${path}.length`, a: String(a.length), b: String(b.length) };
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const inner = firstDifference(a[key], b[key], /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);
      if (inner) return inner;
    }
    return null;
  }
  if (a === b) return null;
  if (typeof a === 'string' && typeof b === 'string') return { path, ...briefStrings(a, b) };
  return { path, a: brief(a), b: brief(b) };
}

/** Characters of a long string shown before the first one that differs, and in all. */
const BEFORE_DIFFERENCE = 20;
const EXCERPT = 50;

/**
 * Two long strings that differ shown where they differ: cut at the same 57 characters, two
 * prompt texts that part after their first sentence read the same ("…is "You write Pytho… in
 * a.json and "You write Pytho… in b.json"), and so do two hashes that differ near their end.
 * A quote mark is shown where a string really begins or ends, "…" where it was cut.
 */
function briefStrings(a: string, b: string): { a: string; b: string } {
  const full = (text: string) => JSON.stringify(text);
  if (full(a).length <= 60 && full(b).length <= 60) return { a: full(a), b: full(b) };
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  let start = Math.max(0, at - BEFORE_DIFFERENCE);
  // Never start between the two halves of a surrogate pair (an emoji cut in two).
  if (start > 0 && /[\uDC00-\uDFFF]/.test(a[start] ?? '')) start--;
  const excerpt = (text: string): string => {
    let end = Math.min(text.length, start + EXCERPT);
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--;
    const inner = full(text.slice(start, end)).slice(1, -1);
    return `${start > 0 ? '…' : '"'}${inner}${end < text.length ? '…' : '"'}`;
  };
  return { a: excerpt(a), b: excerpt(b) };
}

function brief(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function uniqueEnvironments(docs: readonly ResultFile[]): ResultFile['environments'] {
  const seen = new Set<string>();
  return docs.flatMap((doc) =>
    doc.environments.filter((environment) => {
      const key = canonicalJson(environment);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
