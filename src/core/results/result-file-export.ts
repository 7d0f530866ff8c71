/**
 * Writing a result file: canonical JSON (keys sorted, `format` and `version` first) so that two
 * exports of the same data are byte-identical and diff cleanly, optionally gzip (studies with
 * every prompt and reply shrink about tenfold).
 */
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

/**
 * `feedback-lab-<study-name>-<date>.json[.gz]`: the name in lower case with runs of anything but
 * letters and digits turned into one hyphen (at most 60 characters), the date as YYYY-MM-DD (UTC).
 */
export function resultFileName(studyName: string, options: { gzip: boolean; date?: Date }): string {
  const date = (options.date ?? new Date()).toISOString().slice(0, 10);
  return `feedback-lab-${fileNameSlug(studyName) || 'study'}-${date}.json${options.gzip ? '.gz' : ''}`;
}

/** Text as a file-name part: lower-case ASCII letters and digits, other runs as one hyphen, ≤ 60 characters. */
export function fileNameSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
}
