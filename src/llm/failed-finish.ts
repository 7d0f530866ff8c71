/**
 * Finish reasons by which a server says that it, not the model, ended a reply: vLLM's "abort" (the
 * request was aborted inside the engine: preempted, the engine restarted, the server shutting down)
 * and "error" (the engine failed mid-generation). The text up to there is not the model's answer:
 * scored, it would count as the model's failure and lower its pass rate. It is a failed request,
 * like a connection cut mid-reply, so it is sent again or the unit runs again.
 */
import { AttemptFailure } from './attempt-failure.ts';

const SERVER_ENDED = new Set(['abort', 'error']);

/**
 * A failed attempt when `finishReason` is one the server ends a reply with on failure; undefined
 * for every other reason. `deltas`: pieces of text already passed on, which rule out sending the
 * same request again (the caller has shown them).
 */
export function serverEndedReply(finishReason: string | undefined, deltas: number, endpointUrl: string): AttemptFailure | undefined {
  if (finishReason === undefined || !SERVER_ENDED.has(finishReason)) return undefined;
  const after = deltas > 0 ? ` after ${deltas} piece${deltas === 1 ? '' : 's'} of text` : '';
  const error = new Error(
    `The server at ${new URL(endpointUrl).origin} ended the reply${after} with finish reason "${finishReason}": ` +
      'it gave up on the request (vLLM says this when the engine aborts a request or fails while generating), ' +
      "so the text is not the model's answer and is not scored. Check the server's log.",
  );
  return new AttemptFailure(error, deltas === 0);
}
