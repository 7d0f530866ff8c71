/**
 * The lines of a UTF-8 text file, from its bytes as they stream in: what the command line and
 * the Scoring page both read samples files with, so the two number and word every line alike.
 *
 * Split at the byte level, as openai/human-eval's Python reader (universal newlines) splits: at
 * "\n", "\r\n" and a lone "\r" (old Mac files) alike, so line numbers are the ones a text editor
 * shows. Those bytes never occur inside a multi-byte UTF-8 character, and a raw CR cannot occur
 * inside a JSON string, so this splits no record. Each line is then decoded on its own with a
 * fatal decoder: a line that is not valid UTF-8 is named (human-eval stops at it with a
 * UnicodeDecodeError) instead of being read with U+FFFD in place of its bad bytes.
 *
 * Memory is bounded by the longest line kept (`maxLineChars`), not by the file: a longer line is
 * counted and dropped as it streams past.
 *
 * A UTF-8 byte-order mark at the start of the file ("UTF-8 with BOM", as Notepad saves) is not
 * part of line 1: it is dropped here, so columns on line 1 are the same with it and without it.
 */

import { concatBytes } from '../concat-bytes.ts';

export type FileLine =
  | {
      lineNumber: number;
      text: string;
      /** Set when the line's bytes are not valid UTF-8: the 1-based column of the first bad byte (`text` has U+FFFD for it). */
      invalidUtf8At?: number;
      /**
       * Set when that bad byte starts a character the file ends partway through: the line is the
       * last, with no line break after it, so the file was most likely cut short (a copy or download
       * stopped early), not saved in another encoding.
       */
      endsInsideCharacter?: true;
    }
  | { lineNumber: number; tooLong: true; chars: number; head: string };

/** Characters kept from the start of a line too long to read, to tell what kind of file it is. */
export const TOO_LONG_HEAD_CHARS = 200;

/** What a UTF-16 file is told, at once, rather than one "not valid JSON" per line of it. */
export const UTF16_FILE =
  'This file is UTF-16 text, not UTF-8: save it as UTF-8 (in most editors, "Save as" or "Save with encoding", then UTF-8) and try again.';

/** Thrown for a file in UTF-16; its message is `UTF16_FILE`. */
export class Utf16FileError extends Error {
  constructor() {
    super(UTF16_FILE);
    this.name = 'Utf16FileError';
  }
}

const LF = 0x0a;
const CR = 0x0d;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** Bytes gathered before the file's encoding is judged: four UTF-16 units, and more than a UTF-8 BOM. */
const OPENING_BYTES = 8;

/** Feed it the file's bytes in order with `push`, then call `end`; each yields the lines completed. */
export class Utf8LineSplitter {
  readonly #maxLineChars: number;
  // A UTF-16 unit takes at most 3 UTF-8 bytes, so a line of more bytes than this is too long for certain.
  readonly #maxLineBytes: number;
  readonly #fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  readonly #lenient = new TextDecoder('utf-8', { ignoreBOM: true });
  #lineNumber = 1;
  /** The file's first bytes, held until there are enough to tell UTF-16 and a BOM by; null once judged. */
  #opening: Uint8Array | null = new Uint8Array(0);
  /** The last chunk ended in CR: an LF starting the next one belongs to it. */
  #afterCr = false;
  // The current line's bytes while it may still be kept; once it cannot, only its length in UTF-16 units.
  #pieces: Uint8Array[] = [];
  #bytes = 0;
  #overflowChars: number | null = null;
  #head = '';

  constructor(maxLineChars: number) {
    this.#maxLineChars = maxLineChars;
    this.#maxLineBytes = maxLineChars * 3;
  }

