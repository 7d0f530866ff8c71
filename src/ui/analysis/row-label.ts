/**
 * Where a table's row label may wrap. An arm's label is a pipeline ("llama → exec → llama
 * (self-refine)"), sometimes with an error type after it ("… · NameError"); in a phone-width
 * window the first column was squeezed to a word or two a line ("llama → / exec → / llama (self- /
 * refine)"). Each step is kept whole instead, so the label wraps after an arrow, a dot or the "vs"
 * of a pair of arms at worst, and the table scrolls sideways for the rest.
 */

export interface LabelPiece {
  text: string;
  /** Drawn on one line; a piece longer than KEEP_WHOLE wraps like any text, or one label could widen its table without bound. */
  whole: boolean;
}

const KEEP_WHOLE = 24;

/** The label in pieces, split at the space after each " → ", " · " or " vs"; joined with single spaces they are the label again. */
export function rowLabelPieces(label: string): LabelPiece[] {
  return label.split(/(?<= (?:→|·|vs)) /).map((text) => ({ text, whole: text.length <= KEEP_WHOLE }));
}
