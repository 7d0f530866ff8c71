/**
 * Tables as CSV (RFC 4180): comma-separated, CRLF line ends, fields quoted when they hold a
 * comma, quote or line break. Text from other people's files is defused against spreadsheet
 * formula injection (OWASP's advice): a text field starting with = + − @, tab or carriage return
 * gets a leading apostrophe, so Excel or LibreOffice shows it rather than evaluating it. Numeric
 * cells are written as plain numbers, unrounded, so a spreadsheet can compute with them.
 */
import type { Cell, Table } from './table.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** One cell as a CSV field. */
export function csvField(cell: Cell, numeric: boolean): string {
  if (numeric && cell.value !== undefined && Number.isFinite(cell.value)) return String(cell.value);
  const text = FORMULA_START.test(cell.text) ? `'${cell.text}` : cell.text;
  return quote(text);
}

/** The table with a header row, as CSV text. */
export function tableToCsv(table: Table): string {
  const header = table.columns.map((c) => csvField({ text: c.label }, false));
  const lines = [header.join(',')];
  for (const row of table.rows) {
    lines.push(table.columns.map((column, i) => csvField(row[i] ?? { text: '' }, column.numeric === true)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
