import { describe, expect, it } from 'vitest';
import { createSseDecoder, MAX_SSE_LINE_CHARS, SseLineTooLongError } from '../../../src/llm/sse.ts';

/** Feeds `chunks` one after another and collects every event's data, including at end of stream. */
function decode(chunks: string[]): string[] {
  const decoder = createSseDecoder();
  const out: string[] = [];
  for (const chunk of chunks) out.push(...decoder.push(chunk));
  out.push(...decoder.end());
  return out;
}

const stream = 'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n';

describe('server-sent events decoder', () => {
  it('yields the data of each event', () => {
    expect(decode([stream])).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
  });

  it('gives the same events however the stream is cut into chunks', () => {
    const expected = decode([stream]);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(decode([stream.slice(0, cut), stream.slice(cut)])).toEqual(expected);
    }
    expect(decode(Array.from(stream))).toEqual(expected);
  });

  it('accepts CRLF and bare CR line endings, even with CR and LF in different chunks', () => {
    const crlf = stream.replaceAll('\n', '\r\n');
    expect(decode([crlf])).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
    expect(decode(Array.from(crlf))).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
    expect(decode([stream.replaceAll('\n', '\r')])).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
  });

  it('ignores comments and keep-alives', () => {
    expect(decode([': keep-alive\n\n', ':\n', 'data: x\n', ': ping\n', '\n'])).toEqual(['x']);
  });

  it('ignores event, id and retry fields', () => {
    expect(decode(['event: message\nid: 7\nretry: 100\ndata: x\n\n'])).toEqual(['x']);
  });

  it('joins several data lines of one event with newlines and keeps spaces after the first', () => {
    expect(decode(['data: one\ndata:two\ndata:   three\n\n'])).toEqual(['one\ntwo\n  three']);
  });

  it('does not emit an event without data lines', () => {
    expect(decode(['event: ping\n\n\n\n'])).toEqual([]);
  });

  it('keeps the last event when the server closes without a blank line', () => {
    expect(decode(['data: {"a":1}\n\ndata: [DONE]'])).toEqual(['{"a":1}', '[DONE]']);
  });

  it('reads one very long line in work proportional to its length, not its square', () => {
    // A broken or hostile server's 16 MB line (just under the limit) in 4 KB chunks: rescanning the
    // held text for line ends on every chunk took 38.7 s (a 50 MB line outlasted the 120 s
    // first-token limit, blamed on a silent server). Counted, not timed: the characters the line-end
    // search is given, which rescanning makes some 2,000 times the line.
    // Patched by hand, not spied: a spy would keep every string it was given.
    const exec = RegExp.prototype.exec;
    let chars = 0;
    RegExp.prototype.exec = function (this: RegExp, text: string) {
      chars += text.length;
      return exec.call(this, text);
    };
    try {
      const decoder = createSseDecoder();
      const block = 'z'.repeat(4096);
      decoder.push('data: "');
      for (let i = 0; i < 4000; i++) expect(decoder.push(block)).toEqual([]);
      expect(decoder.push('"\r')).toEqual([]);
      expect(decoder.push('\n\n').map((data) => data.length)).toEqual([2 + 4000 * 4096]);
    } finally {
      RegExp.prototype.exec = exec;
    }
    expect(chars).toBeLessThan(3 * 4000 * 4096);
  });

  it('refuses a line that never ends once it outgrows the limit, rather than hold it until memory runs out', () => {
    const decoder = createSseDecoder();
    const block = 'z'.repeat(1024 * 1024);
    decoder.push('data: "');
    for (let i = 1; i < MAX_SSE_LINE_CHARS / block.length; i++) decoder.push(block);
    expect(() => decoder.push(block)).toThrow(SseLineTooLongError);
  });

  it("passes an old llama-server's error field on as the data other servers send it in", () => {
    const sse = createSseDecoder();
    expect(sse.push('error: {"code":400,"message":"too long"}\n\ndata: [DONE]\n\n')).toEqual(['{"error":{"code":400,"message":"too long"}}', '[DONE]']);
    expect(createSseDecoder().push('error: plain words\n\n')).toEqual(['{"error":"plain words"}']);
  });
});
