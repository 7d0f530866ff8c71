/**
 * What a command without a count to show (reading big result files, analysing, writing) is
 * doing, on stderr: one line redrawn in place on a terminal and erased when the work is done,
 * so the report or summary that follows stands alone; in a log, a line only once the work has
 * taken 5 s and then at most one every 5 s (as `score` prints its progress there), so a quick
 * command prints nothing extra. Never on stdout, where it would spoil piped output.
 */
import type { ProgressSink } from './progress.ts';
import { formatDuration } from './run/run-progress.ts';

export interface StatusLine {
  /**
   * Says what is being done now; drawn or printed when the rules above allow. On a terminal a
   * new `step` (a file, a phase) is drawn at once: the next call may be seconds away (a JSON.parse
   * holds the thread), and the line must not say the step before meanwhile.
   */
  show(text: string, step?: string): void;
  /** Erases the line on a terminal, before anything else is written there. */
  clear(): void;
}

const PLAIN_INTERVAL_MS = 5_000;
const TTY_INTERVAL_MS = 100;

export function createStatusLine(sink: ProgressSink, now: () => number = () => performance.now()): StatusLine {
  const started = now();
  // A log's first line comes after one interval, so work shorter than that prints nothing.
  let lastDrawn = sink.isTTY ? -Infinity : started;
  let drawn = false;
  let lastStep: string | undefined;
  const elapsed = () => formatDuration(now() - started);

  return {
    show(text, step = text) {
      const interval = sink.isTTY ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS;
      const newStep = sink.isTTY && step !== lastStep;
      if (!newStep && now() - lastDrawn < interval) return;
      lastDrawn = now();
      lastStep = step;
      const line = `${text} (${elapsed()})`;
      if (sink.isTTY) {
        // Cut to the terminal's width: a wrapped line cannot be redrawn in place. A terminal that
        // does not say its width (`script`, some CI consoles) reports 0 columns: take 80 then.
        const width = Math.max(20, (sink.columns || 80) - 1);
        sink.write(`\r${line.length > width ? `${line.slice(0, width - 1)}…` : line}\x1b[K`);
        drawn = true;
      } else {
        sink.write(`${line}\n`);
      }
    },
    clear() {
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
