/**
 * `merge --out FILE` over a file already there. It wrote over anything (someone's notes, a
 * samples file, a shard left off the command line) without a word, while `run --out` refuses
 * every file there. Merging the same shards again into the same name (one more shard come in) is
 * the common case and must still work, so the one file replaced is an earlier merge this one
 * supersedes: a result file of the same study whose every unit the new file holds, as finished
 * where it was finished. Anything else is refused before it is lost; the way on is another name
 * (or deleting the file first, for one that is truly not wanted).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ResultFile } from '../../src/core/results/result-file.ts';
import { unitKey } from '../../src/core/results/result-file.ts';
import { countOf } from '../../src/core/count-text.ts';
import { readResultFiles } from '../result-files.ts';
import type { StatusLine } from '../status-line.ts';
import { InputError, UsageError } from '../usage-error.ts';

const ONLY = 'merge writes over nothing but an earlier merge of the same study';
const INSTEAD = 'Give --out a name not taken (or delete the file first, if it is not wanted).';

/**
 * The result file at `out`, read before the shards so that a file merge will not replace is
 * refused at once; null when nothing is there. Throws a UsageError when something there is not a
 * result file feedback-lab can read.
 */
export async function readExistingOutput(out: string, cwd: string, status: StatusLine): Promise<ResultFile | null> {
  let folder: boolean;
  try {
    folder = statSync(resolve(cwd, out)).isDirectory();
  } catch {
    return null; // Not there (or not reachable: the write says why).
  }
  // A folder is left to the write, which names it as such, as before.
  if (folder) return null;
  try {
    const { files } = await readResultFiles([out], cwd, status);
    return files[0]?.doc ?? null;
  } catch (error) {
    // A file merge could not read, as opposed to one that is not a result file: the user's own
    // earlier merge past 512 MB was called "not a result file", as if it were damaged (audit R181-2).
    const reason = error instanceof InputError ? (error.message.split('\n', 1)[0] ?? '') : '';
    if (/too big|cannot read it/.test(reason)) {
      throw new UsageError(`--out ${out} is already there and could not be read to see whether it is an earlier merge (${reason}), and ${ONLY}. ${INSTEAD}`);
    }
    throw new UsageError(`--out ${out} is already there and is not a result file, and ${ONLY}. ${INSTEAD}`);
  }
}

/**
 * Throws a UsageError unless `existing` (the file at `out`) is an earlier merge that `merged`
 * supersedes: the same study, and every unit it holds in `merged`, finished where it was finished.
 */
export function refuseLosingExisting(out: string, existing: ResultFile, merged: ResultFile): void {
  if (existing.config.id !== merged.config.id) {
    throw new UsageError(`--out ${out} already holds the results of another study ("${existing.config.name}"), and ${ONLY}. ${INSTEAD}`);
  }
  const kept = new Map(merged.units.map((unit) => [unitKey(unit), unit.status === 'finished']));
  const lost = existing.units.filter((unit) => {
    const finished = kept.get(unitKey(unit));
    return finished === undefined || (unit.status === 'finished' && !finished);
  });
  if (lost.length === 0) return;
  const first = lost[0]!;
  throw new UsageError(
    `--out ${out} already holds ${countOf(lost.length, 'unit')} of this study that the merged file would lose ` +
      `(the first: ${first.armId}, repeat ${first.repeat + 1}, ${first.problemId}${first.status === 'finished' ? ', finished' : ''}): it may be a shard not named. ` +
      `Name it among the files to merge, or give --out a name not taken.`,
  );
}
