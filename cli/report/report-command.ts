/**
 * `feedback-lab report FILE...`: the Results page's analysis of result files, on a server with no
 * browser. Files are read by the app's importer and grouped, merged and laid side by side by the
 * page's own core function; the report is the core's `resultsReport`, so every number is the
 * page's. This module only reads files, checks the command line against them and writes text.
 */
import { resolve } from 'node:path';
import { studiesFromResultFiles, type LoadedStudies } from '../../src/core/analysis/result-file-study.ts';
import { resultsReport } from '../../src/core/analysis/results-report.ts';
import { gzip } from '../../src/core/results/bounded-compression.ts';
import { UserError } from '../../src/core/user-error.ts';
import type { Command, CommandIo } from '../main.ts';
import { gzipByName, refuseFolderName, refuseOutputOverInput, writeFailure, writeFileWhole } from '../output-file.ts';
import { readResultFiles } from '../result-files.ts';
import { commandName } from '../command-name.ts';
import { shellWord } from '../shell-word.ts';
import { createStatusLine } from '../status-line.ts';
import { EXIT, InputError, UsageError } from '../usage-error.ts';
import { parseReportOptions, REPORT_USAGE, type ReportOptions } from './report-options.ts';
import { reportJson, reportMarkdown, writeReportCsv } from './report-output.ts';

export const reportCommand: Command = {
  usage: REPORT_USAGE,
  async run(argv: readonly string[], io: CommandIo): Promise<number> {
    const options = parseReportOptions(argv);
    if (options === null) {
      io.stdout.write(`${REPORT_USAGE}\n`);
      return EXIT.ok;
    }
    if (options.out !== null && options.format !== 'csv') {
      refuseFolderName('--out', options.out, options.format === 'json' ? 'report.json' : 'report.md');
      refuseOutputOverInput('--out', options.out, options.files, io.cwd);
    }
    const status = createStatusLine(io.stderr);
    let report;
    let files;
    try {
      const read = await readResultFiles(options.files, io.cwd, status);
      files = read.files;
      status.clear();
      for (const argument of read.repeated) io.stderr.write(`${argument} was named before: read once.\n`);

      const loaded = loadStudies(files);
      for (const note of loaded.notes) io.stderr.write(`${note}\n`);
      const studies = new Set(files.map((f) => f.doc.config.id + f.doc.configHash)).size;
      if (studies > 1) io.stderr.write(`${studies} different studies: reported side by side, each arm labelled with its study's name.\n`);
      checkPairs(options, loaded);

      // The bootstrap over a big study takes a while too, with nothing else on the screen.
      const units = files.reduce((sum, f) => sum + f.doc.units.length, 0);
      status.show(`Analysing ${units.toLocaleString('en')} units…`, 'analysing');
      report = resultsReport(loaded, { labelling: options.labelling, pairs: options.pairs, seed: options.seed, replicates: options.replicates });
    } finally {
      status.clear();
    }
    if (!report.hasVerdicts) {
      throw new InputError(
        `No unit in ${files.length === 1 ? 'this file' : 'these files'} has a verdict yet (the study was stopped before any problem finished), ` +
          `so there is nothing to analyse. Continue it with: ${commandName(io.cwd)} run --resume ${files.length === 1 ? shellWord(options.files[0]!) : 'FILE'}.`,
      );
    }

    if (options.format === 'csv') {
      const { listing, others } = await writeOrFail(options.out!, resolve(io.cwd, options.out!), () => writeReportCsv(report, options.out!, io.cwd));
      io.stdout.write(listing);
      if (others.length > 0) {
        const shown = others.length > 5 ? `${others.slice(0, 5).join(', ')} and ${others.length - 5} more` : others.join(', ');
        io.stderr.write(
          `${options.out} also holds ${others.length === 1 ? 'a CSV file' : `${others.length} CSV files`} this report did not write (${shown}), ` +
            `from an earlier report or yours: ${others.length === 1 ? 'it is' : 'they are'} not part of this one. Give --out an empty folder to keep reports apart.\n`,
        );
      }
      return EXIT.ok;
    }
    const text =
      options.format === 'json'
        ? reportJson(report, files, { labelling: options.labelling, seed: options.seed, replicates: options.replicates })
        : reportMarkdown(report, files);
    if (options.out === null) io.stdout.write(text);
    else {
      const path = resolve(io.cwd, options.out);
      // As merge does: a name ending in .gz gets gzip, not plain text under a name gunzip refuses.
      const bytes = gzipByName(path) ? await gzip(new TextEncoder().encode(text)) : text;
      await writeOrFail(options.out, path, () => writeFileWhole(path, bytes));
      io.stderr.write(`Wrote ${path}.\n`);
    }
    return EXIT.ok;
  },
};

function loadStudies(files: Parameters<typeof studiesFromResultFiles>[0]): LoadedStudies {
  try {
    return studiesFromResultFiles(files);
  } catch (error) {
    // The page shows this message in place of the report; here it ends the command the same way.
    if (error instanceof UserError) throw new InputError(`${error.message}${error.hint ? ` ${error.hint}` : ''}`);
    if (error instanceof Error) throw new InputError(`These files cannot be analysed together: ${error.message}`);
    throw error;
  }
}

/** A --pair naming an arm the files do not have is a command-line mistake: list the arms there are. */
function checkPairs(options: ReportOptions, loaded: LoadedStudies): void {
  if (options.pairs === null) return;
  const ids = new Set(loaded.study.arms.map((a) => a.id));
  for (const pair of options.pairs) {
    const unknown = [pair.baselineId, pair.treatmentId].find((id) => !ids.has(id));
    if (unknown === undefined) continue;
    const arms = loaded.study.arms.map((a) => `${a.id} (${a.label})`).join(', ');
    throw new UsageError(`--pair ${pair.baselineId},${pair.treatmentId}: there is no arm "${unknown}". The arms are: ${arms}.`);
  }
}

/** `target` as the user named it, `path` resolved, for the reason. */
async function writeOrFail<T>(target: string, path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw new InputError(`Cannot write ${target}: ${writeFailure(error, path)}.`);
  }
}
