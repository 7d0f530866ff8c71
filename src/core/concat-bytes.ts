/** Joins byte chunks of `total` bytes in all into one array; a single chunk is returned as it is, not copied. */
export function concatBytes<T extends ArrayBufferLike = ArrayBufferLike>(chunks: readonly Uint8Array<T>[], total: number): Uint8Array<T | ArrayBuffer> {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
