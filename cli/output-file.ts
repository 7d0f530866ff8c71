/**
 * Files the commands write: never over a file they read (a typo in --out must not destroy the
 * study it was reporting on), and never half-written (the bytes go to a file beside, renamed
 * over the name once whole, so a crash or a full disk leaves the old file or the new one).
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeThroughTemporary } from '../src/sandbox/temporary-files.ts';
import { UsageError } from './usage-error.ts';

/** The path as the file system knows it: symlinks followed when the file is there. */
function canonicalPath(path: string): string {
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

/** Writes `data` to `path` whole or not at all: to `path.<pid>.partial`, then renamed. */
export async function writeFileWhole(path: string, data: string | Uint8Array): Promise<void> {
  await writeThroughTemporary(path, `${path}.${process.pid}.partial`, data);
}
