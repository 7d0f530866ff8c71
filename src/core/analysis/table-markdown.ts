/**
 * Tables as GitHub-flavoured Markdown, for pasting into an issue or a paper draft. Cells are
 * text from other people's files, so every character Markdown or its inline HTML would act on
 * is backslash-escaped (CommonMark lets any ASCII punctuation be escaped), and line breaks,
 * which would end the table row, become spaces.
 */
import type { Table } from './table.ts';

/** Characters that start emphasis, code, links, HTML, entities or end a table cell. */
const ACTIVE = /[\\|`*_[\]<>&~!#]/g;

export function markdownCell(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(ACTIVE, (c) => `\\${c}`);
}

/** The table as Markdown: caption as a bold line, numbers right-aligned, notes underneath. */
export function tableToMarkdown(table: Table): string {
  const head = `| ${table.columns.map((c) => markdownCell(c.label)).join(' | ')} |`;
  const rule = `| ${table.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`;
  const body = table.rows.map((row) => `| ${table.columns.map((_, i) => markdownCell(row[i]?.text ?? '')).join(' | ')} |`);
  const notes = (table.notes ?? []).map((n) => `\n${markdownCell(n)}`);
  return `**${markdownCell(table.caption)}**\n\n${[head, rule, ...body].join('\n')}\n${notes.join('\n')}${notes.length ? '\n' : ''}`;
}
