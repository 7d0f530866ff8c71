/**
 * Tables as GitHub-flavoured Markdown, for pasting into an issue or a paper draft. Cells are
 * text from other people's files, so every character Markdown or its inline HTML would act on
 * is backslash-escaped (CommonMark lets any ASCII punctuation be escaped), line breaks, which
 * would end the table row, become spaces, and control characters are spelled out: `cat
 * report.md` obeyed an ESC sequence in an arm's label (control-characters.ts).
 */
import { spellOutControls } from '../control-characters.ts';
import type { Table } from './table.ts';

/** Characters that start emphasis, code, links, HTML, entities or end a table cell. */
const ACTIVE = /[\\|`*_[\]<>&~!#]/g;

export function markdownCell(text: string): string {
  // Spelled out first: the backslash of `\u001b` is then escaped like any other, and reads back as itself.
  return spellOutControls(text.replace(/\r\n|\r|\n/g, ' ')).replace(ACTIVE, (c) => `\\${c}`);
}

/** What the Results page shows in a table with no rows (DataTable.svelte). */
export const NO_ROWS = 'No rows.';

/**
 * The table as Markdown: caption as a bold line, numbers right-aligned, notes underneath. A table
 * with no rows says so, as the page does, where a header alone would read as a table cut off.
 */
export function tableToMarkdown(table: Table): string {
  const notes = (table.notes ?? []).map((n) => `\n${markdownCell(n)}`);
  const end = `${notes.join('\n')}${notes.length ? '\n' : ''}`;
  if (table.rows.length === 0) return `**${markdownCell(table.caption)}**\n\n${NO_ROWS}\n${end}`;
  const head = `| ${table.columns.map((c) => markdownCell(c.label)).join(' | ')} |`;
  const rule = `| ${table.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`;
  const body = table.rows.map((row) => `| ${table.columns.map((_, i) => markdownCell(row[i]?.text ?? '')).join(' | ')} |`);
  return `**${markdownCell(table.caption)}**\n\n${[head, rule, ...body].join('\n')}\n${end}`;
}
