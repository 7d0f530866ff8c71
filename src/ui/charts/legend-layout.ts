/**
 * Where legend entries go: left to right, wrapping to a new row when the next entry would pass
 * the chart's width. Text width is estimated from the character count (SVG has no layout
 * engine to ask before rendering), generously, so entries never overlap.
 */
export interface LegendItem {
  label: string;
  /** Label as drawn: long labels are shortened, the full one stays in a <title>. */
  shown: string;
  x: number;
  y: number;
}

export const LEGEND_ROW_HEIGHT = 18;
/** Width of an entry's sample: a filled chart's square, or a line chart's stretch of dashed line. */
export const FILL_SWATCH = 12;
export const LINE_SWATCH = 22;
const GAP = 18;
const CHAR_WIDTH = 6.6;
const MAX_CHARS = 42;

/**
 * A long label cut in the middle: arm labels that differ only at the end ("… (self-refine)" and
 * "… (self-refine) (forced 3 iterations)", or one study's arm and another's) stay distinct.
 */
export function shorten(label: string, max = MAX_CHARS): string {
  if (label.length <= max) return label;
  const tail = Math.floor((max - 1) * 0.4);
  return `${label.slice(0, max - 1 - tail).trimEnd()}…${label.slice(label.length - tail).trimStart()}`;
}

/**
 * A long label over up to `maxLines` lines of `width` characters, broken between words (a word
 * longer than a line is cut); what still does not fit is shortened in the middle on the last line,
 * so labels that differ only at the end stay apart, as with `shorten`.
 */
export function wrapLabel(label: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let rest = label.trim();
  while (rest.length > width && lines.length < maxLines - 1) {
    const space = rest.lastIndexOf(' ', width);
    let at = space > 0 ? space : width;
    // Not between the two halves of a character outside the BMP (an emoji): "\uFFFD" on both lines.
    if (at === width && isHighSurrogate(rest.charCodeAt(at - 1))) at--;
    lines.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest.length > 0 || lines.length === 0) lines.push(shorten(rest, width));
  return lines;
}

export function legendLayout(
  labels: readonly string[],
  left: number,
  top: number,
  width: number,
  swatch = FILL_SWATCH,
): { items: LegendItem[]; height: number; swatch: number } {
  const items: LegendItem[] = [];
  let x = left;
  let y = top;
  for (const label of labels) {
    const shown = shorten(label);
    const w = swatch + 6 + shown.length * CHAR_WIDTH;
    if (x > left && x + w > left + width) {
      x = left;
      y += LEGEND_ROW_HEIGHT;
    }
    items.push({ label, shown, x, y });
    x += w + GAP;
  }
  return { items, height: labels.length === 0 ? 0 : y - top + LEGEND_ROW_HEIGHT, swatch };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
