/**
 * What Tab and Shift+Tab do to the code editor's text, as an edit the editor can apply in one
 * undoable step. As in CodeMirror's `insertTab`: with nothing selected Tab inserts an indent at
 * the caret; with a selection it indents every line the selection touches, so a Tab pressed over
 * selected lines never replaces them. Shift+Tab dedents every touched line (or the caret's line).
 */

export const INDENT = '    ';

/** Replace `from`..`to` with `insert`, then select `selectionStart`..`selectionEnd` (offsets in the new text). */
export interface TextEdit {
  from: number;
  to: number;
  insert: string;
  selectionStart: number;
  selectionEnd: number;
}

/** The edit for Tab (`indent`) or Shift+Tab (`dedent`) over `start`..`end`, or null when it changes nothing. */
export function tabEdit(text: string, start: number, end: number, direction: 'indent' | 'dedent'): TextEdit | null {
  if (direction === 'indent' && start === end) {
    return { from: start, to: start, insert: INDENT, selectionStart: start + INDENT.length, selectionEnd: start + INDENT.length };
  }
  const from = text.lastIndexOf('\n', start - 1) + 1;
  // A selection that ends at the start of a line (Shift+Down selects that way) leaves that line alone.
  const lastEnd = end > start && text[end - 1] === '\n' ? end - 1 : end;
  const newline = text.indexOf('\n', lastEnd);
  const to = newline === -1 ? text.length : newline;

  // Each touched line: where it starts in `text`, and what it loses from its start or gains there.
  // Empty lines get no indent: trailing spaces would be all they held.
  const lines = text.slice(from, to).split('\n');
  const changes: { lineStart: number; line: string; removed: number; added: string }[] = [];
  let lineStart = from;
  for (const line of lines) {
    if (direction === 'indent') changes.push({ lineStart, line, removed: 0, added: line === '' ? '' : INDENT });
    else changes.push({ lineStart, line, removed: /^(?: {1,4}|\t)/.exec(line)?.[0].length ?? 0, added: '' });
    lineStart += line.length + 1;
  }
  if (changes.every((c) => c.removed === 0 && c.added === '')) return null;

  const insert = changes.map((c) => c.added + c.line.slice(c.removed)).join('\n');
  // Where an offset of the old text lands in the new: an indent added at a line's very start is
  // not counted for a selection starting there, so whole selected lines stay wholly selected.
  const moved = (offset: number) =>
    changes.reduce((at, c) => (c.lineStart < offset ? at + c.added.length - Math.min(c.removed, offset - c.lineStart) : at), offset);
  return { from, to, insert, selectionStart: moved(start), selectionEnd: moved(end) };
}
