/**
 * Older result files are brought up to the current version one step at a time before they are
 * validated: `migrations[n]` turns a parsed version-n document into a version-(n+1) one. A file
 * is never rewritten in place; import migrates its own copy.
 *
 * Each step needs a test that imports a real file of the version it starts from.
 */
import { RESULT_FILE_VERSION } from './result-file.ts';

/** A parsed document, not yet validated: migrations must check what they rely on. */
export type RawDocument = Record<string, unknown>;

export type Migration = (doc: RawDocument) => RawDocument;

export type MigrationTable = Readonly<Record<number, Migration>>;

export const RESULT_FILE_MIGRATIONS: MigrationTable = {
  // Version 2 added the optional `environments[].servedModels`: a version-1 file is a version-2 file without it.
  1: (doc) => doc,
  // Version 3 added study mode's own extraction rules, the optional `thinkingRemoved` of model
  // steps, `reasoningTokens` of their usage and `fullTraceback` of failed outcomes: a version-2
  // file is a version-3 file without them.
  2: (doc) => doc,
};

/**
 * Applies migrations from `doc.version` up to `target`. Returns null when some step has no
 * migration, so the caller can say the format is too old to read.
 */
export function migrateResultFile(
  doc: RawDocument,
  from: number,
  migrations: MigrationTable = RESULT_FILE_MIGRATIONS,
  target: number = RESULT_FILE_VERSION,
): RawDocument | null {
  let current = doc;
  for (let version = from; version < target; version++) {
    const step = migrations[version];
    if (!step) return null;
    current = { ...step(current), version: version + 1 };
  }
  return current;
}
