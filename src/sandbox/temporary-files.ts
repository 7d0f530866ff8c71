/**
 * Files being written under a temporary name, to be renamed over their real name once whole
 * (Node only: the command line's outputs, the sandbox's cached snapshot). A write that fails
 * removes its own temporary; this covers the other way one is left behind: the process ending
 * mid-write through process.exit, which the command line calls on a second Ctrl+C or on a
 * Ctrl+C before anything is written. process.exit runs 'exit' listeners, but no promise's
 * cleanup after it, so the listener here removes whatever is still unfinished, synchronously.
 *
 * Kept beside the snapshot's writer because src/ cannot import from cli/; the CLI uses it too.
 */
import { rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

const unfinished = new Set<string>();
let listening = false;

function removeUnfinished(): void {
  for (const path of unfinished) {
    try {
      rmSync(path, { force: true });
    } catch {
      // Exiting anyway: a file that cannot be removed now cannot be removed later either.
    }
  }
  unfinished.clear();
}

/**
 * Marks `path` as a temporary being written: removed if the process exits before the returned
 * function is called (once it is renamed, or removed by the writer itself).
 */
export function removeIfExitingEarly(path: string): () => void {
  if (!listening) {
    process.on('exit', removeUnfinished);
    listening = true;
  }
  unfinished.add(path);
  return () => {
    unfinished.delete(path);
  };
}

/**
 * Writes `data` to `path` whole or not at all: to `temporary` (a name beside it), then renamed
 * over `path`; the temporary is removed if the write fails or the process exits first.
 */
export async function writeThroughTemporary(path: string, temporary: string, data: string | Uint8Array): Promise<void> {
  const written = removeIfExitingEarly(temporary);
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    written();
  }
}
