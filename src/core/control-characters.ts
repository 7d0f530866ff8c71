/**
 * Text from other people's files shown where control characters act instead of showing: a
 * terminal obeys ESC sequences (retitle the window, hide or overwrite text, write the clipboard)
 * and carriage returns; a Markdown file carries them to whoever prints it later; and the
 * bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the
 * rest of a line, so that "ran 3 of 164 problems" after a label holding U+202E reads backwards.
 * Each is spelled out as JSON writes it (`\u001b`): visible, and inside a JSON string the very
 * same character. Tab and line feed are left; so are the marks U+200E/U+200F, which only give
 * neutral characters a direction and reorder nothing after the text they sit in.
 */

/** C0 controls but tab and line feed, DEL, the C1 controls, and the bidirectional formatting characters. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function spellOutControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
