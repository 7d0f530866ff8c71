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
 * members one after another: human-eval's `write_jsonl(..., append=True)` adds one per call (so
 * one per sample, when a script appends each as it is made), and `cat a.jsonl.gz b.jsonl.gz`
 * makes one. gzip, Python and Node read them all as one text, but the browser's
 * DecompressionStream fails at the end of the first member with "Junk found after end of
 * compressed data" (as its spec says), and the whole file was refused as damaged. Nor does
 * Chromium hand on all of that member's text before failing, so each member is decompressed on
 * its own, from one place a gzip header could start to the next (the places are found in one pass
 * over the file), and the first member's text goes on from where the failed try stopped. One
 * decompression per member: finding each member's end by trying the rest of the file again (four
 * streams a member) held a file of 8,200 samples appended one by one at "Reading…" for 30-50 s in
 * Chromium, which the command line reads at once; now it takes a few seconds.
 */
async function* gunzipMembers(file: Blob): AsyncGenerator<Uint8Array> {
  let given = 0;
  let failure: unknown;
  try {
    for await (const chunk of gunzipped(file)) {
      given += chunk.length;
      yield chunk;
    }
    return;
  } catch (error) {
    failure = error;
  }
  // A member is at least a 10-byte header, 2 bytes of data and an 8-byte trailer.
  const ends: number[] = [];
  for await (const at of gzipHeaderPlaces(file, 20)) ends.push(at);
  ends.push(file.size);
  let start = 0;
  let next = 0;
  while (start < file.size) {
    let member: Member | null = null;
    // A place that is not a member's end (bytes inside compressed data that look like a header) does not decompress whole: the next is tried.
    for (; member === null && next < ends.length; next++) {
      if ((ends[next] as number) >= start + 20) member = await wholeMember(file, start, ends[next] as number, given);
    }
    member ??= await lastMemberBeforePadding(file, start, given);
    // A member cut short or damaged, or other bytes after the gzip data.
    if (member === null) throw failure;
    yield* member.text();
    given = 0;
    start = member.end;
  }
}

/** One whole gzip member of a file: where it ends, and its decompressed bytes (after those the failed first try gave). */
interface Member {
  end: number;
  text: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}

/**
 * Text held per member while it is checked to be whole: a member appended per sample is a few kB,
 * read once; a larger one (`cat big.gz small.gz`) is decompressed again as it is read, so memory
 * stays flat for any size.
 */
const HELD_MEMBER_BYTES = 4 << 20;

/**
 * The bytes of `file` from `start` to `end` as a gzip member, or null when they are not one whole
 * member. Its text leaves out the first `given` bytes, which the page already has.
 */
async function wholeMember(file: Blob, start: number, end: number, given: number): Promise<Member | null> {
  const bytes = file.slice(start, end);
  let held: Uint8Array[] | null = [];
  let heldSize = 0;
  try {
    for await (const chunk of after(given, gunzipped(bytes))) {
      heldSize += chunk.length;
      if (held !== null && heldSize <= HELD_MEMBER_BYTES) held.push(chunk);
      else held = null;
    }
  } catch {
    return null;
  }
  const text = held;
  return { end, text: () => text ?? after(given, gunzipped(bytes)) };
}

/** The chunks' bytes after the first `skip`. */
async function* after(skip: number, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let at = 0;
  for await (const chunk of chunks) {
    if (at + chunk.length > skip) yield chunk.subarray(Math.max(0, skip - at));
    at += chunk.length;
  }
}

/**
 * The last member when zero bytes pad the file after it, as tape and block-padded copies have:
 * gzip, Python (so human-eval) and Node skip such padding, so the command line read the file and
 * the page refused it as damaged. The member ends where the zeros start or up to 8 bytes later
 * (its trailer's last bytes, the text's length, may be zeros too).
 */
async function lastMemberBeforePadding(file: Blob, start: number, given: number): Promise<Member | null> {
  const dataEnd = await endBeforeZeros(file);
  if (dataEnd === file.size) return null;
  for (let end = Math.max(dataEnd, start + 20); end <= Math.min(dataEnd + 8, file.size - 1); end++) {
    const member = await wholeMember(file, start, end, given);
    if (member !== null) return { ...member, end: file.size };
  }
  return null;
}

/** Where the file's bytes end before the zero bytes it ends with (its size when the last byte is not zero). */
async function endBeforeZeros(file: Blob): Promise<number> {
  const step = 1 << 16;
  for (let end = file.size; end > 0; end -= step) {
    const bytes = new Uint8Array(await file.slice(Math.max(0, end - step), end).arrayBuffer());
    const last = bytes.findLastIndex((byte) => byte !== 0);
    if (last !== -1) return end - bytes.length + last + 1;
  }
  return 0;
}

function gunzipped(blob: Blob): AsyncGenerator<Uint8Array> {
  return streamChunks(blob.stream().pipeThrough(new DecompressionStream('gzip')));
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
