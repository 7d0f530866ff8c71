/**
 * Files being written under a temporary name, to be renamed over their real name once whole
 * (Node only: the command line's outputs, the sandbox's cached snapshot). A write that fails
 * removes its own temporary; this covers the other way one is left behind: the process ending
 * mid-write through process.exit, which the command line calls on a second Ctrl+C or on a
 * Ctrl+C before anything is written. process.exit runs 'exit' listeners, but no promise's
 * cleanup after it, so the listener here removes whatever is still unfinished, synchronously.
 *
 * A Ctrl+C or SIGTERM in a command that does not handle them itself (report, merge) ends the
 * process without 'exit' listeners: while a temporary is unfinished, a handler here removes it,
 * then lets the signal end the process as it would have (exit status 130 or 143).
 *
 * Kept beside the snapshot's writer because src/ cannot import from cli/; the CLI uses it too.
 */
import { rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

const unfinished = new Set<string>();
let listening = false;
const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type EndingSignal = (typeof ENDING_SIGNALS)[number];
/** The handlers set while something is unfinished, for the signals nobody else handles. */
const signalHandlers = new Map<EndingSignal, () => void>();

function watchSignals(): void {
  for (const signal of ENDING_SIGNALS) {
    // A command that handles the signal itself (score, run) decides what it means; so does a
    // handler already set here.
    if (signalHandlers.has(signal) || process.listenerCount(signal) > 0) continue;
    const handler = () => {
      // A handler set since (the command's own, set after a first write began) has the say.
      if (process.listenerCount(signal) > 1) return;
      removeUnfinished();
      unwatchSignals();
      // With no handler left, the signal again does what it does by default: end the process.
      process.kill(process.pid, signal);
    };
    signalHandlers.set(signal, handler);
    process.on(signal, handler);
  }
}

function unwatchSignals(): void {
  for (const [signal, handler] of signalHandlers) process.off(signal, handler);
  signalHandlers.clear();
}

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
  watchSignals();
  return () => {
    unfinished.delete(path);
    if (unfinished.size === 0) unwatchSignals();
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
