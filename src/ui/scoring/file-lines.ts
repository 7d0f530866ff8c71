/**
 * The lines of a file the user picked, read as a stream: a large samples file never sits in
 * memory as one string, and the page gets a turn between chunks. Lines are split, decoded and
 * capped as `feedback-lab score` does it (src/core/results/utf8-lines.ts), so the two agree.
 */

import { canGunzip, GzipUnsupportedError } from '../../core/gzip-support.ts';
import { DAMAGED_GZIP, MAX_SAMPLE_LINE_CHARS } from '../../core/results/samples.ts';
import { type FileLine, Utf16FileError, Utf8LineSplitter } from '../../core/results/utf8-lines.ts';

/** The two bytes every gzip file starts with. */
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The lines of a picked samples file. A gzip-compressed one (`samples.jsonl.gz`, which
 * openai/human-eval reads and writes) is decompressed on the way, recognised by its first bytes
 * rather than its name.
 */
export async function* fileLines(file: Blob): AsyncGenerator<FileLine> {
  const head = new Uint8Array(await file.slice(0, GZIP_MAGIC.length).arrayBuffer());
  if (!GZIP_MAGIC.every((byte, i) => head[i] === byte)) {
    yield* streamLines(file.stream());
    return;
  }
  if (!canGunzip()) throw new GzipUnsupportedError('pick the samples file decompressed (gunzip it first)');
  try {
    yield* streamLines(file.stream().pipeThrough(new DecompressionStream('gzip')));
  } catch (error) {
    if (error instanceof Utf16FileError) throw error;
    throw new Error(`This file ${DAMAGED_GZIP}`);
  }
}

export async function* streamLines(stream: ReadableStream<Uint8Array<ArrayBuffer>>, maxLineChars = MAX_SAMPLE_LINE_CHARS): AsyncGenerator<FileLine> {
  const lines = new Utf8LineSplitter(maxLineChars);
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* lines.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  // A last line without a line break still counts.
  yield* lines.end();
}
