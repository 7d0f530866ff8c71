/**
 * Tables as CSV (RFC 4180): comma-separated, CRLF line ends, fields quoted when they hold a
 * comma, quote or line break. Text from other people's files is defused against spreadsheet
 * formula injection (OWASP's advice): a text field starting with = + − @, tab or carriage return
 * gets a leading apostrophe, so Excel or LibreOffice shows it rather than evaluating it, unless
 * the whole field is a plain number such as -0.4, which no spreadsheet takes for a formula. Numeric
 * cells are written as plain numbers to 12 significant digits, so a spreadsheet can compute with
 * them without the page's rounding or binary floating-point noise (17.4, not 17.400000000000006;
 * a p of 5.519584789226e-12 keeps its digits) (a
 * negative one as -1.2, whatever the page shows), a missing one as an empty field, and a cell
 * showing mean ± SD as two numeric columns.
 */
import type { Cell, Table } from './table.ts';

const FORMULA_START = /^[=+\-@\t\r]/;
/** Text that is a plain number ("-0.4" in a ledger's text column): a spreadsheet reads it as that number, never a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** What the page shows where a number has no value (one run has no SD, no p): an empty cell to a spreadsheet. */
const NO_NUMBER = /^[–—-]?$/;

/**
 * A number as a CSV field: 12 significant digits, more than any figure here is known to and
 * fewer than the 15–17 at which sums of tenths show their binary noise (45.599999999999994).
 */
export function csvNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** One cell as a CSV field. */
export function csvField(cell: Cell, numeric: boolean): string {
  if (numeric && cell.value !== undefined && Number.isFinite(cell.value)) return csvNumber(cell.value);
  if (numeric && cell.value === undefined && NO_NUMBER.test(cell.text.trim())) return '';
  const text = FORMULA_START.test(cell.text) && !PLAIN_NUMBER.test(cell.text) ? `'${cell.text}` : cell.text;
  return quote(text);
}

/** A split column's fields (mean ± SD): each number plain, no number empty; a cell without numbers keeps its text in the first. */
function splitFields(cell: Cell, labels: readonly string[]): string[] {
  return labels.map((_, i) => {
    if (!cell.values) return i === 0 ? csvField(cell, true) : '';
    const value = cell.values[i];
    return value !== null && value !== undefined && Number.isFinite(value) ? csvNumber(value) : '';
  });
}

/**
 * A numeric column's header, with the unit its cells show and its numbers lose (`Fix rate (%)`),
 * so a spreadsheet's 64 is read as 64 %, not as a fraction. Only when every number in the column
 * has the same unit and the label does not say it already.
 */
function csvLabel(table: Table, index: number): string {
  const column = table.columns[index]!;
  if (!column.numeric) return column.label;
  const units = new Set(table.rows.map((row) => row[index]).filter((cell) => cell?.value !== undefined).map((cell) => cell!.unit ?? ''));
  const [inferred] = units;
  const unit = column.unit ?? (units.size === 1 ? inferred : undefined);
  return unit && !saysUnit(column.label, unit) ? `${column.label} (${unit})` : column.label;
}

/** `Mean %`, `% of 164`, `Inflation (%)` say their unit; `95 % CI low` does not (its % is the level's). */
function saysUnit(label: string, unit: string): boolean {
  return label.endsWith(` ${unit}`) || label.endsWith(`(${unit})`) || label.startsWith(`${unit} `) || label === unit;
}

/** The table with a header row, as CSV text. */
export function tableToCsv(table: Table): string {
  const header = table.columns.flatMap((c, i) => (c.csvLabels ?? [csvLabel(table, i)]).map((label) => csvField({ text: label }, false)));
  const lines = [header.join(',')];
  for (const row of table.rows) {
    const fields = table.columns.flatMap((column, i) => {
      const cell = row[i] ?? { text: '' };
      return column.csvLabels ? splitFields(cell, column.csvLabels) : [csvField(cell, column.numeric === true)];
    });
    lines.push(fields.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
