/**
 * Reads a text file line by line as a stream, so a samples file of any size costs memory in
 * proportion to its longest accepted line, not to the file. Lines are split and decoded as the
 * Scoring page splits and decodes them (src/core/results/utf8-lines.ts): at LF, CRLF or a lone
 * CR, each line checked as UTF-8. A line longer than the cap is not kept: it is reported by
 * number and the reader moves on to the next line. A gzip-compressed file (`samples.jsonl.gz`,
 * which openai/human-eval reads and writes) is decompressed on the way.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DAMAGED_GZIP, MAX_SAMPLE_LINE_CHARS } from '../src/core/results/samples.ts';
import { type FileLine, LineBreakCounter, Utf16FileError, Utf8LineSplitter } from '../src/core/results/utf8-lines.ts';
import { InputError } from './usage-error.ts';

export type { FileLine };

/** The samples reader's limit (src/core/results/samples.ts), so a line refused here is refused on the Scoring page too. */
export const DEFAULT_MAX_LINE_CHARS = MAX_SAMPLE_LINE_CHARS;

export async function* readLines(path: string, maxLineChars = DEFAULT_MAX_LINE_CHARS): AsyncGenerator<FileLine> {
  const lines = new Utf8LineSplitter(maxLineChars);
  try {
    for await (const chunk of readBytes(path, 1 << 16)) yield* lines.push(chunk);
  } catch (error) {
    // The page's words for it, without the page's name for the file.
    if (error instanceof Utf16FileError) throw new InputError(`${path}: ${error.message}`);
    throw error;
  }
  // A last line without a line break still counts; an empty tail after the final break does not.
  yield* lines.end();
}

/** Lines in the file, split as `readLines` splits them (a last line without a line break counts), by counting line-break bytes. */
export async function countLines(path: string): Promise<number> {
  const counter = new LineBreakCounter();
  for await (const bytes of readBytes(path, 1 << 20)) counter.add(bytes);
  return counter.lines;
}

/** The file's bytes, decompressed when it starts as a gzip file does (by content, not by name). */
async function* readBytes(path: string, highWaterMark: number): AsyncGenerator<Buffer> {
  // Looked at before the stream opens: a file that cannot be opened then fails here, once, and
  // leaves no stream behind whose own failure to open would end the process as an unhandled error.
  const gzip = isGzip(path);
  const file = createReadStream(path, { highWaterMark });
  if (!gzip) {
    yield* file as AsyncIterable<Buffer>;
    return;
  }
  const gunzip = createGunzip({ chunkSize: highWaterMark });
  // pipeline() passes a read error on to the gunzip stream, so the loop below sees it.
  const bytes: Readable = pipeline(file, gunzip, () => undefined);
  try {
    yield* bytes as AsyncIterable<Buffer>;
  } catch (error) {
    throw new InputError(`${path} ${DAMAGED_GZIP}`);
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
