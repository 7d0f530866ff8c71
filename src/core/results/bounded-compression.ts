/**
 * Compression through the platform's CompressionStream / DecompressionStream, with a cap on what
 * decompression may produce: a few kilobytes of gzip or deflate can expand to gigabytes, and result
 * files and study links arrive from strangers.
 */

import { concatBytes } from '../concat-bytes.ts';
import { canGunzip, GzipUnsupportedError } from '../gzip-support.ts';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export class DecompressionError extends Error {
  override readonly name = 'DecompressionError';
  readonly reason: 'corrupt' | 'too-big';
  constructor(reason: 'corrupt' | 'too-big', message: string) {
    super(message);
    this.reason = reason;
  }
}

/**
 * Decompresses gzip `bytes`; throws a DecompressionError when they are not whole gzip or expand past `maxBytes`.
 * `onOutput` hears the bytes produced so far, at most every `PROGRESS_STEP_BYTES`.
 */
export function gunzipBounded(bytes: Uint8Array, maxBytes: number, onOutput?: (total: number) => void): Promise<Uint8Array> {
  return decompressBounded(bytes, 'gzip', maxBytes, onOutput);
}

/** Output between two progress reports: often enough for a bar, rarely enough to cost nothing. */
export const PROGRESS_STEP_BYTES = 16 * 1024 * 1024;

/**
 * Decompresses `bytes` of `format`; throws a DecompressionError when they are not whole or expand
 * past `maxBytes`, and a GzipUnsupportedError on a platform without DecompressionStream, so that
 * callers blame the browser rather than the file.
 */
export async function decompressBounded(
  bytes: Uint8Array,
  format: CompressionFormat,
  maxBytes: number,
  onOutput?: (total: number) => void,
): Promise<Uint8Array> {
  if (!canGunzip()) throw new GzipUnsupportedError();
  const reader = new Blob([arrayBufferView(bytes)]).stream().pipeThrough(new DecompressionStream(format)).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let reported = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new DecompressionError('too-big', `decompresses to more than ${maxBytes} bytes`);
      }
      chunks.push(value);
      if (onOutput && total - reported >= PROGRESS_STEP_BYTES) onOutput((reported = total));
    }
  } catch (error) {
    if (error instanceof DecompressionError) throw error;
    throw new DecompressionError('corrupt', error instanceof Error ? error.message : String(error));
  }
  return concatBytes(chunks, total);
}

export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return compress(bytes, 'gzip');
}

export async function compress(bytes: Uint8Array, format: CompressionFormat): Promise<Uint8Array> {
  const stream = new Blob([arrayBufferView(bytes)]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Blob wants an ArrayBuffer-backed view; a view over a SharedArrayBuffer is copied.
function arrayBufferView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
