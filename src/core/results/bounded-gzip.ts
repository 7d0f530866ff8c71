/**
 * gzip through the platform's CompressionStream / DecompressionStream, with a cap on what
 * decompression may produce: a few kilobytes of gzip can expand to gigabytes, and a result file
 * arrives from strangers.
 */

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export class GunzipError extends Error {
  override readonly name = 'GunzipError';
  readonly reason: 'corrupt' | 'too-big';
  constructor(reason: 'corrupt' | 'too-big', message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Decompresses `bytes`; throws a GunzipError when they are not whole gzip or expand past `maxBytes`. */
export async function gunzipBounded(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const reader = new Blob([arrayBufferView(bytes)]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new GunzipError('too-big', `decompresses to more than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof GunzipError) throw error;
    throw new GunzipError('corrupt', error instanceof Error ? error.message : String(error));
  }
  return concat(chunks, total);
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([arrayBufferView(bytes)]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

// Blob wants an ArrayBuffer-backed view; a view over a SharedArrayBuffer is copied.
function arrayBufferView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
