/**
 * Editing a textarea so that Ctrl+Z takes the edit back. Only the browser's own editing commands
 * go into a textarea's undo history: `setRangeText` does not, and setting `value` empties it.
 * `execCommand('insertText')` is deprecated but still the one way in (Chromium, Firefox 89+,
 * Safari; see https://developer.mozilla.org/docs/Web/API/Document/execCommand); where it is
 * refused the edit is still made, just not undoably.
 */
import type { TextEdit } from './tab-edits.ts';

export function applyUndoably(area: HTMLTextAreaElement, edit: TextEdit): void {
  // The commands edit whatever has focus.
  if (document.activeElement !== area) area.focus({ preventScroll: true });
  area.setSelectionRange(edit.from, edit.to);
  const command = edit.insert === '' ? 'delete' : 'insertText';
  const done = document.activeElement === area && document.execCommand(command, false, edit.insert);
  if (!done) area.setRangeText(edit.insert, edit.from, edit.to);
  area.setSelectionRange(edit.selectionStart, edit.selectionEnd);
}
