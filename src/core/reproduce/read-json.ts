/**
 * Reading the study's released JSON files with a clear message for anything unexpected: which
 * file, where in it, what was expected and what was found. A file that fails here is rejected
 * whole; nothing downstream sees half a file.
 */

/** A released file that does not have the shape the study's scripts wrote. */
export class ReleasedFileError extends Error {
  readonly file: string;
  readonly path: string;
  constructor(file: string, path: string, problem: string) {
    super(
      `${file}: ${path || 'the top level'} ${problem}. ` +
        `Load the file as released with the study (github.com/L3G/feedback-over-form, results/).`,
    );
    this.name = 'ReleasedFileError';
    this.file = file;
    this.path = path;
  }
}

/** A value inside a released file, with where it was found. */
export interface Cursor {
  file: string;
  path: string;
  value: unknown;
}

export function rootCursor(file: string, value: unknown): Cursor {
  return { file, path: '', value };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function fail(cursor: Cursor, expected: string): never {
  throw new ReleasedFileError(cursor.file, cursor.path, `should be ${expected}, found ${describe(cursor.value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The member `key` of an object (missing members read as undefined and fail their own check). */
export function field(cursor: Cursor, key: string): Cursor {
  if (!isRecord(cursor.value)) fail(cursor, 'an object');
  return { file: cursor.file, path: cursor.path ? `${cursor.path}.${key}` : key, value: cursor.value[key] };
}

/** The members of an object, in file order. */
export function entries(cursor: Cursor): [string, Cursor][] {
  if (!isRecord(cursor.value)) fail(cursor, 'an object');
  return Object.keys(cursor.value).map((key) => [key, field(cursor, key)]);
}

export function items(cursor: Cursor): Cursor[] {
  if (!Array.isArray(cursor.value)) fail(cursor, 'a list');
  return cursor.value.map((value: unknown, i) => ({ file: cursor.file, path: `${cursor.path}[${i}]`, value }));
}

export function asString(cursor: Cursor): string {
  return typeof cursor.value === 'string' ? cursor.value : fail(cursor, 'a string');
}

export function asNullableString(cursor: Cursor): string | null {
  return cursor.value === null ? null : typeof cursor.value === 'string' ? cursor.value : fail(cursor, 'a string or null');
}

export function asBoolean(cursor: Cursor): boolean {
  return typeof cursor.value === 'boolean' ? cursor.value : fail(cursor, 'true or false');
}

export function asNumber(cursor: Cursor): number {
  return typeof cursor.value === 'number' && Number.isFinite(cursor.value) ? cursor.value : fail(cursor, 'a number');
}

export function asCount(cursor: Cursor): number {
  const v = cursor.value;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fail(cursor, 'a whole number ≥ 0');
}

/** Rejects the file for a problem at `cursor`, stated as a sentence fragment ("has no …"). */
export function reject(cursor: Cursor, problem: string): never {
  throw new ReleasedFileError(cursor.file, cursor.path, problem);
}

/** Checks a relation between values the file states twice (e.g. a count and a list's length). */
export function check(condition: boolean, cursor: Cursor, problem: string): void {
  if (!condition) reject(cursor, problem);
}
