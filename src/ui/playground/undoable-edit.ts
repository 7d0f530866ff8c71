/**
 * Editing a textarea so that Ctrl+Z takes the edit back. Only the browser's own editing commands
 * go into a textarea's undo history: `setRangeText` does not, and setting `value` empties it.
 * `execCommand('insertText')` is deprecated but still the one way in (Chromium, Firefox 89+,
 * Safari; see https://developer.mozilla.org/docs/Web/API/Document/execCommand); where it is
 * refused the edit is still made, just not undoably.
 */
import type { TextEdit } from './tab-edits.ts';

/**
 * Chromium's `insertText` puts a text in one line at a time, with an `input` event at each line
 * break, and each line costs more the longer the text is: Tab over a pasted file of 5,000 lines
 * selected held the tab for over a minute (2,000 lines: 17 s), and the Undo beside Start over, putting
 * such a file back, as long. 200 lines take about a quarter of a second. An edit that puts in more
 * is made at once instead, outside the undo history: Ctrl+Z cannot take that one back.
 */
export const MAX_UNDOABLE_LINE_BREAKS = 200;

export function applyUndoably(area: HTMLTextAreaElement, edit: TextEdit): void {
  // The commands edit whatever has focus.
  if (document.activeElement !== area) area.focus({ preventScroll: true });
  area.setSelectionRange(edit.from, edit.to);
  const command = edit.insert === '' ? 'delete' : 'insertText';
  const done = lineBreaks(edit.insert) <= MAX_UNDOABLE_LINE_BREAKS && document.activeElement === area && document.execCommand(command, false, edit.insert);
  if (!done) area.setRangeText(edit.insert, edit.from, edit.to);
  area.setSelectionRange(edit.selectionStart, edit.selectionEnd);
}

function lineBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
