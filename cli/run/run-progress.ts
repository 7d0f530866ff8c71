/**
 * A running study's progress on stderr: units done of the total, passes so far per arm, token
 * rate and ETA. Redrawn in place on a terminal; on a pipe or in a CI log, a plain line every
 * few seconds (carriage returns would garble them). After a long silence from every model the
 * ETA gives way to how long it has lasted (core/study/model-silence.ts).
 */
import type { StudyProgress } from '../../src/core/study/progress.ts';
import { fitToTerminal, terminalWidth } from '../terminal-line.ts';

export interface ProgressSink {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export interface StudyProgressView {
  update(progress: StudyProgress): void;
  /** Seconds no model has said a word, once that is long enough to say (null: none). */
  silence(seconds: number | null): void;
  /** A message line, printed without garbling the redrawn one. */
  note(text: string): void;
  /** Draws the last state once more and ends the line. */
  finish(): void;
}

const PLAIN_INTERVAL_MS = 5_000;
const TTY_INTERVAL_MS = 200;

/** The line's parts: what is done, each arm's passes, the token rate, and the time left (or the silence). */
function progressParts(
  progress: StudyProgress,
  silentSeconds: number | null,
): { head: string; shortHead: string; arms: string[]; rate: string | null; left: string | null; shortLeft: string | null } {
  const errored = progress.erroredUnits > 0 ? `, ${progress.erroredUnits} errored` : '';
  const head = `${progress.doneUnits}/${progress.totalUnits} done${progress.inFlight > 0 ? `, ${progress.inFlight} running` : ''}${errored}`;
  const shortHead = `${progress.doneUnits}/${progress.totalUnits} done${errored}`;
  // Passes of the units done so far: arms compare fairly mid-study because the plan interleaves them.
  const arms = progress.arms.map((arm) => `${arm.armId} ${arm.passed}/${arm.done} passed`);
  const rate = progress.tokensPerSecond !== null ? `${progress.tokensPerSecond.toFixed(0)} tok/s` : null;
  const running = progress.doneUnits < progress.totalUnits;
  // An ETA made as units end says nothing while a model holds its reply for minutes.
  const left =
    !running ? null : silentSeconds !== null ? `no word from the model for ${formatDuration(silentSeconds * 1000)}` : progress.etaMs !== null ? `ETA ${formatDuration(progress.etaMs)}` : null;
  // The silence in few words, for a narrow terminal: cut at the end, the long form lost its time ("no word from th…").
  const shortLeft = running && silentSeconds !== null ? `silent ${formatDuration(silentSeconds * 1000)}` : left;
  return { head, shortHead, arms, rate, left, shortLeft };
}

function joinParts(head: string, arms: readonly string[], rate: string | null, left: string | null): string {
  return [head, ...arms, ...(rate === null ? [] : [rate]), ...(left === null ? [] : [left])].join(' | ');
}

/** `37/64 done, 2 running | llama-solo 9/12 passed | … | 85 tok/s | ETA 1m 05s` */
export function formatProgress(progress: StudyProgress, silentSeconds: number | null = null): string {
  const { head, arms, rate, left } = progressParts(progress, silentSeconds);
  return joinParts(head, arms, rate, left);
}

/**
 * The line for a terminal `columns` wide. Cut at the end, a narrow terminal lost the ETA first,
 * the one part a glance at a long run is for: arms are left out from the last ("+N arms" in
 * their place), then the token rate, a silence is said in short ("silent 1m 35s"), and the units
 * running are left out, before anything is cut.
 */
export function fitProgress(progress: StudyProgress, silentSeconds: number | null, columns: number | undefined): string {
  const { head, shortHead, arms, rate, left, shortLeft } = progressParts(progress, silentSeconds);
  const width = terminalWidth(columns);
  let line = joinParts(head, arms, rate, left);
  for (let kept = arms.length - 1; line.length > width && kept >= 0; kept--) {
    const dropped = arms.length - kept;
    line = joinParts(head, [...arms.slice(0, kept), `+${dropped} arm${dropped === 1 ? '' : 's'}`], rate, left);
  }
  if (line.length > width && arms.length > 0) line = joinParts(head, [], rate, left);
  if (line.length > width) line = joinParts(head, [], null, left);
  if (line.length > width) line = joinParts(head, [], null, shortLeft);
  // A big study's head ("12345/49200 done, 16 running, 12 errored") still cut the time left at 50
  // columns ("ETA 2…"): the units running go too, where that makes the line fit.
  if (line.length > width && joinParts(shortHead, [], null, shortLeft).length <= width) line = joinParts(shortHead, [], null, shortLeft);
  return fitToTerminal(line, columns);
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
  let silent: number | null = null;
  /** The silence last written to a log, so a long one is said once a minute, not every 5 s. */
  let silenceLogged: number | null = null;
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
    if (sink.isTTY) {
      sink.write(`\r${fitProgress(last, silent, sink.columns)}\x1b[K`);
      lineOpen = true;
    } else {
      sink.write(`${formatProgress(last, silent)}\n`);
      silenceLogged = silent;
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
    silence(seconds) {
      if (seconds === silent) return;
      silent = seconds;
      if (last === null) return;
      if (sink.isTTY) {
        draw();
      } else if (seconds !== null && (silenceLogged === null || seconds - silenceLogged >= 60)) {
        draw();
      } else if (seconds === null) {
        silenceLogged = null;
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
