/**
 * Memory a pool shares with one worker, when SharedArrayBuffer is available (always under
 * Node; in a browser only when the page is cross-origin isolated). The worker is busy inside
 * Python while a program runs, so this is the only way to reach it, or hear from it, meanwhile.
 */

/** The pool writes 2 (SIGINT) here to interrupt the program; the worker's interrupt reads it. */
export const INTERRUPT_SLOT = 0;
/** The worker writes 1 here once the running program has printed past its output limit. */
export const OUTPUT_LIMIT_SLOT = 1;

export function createSharedState(): Int32Array | null {
  if (typeof SharedArrayBuffer === 'undefined' || globalThis.crossOriginIsolated === false) return null;
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}
