/**
 * A browser never gives up on a download whose connection stays open but sends nothing, and
 * neither does Pyodide: a first visit whose pyodide.asm.wasm (or snapshot, standard library, lock
 * file) stalled part-way said "Starting Python…" until the pool's ten-minute start deadline, with
 * no word of the connection (audit R183-1). Watched here, a download of the worker's start that
 * goes 30 s without a byte, or without an answer, is given up and fails the start at once, with a
 * message that names the file and the connection; the pool then tries a fresh worker, and past its
 * retries the page offers to try again, as it does for a download that was cut off
 * (wasm-compile-watch.ts) and as benchmark downloads do (fetch-with-progress.ts).
 *
 * The watch reads a clone of each response as it arrives and hands Pyodide the response itself:
 * a rebuilt one would lose the browser's compiled-code cache for the wasm.
 */
import { anySignal } from '../core/any-signal.ts';
import { stallTimer } from '../core/stall-timer.ts';

/** As for benchmark downloads (fetch-with-progress.ts): even a 2G link delivers some bytes every few seconds. */
export const DOWNLOAD_STALL_MS = 30_000;

/** The one function watched; the worker's global scope has it. */
export interface FetchHost {
  fetch: typeof fetch;
}

function fileName(input: RequestInfo | URL): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(url, 'http://x/').pathname.split('/').pop() || url;
  } catch {
    return url;
  }
}

/**
 * Rejects as soon as a download started through `host.fetch` goes `stallMs` without an answer or
 * a byte (and gives that download up); never resolves. Install it before Pyodide starts; the
 * worker's hardening removes `fetch` once Python is up (js-hardening.ts).
 */
export function stalledDownload(host: FetchHost = globalThis, stallMs = DOWNLOAD_STALL_MS): Promise<never> {
  return new Promise<never>((_, reject) => {
    const original = host.fetch;
    host.fetch = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      const giveUp = new AbortController();
      const stalled = new Error(
        `Python's file ${fileName(input)} stopped downloading: nothing arrived for ${Math.round(stallMs / 1000)} s. The connection may have dropped or stalled; check it.`,
      );
      const { quiet, done } = stallTimer(stallMs, () => {
        // Said first, so the start fails with this reason rather than with the abort's echo.
        reject(stalled);
        giveUp.abort(stalled);
      });
      // The caller's own signal still works: a signal in init replaces a Request's, so both are kept.
      const theirs = init?.signal ?? (input instanceof Request ? input.signal : null);
      const signal = theirs ? anySignal([theirs, giveUp.signal]) : giveUp.signal;
      quiet();
      const answer = Reflect.apply(original, this, [input, { ...init, signal }]) as Promise<Response>;
      answer.then(
        (response) => {
          if (!response.body) return done();
          quiet();
          const reader = response.clone().body!.getReader();
          const pump = (): Promise<void> =>
            reader.read().then(({ done: finished }) => {
              if (finished) return done();
              quiet();
              return pump();
            });
          // A body that fails (cut off, aborted) is the reader's to report, not the watch's.
          pump().catch(done);
        },
        done,
      );
      return answer;
    };
  });
}
