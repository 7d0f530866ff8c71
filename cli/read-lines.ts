/**
 * Reads a text file line by line as a stream, so a samples file of any size costs memory in
 * proportion to its longest accepted line, not to the file. A line longer than the cap is not
 * kept: it is reported by number and the reader moves on to the next line. A gzip-compressed
 * file (`samples.jsonl.gz`, which openai/human-eval reads and writes) is decompressed on the way.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MAX_SAMPLE_LINE_CHARS } from '../src/core/results/samples.ts';
import { InputError } from './usage-error.ts';

export type FileLine =
  | { lineNumber: number; text: string }
  | { lineNumber: number; tooLong: true; chars: number; head: string };

/** Characters kept from the start of a line too long to read, to tell what kind of file it is. */
const HEAD_CHARS = 200;

/** The samples reader's limit (src/core/results/samples.ts), so a line refused here is refused on the Scoring page too. */
export const DEFAULT_MAX_LINE_CHARS = MAX_SAMPLE_LINE_CHARS;

export async function* readLines(path: string, maxLineChars = DEFAULT_MAX_LINE_CHARS): AsyncGenerator<FileLine> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let lineNumber = 1;
  // Pieces of the current line; `partialChars` keeps counting after an overflow so the
  // message can say how long the line was.
  let pieces: string[] = [];
  let partialChars = 0;
  let head = '';

  const finishLine = (): FileLine => {
    const line: FileLine =
      partialChars > maxLineChars
        ? { lineNumber, tooLong: true, chars: partialChars, head }
        : { lineNumber, text: stripCarriageReturn(pieces.join('')) };
    lineNumber += 1;
    pieces = [];
    partialChars = 0;
    head = '';
    return line;
  };

  const absorb = function* (chunk: string): Generator<FileLine> {
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
      keep(chunk.slice(start, newline));
      yield finishLine();
      start = newline + 1;
    }
    keep(chunk.slice(start));
  };

  const keep = (piece: string) => {
    if (head.length < HEAD_CHARS) head += piece.slice(0, HEAD_CHARS - head.length);
    partialChars += piece.length;
    if (partialChars <= maxLineChars) pieces.push(piece);
    else pieces = [];
  };

  for await (const chunk of readBytes(path, 1 << 16)) {
    yield* absorb(decoder.decode(chunk, { stream: true }));
  }
  yield* absorb(decoder.decode());
  // A last line without a newline still counts; an empty tail after the final newline does not.
  if (partialChars > 0) yield finishLine();
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Lines in the file (a last line without a newline counts), by counting newline bytes. */
export async function countLines(path: string): Promise<number> {
  let newlines = 0;
  let last = 10;
  for await (const bytes of readBytes(path, 1 << 20)) {
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) newlines++;
    if (bytes.length > 0) last = bytes[bytes.length - 1] as number;
  }
  return newlines + (last === 10 ? 0 : 1);
}

/** The file's bytes, decompressed when it starts as a gzip file does (by content, not by name). */
async function* readBytes(path: string, highWaterMark: number): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark });
  if (!isGzip(path)) {
    yield* file as AsyncIterable<Buffer>;
    return;
  }
  const gunzip = createGunzip({ chunkSize: highWaterMark });
  // pipeline() passes a read error on to the gunzip stream, so the loop below sees it.
  const bytes: Readable = pipeline(file, gunzip, () => undefined);
  try {
    yield* bytes as AsyncIterable<Buffer>;
  } catch (error) {
    throw new InputError(`${path} is gzip-compressed but could not be decompressed (${(error as Error).message}); it may be cut short: copy or download it again, or give the uncompressed file.`);
  }
}

function isGzip(path: string): boolean {
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}
