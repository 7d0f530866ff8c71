/** A FetchBytes that reports bytes as they arrive, so a slow download shows movement. */
import { anySignal } from '../../core/any-signal.ts';
import { noAnswerError, type FetchBytes } from '../../core/benchmarks/datasets.ts';
import { concatBytes } from '../../core/concat-bytes.ts';
import { stallTimer } from '../../core/stall-timer.ts';

export interface DownloadProgress {
  url: string;
  receivedBytes: number;
  /** From Content-Length; null when the server does not say. */
  totalBytes: number | null;
}

/**
 * How long a download may go without a single byte (or without an answer at all) before it
 * counts as stalled. A browser never gives up on a connection that stays open but silent, and a
 * stalled same-origin copy left "Loading HumanEval… 10 kB of 44 kB" for as long as the tab was
 * open: upstream was never tried, and no failure panel offered a retry or a file to pick (audit
 * R180-1). Even a 2G link delivers some bytes every few seconds.
 */
export const STALL_TIMEOUT_MS = 30_000;

export function fetchBytesWithProgress(onProgress: (progress: DownloadProgress) => void, stallTimeoutMs = STALL_TIMEOUT_MS): FetchBytes {
  return async (url, signal) => {
    const stall = new AbortController();
    const stalled = new Error(`the download stalled: nothing arrived for ${Math.round(stallTimeoutMs / 1000)} s`);
    const { quiet, done } = stallTimer(stallTimeoutMs, () => stall.abort(stalled));
    const aborted = signal ? anySignal([signal, stall.signal]) : stall.signal;
    quiet();
    try {
      let response: Response;
      try {
        response = await fetch(url, { signal: aborted });
      } catch (error) {
        if (aborted.aborted) throw aborted.reason;
        // fetch says only "Failed to fetch"; name the likely causes for the failure panel, as the released files' fetcher does.
        throw noAnswerError(error);
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
      const length = Number(response.headers.get('content-length'));
      const totalBytes = Number.isFinite(length) && length > 0 ? length : null;
      if (!response.body) return new Uint8Array(await response.arrayBuffer());

      const chunks: Uint8Array[] = [];
      let receivedBytes = 0;
      onProgress({ url, receivedBytes, totalBytes });
      const reader = response.body.getReader();
      // A read waiting on a silent connection ends when the download is given up.
      aborted.addEventListener('abort', () => void reader.cancel(aborted.reason).catch(() => undefined), { once: true });
      for (;;) {
        quiet();
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch (error) {
          throw aborted.aborted ? aborted.reason : error;
        }
        // A cancelled read reports `done`: that is the give-up, not the end of the file.
        if (aborted.aborted) throw aborted.reason;
        if (read.done) break;
        chunks.push(read.value);
        receivedBytes += read.value.byteLength;
        onProgress({ url, receivedBytes, totalBytes });
      }
      return concatBytes(chunks, receivedBytes);
    } finally {
      done();
    }
  };
}
