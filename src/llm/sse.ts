/**
 * A text/event-stream decoder that yields the `data` of each event, fed with text exactly as it
 * arrives from the network: a chunk can end in the middle of a line, of a field name, or between
 * the CR and LF of one line ending. Follows the WHATWG event-stream rules (lines end in CRLF, LF
 * or CR; `:` starts a comment, used for keep-alives; an event ends at a blank line; several
 * `data:` lines join with "\n"); other fields (`event`, `id`, `retry`) are ignored because the
 * chat-completions stream does not use them. One field outside the standard is read:
 * llama-server before September 2025 reported a failure found after its 200 as
 * `error: {"code":400,"message":"…"}`, which is passed on as the data `{"error":…}`, the shape
 * other servers send it in, so the reply fails with the server's reason (a prompt too long for
 * the context) instead of as an empty reply tried again (audit R219-3).
 */

export interface SseDecoder {
  /** Feeds decoded text; returns the data of every event completed by it, oldest first. */
  push(text: string): string[];
  /**
   * Ends the stream. An event still missing its blank line is returned rather than dropped,
   * because some servers close the connection right after their last `data:` line.
   */
  end(): string[];
}

const LINE_END = /\r\n|\r|\n/g;

/**
 * The longest line held while waiting for its end. A chat chunk is one delta, a few characters to
 * a few kilobytes; a server that sends megabytes without a line end is broken, and holding its line
 * until the JavaScript string limit (~512 M characters, gigabytes of memory) ends in a bare
 * "Invalid string length".
 */
export const MAX_SSE_LINE_CHARS = 16 * 1024 * 1024;

/** Thrown by `push` when a line outgrows MAX_SSE_LINE_CHARS. */
export class SseLineTooLongError extends Error {
  constructor() {
    super(`an event-stream line longer than ${MAX_SSE_LINE_CHARS / (1024 * 1024)} M characters, with no line end`);
  }
}

export function createSseDecoder(): SseDecoder {
  let pending = '';
  let dataLines: string[] | undefined;
  // A chunk ending in "\r" may be half of a CRLF: the next chunk's leading "\n" is not a blank line.
  let skipLeadingLf = false;

  function takeLine(line: string, events: string[]): void {
    if (line === '') {
      if (dataLines !== undefined) events.push(dataLines.join('\n'));
      dataLines = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data' && field !== 'error') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    (dataLines ??= []).push(field === 'data' ? value : `{"error":${isJsonObject(value) ? value : JSON.stringify(value)}}`);
  }

  return {
    push(text) {
      const events: string[] = [];
      if (skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
      skipLeadingLf = false;
      // Line ends are looked for in the new text only: `pending` holds none (a CR at its end was
      // taken as one), and scanning it again on every chunk made one long line quadratic, so a
      // 50 MB line kept the reader busy past the first-token limit, blamed on a silent server.
      LINE_END.lastIndex = 0;
      let match = LINE_END.exec(text);
      if (!match) {
        if (pending.length + text.length > MAX_SSE_LINE_CHARS) throw new SseLineTooLongError();
        pending += text;
        return events;
      }
      let start = 0;
      for (; match; match = LINE_END.exec(text)) {
        takeLine(pending + text.slice(start, match.index), events);
        pending = '';
        start = match.index + match[0].length;
        if (match[0] === '\r' && start === text.length) skipLeadingLf = true;
      }
      pending = text.slice(start);
      if (pending.length > MAX_SSE_LINE_CHARS) throw new SseLineTooLongError();
      return events;
    },
    end() {
      const events: string[] = [];
      if (pending !== '') takeLine(pending, events);
      pending = '';
      takeLine('', events);
      return events;
    },
  };
}

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
