/**
 * For the report and merge commands: result files built by the project's own builders (the
 * study fixtures' scripted truth run through the real interpreter), written to a folder, the
 * command run through `main()` with captured streams, and Markdown tables read back as text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CommandIo } from '../../../cli/main.ts';
import { armConsistency, armPassRates, armSummaryTable, consistencyTable, passRateTable, singleVsMeanTable } from '../../../src/core/analysis/arm-tables.ts';
import { armErrors, firstErrorTableView } from '../../../src/core/analysis/error-report.ts';
import { breakTableView, forcedIterationTables, iterationTableView } from '../../../src/core/analysis/iteration-report.ts';
import { comparePairs, defaultPairs, pairTable, type ArmPair } from '../../../src/core/analysis/pair-tables.ts';
import { paperComparison } from '../../../src/core/analysis/paper-comparison.ts';
import type { LoadedStudies } from '../../../src/core/analysis/result-file-study.ts';
import type { ErrorLabelling } from '../../../src/core/analysis/study-runs.ts';
import { markdownCell } from '../../../src/core/analysis/table-markdown.ts';
import type { Table } from '../../../src/core/analysis/table.ts';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import type { ResultFile } from '../../../src/core/results/result-file.ts';
import type { StudyConfig } from '../../../src/core/study/config.ts';
import { environment, fileBytes, runStoredStudy, type RunOptions } from '../../unit/results/result-file-fixtures.ts';
import { studyConfig, studyDraft } from '../../unit/study/study-fixtures.ts';

/** The Results page's bootstrap (src/ui/analysis/results-view.svelte.ts; a unit test holds the two equal). */
export const PAGE_STATS = { seed: 20_260_421, replicates: 10_000 };

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'feedback-lab-report-'));
}

/** The study fixtures' study (three arms, two repeats, five problems), or the units `options` keeps. */
export async function studyFile(options: RunOptions = {}, config: StudyConfig = studyConfig()): Promise<ResultFile> {
  const stored = await runStoredStudy(config, options);
  return buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
}

/** Another study: its self-refine arm runs every iteration after a pass too (the iteration tables apply). */
export function forcedStudyConfig(): StudyConfig {
  const draft = studyDraft();
  return {
    ...studyConfig({ ...draft, name: 'Forced iterations', arms: draft.arms.map((a) => ({ ...a, forcedIterations: a.id === 'refine' })) }),
    id: 'forced-study',
  };
}

export async function writeResultFile(dir: string, name: string, doc: ResultFile): Promise<string> {
  writeFileSync(join(dir, name), await fileBytes(doc, name.endsWith('.gz')));
  return name;
}

export interface Ran {
  code: number;
  out: string;
  err: string;
}

/** Runs the command with captured streams; `terminal` makes stderr say it is a terminal, as an interactive shell's is. */
export async function feedbackLab(dir: string, args: string[], terminal = false): Promise<Ran> {
  const io: CommandIo & { out: string; err: string } = {
    out: '',
    err: '',
    stdout: { write: (text: string) => void (io.out += text) },
    stderr: { write: (text: string) => void (io.err += text), ...(terminal ? { isTTY: true, columns: 120 } : {}) },
    env: {},
    cwd: dir,
  };
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

/**
 * The tables the Results page shows for these files, composed here the way ResultsPage.svelte
 * composes them from the core functions (not through the report module the command uses).
 */
export function pageTables(loaded: LoadedStudies, labelling: ErrorLabelling = 'exception', pairs?: ArmPair[]): Table[] {
  const { study } = loaded;
  const rates = armPassRates(study, PAGE_STATS.seed, PAGE_STATS.replicates);
  const consistency = armConsistency(study);
  const errors = armErrors(study, labelling);
  const forced = forcedIterationTables(study);
  const paper = paperComparison(loaded).table;
  return [
    armSummaryTable(study),
    ...(rates.length > 0 ? [passRateTable(rates)] : []),
    ...(paper ? [paper] : []),
    pairTable(comparePairs(study, pairs ?? defaultPairs(study), PAGE_STATS), PAGE_STATS),
    ...(consistency.length > 0 ? [consistencyTable(consistency)] : []),
    ...(errors.length > 0 ? [firstErrorTableView(errors)] : []),
    ...(forced.length > 0 ? [...forced.map(iterationTableView), breakTableView(forced)] : []),
    singleVsMeanTable(study),
  ];
}

/** A table's cells as text, as the page shows them. */
export function cellTexts(table: Table): string[][] {
  return table.rows.map((row) => table.columns.map((_, i) => row[i]?.text ?? ''));
}

/**
 * The body rows of the Markdown table under the bold caption line `caption`, cells unescaped;
 * null when the report has no such table.
 */
export function markdownTable(markdown: string, caption: string): { header: string[]; rows: string[][]; notes: string[] } | null {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line === `**${markdownCell(caption)}**`);
  if (start < 0) return null;
  const tableLines: string[] = [];
  let i = start + 2;
  for (; i < lines.length && lines[i]!.startsWith('|'); i++) tableLines.push(lines[i]!);
  const notes: string[] = [];
  for (i++; i < lines.length && lines[i] !== '' && !lines[i]!.startsWith('**') && !lines[i]!.startsWith('#'); i += 2) notes.push(unescape(lines[i]!));
  const [head, , ...body] = tableLines.map(splitRow);
  return { header: head ?? [], rows: body, notes };
}

function splitRow(line: string): string[] {
  // Cells are split on pipes that are not escaped; a cell's own pipes arrive as \|.
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map(unescape);
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}
