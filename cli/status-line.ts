/**
 * What a command without a count to show (reading big result files, analysing, writing) is
 * doing, on stderr: one line redrawn in place on a terminal and erased when the work is done,
 * so the report or summary that follows stands alone. In a log, where nothing can be redrawn:
 * - a command done within 5 s prints nothing extra;
 * - past that, a new step (a file, a phase) is printed as it begins, since it may hold the
 *   thread for a while (a JSON.parse, the bootstrap) with nothing printed meanwhile;
 * - within a step, at most one line every 5 s (as `score` prints its progress there);
 * - a step begun inside the first 5 s that outlasted them without a line is printed when it
 *   ends, with how long it took: the log then says where the time went.
 * Never on stdout, where it would spoil piped output.
 */
import type { ProgressSink } from './progress.ts';
import { formatDuration } from './run/run-progress.ts';
import { fitToTerminal } from './terminal-line.ts';

export interface StatusLine {
  /**
   * Says what is being done now; drawn or printed when the rules above allow. A new `step` is
   * drawn at once on a terminal (and in a log past the first 5 s): the next call may be seconds
   * away (a JSON.parse holds the thread), and the line must not say the step before meanwhile.
   * Without a `step`, the call goes on with the step under way (or, with none, begins one): a
   * caller whose text counts up (score's "N lines read…") is one step, not a new one per call.
   * `fraction` (0 to 1), for a step whose end is known (bytes of a file read), draws a bar in
   * front on a terminal, as score's and run's progress lines have; a log has the text's figures.
   */
  show(text: string, step?: string, fraction?: number): void;
  /** Ends the step: erases the line on a terminal, before anything else is written there. */
  clear(): void;
}

const PLAIN_INTERVAL_MS = 5_000;
const TTY_INTERVAL_MS = 100;
const BAR_WIDTH = 20;

/** `[#########...........] ` for a fraction done. */
function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] `;
}

export function createStatusLine(sink: ProgressSink, now: () => number = () => performance.now()): StatusLine {
  const started = now();
  // A log's first line comes after one interval, so work shorter than that prints nothing.
  let lastDrawn = sink.isTTY ? -Infinity : started;
  let drawn = false;
  let lastStep: string | undefined;
  /** In a log: the current step's last text, when it began, and whether a line has said it. */
  let stepText = '';
  let stepStarted = started;
  let stepPrinted = false;
  const elapsed = () => formatDuration(now() - started);

  const print = (text: string) => {
    sink.write(`${text} (${elapsed()})\n`);
    lastDrawn = now();
    stepPrinted = true;
  };

  /** In a log: a step that outlasted the quiet first seconds unsaid is said now, as it ends. */
  const endStep = () => {
    if (lastStep !== undefined && !stepPrinted && now() - started >= PLAIN_INTERVAL_MS) {
      sink.write(`${stepText} done in ${formatDuration(now() - stepStarted)} (${elapsed()})\n`);
      lastDrawn = now();
    }
    lastStep = undefined;
  };

  const showPlain = (text: string, step: string) => {
    if (step !== lastStep) {
      endStep();
      lastStep = step;
      stepStarted = now();
      stepPrinted = false;
      stepText = text;
      if (now() - started >= PLAIN_INTERVAL_MS) {
        print(text);
        return;
      }
    }
    stepText = text;
    if (now() - lastDrawn >= PLAIN_INTERVAL_MS) print(text);
  };

  return {
    show(text, step = lastStep ?? text, fraction) {
      if (!sink.isTTY) {
        showPlain(text, step);
        return;
      }
      // A bar that comes full is drawn full, however soon: a fast read otherwise stays at 0 on screen.
      if (step === lastStep && fraction !== 1 && now() - lastDrawn < TTY_INTERVAL_MS) return;
      lastDrawn = now();
      lastStep = step;
      const line = `${fraction === undefined ? '' : bar(fraction)}${text} (${elapsed()})`;
      sink.write(`\r${fitToTerminal(line, sink.columns)}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (!sink.isTTY) {
        endStep();
        return;
      }
      if (!drawn) return;
      sink.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** A size for people: "512 bytes", "840 KB", "48 MB", "1.2 GB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2).toLocaleString('en')} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
