/**
 * `run --out FILE` never writes over a file that is there: a result file there holds units that
 * would be gone (the first write replaces it with the new study's empty file). The file is read
 * only to say what it is and how to go on: continue it with --resume when it holds this study,
 * else pick another name. A default name never meets this (it takes -2, -3… instead), and
 * `--resume FILE --out FILE` is the file being continued, not another.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { canonicalJson } from '../../src/core/results/canonical-json.ts';
import { commandName } from '../command-name.ts';
import { shellWord } from '../shell-word.ts';
import type { ResultFile } from '../../src/core/results/result-file.ts';
import type { StudyConfig } from '../../src/core/study/config.ts';
import { canonicalPath } from '../output-file.ts';
import { UsageError } from '../usage-error.ts';

/** What the file at --out is, for the refusal; `read` gives the result file there, or throws when it is none. */
export async function refuseExistingOutput(
  out: string,
  cwd: string,
  study: { config: StudyConfig; resume: string | null },
  read: () => Promise<ResultFile>,
): Promise<void> {
  const path = resolve(cwd, out);
  let folder: boolean;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    return; // Not there (or not reachable: the first write says why).
  }
  if (study.resume !== null && canonicalPath(resolve(cwd, study.resume)) === canonicalPath(path)) return;
  const instead = 'Give --out a name not taken (or leave out --out: a new name is picked).';
  if (folder) throw new UsageError(`--out ${out} is a folder: name the result file to write in it, e.g. --out ${out.replace(/[/\\]$/, '')}/results.json.`);
  let doc: ResultFile;
  try {
    doc = await read();
  } catch {
    throw new UsageError(`--out ${out} is already there, and run does not write over a file. ${instead}`);
  }
  const finished = doc.units.filter((unit) => unit.status === 'finished').length;
  const planned = doc.config.arms.length * doc.config.repeats * doc.config.problemIds.length;
  const holds = `${finished} of ${planned} units finished`;
  if (sameStudy(doc.config, study.config)) {
    throw new UsageError(
      `--out ${out} already holds a run of this study (${holds}), and run does not write over a result file. ` +
        `To continue it: ${commandName(cwd)} run --resume ${shellWord(out)}. To run the study again beside it, give --out a name not taken.`,
    );
  }
  throw new UsageError(`--out ${out} already holds the results of another study ("${doc.config.name}", ${holds}), and run does not write over a result file. ${instead}`);
}

/**
 * The same study: the one being resumed, or a new run of the same design (the same draft or link
 * on the same endpoint and models), which differs only in its id and start time.
 */
function sameStudy(a: StudyConfig, b: StudyConfig): boolean {
  if (a.id === b.id) return true;
  const design = (config: StudyConfig) => canonicalJson({ ...config, id: '', created: '' });
  return design(a) === design(b);
}
