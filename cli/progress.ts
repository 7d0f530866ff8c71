/**
 * Progress on stderr: a bar redrawn in place on a terminal, and a plain line every few seconds
 * otherwise (CI logs and pipes cannot take carriage returns).
 */
import { paceIsKnown } from '../src/core/pace.ts';
import { formatDuration } from './run/run-progress.ts';
import { fitToTerminal } from './terminal-line.ts';

export interface ProgressSink {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  update(done: number, passed: number): void;
  /** Prints a message line without garbling the bar. */
  note(text: string): void;
  finish(): void;
}

export interface ProgressOptions {
  now?: () => number;
  /** Done before this run (a resumed results file's lines): shown as done, left out of the rate. */
  start?: { done: number; passed: number };
}

const PLAIN_INTERVAL_MS = 5_000;
const TTY_INTERVAL_MS = 100;

export function createProgress(total: number, sink: ProgressSink, options: ProgressOptions = {}): Progress {
  const now = options.now ?? (() => performance.now());
  const start = options.start ?? { done: 0, passed: 0 };
  const started = now();
  let lastDrawn = -Infinity;
  let last = start;
  /** The figures of the last plain line, so the final line is not printed twice. */
  let lastPrinted: string | null = null;

  const describe = (done: number, passed: number) => {
    const seconds = (now() - started) / 1000;
    const doneNow = done - start.done;
    const rate = seconds > 0 ? doneNow / seconds : 0;
    // Slow programs score a few a second: "0/s" would say nothing is happening. A resumed run
    // shows where it starts before it has a pace of its own.
    const pace = doneNow > 0 ? `, ${rate.toFixed(rate >= 10 ? 0 : 1)}/s` : '';
    const eta = done < total && rate > 0 && paceIsKnown(doneNow, total - start.done, seconds * 1000) ? `, ETA ${formatDuration(((total - done) / rate) * 1000)}` : '';
    // Lines, not samples: the total is counted before reading, blank and bad lines included.
    return `${done}/${total} lines done, ${passed} passed${pace}${eta}`;
  };

  const draw = (final: boolean) => {
    const { done, passed } = last;
    if (sink.isTTY) {
      const text = describe(done, passed);
      // The bar takes what the text leaves of the width (10 to 40 characters); on a terminal too
      // narrow for both, the line is cut, as a wrapped one cannot be redrawn in place.
      const width = Math.max(10, Math.min(40, (sink.columns || 80) - text.length - 4));
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`;
      sink.write(`\r${fitToTerminal(line, sink.columns)}\x1b[K${final ? '\n' : ''}`);
    } else {
      const figures = `${done}/${passed}`;
      if (final && figures === lastPrinted) return;
      lastPrinted = figures;
      sink.write(`${describe(done, passed)}\n`);
    }
  };

  return {
    update(done, passed) {
      last = { done, passed };
      const interval = sink.isTTY ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS;
      if (now() - lastDrawn >= interval) {
        lastDrawn = now();
        draw(false);
      }
    },
    note(text) {
      sink.write(sink.isTTY ? `\r\x1b[K${text}\n` : `${text}\n`);
      if (sink.isTTY && lastDrawn > -Infinity) draw(false);
    },
    finish() {
      draw(true);
    },
  };
}
