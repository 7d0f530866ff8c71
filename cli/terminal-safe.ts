/**
 * Every command prints text from other people's files: study names, arm labels, app versions,
 * and the value a refused field held. A control character in that text would be obeyed by the
 * terminal, not shown: ESC sequences retitle the window, recolour or hide what follows, make
 * links or write the clipboard (OSC 52), and a carriage return writes over the line it is on (a
 * conflict warning, a pass count). So the process's own streams spell each such character out
 * as JSON does (`\u001b`): visible, and inside a JSON string (`report --format json`) the very
 * same character (C1 controls, which some terminals obey in UTF-8 too, and the bidirectional
 * overrides as well: src/core/control-characters.ts). Tab and line feed stay, and so does the
 * command line's own redraw of a progress line: a carriage return (with ESC[K) that starts a
 * write, and ESC[K that ends one.
 */
import { spellOutControls } from '../src/core/control-characters.ts';

/** What status-line.ts, progress.ts and run-progress.ts write around a line they redraw. */
const OWN_START = /^\r(?:\x1b\[K)?/;
const OWN_END = /\x1b\[K\n?$/;

/** `text` with every control character spelled out, but the command line's own redraw at its ends. */
export function terminalSafeText(text: string): string {
  const start = OWN_START.exec(text)?.[0] ?? '';
  const rest = text.slice(start.length);
  const end = OWN_END.exec(rest)?.[0] ?? '';
  return `${start}${spellOutControls(rest.slice(0, rest.length - end.length))}${end}`;
}

interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A stream that writes `terminalSafeText` of what it is given; isTTY and columns read the stream's own (a resize changes columns). */
export function terminalSafe(stream: Sink): { write(text: string): void; readonly isTTY: boolean | undefined; readonly columns: number | undefined } {
  return {
    write(text: string) {
      stream.write(terminalSafeText(text));
    },
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
}
