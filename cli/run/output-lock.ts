/**
 * One `feedback-lab run` at a time per result file. Two runs on the same file (a resume started
 * twice, a script run again while the first still goes) each rewrote it whole at every
 * checkpoint: whichever wrote last won, and the other's finished units were lost after they were
 * paid for. A lock file beside the result file (`<file>.lock`, holding the process id) is put in
 * place atomically before the first write; one whose process is gone (a kill -9) is taken over.
 * `feedback-lab score` takes the same lock on `FILE_results.jsonl`: two scores of one file each
 * renamed their results over it as they ended, and the first to end printed totals the file no
 * longer held.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isRunning } from '../process-running.ts';
import { InputError } from '../usage-error.ts';

const held = new Map<string, string>();
let listening = false;

function lockedBy(lockPath: string): number | null {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** What a refused command says: `path` is held by process `pid` through `lockPath`. */
export type LockRefusal = (path: string, pid: number, lockPath: string) => string;

/** `run`'s refusal. */
const runRefusal: LockRefusal = (path, pid, lockPath) =>
  `${path} is being written by another feedback-lab run (process ${pid}): two runs on one file would each write over the other's units. ` +
  `Let that run finish (or stop it with Ctrl+C), then resume; if no such run is going on, delete ${lockPath}.`;

/**
 * Claims `path` for this process until `releaseOutputs()` or the process's exit. Throws an
 * InputError naming the other run when a live process holds it, worded by `refusal`. A lock that
 * cannot be made at all (a folder this user cannot write) is left to the file's own first write
 * to report.
 */
export function claimOutput(path: string, refusal: LockRefusal = runRefusal): void {
  const lockPath = `${path}.lock`;
  if (held.has(path)) return;
  // The lock is written whole under this process's own name, then linked into place: made by
  // `wx`, it was empty for a moment, and a run that read it then took it for a dead run's.
  const draft = `${lockPath}.${process.pid}`;
  try {
    writeFileSync(draft, `${process.pid}\n`);
  } catch {
    return;
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        place(draft, lockPath);
        held.set(path, lockPath);
        if (!listening) {
          listening = true;
          // process.exit (a second Ctrl+C) runs no finally: the lock goes with the process anyway.
          process.on('exit', releaseOutputs);
        }
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return;
        const pid = lockedBy(lockPath);
        if (pid !== null && pid !== process.pid && isRunning(pid)) {
          throw new InputError(refusal(path, pid, lockPath));
        }
        // Left by a run that ended without removing it (kill -9, a crash): nobody writes the file now.
        removeStale(lockPath, pid, draft);
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }
}

/** Puts the lock in place unless one is there (EEXIST); `wx` where the file system has no hard links. */
function place(draft: string, lockPath: string): void {
  try {
    linkSync(draft, lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
  }
}

/**
 * Removes the lock of the dead process `stale`, and no other: two runs that found it at once
 * each removed "it", the second the lock the first had just made, and both wrote the file. The
 * lock is moved aside first (one rename gets it), then read; a live run's, moved by a run that
 * came second, is put back.
 */
function removeStale(lockPath: string, stale: number | null, draft: string): void {
  const aside = `${draft}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // Gone already: another run took it over (the next attempt meets its lock), or ended.
  }
  if (lockedBy(aside) !== stale) {
    try {
      linkSync(aside, lockPath);
    } catch (error) {
      // A lock made meanwhile stands; a file system without hard links gets it back by a rename.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        try {
          renameSync(aside, lockPath);
        } catch {
          // Nothing more can be done for it; the next attempt reads what is there.
        }
      }
    }
  }
  rmSync(aside, { force: true });
}

/** Removes this process's locks (only those that are still its own). */
export function releaseOutputs(): void {
  for (const [path, lockPath] of held) {
    if (lockedBy(lockPath) === process.pid) rmSync(lockPath, { force: true });
    held.delete(path);
  }
}
