import { describe, expect, it } from 'vitest';
import { type FileLine, LineBreakCounter, UTF16_FILE, Utf8LineSplitter } from '../../../src/core/results/utf8-lines.ts';

/** The lines of `bytes` fed in chunks of `size` bytes. */
function split(bytes: Uint8Array, size = bytes.length || 1, maxLineChars = 1_000): FileLine[] {
  const splitter = new Utf8LineSplitter(maxLineChars);
  const lines: FileLine[] = [];
  for (let i = 0; i < bytes.length; i += size) lines.push(...splitter.push(bytes.subarray(i, i + size)));
  lines.push(...splitter.end());
  return lines;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('splitting a file into lines', () => {
  it('ends a line at LF, CRLF or a lone CR alike, wherever the chunks break, as an editor numbers them', () => {
    const text = '{"a":1}\r\n{"b":"é"}\r{"c":"日本"}\n\r\nlast';
    for (let size = 1; size <= utf8(text).length; size++) {
      const lines = split(utf8(text), size);
      expect(lines).toEqual([
        { lineNumber: 1, text: '{"a":1}' },
        { lineNumber: 2, text: '{"b":"é"}' },
        { lineNumber: 3, text: '{"c":"日本"}' },
        { lineNumber: 4, text: '' },
        { lineNumber: 5, text: 'last' },
      ]);
      const counter = new LineBreakCounter();
      const bytes = utf8(text);
      for (let i = 0; i < bytes.length; i += size) counter.add(bytes.subarray(i, i + size));
      expect(counter.lines).toBe(5);
    }
    expect(split(utf8('a\nb\n'))).toHaveLength(2);
  });

  it('names the column of the first byte that is not UTF-8, and reads a real U+FFFD as text', () => {
    const bad = Uint8Array.from([...utf8('{"x":"caf'), 0xff, ...utf8('"}\n{"y":"\uFFFD"}\n')]);
    expect(split(bad, 4)).toEqual([
      { lineNumber: 1, text: '{"x":"caf\uFFFD"}', invalidUtf8At: 10 },
      { lineNumber: 2, text: '{"y":"\uFFFD"}' },
    ]);
    // A character cut off at the end of a line, and an overlong encoding of "/".
    expect(split(Uint8Array.from([...utf8('ab'), 0xe6, 0x97]))[0]).toMatchObject({ invalidUtf8At: 3 });
    expect(split(Uint8Array.from([...utf8('é'), 0xc0, 0xaf]))[0]).toMatchObject({ invalidUtf8At: 2 });
  });

  it('counts columns on line 1 from after a UTF-8 byte-order mark, so they match the file saved without one', () => {
    const line = Uint8Array.from([...utf8('{"x":"caf'), 0xe9, ...utf8('"}\n')]);
    const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...line]);
    for (let size = 1; size <= withBom.length; size++) {
      expect(split(withBom, size)).toEqual([{ lineNumber: 1, text: '{"x":"caf\uFFFD"}', invalidUtf8At: 10 }]);
      expect(split(line, size)).toEqual(split(withBom, size));
    }
    expect(split(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('{"a":1}')]))).toEqual([{ lineNumber: 1, text: '{"a":1}' }]);
  });

  it('marks a file that ends partway through a character, and only there', () => {
    const cut = Uint8Array.from([...utf8('{"a":1}\n{"note": "é'), 0xf0, 0x9f]);
    for (let size = 1; size <= cut.length; size++) {
      expect(split(cut, size)[1]).toEqual({ lineNumber: 2, text: '{"note": "é\uFFFD', invalidUtf8At: 12, endsInsideCharacter: true });
    }
    // The same bytes before a line break, or a bad byte before the cut, are another encoding's.
    expect(split(Uint8Array.from([...cut, 0x0a]))[1]).toEqual({ lineNumber: 2, text: '{"note": "é\uFFFD', invalidUtf8At: 12 });
    expect(split(Uint8Array.from([0xe9, ...cut.subarray(8)]))[0]).not.toHaveProperty('endsInsideCharacter');
  });

  it('refuses a UTF-16 file at its first bytes, with or without a byte-order mark', () => {
    const record = '{"task_id": "HumanEval/0"}\n';
    const le = Uint8Array.from([0xff, 0xfe, ...[...record].flatMap((c) => [c.charCodeAt(0), 0])]);
    const be = Uint8Array.from([0xfe, 0xff, ...[...record].flatMap((c) => [0, c.charCodeAt(0)])]);
    for (const bytes of [le, be, le.subarray(2), be.subarray(2)]) expect(() => split(bytes, 3)).toThrow(UTF16_FILE);
    expect(UTF16_FILE).toMatch(/UTF-16.*save it as UTF-8/);
  });

  it('refuses a UTF-16 file without a byte-order mark that opens with a space or a blank line, even a byte at a time', () => {
    for (const opening of [' ', '\n', '\r\n', '  \n']) {
      const units = [...`${opening}{"task_id": "HumanEval/0"}\n`].map((c) => c.charCodeAt(0));
      expect(() => split(Uint8Array.from(units.flatMap((u) => [u, 0])), 1)).toThrow(UTF16_FILE);
      expect(() => split(Uint8Array.from(units.flatMap((u) => [0, u])), 1)).toThrow(UTF16_FILE);
    }
  });

  it('never takes a UTF-8 file of samples for UTF-16, whatever it opens with', () => {
    const record = '{"task_id": "HumanEval/0", "completion": "    return 1\n"}';
    for (const text of [record, ` ${record}`, `\n\n${record}`, `\uFEFF${record}`, `${record}\n\u0000\u0000\u0000`, '{}']) {
      expect(() => split(utf8(text), 1)).not.toThrow();
    }
  });

  it('counts a line too long to keep, and keeps its start, without holding it', () => {
    const long = `[{"task_id":"${'x'.repeat(5_000)}é"}]`;
    const lines = split(utf8(`${long}\n{"a":1}`), 512, 1_000);
    expect(lines).toEqual([
      { lineNumber: 1, tooLong: true, chars: long.length, head: long.slice(0, 200) },
      { lineNumber: 2, text: '{"a":1}' },
    ]);
    // Under the byte bound but over the character cap.
    expect(split(utf8('y'.repeat(1_001)))[0]).toMatchObject({ tooLong: true, chars: 1_001 });
  });
});
