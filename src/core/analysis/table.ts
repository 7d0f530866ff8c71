/**
 * A table as plain data: what the analysis pages render, and what the CSV and Markdown writers
 * write, so the downloaded file always says what the screen says. Cells keep the displayed text
 * and, for numbers, the unrounded value (CSV gets the value, the screen and Markdown the text).
 *
 * Every text here may come from a file someone else wrote (arm labels, error types, problem
 * ids): renderers must treat it as text, never as markup.
 */
import { asciiSlug } from '../ascii-slug.ts';

/** How a cell is flagged: a comparison's verdict, or a pass/fail state. */
export type CellTone = 'match' | 'rounding' | 'mismatch' | 'not-released' | 'pass' | 'fail';

export interface Cell {
  /** As displayed: rounded, with units. */
  text: string;
  /** The unrounded number behind `text`; absent for text cells. */
  value?: number;
  /** Several numbers shown as one text (`76.6 ± 3.6`): CSV writes each in a column of its own (the column's `csvLabels`); null is no number. */
  values?: readonly (number | null)[];
  tone?: CellTone;
  /** The unit `text` shows after the number (`%`, `pp`, `σ`), which CSV, writing the bare number, puts in the column's header instead. */
  unit?: string;
}

export interface Column {
  label: string;
  /** Right-aligned; written as a number in CSV. */
  numeric?: boolean;
  /**
   * The unit the column's numbers show (`%`, `pp`), for the CSV header (`Fix rate (%)`). Without
   * it the header takes the unit of the cells, so a column with no number in this table (every
   * arm "–") lost it, and two reports' files named one column two ways (audit R220-8).
   */
  unit?: string;
  /**
   * A column whose cells show several numbers as one text (mean ± SD): CSV splits it into one
   * numeric column per label here, filled from each cell's `values`, so a spreadsheet can compute with them.
   */
  csvLabels?: readonly string[];
}

export interface Table {
  /** Stable and file-name safe: used for download names and element ids. */
  id: string;
  caption: string;
  columns: Column[];
  /** The first cell of each row names the row (rendered as a row header). */
  rows: Cell[][];
  /** Sentences shown under the table (how it was computed, what was left out). */
  notes?: string[];
}

export function textCell(text: string, tone?: CellTone): Cell {
  return tone ? { text, tone } : { text };
}

/** Rounds half away from zero, so 2.5 → 3 and −2.5 → −3, as people round by hand. */
export function formatNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : value < 0 ? '−∞' : '–';
  const scale = 10 ** decimals;
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * scale + 1e-9)) / scale;
  return (rounded === 0 ? 0 : rounded).toFixed(decimals);
}

/** A numeric cell shown with `decimals` places and an optional unit (`' %'`, `'σ'`). */
export function numberCell(value: number, decimals = 0, unit = '', tone?: CellTone): Cell {
  const cell: Cell = { text: `${formatNumber(value, decimals)}${unit}`, value };
  if (unit.trim() !== '') cell.unit = unit.trim();
  if (tone) cell.tone = tone;
  return cell;
}

/** A numeric cell or an en dash when there is no number (a single repeat has no SD). */
export function maybeNumberCell(value: number | null, decimals = 0, unit = ''): Cell {
  return value === null || Number.isNaN(value) ? { text: '–' } : numberCell(value, decimals, unit);
}

/** `76.6 ± 3.6`, kept as text (two numbers in one cell). */
export function meanSdText(mean: number, sd: number | null, decimals = 1): string {
  return sd === null ? formatNumber(mean, decimals) : `${formatNumber(mean, decimals)} ± ${formatNumber(sd, decimals)}`;
}

/** `76.6 ± 3.6` on the page, mean and SD in columns of their own in CSV (a column with `csvLabels: meanSdCsvLabels(…)`). */
export function meanSdCell(mean: number, sd: number | null, decimals = 1): Cell {
  return { text: meanSdText(mean, sd, decimals), values: [mean, sd] };
}

/** The CSV columns of a mean ± SD column: `Yours: mean ± SD` → `Yours: mean`, `Yours: SD`. */
export function meanSdCsvLabels(label: string): string[] {
  const stem = label.replace(/\s*mean ± SD$/, '').trim();
  return [`${stem} mean`.trim(), `${stem} SD`.trim()];
}

/** A table id safe in a file name and an element id: `Table 2` → `table-2`, `Étude` → `etude`. */
export function tableId(...parts: string[]): string {
  return parts.map(asciiSlug).filter((part) => part !== '').join('-') || 'table';
}
