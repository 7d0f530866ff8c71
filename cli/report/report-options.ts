/**
 * `feedback-lab report`: what the command line may say, and its meaning as plain options.
 */
import type { ArmPair } from '../../src/core/analysis/pair-tables.ts';
import { RESULTS_REPLICATES, RESULTS_SEED } from '../../src/core/analysis/results-report.ts';
import type { ErrorLabelling } from '../../src/core/analysis/study-runs.ts';
import { UsageError, parseCommandLine } from '../usage-error.ts';
import { wholeNumberArgument } from '../number-argument.ts';

export type ReportFormat = 'markdown' | 'csv' | 'json';

export interface ReportOptions {
  files: string[];
  format: ReportFormat;
  /** csv: the folder to write; markdown and json: a file instead of stdout; null: stdout. */
  out: string | null;
  labelling: ErrorLabelling;
  /** Pairs by arm id; null: the Results page's default pairs. */
  pairs: ArmPair[] | null;
  seed: number;
  replicates: number;
}

/** Past this a report takes minutes (every CI resamples every problem this many times). */
const MAX_REPLICATES = 1_000_000;
/**
 * A 95 % percentile interval reads its bounds at the 2.5th and 97.5th resample: with fewer than
 * 40 there is no such resample, and 1 gave a "CI" of one point beside an estimate outside it.
 */
const MIN_REPLICATES = 100;

export const REPORT_USAGE = `Usage: feedback-lab report [options] FILE...

Prints the analysis the app's Results page shows for one or more result files (.json or
.json.gz, as the app exports them and "feedback-lab run" writes them), computed by the same
code with the same bootstrap seed, so every number equals the page's: problems solved per arm
with 95 % CIs, the paper's Table 1 beside runs of its arms, arm pairs (Δ, σ, McNemar per
repeat, CI of Δ), consistency over repeats, the error taxonomy with its transition matrices,
what each iteration does, single run vs mean. Figures are given as tables of their numbers.

Shards of one study (same study id and config) are merged first, as "feedback-lab merge"
would, and stderr says so. Files of different studies are reported side by side, each arm
labelled with its study's name, as the Results page shows them. Only finished units count:
an errored or unfinished unit is a missing verdict, never a failure.

While files are read (a big .json.gz takes seconds) and analysed, stderr says how far it
is: a line redrawn in place on a terminal, with a bar while a file is read and
decompressed; in a log, once it takes over 5 s, each step as it begins and a line every
5 s. stdout holds only the report.

Options:
      --format FORMAT   markdown (default): GitHub tables with their captions and notes;
                        csv: one CSV file per table in the folder --out, named by table
                        (numbers to 12 significant digits), and on stdout each file with
                        its caption;
                        json: every table as data (each cell's text and unrounded value)
      --out PATH        csv: the folder to write the tables to (required; created if
                        missing); markdown or json: a file to write instead of stdout,
                        gzip when it ends in .gz
      --errors LABELS   exception (default): error types as Python named them;
                        study: folded as the study did (bare assert = None, …)
      --pair BASE,ARM   compare arm ARM against arm BASE, by arm id (repeatable). Default,
                        as on the page: every arm against the first arm that shares its
                        problems. Side by side, each arm id starts with its study's
                        number, in the order the files name the studies: the first
                        study's "solo" is "1:solo", the second's "2:solo" (e.g.
                        --pair 1:solo,2:solo).
      --seed N          seed of the bootstrap CIs (default ${RESULTS_SEED}, the page's)
      --replicates N    bootstrap resamples, 100 or more (default ${RESULTS_REPLICATES}, the page's)
  -h, --help            show this help

Examples:
  feedback-lab report results.json.gz > report.md
  feedback-lab report shard-a.json shard-b.json --format csv --out tables/

Exit codes: 0 done, 1 bad input (a file missing, not a result file, or without any verdict
yet), 2 bad command line, 130 stopped by Ctrl+C, 143 by SIGTERM, 129 by SIGHUP (the terminal
closed), each at once.`;

/** Parsed options, or null when help was asked for. Throws UsageError for anything else wrong. */
export function parseReportOptions(argv: readonly string[]): ReportOptions | null {
  const parsed = parseCommandLine(
    argv,
    {
      format: { type: 'string' },
      out: { type: 'string' },
      errors: { type: 'string' },
      pair: { type: 'string', multiple: true },
      seed: { type: 'string' },
      replicates: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const { values, positionals } = parsed;
  if (values.help) return null;

  if (positionals.length === 0) throw new UsageError('Name one or more result files to report on.');
  const format = (values.format ?? 'markdown').toLowerCase();
  if (format !== 'markdown' && format !== 'csv' && format !== 'json') {
    const meant = format === 'md' || format === 'text' || format === 'txt' ? 'markdown' : null;
    throw new UsageError(`--format must be markdown, csv or json, not "${values.format}".${meant ? ` Did you mean --format ${meant}?` : ''}`);
  }
  const out = values.out === undefined ? null : values.out.trim();
  if (out === '') throw new UsageError('--out needs a value.');
  if (format === 'csv' && out === null) throw new UsageError('--format csv writes one file per table: name the folder with --out DIR.');
  const labelling = values.errors ?? 'exception';
  if (labelling !== 'exception' && labelling !== 'study') throw new UsageError(`--errors must be exception or study, not "${labelling}".`);

  return {
    files: positionals,
    format,
    out,
    labelling,
    pairs: values.pair === undefined ? null : values.pair.map(readPair),
    seed: values.seed === undefined ? RESULTS_SEED : wholeNumberArgument('--seed', values.seed, 0, 2 ** 32 - 1),
    replicates: values.replicates === undefined ? RESULTS_REPLICATES : wholeNumberArgument('--replicates', values.replicates, MIN_REPLICATES, MAX_REPLICATES),
  };
}

function readPair(text: string): ArmPair {
  // Arm ids never hold a comma (letters, digits and . _ : @ + -), so the first one separates.
  const at = text.indexOf(',');
  const baselineId = text.slice(0, at).trim();
  const treatmentId = text.slice(at + 1).trim();
  if (at < 0 || baselineId === '' || treatmentId === '') throw new UsageError(`--pair takes BASE,ARM (two arm ids), e.g. --pair solo,self-refine, not "${text}".`);
  if (baselineId === treatmentId) throw new UsageError(`--pair ${text} compares an arm with itself.`);
  return { baselineId, treatmentId };
}

