/**
 * Result files named on the command line (`report`, `merge`): read and validated by the app's own
 * importer, each refusal turned into one line that names the file and says what to do here,
 * on a server, rather than on a page of the app.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { NamedResultFile } from '../src/core/analysis/result-file-study.ts';
import { RESULT_FILE_VERSION } from '../src/core/results/result-file.ts';
import { importResultFile } from '../src/core/results/result-file-import.ts';
import { UserError } from '../src/core/user-error.ts';
import { appVersion } from './run/node-environment.ts';
import { InputError } from './usage-error.ts';

/**
 * The largest file read, after decompression: V8's longest string is 2^29 − 24 UTF-16 units,
 * and a UTF-8 file never decodes to more units than it has bytes. The app stops at 256 MiB and
 * sends bigger files here; there is no cap on steps (memory is the limit).
 */
export const CLI_MAX_BYTES = 2 ** 29 - 24;

export interface ReadResultFilesResult {
  files: NamedResultFile[];
  /** Arguments naming a file already read (the same path twice): read once. */
  repeated: string[];
}

/**
 * Reads every file in order, each under the name it was given; the same path given twice is
 * read once. Throws InputError for the first file that cannot be used.
 */
export async function readResultFiles(paths: readonly string[], cwd: string): Promise<ReadResultFilesResult> {
  const files: NamedResultFile[] = [];
  const repeated: string[] = [];
  const seen = new Set<string>();
  for (const argument of paths) {
    const path = resolve(cwd, argument);
    if (seen.has(path)) {
      repeated.push(argument);
      continue;
    }
    seen.add(path);
    files.push({ fileName: argument, doc: await importFile(argument, await readBytes(path, argument)) });
  }
  return { files, repeated };
}

async function readBytes(path: string, argument: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`${argument} is a directory, not a result file.`);
    // readFile cannot hold more than 2 GiB anyway; say why in the file's terms before trying.
    if (info.size > CLI_MAX_BYTES) {
      throw new InputError(`${argument}: the file is too big (${gigabytes(info.size)}; at most ${gigabytes(CLI_MAX_BYTES)} is read). Split the study into shards.`);
    }
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${argument}: no such file (looked at ${path}).`);
    if (code === 'EACCES') throw new InputError(`${argument}: cannot read it (permission denied).`);
    throw new InputError(`${argument}: cannot read it (${(error as Error).message}).`);
  }
}

async function importFile(argument: string, bytes: Uint8Array) {
  try {
    return await importResultFile(bytes, { maxBytes: CLI_MAX_BYTES, maxSteps: Number.MAX_SAFE_INTEGER, appVersion: appVersion() });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const hint = commandLineHint(error);
    const lines = [`${argument}: ${error.message}${hint ? ` ${hint}` : ''}`, ...error.details.map((d) => `  ${d}`)];
    throw new InputError(lines.join('\n'));
  }
}

/**
 * The importer's hints send people to pages of the app; here the way on is a command, or the
 * same advice without the page. Recognised by the importer's own sentences (tests/integration/cli-report holds them).
 */
export function commandLineHint(error: UserError): string {
  const { message } = error;
  if (message.includes('looks like a samples file')) return 'Score a samples file with: feedback-lab score --benchmark humaneval|mbpp FILE.';
  if (message.includes("one of the study's own released files")) return 'The app\'s Reproduce page recomputes the paper\'s tables from the released files.';
  if (message.includes('It is a prompt set')) return 'Run a study with it: feedback-lab run --study LINK_OR_DRAFT --prompts FILE (in the app, load it on the Study or Search page).';
  if (message.includes('written by a newer Feedback Lab (format')) {
    return `This feedback-lab reads formats up to ${RESULT_FILE_VERSION}: update it (git pull, npm install), then run the command again.`;
  }
  if (message.includes('written by a newer Feedback Lab')) return 'Update feedback-lab (git pull, npm install), then run the command again.';
  if (message.startsWith('The file is too big')) return 'Split the study into shards, each in its own file.';
  return error.hint;
}

function gigabytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}
