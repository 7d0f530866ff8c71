/**
 * SHA-256 as lower-case hex. Web Crypto does it where it exists; a page served over plain http
 * from another machine (a lab server's `http://10.0.0.5:4173/`) is not a secure context, has no
 * `crypto.subtle`, and would otherwise refuse every benchmark file and study config it hashes.
 * There `@noble/hashes` (audited, dependency-free) does it instead; it is loaded only then.
 */

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return sha256HexPortable(bytes);
  // A view over an ArrayBuffer: digest() refuses views of a SharedArrayBuffer.
  const view = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  return hex(new Uint8Array(await subtle.digest('SHA-256', view)));
}

/** SHA-256 without Web Crypto. Exported for tests, which compare it with Web Crypto. */
export async function sha256HexPortable(bytes: Uint8Array): Promise<string> {
  const { sha256 } = await import('@noble/hashes/sha2.js');
  return hex(sha256(bytes));
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
