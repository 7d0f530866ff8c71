/**
 * What `run` says when a unit's model request failed and the unit is tried again. Two kinds of
 * attempt meet here: the engine sends one request up to a few times ("failed … after 4
 * attempts"), and the runner tries the whole unit up to three times. The note counts the unit's,
 * and says whose they are.
 */
import type { UnitRetry } from '../../src/core/study/runner.ts';
import { formatDuration } from './run-progress.ts';

/**
 * `unitId: <why>. Trying the unit again in 2s (the unit's attempt 2 of 3).` `message` is the
 * error's, or null when the same error was shown above. After a rate limit the wait is longer
 * (core/study/retry-wait.ts), and the note says whose it is.
 */
export function unitRetryNote(unitId: string, retry: Omit<UnitRetry, 'error'>, message: string | null, firstTokenTimeoutMs: number): string {
  const hint = message !== null && isFirstTokenTimeout(message) ? ` ${firstTokenHint(firstTokenTimeoutMs)}` : '';
  const why = message === null ? 'the same error as above.' : `${whileRetrying(message)}${hint}`;
  const attempt = `(the unit's attempt ${retry.attempt + 1} of ${retry.maxAttempts})`;
  const wait = formatDuration(retry.delayMs);
  switch (retry.rateLimit) {
    case 'server-asked':
      return `${unitId}: ${why} Waiting ${wait}, as the server asked, then trying the unit again ${attempt}.`;
    case 'backoff':
      return `${unitId}: ${why} The server did not say how long to wait: trying the unit again in ${wait} ${attempt}.`;
    case undefined:
      return retry.serverAsked
        ? `${unitId}: ${why} Waiting ${wait}, as the server asked, then trying the unit again ${attempt}.`
        : `${unitId}: ${why} Trying the unit again in ${wait} ${attempt}.`;
  }
}

/**
 * The engine's messages end in what to do once the study stops ("check the server's log and run
 * again"); while the unit is still being tried, "run again" would contradict the note, so that
 * part goes and the advice to look at the server stays.
 */
function whileRetrying(message: string): string {
  return message.replace(/,? (?:and|then) run again\.$/, '.');
}

/** The engine's words for a reply that did not start in time (src/llm/endpoint-errors.ts, firstTokenTimeoutError). */
export function isFirstTokenTimeout(message: string): boolean {
  return /^The server (sent no text|did not finish its reply) within /.test(message);
}

/** The engine's sentence speaks of the app's fixed wait; here the wait is an option. */
export function firstTokenHint(timeoutMs: number): string {
  return `If the server is only slow, give it longer with --first-token-timeout S (it was ${timeoutMs / 1000} s).`;
}
