/**
 * A running study's progress on stderr: units done of the total, passes so far per arm, token
 * rate and ETA. Redrawn in place on a terminal; on a pipe or in a CI log, a plain line every
 * few seconds (carriage returns would garble them).
 */
import type { StudyProgress } from '../../src/core/study/progress.ts';
import { fitToTerminal } from '../terminal-line.ts';

export interface ProgressSink {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export interface StudyProgressView {
  update(progress: StudyProgress): void;
  /** A message line, printed without garbling the redrawn one. */
  note(text: string): void;
  /** Draws the last state once more and ends the line. */
  finish(): void;
}

const PLAIN_INTERVAL_MS = 5_000;
const TTY_INTERVAL_MS = 200;

/** `37/64 done, 2 running | llama-solo 9/12 passed | … | 85 tok/s | ETA 1m 05s` */
export function formatProgress(progress: StudyProgress): string {
  const parts: string[] = [];
  const errored = progress.erroredUnits > 0 ? `, ${progress.erroredUnits} errored` : '';
  parts.push(`${progress.doneUnits}/${progress.totalUnits} done${progress.inFlight > 0 ? `, ${progress.inFlight} running` : ''}${errored}`);
  // Passes of the units done so far: arms compare fairly mid-study because the plan interleaves them.
  for (const arm of progress.arms) parts.push(`${arm.armId} ${arm.passed}/${arm.done} passed`);
  if (progress.tokensPerSecond !== null) parts.push(`${progress.tokensPerSecond.toFixed(0)} tok/s`);
  if (progress.etaMs !== null && progress.doneUnits < progress.totalUnits) parts.push(`ETA ${formatDuration(progress.etaMs)}`);
  return parts.join(' | ');
}

/** `45s`, `3m 05s`, `2h 07m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export function createStudyProgressView(sink: ProgressSink, now: () => number = () => performance.now()): StudyProgressView {
  let last: StudyProgress | null = null;
  let lastDrawn = -Infinity;
  let lastDoneDrawn = -1;
  let lineOpen = false;
  /**
   * In a log, a unit finished within 5 s of the last line is printed once those 5 s are up: the
   * next update may be minutes away (a server slow to start its next reply, a first-token wait),
   * and until then the log would say fewer units are done than are.
   */
  let pending: ReturnType<typeof setTimeout> | null = null;

  const draw = () => {
    if (pending !== null) clearTimeout(pending);
    pending = null;
    if (!last) return;
    const text = formatProgress(last);
    if (sink.isTTY) {
      sink.write(`\r${fitToTerminal(text, sink.columns)}\x1b[K`);
      lineOpen = true;
    } else {
      sink.write(`${text}\n`);
    }
    lastDrawn = now();
    lastDoneDrawn = last.doneUnits;
  };

  return {
    update(progress) {
      last = progress;
      const interval = sink.isTTY ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS;
      // On a plain log, a line only when a unit finished since the last one, at most every few seconds.
      if (!sink.isTTY && progress.doneUnits === lastDoneDrawn) return;
      const wait = interval - (now() - lastDrawn);
      if (wait <= 0) {
        draw();
      } else if (!sink.isTTY && pending === null) {
        pending = setTimeout(draw, wait);
        // Never what keeps the process alive.
        pending.unref?.();
      }
    },
    note(text) {
      sink.write(lineOpen ? `\r\x1b[K${text}\n` : `${text}\n`);
      lineOpen = false;
      if (sink.isTTY) draw();
    },
    finish() {
      if (pending !== null) clearTimeout(pending);
      pending = null;
      if (last && (sink.isTTY || last.doneUnits !== lastDoneDrawn)) draw();
      if (lineOpen) sink.write('\n');
      lineOpen = false;
    },
  };
}
