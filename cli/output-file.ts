/**
 * Files the commands write: never over a file they read (a typo in --out must not destroy the
 * study it was reporting on), and never half-written (the bytes go to a file beside, renamed
 * over the name once whole, so a crash or a full disk leaves the old file or the new one).
 */
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeThroughTemporary } from '../src/sandbox/temporary-files.ts';
import { UsageError } from './usage-error.ts';

/** The path as the file system knows it: symlinks followed when the file is there. */
export function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Throws a UsageError when `output` names one of `inputs` (the same file by another spelling or
 * a symlink too). `flag` is the option that named the output, for the message.
 */
export function refuseOutputOverInput(flag: string, output: string, inputs: readonly string[], cwd: string): void {
  const target = canonicalPath(resolve(cwd, output));
  const clash = inputs.find((input) => canonicalPath(resolve(cwd, input)) === target);
  if (clash === undefined) return;
  throw new UsageError(`${flag} ${output} is ${clash === output ? 'one of the files read' : `the file ${clash}, which is read`}: it would be overwritten. Give the output another name.`);
}

/**
 * Throws a UsageError when `output` ends in a slash, a folder's name, for an option that takes a
 * file: Node drops the slash, and `--out tables/` wrote a file named `tables`.
 */
export function refuseFolderName(flag: string, output: string, example: string): void {
  if (!/[/\\]$/.test(output)) return;
  throw new UsageError(`${flag} ${output} names a folder; it takes a file name, e.g. ${flag} ${output}${example}.`);
}

/**
 * Why writing `path` failed, in words about `path` itself: Node's message names the temporary
 * written beside it (`x.json.4242.partial`), which the user never asked for.
 */
export function writeFailure(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `the folder ${dirname(path)} does not exist`;
    case 'ENOTDIR':
      return `${dirname(path)} is not a folder`;
    case 'EISDIR':
      return `${path} is a folder`;
    case 'EEXIST':
      // Only creating a folder (report --format csv) meets this: a file has that name.
      return `${path} is a file, not a folder`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EFBIG':
      return 'the file would pass the largest this system lets a program write (ulimit -f)';
    default:
      return (error instanceof Error ? error.message : String(error)).replace(/\.\d+\.partial\b/g, '');
  }
}

/** Writes `data` to `path` whole or not at all: to `path.<pid>.partial`, then renamed. */
export async function writeFileWhole(path: string, data: string | Uint8Array): Promise<void> {
  await writeThroughTemporary(path, `${path}.${process.pid}.partial`, data);
}

/** Whether an output named `path` is written gzipped: its name ends in .gz, in any case. */
export function gzipByName(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}
