/**
 * The lines of a file the user picked, read as a stream: a large samples file never sits in
 * memory as one string, and the page gets a turn between chunks. Lines are split, decoded and
 * capped as `feedback-lab score` does it (src/core/results/utf8-lines.ts), so the two agree.
 */

import { canGunzip, GzipUnsupportedError } from '../../core/gzip-support.ts';
import { concatBytes } from '../../core/concat-bytes.ts';
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
  if (!(await startsWithGzipMagic(file))) {
    yield* streamLines(file.stream());
    return;
  }
  if (!canGunzip()) throw new GzipUnsupportedError('pick the samples file decompressed (gunzip it first)');
  try {
    yield* chunkLines(gunzipMembers(file));
  } catch (error) {
    if (error instanceof Utf16FileError) throw error;
    throw new Error(`This file ${DAMAGED_GZIP}`);
  }
}

export function streamLines(stream: ReadableStream<Uint8Array<ArrayBuffer>>, maxLineChars = MAX_SAMPLE_LINE_CHARS): AsyncGenerator<FileLine> {
  return chunkLines(streamChunks(stream), maxLineChars);
}

async function* chunkLines(chunks: AsyncIterable<Uint8Array>, maxLineChars = MAX_SAMPLE_LINE_CHARS): AsyncGenerator<FileLine> {
  const lines = new Utf8LineSplitter(maxLineChars);
  for await (const chunk of chunks) yield* lines.push(chunk);
  // A last line without a line break still counts.
  yield* lines.end();
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function startsWithGzipMagic(blob: Blob): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, GZIP_MAGIC.length).arrayBuffer());
  return GZIP_MAGIC.every((byte, i) => head[i] === byte);
}

/**
 * The decompressed bytes of every gzip member in the file, in order. A .gz file can hold several
 * members one after another: human-eval's `write_jsonl(..., append=True)` adds one per call, and
 * `cat a.jsonl.gz b.jsonl.gz` makes one. gzip, Python and Node read them all as one text, but the
 * browser's DecompressionStream fails at the end of the first member with "Junk found after end
 * of compressed data" (as its spec says), and the whole file was refused as damaged. Nor does
 * Chromium hand on all of that member's text before failing, so where the member ends is found
 * by trying the places the next one may start, and its text is decompressed again from there.
 */
async function* gunzipMembers(file: Blob): AsyncGenerator<Uint8Array> {
  let rest = file;
  for (;;) {
    let given = 0;
    try {
      for await (const chunk of gunzipped(rest)) {
        given += chunk.length;
        yield chunk;
      }
      return;
    } catch (error) {
      const end = await firstMemberEnd(rest);
      if (end === null) throw error;
      // The member alone decompresses whole: what the failed try did not give, follows now.
      let at = 0;
      for await (const chunk of gunzipped(rest.slice(0, end))) {
        if (at + chunk.length > given) yield chunk.subarray(Math.max(0, given - at));
        at += chunk.length;
      }
      rest = rest.slice(end);
    }
  }
}

function gunzipped(blob: Blob): AsyncGenerator<Uint8Array> {
  return streamChunks(blob.stream().pipeThrough(new DecompressionStream('gzip')));
}

/**
 * Where the gzip member at the start of `blob` ends: the first place a gzip header could start
 * (magic, deflate, no reserved flag) such that the bytes before it decompress whole. Null when
 * there is none: a file cut short or damaged, or with other bytes after its data.
 */
async function firstMemberEnd(blob: Blob): Promise<number | null> {
  // A member is at least a 10-byte header, 2 bytes of data and an 8-byte trailer.
  for await (const at of gzipHeaderPlaces(blob, 20)) {
    if (await gunzipsWhole(blob.slice(0, at))) return at;
  }
  return null;
}

async function gunzipsWhole(blob: Blob): Promise<boolean> {
  try {
    for await (const chunk of gunzipped(blob)) void chunk;
    return true;
  } catch {
    return false;
  }
}

/** Offsets from `from` on where the bytes 1f 8b 08 are followed by a flags byte with no reserved bit set. */
async function* gzipHeaderPlaces(blob: Blob, from: number): AsyncGenerator<number> {
  const header = [...GZIP_MAGIC, 0x08];
  let carried = new Uint8Array(0);
  let offset = 0; // of carried[0] in the blob
  for await (const chunk of streamChunks(blob.stream())) {
    const bytes = concatBytes([carried, chunk], carried.length + chunk.length);
    const last = bytes.length - header.length - 1;
    for (let i = bytes.indexOf(0x1f, Math.max(0, from - offset)); i !== -1 && i <= last; i = bytes.indexOf(0x1f, i + 1)) {
      if (header.every((byte, k) => bytes[i + k] === byte) && ((bytes[i + 3] as number) & 0xe0) === 0) yield offset + i;
    }
    // The last bytes may start a header the next chunk ends.
    const keep = Math.min(bytes.length, header.length);
    carried = bytes.slice(bytes.length - keep);
    offset += bytes.length - keep;
  }
}
