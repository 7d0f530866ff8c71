/**
 * A text/event-stream decoder that yields the `data` of each event, fed with text exactly as it
 * arrives from the network: a chunk can end in the middle of a line, of a field name, or between
 * the CR and LF of one line ending. Follows the WHATWG event-stream rules (lines end in CRLF, LF
 * or CR; `:` starts a comment, used for keep-alives; an event ends at a blank line; several
 * `data:` lines join with "\n"); other fields (`event`, `id`, `retry`) are ignored because the
 * chat-completions stream does not use them.
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
    if (field !== 'data') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    (dataLines ??= []).push(value);
  }

  return {
    push(text) {
      const events: string[] = [];
      if (skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
      skipLeadingLf = false;
      const buffer = pending + text;
      let start = 0;
      LINE_END.lastIndex = 0;
      for (let match = LINE_END.exec(buffer); match; match = LINE_END.exec(buffer)) {
        takeLine(buffer.slice(start, match.index), events);
        start = match.index + match[0].length;
        if (match[0] === '\r' && start === buffer.length) skipLeadingLf = true;
      }
      pending = buffer.slice(start);
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
