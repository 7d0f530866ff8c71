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

/** Letters written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their presentation forms). */
const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]|[\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;
const FORMATTING = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * A name or label from someone's file, made safe to set inside a sentence of the page: its
 * bidirectional formatting characters are dropped (invisible, they only reorder; an override
 * left open reversed the rest of the sentence), and text with right-to-left letters is wrapped
 * in an isolate (FSI … PDI), so a label ending in Arabic no longer pulls the count after it
 * ("✨ تحسين: 3/3 passed" read "✨ 3/3 :تحسين passed"). Left-to-right text comes back as it was.
 * For what the page shows (its table downloads leave the isolate out again); result files and the
 * command line keep the text as written.
 */
export function isolateForDisplay(text: string): string {
  const plain = text.replace(FORMATTING, '');
  return RIGHT_TO_LEFT.test(plain) ? `\u2068${plain}\u2069` : plain;
}

/** The isolates isolateForDisplay adds (a label's own were dropped), as text to download leaves them out. */
export function withoutDisplayIsolates(text: string): string {
  return text.replace(/[\u2068\u2069]/g, '');
}
