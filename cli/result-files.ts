/**
 * Result files named on the command line (`report`, `merge`): read and validated by the app's own
 * importer, each refusal turned into one line that names the file and says what to do here,
 * on a server, rather than on a page of the app.
 */
import { createReadStream, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { NamedResultFile } from '../src/core/analysis/result-file-study.ts';
import { RESULT_FILE_VERSION } from '../src/core/results/result-file.ts';
import { importResultFile, type ImportProgress } from '../src/core/results/result-file-import.ts';
import { UserError } from '../src/core/user-error.ts';
import { appVersion } from './run/node-environment.ts';
import { formatBytes, type StatusLine } from './status-line.ts';
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
 * read once. Throws InputError for the first file that cannot be used. `status` is told what
 * is being read, decompressed, parsed and checked: a file of hundreds of MB takes seconds.
 */
export async function readResultFiles(paths: readonly string[], cwd: string, status?: StatusLine): Promise<ReadResultFilesResult> {
  const files: NamedResultFile[] = [];
  const repeated: string[] = [];
  const seen = new Set<string>();
  const distinct = new Set(paths.map((argument) => sameFile(resolve(cwd, argument)))).size;
  for (const argument of paths) {
    const path = resolve(cwd, argument);
    if (seen.has(sameFile(path))) {
      repeated.push(argument);
      continue;
    }
    seen.add(sameFile(path));
    const name = `Reading ${argument}${distinct > 1 ? ` (file ${seen.size} of ${distinct})` : ''}`;
    const show = (text: string, phase: string, fraction?: number) => status?.show(`${name}: ${text}`, `${path}\n${phase}`, fraction);
    const bytes = await readBytes(path, argument, (read, size) => show(`${formatBytes(read)} of ${formatBytes(size)}…`, 'read', size > 0 ? read / size : 1));
    const unzipped = gzipSize(bytes);
    const fraction = (progress: ImportProgress) => (progress.phase === 'decompressing' && unzipped !== null && unzipped > 0 ? progress.bytes / unzipped : undefined);
    files.push({ fileName: argument, doc: await importFile(argument, bytes, (progress) => show(describeImport(progress), progress.phase, fraction(progress))) });
  }
  return { files, repeated };
}

/**
 * One name for one file, however it is reached: a link to a file already named is that file, not
 * a second copy whose every unit would count as a duplicate. A path that cannot be resolved stays
 * as given (reading it then says why).
 */
function sameFile(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/**
 * The size a gzip file says it unzips to (its last four bytes: the size modulo 4 GiB, exact for
 * the files read here, which are under 512 MiB), so decompressing can show a bar; null if not gzip.
 */
export function gzipSize(bytes: Uint8Array): number | null {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return null;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.byteLength - 4, true);
}

/** Where the importer is with a file, in a few words ("decompressing, 48 MB so far…"). */
export function describeImport(progress: ImportProgress): string {
  switch (progress.phase) {
    case 'decompressing':
      return `decompressing, ${formatBytes(progress.bytes)} so far…`;
    case 'parsing':
      return `parsing ${formatBytes(progress.bytes)} of JSON…`;
    case 'checking':
      return `checking ${progress.units.toLocaleString('en')} units (${progress.steps.toLocaleString('en')} steps)…`;
  }
}

async function readBytes(path: string, argument: string, onRead: (read: number, size: number) => void): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`${argument} is a directory, not a result file.`);
    // readFile cannot hold more than 2 GiB anyway; say why in the file's terms before trying.
    if (info.size > CLI_MAX_BYTES) {
      throw new InputError(`${argument}: the file is too big (${gigabytes(info.size)}; at most ${gigabytes(CLI_MAX_BYTES)} is read). Split the study into shards.`);
    }
    return await readWhole(path, info.size, onRead);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${argument}: no such file (looked at ${path}).`);
    if (code === 'EACCES') throw new InputError(`${argument}: cannot read it (permission denied).`);
    throw new InputError(`${argument}: cannot read it (${(error as Error).message}).`);
  }
}

/** The file's bytes, read in pieces so that `onRead` can say how far it is (readFile says nothing until the end). */
async function readWhole(path: string, size: number, onRead: (read: number, size: number) => void): Promise<Uint8Array> {
  let bytes = new Uint8Array(size);
  let read = 0;
  onRead(0, size);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    // A file that grew since stat (a run still writing it): keep every byte all the same.
    if (read + chunk.length > bytes.length) {
      const grown = new Uint8Array(Math.max(read + chunk.length, bytes.length * 2));
      grown.set(bytes.subarray(0, read));
      bytes = grown;
    }
    bytes.set(chunk, read);
    read += chunk.length;
    onRead(read, Math.max(size, read));
  }
  return read === bytes.length ? bytes : bytes.subarray(0, read);
}

async function importFile(argument: string, bytes: Uint8Array, onProgress: (progress: ImportProgress) => void) {
  try {
    return await importResultFile(bytes, { maxBytes: CLI_MAX_BYTES, maxSteps: Number.MAX_SAFE_INTEGER, appVersion: appVersion(), onProgress });
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
