/**
 * `feedback-lab merge`: what the command line may say, and its meaning as plain options.
 */
import { UsageError, parseCommandLine } from '../usage-error.ts';

export interface MergeOptions {
  files: string[];
  /** The merged result file; gzip when it ends in .gz. */
  out: string;
}

export const MERGE_USAGE = `Usage: feedback-lab merge FILE FILE... --out FILE

Merges the shards of one study into one result file: files of a study that was run in parts
(exported from one browser and resumed on another, or continued with "feedback-lab run
--resume" into another file). Every file must hold the same study (the same study id and the
same config); a unit found in several files is kept once: the finished copy over an
unfinished or errored one; of finished copies, the earlier file's (whatever their steps); of
the others, the copy with more steps, then the earlier file's. Every file's environment
(browser, GPU, Node) is kept.

Prints the merge's summary on stdout, and on stderr each unit whose copies finished with
different verdicts, then up to ten others found in more than one file, with the copy kept. Files of different studies are refused, naming the first setting that
differs; "feedback-lab report" shows different studies side by side instead. While files
are read, merged and written, stderr says how far it is: a line redrawn in place on a
terminal, with a bar while a file is read and decompressed; in a log, once it takes over
5 s, each step as it begins and a line every 5 s.

Options:
      --out FILE        the merged result file to write (required), gzip when it ends in
                        .gz; never one of the shards (they stay as they are), and written
                        whole beside it, then renamed, so it is never half a file. A file
                        already there is replaced only when it is an earlier merge of the
                        same study whose every unit the new file holds (the same shards
                        merged again, with more); anything else there (another file, another
                        study, a shard not named) is refused, and left as it is
  -h, --help            show this help

Example:
  feedback-lab merge laptop.json.gz desktop.json.gz --out whole-study.json.gz

Exit codes: 0 merged, 1 bad input (a file missing or not a result file, files of different
studies, the output cannot be written), 2 bad command line (--out names a shard or a file
merge does not replace), 130 stopped by Ctrl+C, 143 by
SIGTERM, 129 by SIGHUP (the terminal closed), each at once; --out is never left half-written.`;

/** Parsed options, or null when help was asked for. Throws UsageError for anything else wrong. */
export function parseMergeOptions(argv: readonly string[]): MergeOptions | null {
  const parsed = parseCommandLine(
    argv,
    {
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const { values, positionals } = parsed;
  if (values.help) return null;
  if (positionals.length < 2) {
    throw new UsageError(
      positionals.length === 0 ? 'Name the result files to merge (two or more shards of one study).' : 'Name two or more result files to merge: one file has nothing to merge with.',
    );
  }
  const out = values.out?.trim();
  if (out === undefined || out === '') throw new UsageError('Name the merged file to write with --out FILE (.json, or .json.gz for gzip).');
  return { files: positionals, out };
}
