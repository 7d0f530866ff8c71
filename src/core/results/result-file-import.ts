/**
 * Reading a result file that came from anywhere: bytes in, a validated document out, or a
 * UserError that says in one sentence what is wrong and what to do. Nothing in the file is ever
 * evaluated: JSON.parse, then a schema check, then cross-field checks. Code and replies stay
 * text; the UI must render them with text interpolation (`{reply}`), never `{@html}`.
 *
 * Import is pure: it writes nowhere, so a rejected file cannot leave half a study in the store.
 * This module loads zod; the UI imports it lazily (`await import(…)`) when a file is opened.
 */
import { isIsoTime, ISO_TIME_EXAMPLE } from '../iso-time.ts';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_STEPS } from './result-file-limits.ts';
import type { z } from 'zod';
import { describeValue } from '../pipeline/json-shape.ts';
import { recogniseReleasedJson, RELEASED_KIND_FILE } from '../reproduce/released-kind.ts';
import { validateStudyConfig } from '../study/config.ts';
import { UserError } from '../user-error.ts';
import { DecompressionError, gunzipBounded, isGzip } from './bounded-compression.ts';
import { gzipFileUnsupported, GzipUnsupportedError } from '../gzip-support.ts';
import { configHash } from './config-hash.ts';
import { locateJsonSyntaxError } from './json-syntax-error.ts';
import { RESULT_FILE_FORMAT, RESULT_FILE_VERSION, type ResultFile } from './result-file.ts';
import { migrateResultFile, RESULT_FILE_MIGRATIONS, type MigrationTable, type RawDocument } from './result-file-migrations.ts';
import { resultFileSchema } from './result-file-schema.ts';
import { checkUnits } from './result-file-units.ts';

export interface ImportOptions {
  /** Largest file accepted, after decompression. Default 256 MiB (a browser string tops out near 512 MiB). */
  maxBytes?: number;
  /** Most steps accepted across all units. Default 1,000,000. */
  maxSteps?: number;
  /**
   * The version of the app reading (package.json's). A file that fails the checks and was written
   * by a newer version is then refused as "written by a newer Feedback Lab", with the way to
   * update, not as a file "edited by hand": an offline copy of the app (its service worker) can
   * be older than a colleague's.
   */
  appVersion?: string;
  /** Replaces the built-in migration table (tests). */
  migrations?: MigrationTable;
  /**
   * Told as each phase starts (and, while decompressing, as the output grows), so that a page can
   * say what a file of 200 MB is doing during the seconds it takes.
   */
  onProgress?: (progress: ImportProgress) => void;
}

/** Where an import is: `bytes` is the decompressed output so far, `units` the units to check. */
export type ImportProgress =
  | { phase: 'decompressing'; bytes: number }
  | { phase: 'parsing'; bytes: number }
  | { phase: 'checking'; units: number; steps: number };

export { COMMAND_LINE_LIMITS, DEFAULT_MAX_BYTES, DEFAULT_MAX_STEPS } from './result-file-limits.ts';
const ON_THE_COMMAND_LINE =
  'The command line reads files up to 500 MB with any number of steps: feedback-lab report FILE analyses one, and feedback-lab run --resume FILE continues it.';
/** Problems listed in an error: enough to see the pattern, short enough to read. */
export const MAX_LISTED_PROBLEMS = 10;

const NOT_RESULT_FILE = 'This is not a Feedback Lab result file.';
/** search-file.ts's format, spelled here so that reading a result file does not load the search modules. */
const SEARCH_FILE_FORMAT = 'feedback-lab/search';

