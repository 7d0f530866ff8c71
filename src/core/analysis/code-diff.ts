/**
 * Line diff between two versions of a candidate, via jsdiff (`diff`): a Myers diff that is
 * small, pure JavaScript, widely used and maintained, so the explorer does not carry its own.
 */
// The line module alone: the package index would also bring the word, CSS, JSON and array diffs.
import { diffLines } from 'diff/lib/diff/line.js';

export interface DiffLine {
  kind: 'added' | 'removed' | 'same';
  text: string;
}

export interface CodeDiff {
  lines: DiffLine[];
  added: number;
  removed: number;
}

export function codeDiff(before: string, after: string): CodeDiff {
  const lines: DiffLine[] = [];
  let added = 0;
  let removed = 0;
  for (const change of diffLines(asLines(before), asLines(after))) {
    const kind = change.added ? 'added' : change.removed ? 'removed' : 'same';
    const texts = change.value.replace(/\n$/, '').split('\n');
    for (const text of texts) lines.push({ kind, text });
    if (kind === 'added') added += texts.length;
    if (kind === 'removed') removed += texts.length;
  }
  return { lines, added, removed };
}

/**
 * Every line ended by one '\n'. diffLines compares lines with their endings, and extracted code
 * has its last newline trimmed: without this, appending to "a\nb" would show "b" removed and
 * "b\n" added. CRLF or CR endings (a model's reply may carry either) count as '\n', as Python reads them.
 */
function asLines(code: string): string {
  const unix = code.replace(/\r\n?/g, '\n');
  return unix === '' || unix.endsWith('\n') ? unix : `${unix}\n`;
}