  /** Throws `Utf16FileError` when the file's first bytes are UTF-16's. */
  *push(chunk: Uint8Array): Generator<FileLine> {
    if (chunk.length === 0) return;
    if (this.#opening !== null) {
      // Chunks can be a few bytes long (a decompressor's), so the opening is gathered across them.
      this.#opening = concatBytes([this.#opening, chunk], this.#opening.length + chunk.length);
      if (this.#opening.length < OPENING_BYTES) return;
      if (looksUtf16(this.#opening)) throw new Utf16FileError();
      chunk = this.#open(this.#opening);
    }
    yield* this.#split(chunk);
  }

  /** The last line, when the file does not end with a line break. */
  *end(): Generator<FileLine> {
    // A file shorter than the opening is not judged as UTF-16: too short to be a samples file in any encoding.
    if (this.#opening !== null) yield* this.#split(this.#open(this.#opening));
    if (this.#bytes > 0 || this.#overflowChars !== null) yield this.#finishLine(true);
  }

  /** The file's first bytes without the UTF-8 BOM, if they start with one. */
  #open(opening: Uint8Array): Uint8Array {
    this.#opening = null;
    return UTF8_BOM.every((byte, i) => opening[i] === byte) ? opening.subarray(UTF8_BOM.length) : opening;
  }

  *#split(chunk: Uint8Array): Generator<FileLine> {
    if (chunk.length === 0) return;
    let start = 0;
    if (this.#afterCr && chunk[0] === LF) start = 1;
    this.#afterCr = false;
    // Each kind of break is looked for once per stretch, not again at every line: a file with no CR scans for one once.
    let nextLf = chunk.indexOf(LF, start);
    let nextCr = chunk.indexOf(CR, start);
    for (;;) {
      if (nextLf !== -1 && nextLf < start) nextLf = chunk.indexOf(LF, start);
      if (nextCr !== -1 && nextCr < start) nextCr = chunk.indexOf(CR, start);
      const end = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextLf, nextCr);
      if (end === -1) break;
      this.#keep(chunk.subarray(start, end));
      yield this.#finishLine();
      start = end + 1;
      if (chunk[end] === CR) {
        if (start === chunk.length) this.#afterCr = true;
        else if (chunk[start] === LF) start++;
      }
    }
    this.#keep(chunk.subarray(start));
  }

  #keep(bytes: Uint8Array) {
    if (bytes.length === 0) return;
    if (this.#overflowChars !== null) {
      this.#overflowChars += utf16Length(bytes);
      return;
    }
    this.#pieces.push(bytes);
    this.#bytes += bytes.length;
    if (this.#bytes <= this.#maxLineBytes) return;
    const kept = concatBytes(this.#pieces, this.#bytes);
    this.#head = this.#lenient.decode(kept.subarray(0, TOO_LONG_HEAD_CHARS * 4)).slice(0, TOO_LONG_HEAD_CHARS);
    this.#overflowChars = utf16Length(kept);
    this.#pieces = [];
  }

  /** `last`: the file's last line, with no line break after it. */
  #finishLine(last = false): FileLine {
    const lineNumber = this.#lineNumber++;
    const overflow = this.#overflowChars;
    const bytes = concatBytes(this.#pieces, this.#bytes);
    const head = this.#head;
    this.#pieces = [];
    this.#bytes = 0;
    this.#overflowChars = null;
    this.#head = '';
    if (overflow !== null) return { lineNumber, tooLong: true, chars: overflow, head };
    let text: string;
    let invalidUtf8At: number | undefined;
    let cutOff = false;
    try {
      text = this.#fatal.decode(bytes);
    } catch {
      text = this.#lenient.decode(bytes);
      const bad = firstInvalidUtf8(bytes);
      invalidUtf8At = this.#lenient.decode(bytes.subarray(0, bad.at)).length + 1;
      cutOff = bad.cutOff;
    }
    if (text.length > this.#maxLineChars) return { lineNumber, tooLong: true, chars: text.length, head: text.slice(0, TOO_LONG_HEAD_CHARS) };
    if (invalidUtf8At === undefined) return { lineNumber, text };
    return last && cutOff ? { lineNumber, text, invalidUtf8At, endsInsideCharacter: true } : { lineNumber, text, invalidUtf8At };
  }
}

/** Lines in a file of these bytes, counted as `Utf8LineSplitter` splits it (a last line without a break counts). */
export class LineBreakCounter {
  #breaks = 0;
  #afterCr = false;
  #trailing = false;

  add(bytes: Uint8Array) {
    if (bytes.length === 0) return;
    let i = 0;
    if (this.#afterCr && bytes[0] === LF) i = 1;
    for (let lf = bytes.indexOf(LF, i); lf !== -1; lf = bytes.indexOf(LF, lf + 1)) this.#breaks++;
    // A CR is a break of its own unless an LF follows it (CRLF, counted once above).
    for (let cr = bytes.indexOf(CR, i); cr !== -1; cr = bytes.indexOf(CR, cr + 1)) if (bytes[cr + 1] !== LF && cr + 1 < bytes.length) this.#breaks++;
    const last = bytes[bytes.length - 1];
    this.#afterCr = last === CR;
    if (this.#afterCr) this.#breaks++; // counted now; an LF opening the next chunk is skipped
    this.#trailing = last !== LF && last !== CR;
  }

  get lines(): number {
    return this.#breaks + (this.#trailing ? 1 : 0);
  }
}

/**
 * UTF-16 by its byte-order mark, or without one by its first four units each being an ASCII
 * character beside a NUL (after the NUL in big-endian), whatever the characters: a file may open
 * with a space or a blank line before its "{". A raw NUL cannot occur in JSON text, so a UTF-8
 * file this matches has no readable sample on its first lines, and a file of samples never does.
 */
function looksUtf16(head: Uint8Array): boolean {
  const [a, b] = head;
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) return true;
  if (head.length < OPENING_BYTES) return false;
  const ascii = (byte: number | undefined) => byte !== undefined && byte > 0 && byte < 0x80;
  let littleEndian = true;
  let bigEndian = true;
  for (let i = 0; i < OPENING_BYTES; i += 2) {
    littleEndian &&= ascii(head[i]) && head[i + 1] === 0;
    bigEndian &&= head[i] === 0 && ascii(head[i + 1]);
  }
  return littleEndian || bigEndian;
}

/** UTF-16 units these UTF-8 bytes decode to: one per lead byte, two for a 4-byte character. */
function utf16Length(bytes: Uint8Array): number {
  let units = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}

/**
 * Offset of the first byte that is not part of a valid UTF-8 character (bytes.length when all
 * are), and whether it starts a character the bytes end before (so far valid, but too few bytes).
 */
function firstInvalidUtf8(bytes: Uint8Array): { at: number; cutOff: boolean } {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // Length, and the range of the second byte (narrowed to refuse overlongs, surrogates and > U+10FFFF).
    const [length, low, high] =
      lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
      : lead === 0xe0 ? [3, 0xa0, 0xbf]
      : lead === 0xed ? [3, 0x80, 0x9f]
      : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
      : lead === 0xf0 ? [4, 0x90, 0xbf]
      : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
      : lead === 0xf4 ? [4, 0x80, 0x8f]
      : [0, 0, 0];
    if (length === 0) return { at: i, cutOff: false };
    const second = bytes[i + 1];
    if (second === undefined) return { at: i, cutOff: true };
    if (second < low || second > high) return { at: i, cutOff: false };
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined) return { at: i, cutOff: true };
      if ((next & 0xc0) !== 0x80) return { at: i, cutOff: false };
    }
    i += length;
  }
  return { at: bytes.length, cutOff: false };
}