export async function importResultFile(bytes: Uint8Array, options: ImportOptions = {}): Promise<ResultFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const onProgress = options.onProgress ?? (() => undefined);
  const text = await decodeText(bytes, maxBytes, onProgress);
  const raw = parseJson(text);

  if (!isRecord(raw) || raw.format !== RESULT_FILE_FORMAT) throw notAResultFile(raw);
  const migrated = migrate(raw, options.migrations ?? RESULT_FILE_MIGRATIONS);

  const steps = countSteps(migrated);
  if (steps > maxSteps) {
    throw new UserError(
      `The file holds ${steps.toLocaleString('en')} steps, more than this app reads at once (${maxSteps.toLocaleString('en')}).`,
      `If the study was run in parts, open the parts' files instead of one merged file. ${ON_THE_COMMAND_LINE}`,
    );
  }
  onProgress({ phase: 'checking', units: Array.isArray(migrated.units) ? migrated.units.length : 0, steps });

  const writer = newerWriter(migrated.appVersion, options.appVersion);
  const parsed = resultFileSchema.safeParse(migrated);
  if (!parsed.success) throw wrongShape(parsed.error.issues.length, parsed.error.issues.slice(0, MAX_LISTED_PROBLEMS).map(describeIssue), writer);
  const doc = parsed.data;

  const problems: string[] = [];
  const config = validateStudyConfig(doc.config);
  if (!config.ok) problems.push(...config.errors.map((e) => (/^[A-Za-z][\w.[\]"]*: /.test(e) ? `config.${e}` : `config: ${e}`)));
  problems.push(...checkEnvironments(doc), ...checkUnits(doc));
  if (problems.length > 0) throw wrongShape(problems.length, problems.slice(0, MAX_LISTED_PROBLEMS), writer);

  const hash = await configHash(doc.config);
  if (hash !== doc.configHash) {
    throw new UserError(
      'The study config in this file was changed after the study ran: it no longer matches its configHash.',
      'Results are only meaningful with the settings they were produced with. Export the file again from the browser that ran the study, or, for a file feedback-lab run wrote, use that file as it wrote it.',
      [`configHash: the file says ${doc.configHash}, the config hashes to ${hash}.`],
    );
  }
  return doc;
}

/** Times a schema takes as any text, read as config.created is: a reader sorts and shows them. */
function checkEnvironments(doc: ResultFile): string[] {
  const problems: string[] = [];
  const time = (value: string, at: string) => {
    if (!isIsoTime(value)) problems.push(`${at}: expected ${ISO_TIME_EXAMPLE}, found ${describeValue(value)}.`);
  };
  doc.environments.forEach((environment, i) => {
    time(environment.recordedAt, `environments[${i}].recordedAt`);
    environment.servedModels?.forEach((served, k) => time(served.askedAt, `environments[${i}].servedModels[${k}].askedAt`));
  });
  return problems;
}

function tooBig(what: string): UserError {
  return new UserError(
    `The file is too big: ${what}.`,
    `If the study was run in parts, open the parts' files instead of one merged file. ${ON_THE_COMMAND_LINE}`,
  );
}

/**
 * Refuses a file by its size alone, before its bytes are read: a reader that loads a picked file
 * whole first (Blob.arrayBuffer) otherwise holds gigabytes only to refuse them, or fails in the
 * browser's own words ("Array buffer allocation failed") past 2 GB.
 */
export function refuseOversizedFile(size: number, maxBytes: number = DEFAULT_MAX_BYTES): void {
  if (size > maxBytes) throw tooBig(`${megabytes(size)}, and this app reads result files up to ${megabytes(maxBytes)}`);
}

async function decodeText(bytes: Uint8Array, maxBytes: number, onProgress: (progress: ImportProgress) => void): Promise<string> {
  if (bytes.length === 0) throw new UserError('The file is empty.', 'Choose a result file exported by Feedback Lab (.json or .json.gz).');
  refuseOversizedFile(bytes.length, maxBytes);
  // Files sent by mail or chat often arrive zipped (the system's "Compress", a mail client's
  // attachment folder), and a zip otherwise reads as "not text".
  if (isZip(bytes)) {
    throw new UserError(
      'The file is a ZIP archive, not a result file.',
      'Unzip it, then open the .json or .json.gz file it holds (a .json.gz is already compressed: send that as it is).',
    );
  }
  let plain = bytes;
  if (isGzip(bytes)) {
    try {
      onProgress({ phase: 'decompressing', bytes: 0 });
      plain = await gunzipBounded(bytes, maxBytes, (total) => onProgress({ phase: 'decompressing', bytes: total }));
    } catch (error) {
      if (error instanceof DecompressionError && error.reason === 'too-big') throw tooBig(`decompressed, it is more than ${megabytes(maxBytes)}, the most this app reads`);
      if (error instanceof GzipUnsupportedError) throw gzipFileUnsupported();
      throw new UserError(
        'The file is truncated or not gzip: it starts like a .gz file but does not decompress.',
        'Download or copy the file again; if it came by chat or mail, send it as an attachment, not pasted.',
        [`gzip: ${(error as Error).message}`],
      );
    }
  }
  onProgress({ phase: 'parsing', bytes: plain.length });
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(plain);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new UserError(`${NOT_RESULT_FILE} It is not text (not UTF-8).`, 'Choose the .json or .json.gz file that Feedback Lab exported.');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const place = locateJsonSyntaxError(text);
    if (looksLikeSamplesFile(text)) throw samplesFileError();
    // The app writes a file on one line, where "line 1, column 36715" alone does not say which
    // unit is broken: the field the scanner was in does.
    const member = place && place.path.length > 0 ? jsonMember(place.path) : null;
    if (place?.atEnd) {
      throw new UserError(
        `The file is truncated: its JSON stops in the middle (line ${place.line}, column ${place.column}).`,
        'Download or copy the file again.',
        member ? [`It stops in ${member}.`] : [],
      );
    }
    const where = place ? `: the error is at line ${place.line}, column ${place.column}` : '';
    const near = place ? text.slice(Math.max(0, place.offset - 20), place.offset + 20).replace(/\s+/g, ' ') : '';
    throw new UserError(
      `The file is not valid JSON${where}.`,
      'Was it edited by hand? Fix the JSON there, or export the file again.',
      [...(member ? [`At ${member}.`] : []), `JSON: ${(error as Error).message}`, ...(near ? [`near: ${JSON.stringify(near)}`] : [])],
    );
  }
}

/** Most levels of a JSON path named in a message: a result file nests about eight, a hostile one a million. */
const MAX_PATH_PARTS = 12;

/** `units[3].trajectory.steps[0].reply`, cut short (with "…") past MAX_PATH_PARTS levels. */
function jsonMember(path: readonly (string | number)[]): string {
  const named = fieldPath(path.slice(0, MAX_PATH_PARTS).map((part) => (typeof part === 'string' ? part.slice(0, 60) : part)));
  return path.length > MAX_PATH_PARTS ? `${named}…` : named;
}

function samplesFileError(): UserError {
  return new UserError(
    `${NOT_RESULT_FILE} It looks like a samples file (one JSON object per line with task_id and completion).`,
    'Score samples files on the Scoring page instead.',
  );
}

function looksLikeSamplesFile(text: string): boolean {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  try {
    const first: unknown = JSON.parse(firstLine);
    return isRecord(first) && 'task_id' in first;
  } catch {
    return false;
  }
}

function notAResultFile(raw: unknown): UserError {
  const format = isRecord(raw) ? raw.format : undefined;
  if (format === SEARCH_FILE_FORMAT) {
    return new UserError(
      `${NOT_RESULT_FILE} It is a search file (a NEAT search exported from the Search page), not a study's results.`,
      'Open it on the Search page, under “Import search files”. A search’s champion can then be run as a study, whose result file the Results page, report and merge read.',
    );
  }
  if (format === 'feedback-lab/prompt-set') {
    return new UserError(`${NOT_RESULT_FILE} It is a prompt set.`, 'Load a prompt set on the Study or Search page, under “Prompt set”, before starting a study or a search.');
  }
  const released = recogniseReleasedJson(raw);
  if (released !== null) {
    return new UserError(
      `${NOT_RESULT_FILE} It is one of the study's own released files (${RELEASED_KIND_FILE[released]}).`,
      'Open the study’s released files on the Reproduce page, which recomputes the paper’s tables from them.',
    );
  }
  // A samples file of one line is one JSON object, so it parses: recognise it here too.
  if (isRecord(raw) && 'task_id' in raw && 'completion' in raw) return samplesFileError();
  const found = typeof format === 'string' ? `its format is "${format.slice(0, 60)}"` : 'it has no "format" field';
  return new UserError(
    `${NOT_RESULT_FILE} A result file says "format": "${RESULT_FILE_FORMAT}", but ${found}.`,
    'Choose the .json or .json.gz file that Feedback Lab exported for a study.',
  );
}

// The way on ("reload the page", "update feedback-lab") is the hint's, which the command line
// words its own (cli/result-files.ts): the messages say only what the file is.
function migrate(raw: RawDocument, migrations: MigrationTable): RawDocument {
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw wrongShape(1, [`version: expected a whole number, found ${JSON.stringify(version)?.slice(0, 40) ?? 'nothing'}.`]);
  }
  if (version > RESULT_FILE_VERSION) {
    throw new UserError(
      `This result file was written by a newer Feedback Lab (format ${version}).`,
      `This copy of the app reads formats up to ${RESULT_FILE_VERSION}. Reload the page to get the newest version, then open the file again.`,
    );
  }
  if (version === RESULT_FILE_VERSION) return raw;
  const migrated = migrateResultFile(raw, version, migrations);
  if (!migrated) {
    throw new UserError(
      `This result file was written by an older Feedback Lab (format ${version}) that this version can no longer read.`,
      'Open it with the release that wrote it, or run the study again.',
    );
  }
  return migrated;
}

/** Steps in the raw document, counted before the schema check allocates anything per step. */
function countSteps(doc: RawDocument): number {
  if (!Array.isArray(doc.units)) return 0;
  let steps = 0;
  for (const unit of doc.units as unknown[]) {
    if (!isRecord(unit)) continue;
    const list = isRecord(unit.trajectory) ? unit.trajectory.steps : unit.steps;
    if (Array.isArray(list)) steps += list.length;
  }
  return steps;
}

/** The file's writer and this reader, when the writer is the newer version; else null. */
function newerWriter(written: unknown, reading: string | undefined): { written: string; reading: string } | null {
  if (typeof written !== 'string' || reading === undefined) return null;
  const parts = (v: string) => (/^(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1).map(Number);
  const [a, b] = [parts(written), parts(reading)];
  if (a.length !== 3 || b.length !== 3) return null;
  const order = a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  return order > 0 ? { written: written.slice(0, 40), reading } : null;
}

function wrongShape(total: number, listed: string[], newer: { written: string; reading: string } | null = null): UserError {
  const more = total > listed.length ? [`…and ${(total - listed.length).toLocaleString('en')} more.`] : [];
  if (newer) {
    return new UserError(
      `This result file was written by a newer Feedback Lab (${newer.written}; this is ${newer.reading}), and ${total === 1 ? 'one field' : `${total.toLocaleString('en')} fields`} in it ${total === 1 ? 'is' : 'are'} not what this version reads.`,
      'Reload the page to get the newest version (close the app’s other tabs if it stays the same), then open the file again.',
      [...listed, ...more],
    );
  }
  return new UserError(
    total === 1
      ? 'This result file has a field with a wrong type or value.'
      : `This result file has ${total.toLocaleString('en')} fields with a wrong type or value.`,
    'Was it edited by hand or written by another program? Export it again from Feedback Lab, or fix the fields listed.',
    [...listed, ...more],
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${fieldPath(issue.path)}: ${issue.message}`;
}

/** `units[3].steps[0].outcome.kind`, as people read paths (and as the config validator writes them). */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out || '(the document)';
}

function megabytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** The local file header every ZIP archive starts with, "PK\x03\x04" (an empty archive: "PK\x05\x06"). */
function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06));
}

function isRecord(value: unknown): value is RawDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
