/**
 * Why a study or a search stopped, told apart by what a person can do about it: resuming sends
 * the same requests to the same models with the same settings, so it helps when the server was
 * down or the storage full, not when the server does not serve a model under that name. The
 * Study and Search pages word their advice from this one classification (study-failure.ts,
 * search-failure.ts).
 */
import { SandboxBroken } from '../../core/harness/sandbox-broken.ts';
import { isAbortError } from '../../core/llm/abort.ts';
import type { UnitRetry } from '../../core/study/runner.ts';
import { EndpointContextLengthError, EndpointStatusError, EndpointUnreachableError } from '../../llm/endpoint-errors.ts';
import { WebLLMEngineError } from '../../llm/webllm-errors.ts';
import { DatabaseNewer, DatabaseRefused, DatabaseTerminated, StoredRunGone } from '../../store/database.ts';

export type FailureCause =
  /** Stopped on purpose. */
  | 'stopped'
  /** The endpoint answers 404: it serves no model under the name asked for. */
  | 'model-not-served'
  /** 401 or 403: the API key (never stored with a run) is missing or wrong. */
  | 'key-refused'
  /** Another 4xx the same request would meet again. */
  | 'request-refused'
  /**
   * A prompt longer than the server's context: the same request fails until the server is started
   * with a larger context, and then resuming carries on.
   */
  | 'context-too-long'
  /** Nothing answered (or the browser hid the answer), or the server was busy: worth another try. */
  | 'endpoint-unreachable'
  /** WebLLM cannot run the build in this browser at all (no WebGPU, no shader-f16, limits, unknown model). */
  | 'webllm-unsupported'
  /** WebLLM failed to load or run the model for a reason that may pass (memory, download, worker). */
  | 'model-load'
  /**
   * An in-browser generation went silent (a hung GPU, a worker that died without a word) and was
   * ended: the engine was stopped or started afresh, so resuming is worth it.
   */
  | 'model-stalled'
  /** Python stopped working or never started. */
  | 'sandbox'
  /** The browser's storage is full. */
  | 'storage-full'
  /** The browser refused to open IndexedDB (some private windows): nothing can be stored in this window. */
  | 'storage-blocked'
  /** This tab lost its IndexedDB connection (another tab upgraded the app) or the backing store broke: a reload clears it. */
  | 'storage-lost'
  /** The browser closed the database by itself mid-run (site data cleared): what was stored may be gone. */
  | 'storage-cleared'
  /** Anything else: its message is all there is to say. */
  | 'unexpected';

/** IndexedDB's own failures that a reload clears: a connection closed under the tab, or a broken backing store. */
const LOST_DATABASE = new Set(['InvalidStateError', 'UnknownError']);

export function failureCause(error: unknown): FailureCause {
  if (isAbortError(error)) return 'stopped';
  // Whatever the status (older llama-server says 500): the same prompt fits only once the
  // server's context grows, which a person can do, unlike any other refusal.
  if (error instanceof EndpointContextLengthError) return 'context-too-long';
  if (error instanceof EndpointStatusError) {
    if (error.status === 404) return 'model-not-served';
    if (error.status === 401 || error.status === 403) return 'key-refused';
    if (error.lasting) return 'request-refused';
    return 'endpoint-unreachable';
  }
  if (error instanceof EndpointUnreachableError) return 'endpoint-unreachable';
  if (error instanceof WebLLMEngineError) {
    if (error.lasting) return 'webllm-unsupported';
    if (error.explained.kind === 'generation-stalled') return 'model-stalled';
    return error.explained.kind === 'quota' ? 'storage-full' : 'model-load';
  }
  if (error instanceof SandboxBroken) return 'sandbox';
  if (error instanceof DOMException && error.name === 'QuotaExceededError') return 'storage-full';
  if (error instanceof DatabaseRefused) return 'storage-blocked';
  // A newer build upgraded the database past this tab's: a reload gets that build.
  if (error instanceof DatabaseNewer) return 'storage-lost';
  if (error instanceof DatabaseTerminated || error instanceof StoredRunGone) return 'storage-cleared';
  if (error instanceof DOMException && LOST_DATABASE.has(error.name)) return 'storage-lost';
  return 'unexpected';
}

/** Names of the browser's storage errors that can arrive without a message, as Chromium's quota error does. */
const SILENT_ERRORS: Readonly<Record<string, string>> = {
  QuotaExceededError: 'The browser refused a write to its storage (QuotaExceededError).',
  InvalidStateError: 'This tab’s database connection was closed.',
  UnknownError: 'The browser’s storage failed.',
};

/**
 * The error as a sentence for the page: its own message, or, for an error that has none
 * (Chromium fails a write over quota with a QuotaExceededError whose message is empty), what it
 * means. An empty sentence would hide the advice that goes with it.
 */
export function failureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message.trim() : String(error).trim();
  if (message !== '') return message;
  const name = error instanceof Error ? error.name : '';
  return SILENT_ERRORS[name] ?? `Something failed without saying why${name && name !== 'Error' ? ` (${name})` : ''}.`;
}

/** The first sentence of a text: an endpoint's message goes on with paragraphs of advice that the final failure gives in full. */
function firstSentence(text: string): string {
  const end = text.search(/[.!?](\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}

/**
 * What a run's panel says while a unit (or an evaluation) of `problemId` waits to be tried again
 * because its model did not answer: otherwise it sat on "Running", its ETA frozen, while an
 * endpoint that went away was tried again and again. After a rate limit the wait is longer
 * (core/study/retry-wait.ts), and the note says why.
 */
export function retryNote(problemId: string, retry: UnitRetry): string {
  const seconds = Math.max(1, Math.round(retry.delayMs / 1000));
  const why = firstSentence(failureMessage(retry.error));
  const attempt = `attempt ${retry.attempt + 1} of ${retry.maxAttempts}`;
  switch (retry.rateLimit) {
    case 'server-asked':
      return `The server is limiting requests (${why}): waiting ${seconds} s, as it asked, then trying ${problemId} again, ${attempt}.`;
    case 'backoff':
      return `The server is limiting requests (${why}): waiting ${seconds} s for its limit to reset, then trying ${problemId} again, ${attempt}.`;
    case undefined:
      return retry.serverAsked
        ? `No answer for ${problemId} (${why}): waiting ${seconds} s, as the server asked, then trying it again, ${attempt}.`
        : `No answer for ${problemId} (${why}): trying it again in ${seconds} s, ${attempt}.`;
  }
}
