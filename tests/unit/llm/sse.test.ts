import { describe, expect, it } from 'vitest';
import { createSseDecoder } from '../../../src/llm/sse.ts';

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
});
