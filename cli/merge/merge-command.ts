/**
 * `feedback-lab merge FILE... --out FILE`: shards of one study into one result file, by the
 * results module's own merge (the rules the Results page merges shards by), validated on the
 * way in by the app's importer and written whole, then renamed, so a crash never leaves half a
 * file where a shard was.
 */
import { resolve } from 'node:path';
import { countOf, countText } from '../../src/core/count-text.ts';
import { exportResultFile } from '../../src/core/results/result-file-export.ts';
import { mergeResultFiles, type MergeDuplicate } from '../../src/core/results/result-file-merge.ts';
import { unitKey } from '../../src/core/results/result-file.ts';
import { UserError } from '../../src/core/user-error.ts';
import type { Command, CommandIo } from '../main.ts';
import { gzipByName, refuseFolderName, refuseOutputOverInput, writeFailure, writeFileWhole } from '../output-file.ts';
import { CLI_MAX_BYTES, readResultFiles } from '../result-files.ts';
import { commandName } from '../command-name.ts';
import { shellWord } from '../shell-word.ts';
import { createStatusLine } from '../status-line.ts';
import { appVersion } from '../run/node-environment.ts';
import { EXIT, InputError } from '../usage-error.ts';
import { MERGE_USAGE, parseMergeOptions } from './merge-options.ts';
import { readExistingOutput, refuseLosingExisting } from './existing-output.ts';

/** The most `report` and `merge` read of a result file, in the MB their refusal of a bigger one gives (result-files.ts). */
const CLI_MAX_MEGABYTES = Math.round(CLI_MAX_BYTES / 1024 ** 2);

/**
 * Duplicated units whose copies agree, listed one by one on stderr; past this they are only
 * counted. Units whose copies disagree on the verdict are all listed: they are the ones whose
 * pass counts depend on which file won, and nothing else names them all (audit R225-2).
 */
const MAX_LISTED_AGREEING = 10;

export const mergeCommand: Command = {
  usage: MERGE_USAGE,
  async run(argv: readonly string[], io: CommandIo): Promise<number> {
    const options = parseMergeOptions(argv);
    if (options === null) {
      io.stdout.write(`${MERGE_USAGE}\n`);
      return EXIT.ok;
    }
    refuseFolderName('--out', options.out, 'merged.json.gz');
    refuseOutputOverInput('--out', options.out, options.files, io.cwd);
    const status = createStatusLine(io.stderr);
    const path = resolve(io.cwd, options.out);
    let merged;
    let names: string[] = [];
    let replaced = false;
    try {
      // Before the shards, which may take a while: a file there that merge would not replace is refused at once.
      const existing = await readExistingOutput(options.out, io.cwd, status);
      status.clear();
      const { files, repeated } = await readResultFiles(options.files, io.cwd, status);
      if (files.length < 2) throw new InputError(`${options.files.join(' and ')} are the same file: there is nothing to merge.`);
      status.clear();
      for (const argument of repeated) io.stderr.write(`${argument} was named before: read once.\n`);

      names = files.map((f) => f.fileName);
      status.show(`Merging ${files.length} files…`, 'merging');
      try {
        merged = mergeResultFiles(
          files.map((f) => f.doc),
          { names, appVersion: appVersion() },
        );
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        throw new InputError(`${error.message} Only shards of one study merge; "${commandName(io.cwd)} report ${names.map(shellWord).join(' ')}" shows different studies side by side.`);
      }

      if (existing !== null) {
        refuseLosingExisting(options.out, existing, merged.doc);
        replaced = true;
      }

      // Compressing hundreds of MB takes seconds of its own.
      const gzipped = gzipByName(path);
      status.show(`Writing ${options.out} (${countOf(merged.doc.units.length, 'unit')}${gzipped ? ', gzip' : ''})…`, 'writing');
      let bytes: Uint8Array;
      try {
        bytes = await exportResultFile(merged.doc, { gzip: gzipped });
      } catch (error) {
        // A file's JSON is one string, and V8 holds none past 2^29 − 24 characters: shards of 1 GB
        // together ended in "Cannot write …: Invalid string length", as if the disk were at fault.
        if (!(error instanceof RangeError)) throw error;
        throw new InputError(
          `The merged study (${countOf(merged.doc.units.length, 'unit')}) is too big to write as one file: its JSON would pass ${CLI_MAX_MEGABYTES} MB, ` +
            `the most feedback-lab reads. Keep the shards: "${commandName(io.cwd)} report ${names.map(shellWord).join(' ')}" reports them together, and the Results page opens them together.`,
        );
      }
      try {
        await writeFileWhole(path, bytes);
      } catch (error) {
        throw new InputError(`Cannot write ${options.out}: ${writeFailure(error, path)}.`);
      }
    } finally {
      status.clear();
    }
    const { report } = merged;

    // Units whose copies disagree on the verdict first, every one: they change the pass counts, the others do not.
    const agreeing = report.duplicates.filter((d) => !d.verdictsDiffer);
    const listed = [...report.conflicts, ...agreeing.slice(0, MAX_LISTED_AGREEING)];
    const finished = new Set(merged.doc.units.flatMap((unit) => (unit.status === 'finished' ? [unitKey(unit)] : [])));
    for (const duplicate of listed) io.stderr.write(`${duplicateLine(duplicate, names, finished.has(unitKey(duplicate)))}\n`);
    if (agreeing.length > MAX_LISTED_AGREEING) {
      io.stderr.write(`…and ${countText(agreeing.length - MAX_LISTED_AGREEING)} more units in more than one file, their copies agreeing on the verdict.\n`);
    }
    io.stderr.write(replaced ? `Wrote ${path}, replacing the result file of this study that was there (the new file holds every unit it held).\n` : `Wrote ${path}.\n`);
    io.stdout.write(`${report.summary}\n`);
    return EXIT.ok;
  },
};

const REASON: Record<Exclude<MergeDuplicate['reason'], 'first-file'>, string> = {
  finished: 'the finished copy',
  'more-steps': 'the copy with more steps',
};

/**
 * Why the first file's copy was kept: of finished copies the earlier file's wins whatever their
 * steps (a failed refinement has more), so "the same steps in each" would be untrue of them.
 */
function firstFileReason(keptFinished: boolean): string {
  return keptFinished ? "finished in each, so the first file's" : "as many steps in each, so the first file's";
}

function duplicateLine(d: MergeDuplicate, names: readonly string[], keptFinished: boolean): string {
  const dropped = d.droppedFrom.map((i) => names[i]).join(', ');
  const differ = d.verdictsDiffer ? ' The copies finished with different verdicts (passed in one, failed in another).' : '';
  const reason = d.reason === 'first-file' ? firstFileReason(keptFinished) : REASON[d.reason];
  return `${d.armId}, repeat ${d.repeat + 1}, ${d.problemId}: kept ${names[d.keptFrom]} (${reason}), dropped ${dropped}.${differ}`;
}
