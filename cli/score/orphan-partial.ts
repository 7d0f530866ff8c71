/**
 * What a run killed outright leaves. `score` writes its results to `FILE_results.jsonl.<pid>.partial`
 * and renames that over `FILE_results.jsonl` when it stops (done, Ctrl+C, SIGTERM, SIGHUP); a run
 * killed with SIGKILL, by the out-of-memory killer or a crash renames nothing, so the results it
 * wrote stay in its `.partial`. `--resume` takes that file up, so a killed run loses no more than
 * one that was stopped.
 */
import { readdirSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isRunning } from '../process-running.ts';

export interface TakenUp {
  /** The `.partial` file that was renamed to the results file. */
  partialPath: string;
  pid: number;
}

/**
 * Renames the largest `.partial` of `resultsPath` that no running process is writing over
 * `resultsPath`, when it holds more than `resultsPath` does (a resumed run's `.partial` starts with
 * the results it kept); null when there is none such.
 */
export function takeUpKilledRun(resultsPath: string): TakenUp | null {
  let best: (TakenUp & { bytes: number }) | null = null;
  for (const left of killedRunsLeft(resultsPath)) if (best === null || left.bytes > best.bytes) best = left;
  if (best === null || best.bytes <= (sizeOf(resultsPath) ?? 0)) return null;
  renameSync(best.partialPath, resultsPath);
  return { partialPath: best.partialPath, pid: best.pid };
}

function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

/**
 * The non-empty `.partial` files of `resultsPath` whose process is gone: runs killed outright. A
 * run without --resume starts over beside them and says so, since they are otherwise found only
 * by a --resume the user may not know to give (audit R209-9).
 */
export function killedRunsLeft(resultsPath: string): (TakenUp & { bytes: number })[] {
  const folder = dirname(resultsPath);
  const prefix = `${basename(resultsPath)}.`;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const left: (TakenUp & { bytes: number })[] = [];
  for (const name of names) {
    const match = /^(\d+)\.partial$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : '');
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    const partialPath = join(folder, name);
    const bytes = sizeOf(partialPath);
    if (bytes !== null && bytes > 0) left.push({ partialPath, pid, bytes });
  }
  return left;
}
