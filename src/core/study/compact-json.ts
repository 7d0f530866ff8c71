/**
 * JSON made short enough for a URL: deflate-raw (no header or checksum: a link is short and its
 * content is validated anyway), then base64url so it needs no escaping in a query string.
 * Inflating is capped, since a link comes from anyone and a few bytes can inflate to gigabytes.
 */
import { compress, decompressBounded, DecompressionError } from '../results/bounded-compression.ts';
import { GZIP_BROWSERS, GzipUnsupportedError } from '../gzip-support.ts';

export async function packJson(value: unknown): Promise<string> {
  return toBase64Url(await compress(new TextEncoder().encode(JSON.stringify(value)), 'deflate-raw'));
}

/** The JSON value packed in `text`; throws with a plain reason when it is not one. */
export async function unpackJson(text: string, maxBytes: number): Promise<unknown> {
  const packed = fromBase64Url(text);
  if (!packed) throw new Error('it is not base64url text (it may have been cut short when the link was copied)');
  let bytes: Uint8Array;
  try {
    bytes = await decompressBounded(packed, 'deflate-raw', maxBytes);
  } catch (error) {
    if (error instanceof DecompressionError && error.reason === 'too-big') throw new Error(`it unpacks to more than ${maxBytes} bytes`);
    if (error instanceof GzipUnsupportedError) throw new Error(`this browser cannot unpack it (it has no DecompressionStream; ${GZIP_BROWSERS} do)`);
    throw new Error('it is not compressed data (it may have been cut short when the link was copied)');
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Error('it does not unpack to JSON');
  }
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of base64url text (padding optional), or null when it is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
