/**
 * The Results report as text: Markdown (the page's tables with their captions and notes, for an
 * issue or a paper draft), JSON (the same tables as data), or one CSV per table. Every string
 * here may come from someone else's file (study names, arm labels, error types), so Markdown
 * escapes it with the table writer's own escaping.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NamedResultFile } from '../../src/core/analysis/result-file-study.ts';
import type { ResultsReport } from '../../src/core/analysis/results-report.ts';
import { tableToCsv } from '../../src/core/analysis/table-csv.ts';
import { markdownCell, tableToMarkdown } from '../../src/core/analysis/table-markdown.ts';
import { tableId, type Table } from '../../src/core/analysis/table.ts';
import { countOf } from '../../src/core/count-text.ts';
import { writeFileWhole } from '../output-file.ts';

/** What each file holds, in the words of the Results page's file list. */
export function fileLine({ fileName, doc }: NamedResultFile): string {
  const { config } = doc;
  return (
    `${fileName} — “${config.name}”, ${config.benchmark}, ${countOf(config.arms.length, 'arm')} × ${countOf(config.repeats, 'repeat')} × ` +
    `${countOf(config.problemIds.length, 'problem')}, ${countOf(doc.units.length, 'unit')}`
  );
}

export function reportMarkdown(report: ResultsReport, files: readonly NamedResultFile[]): string {
  const parts = [`# Results: ${markdownCell(report.name)}`, files.map((f) => `- ${markdownCell(fileLine(f))}`).join('\n')];
  if (report.notes.length > 0) parts.push(report.notes.map(markdownCell).join('\n\n'));
  for (const section of report.sections) {
    parts.push(`## ${markdownCell(section.title)}`);
    for (const message of section.messages) parts.push(markdownCell(message));
    for (const table of [...section.tables, ...section.figureTables]) parts.push(tableToMarkdown(table).trimEnd());
  }
  return `${parts.join('\n\n')}\n`;
}

export interface ReportJsonSettings {
  labelling: string;
  seed: number;
  replicates: number;
}

export function reportJson(report: ResultsReport, files: readonly NamedResultFile[], settings: ReportJsonSettings): string {
  const value = {
    name: report.name,
    files: files.map(({ fileName, doc }) => ({
      file: fileName,
      studyId: doc.config.id,
      studyName: doc.config.name,
      benchmark: doc.config.benchmark,
      arms: doc.config.arms.length,
      repeats: doc.config.repeats,
      problems: doc.config.problemIds.length,
      units: doc.units.length,
    })),
    errorTypes: settings.labelling,
    bootstrap: { seed: settings.seed, replicates: settings.replicates },
    notes: report.notes,
    pairs: report.pairs,
    sections: report.sections.map((s) => ({ id: s.id, title: s.title, messages: s.messages, tables: [...s.tables, ...s.figureTables] })),
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** File names for tables, from their ids, made safe and unique (two arms may share a label). */
export function csvFileNames(tables: readonly Table[]): string[] {
  const used = new Set<string>();
  return tables.map((table) => {
    const base = tableId(table.id);
    let name = `${base}.csv`;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}.csv`;
    used.add(name);
    return name;
  });
}

/**
 * Writes one CSV per table into `dir` and returns, for stdout, each file with its caption, its
 * notes and every section's messages: a CSV has no room for them, and they say how to read it.
 * `others`: CSV files already in `dir` that this report did not write (an earlier report of another
 * study, with tables this one has not): left alone, as they may be the user's, but named, since
 * `dir/*.csv` would read them as part of this report (audit R209-3).
 */
export async function writeReportCsv(report: ResultsReport, dir: string, cwd: string): Promise<{ listing: string; others: string[] }> {
  const folder = resolve(cwd, dir);
  await mkdir(folder, { recursive: true });
  const lines: string[] = [...report.notes];
  const names = csvFileNames(report.sections.flatMap((s) => [...s.tables, ...s.figureTables]));
  let next = 0;
  for (const section of report.sections) {
    lines.push(`${section.title}:`, ...section.messages.map((m) => `  ${m}`));
    for (const table of [...section.tables, ...section.figureTables]) {
      const name = names[next++]!;
      await writeFileWhole(join(folder, name), tableToCsv(table));
      // A CSV of a table with no rows keeps its header line (valid, and read by any tool as no data); the listing says so.
      const empty = table.rows.length === 0 ? ' (no rows: the header line only)' : '';
      lines.push(`  ${join(dir, name)}: ${table.caption}${empty}`, ...(table.notes ?? []).map((n) => `    ${n}`));
    }
  }
  const written = new Set(names);
  const others = (await readdir(folder)).filter((name) => name.toLowerCase().endsWith('.csv') && !written.has(name)).sort();
  return { listing: `${lines.join('\n')}\n`, others };
}
