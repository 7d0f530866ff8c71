/**
 * A LanguageModel served by any OpenAI-compatible `/v1/chat/completions` endpoint: Ollama,
 * llama.cpp's llama-server, LM Studio, vLLM, or a hosted API.
 *
 * Retry policy: a request is sent again (at most `retries` times, with exponential backoff and
 * jitter, or after the server's Retry-After) on network failures, 5xx and 429 — but only while
 * nothing has been delivered to `onToken`. Once a caller has seen text, sending the request again
 * would show it a second, different reply, so a failure after the first token is reported
 * instead. Timeouts and other 4xx are never retried: a stalled server or a wrong URL only gets
 * slower to explain by retrying (one exception: a 400 or 422 refusing `stream_options` is sent once
 * more without it). A Retry-After longer than `maxRetryAfterMs` ends the request at
 * once, its message giving the server's own status, words and wait.
 *
 * Timings in `usage` describe the attempt that produced the reply, not earlier failed attempts,
 * because they measure the model rather than the network's luck.
 *
 * The API key stays in this closure: it is sent in the Authorization header and stored nowhere.
 */
import type { ChatMessage, ChatReply, LanguageModel, SamplingOptions } from '../core/ports.ts';
import { anySignal } from '../core/any-signal.ts';
import { abortError, sleep, throwIfAborted } from '../core/llm/abort.ts';
import { estimatePromptTokens, splitIntoTokens } from '../core/llm/token-pieces.ts';
import { AttemptFailure } from './attempt-failure.ts';
import {
  currentPage,
  disconnectedError,
  EndpointContextLengthError,
  EndpointStatusError,
  firstTokenTimeoutError,
  idleTimeoutError,
  malformedReplyError,
  modelListTimeoutError,
  overlongReplyError,
  oversizedModelListError,
  preflightRefusedError,
  redirectedError,
  statusError,
  unfollowedRedirectError,
  unreachableError,
  unsendableApiKeyError,
} from './endpoint-errors.ts';
import { parseCompletion, UNSTATED_FINISH_REASON } from './completion-json.ts';
import { readCompletionStream, type Received } from './completion-stream.ts';
import { BodyTooLargeError, ERROR_BODY_BYTE_LIMIT, MODEL_LIST_BYTE_LIMIT, readTextWithin, replyByteLimit } from './reply-size.ts';
import { apiRoot } from './endpoint-url.ts';
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs, type BackoffPolicy } from './retry.ts';
import { sniffEventStream } from './sniff-event-stream.ts';
import { createWatchdog } from './watchdog.ts';

export interface OpenAICompatibleOptions {
  /** Server root or API root: `http://localhost:11434`, `…/v1` and `…/v1/` all work. */
  baseUrl: string;
  /** Model name as the server knows it, e.g. `llama3.2:3b` for Ollama. */
  model: string;
  /** Sent as `Authorization: Bearer …` when given; local servers usually need none. */
  apiKey?: string;
  /** Stream tokens over server-sent events (default), or wait for the whole reply. */
  stream?: boolean;
  /** How many times a transient failure is retried before it is reported (default 3). */
  retries?: number;
  fetch?: typeof globalThis.fetch;
  /**
   * Longest wait from sending the request to the first text, or the first reasoning a reasoning
   * model streams before its text (default 120 s: a cold Ollama loads the model first). Without
   * streaming the first text is the whole reply, so this bounds the whole generation.
   */
  firstTokenTimeoutMs?: number;
  /** Longest silence between streamed chunks once text or reasoning has started (default 30 s). */
  idleTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /**
   * A Retry-After longer than this is not waited for in the request (default 60 s): the request
   * fails with the server's status and the wait it asked for, a 429 marked with it for the caller.
   */
  maxRetryAfterMs?: number;
  /**
   * What to do about a 401/403, in place of the app's advice (a key field, the page's origin):
   * the command line gives keys through --api-key-env and has no page.
   */
  keyAdvice?: (status: 401 | 403) => string;
  /**
   * Marked once the server answers a request (default: this model's own mark). The models of one
   * run on one server share it, so a request that then reaches nothing is told as the server having
   * stopped, whichever model asked: CORS or a wrong address cannot break between two requests.
   */
  answered?: EndpointAnswered;
}

/** Whether a server has answered any request yet (endpoint-errors.ts words a failure to reach it by this). */
export interface EndpointAnswered {
  value: boolean;
}

export interface OpenAICompatibleModel extends LanguageModel {
  /** The API root requests go to, e.g. `http://localhost:11434/v1`. */
  readonly apiRoot: string;
  readonly model: string;
  readonly streaming: boolean;
}

const DEFAULTS = {
  retries: 3,
  firstTokenTimeoutMs: 120_000,
  idleTimeoutMs: 30_000,
  backoff: { baseDelayMs: 500, maxDelayMs: 8_000 },
  maxRetryAfterMs: 60_000,
};

/**
 * A rate-limit refusal as core reads it (core/llm/rate-limit.ts): the wait the server asked for
 * travels with the error, so the study runner can wait that long before running the unit again.
 */
function withRetryAfter(error: Error, retryAfterMs: number | undefined): Error {
  return retryAfterMs === undefined ? error : Object.assign(error, { retryAfterMs });
}

export function createOpenAICompatibleModel(options: OpenAICompatibleOptions): OpenAICompatibleModel {
  const root = apiRoot(options.baseUrl);
  const endpoint = `${root}/chat/completions`;
  const streaming = options.stream ?? true;
  const retries = Math.max(0, options.retries ?? DEFAULTS.retries);
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const firstTokenTimeoutMs = options.firstTokenTimeoutMs ?? DEFAULTS.firstTokenTimeoutMs;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs;
  const backoff = options.backoff ?? DEFAULTS.backoff;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
  const apiKey = options.apiKey?.trim() || undefined;
  const answered = options.answered ?? { value: false };
  // fetch would reject such a header with a TypeError indistinguishable from a network failure.
  if (apiKey && !/^[\x21-\x7e]+$/.test(apiKey)) throw unsendableApiKeyError();

  const headers = requestHeaders(apiKey);
  /**
   * Whether a stream asks for the usage chunk (`stream_options`). Servers that do not know the field
   * mostly ignore it, but proxies and hosted APIs that check fields strictly refuse the request with
   * a 400 or 422 naming it: once one does, this model sends it no more and counts tokens itself
   * (`tokensEstimated`), rather than fail every request over a field the study can do without.
   */
  let askForUsage = streaming;

  async function chat(
    messages: ChatMessage[],
    sampling: SamplingOptions,
    call: Parameters<LanguageModel['chat']>[2] = {},
  ): Promise<ChatReply> {
    const { signal, onToken, onAnswering, onReasoning } = call;
    throwIfAborted(signal);
    const received: Received = { deltas: 0, reasoningDeltas: 0 };
    for (let attempt = 1; ; attempt++) {
      const usageAsked = askForUsage;
      const body = JSON.stringify(requestBody(options.model, messages, sampling, streaming, usageAsked));
      try {
        return withPromptEstimate(await attemptChat(body, sampling.max_tokens, signal, { onToken, onAnswering, onReasoning }, received, attempt), messages);
      } catch (thrown) {
        if (signal?.aborted) throw abortError();
        if (!(thrown instanceof AttemptFailure)) throw thrown;
        if (usageAsked && refusesStreamOptions(thrown.error)) {
          // Not an attempt of the request as such: the same request goes at once, without the field.
          askForUsage = false;
          attempt--;
          continue;
        }
        const rateLimited = thrown.error instanceof EndpointStatusError && thrown.error.status === 429;
        // A 429 that names no wait is not sent again at once: quick repeats spend a per-minute quota
        // and meet the same refusal. The study runner waits long enough for such a window instead.
        const retry = thrown.retryable && attempt <= retries && received.deltas === 0 && !(rateLimited && thrown.retryAfterMs === undefined);
        // The server's wait goes with the error, whatever the status (a 429's quota, a 503's model
        // loading): the study runner waits that long before running the unit again (core/study/retry-wait.ts).
        if (!retry) throw withRetryAfter(thrown.error, thrown.retryAfterMs);
        await sleep(thrown.retryAfterMs ?? backoffDelayMs(attempt - 1, backoff), signal);
      }
    }
  }

  async function attemptChat(
    body: string,
    maxTokens: number,
    signal: AbortSignal | undefined,
    listeners: {
      onToken?: ((delta: string) => void) | undefined;
      onAnswering?: (() => void) | undefined;
      onReasoning?: (() => void) | undefined;
    },
    received: Received,
    attempt: number,
  ): Promise<ChatReply> {
    const { onToken, onAnswering, onReasoning } = listeners;
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    const watchdog = createWatchdog(controller, firstTokenTimeoutMs, idleTimeoutMs);
    const startedMs = performance.now();
    // Anything thrown while the watchdog or the caller aborted is reported as that instead.
    const explain = (thrown: unknown): unknown => {
      if (signal?.aborted) return abortError();
      if (watchdog.expired === 'first-token') {
        return new AttemptFailure(firstTokenTimeoutError(firstTokenTimeoutMs, streaming), false);
      }
      if (watchdog.expired === 'idle') {
        return new AttemptFailure(idleTimeoutError(idleTimeoutMs, received.deltas, received.reasoningDeltas), false);
      }
      return thrown;
    };
    try {
      let response: Response;
      try {
        response = await fetchImpl(endpoint, { method: 'POST', headers, body, signal: controller.signal });
      } catch (thrown) {
        if (signal?.aborted || watchdog.expired) throw explain(thrown);
        // Followed to a place fetch cannot go (another scheme, a host that does not resolve), a
        // redirect fails as a dead server would: ask once more, not following it, to tell which.
        const redirect = await redirectOf(endpoint, headers, fetchImpl, controller.signal);
        // '' is a redirect too: a browser's, whose target it keeps hidden. Still sent again as a
        // failure to reach the server is: a redirect that works may have met a passing failure.
        if (redirect !== null) throw explain(new AttemptFailure(unfollowedRedirectError(endpoint, redirect, thrown), true));
        throw explain(new AttemptFailure(unreachableError(endpoint, thrown, currentPage(), answered.value), true));
      }
      // Any status counts: the browser showed it, so the server runs there and allows this page.
      answered.value = true;
      if (!response.ok) throw explain(await failureFromStatus(response, attempt, signal));
      let responseBody: ReadableStream<Uint8Array> | null = response.body;
      const contentType = response.headers.get('content-type') ?? '';
      let isEventStream = contentType.includes('text/event-stream');
      // Some proxies strip an event stream's Content-Type or call it text/plain: tell it by its first line.
      if (streaming && responseBody && !isEventStream && /^(text\/plain|application\/octet-stream)?(;|$)/i.test(contentType.trim())) {
        try {
          ({ eventStream: isEventStream, body: responseBody } = await sniffEventStream(responseBody));
        } catch (thrown) {
          throw explain(new AttemptFailure(disconnectedError(0, thrown), true));
        }
      }
      if (!streaming || !isEventStream || !responseBody) {
        // Some servers ignore `stream: true` and answer with one JSON document; accept that too.
        let raw: string;
        try {
          raw = await readTextWithin(responseBody, replyByteLimit(maxTokens));
        } catch (thrown) {
          if (thrown instanceof BodyTooLargeError) {
            const size = `more than ${(thrown.limitBytes / 1024 / 1024).toFixed(1)} MB`;
            throw explain(new AttemptFailure(overlongReplyError(endpoint, maxTokens, size), false));
          }
          throw explain(new AttemptFailure(disconnectedError(0, thrown), true));
        }
        const reply = parseCompletion(raw, endpoint);
        const endedMs = performance.now();
        onAnswering?.();
        if (reply.text) {
          onToken?.(reply.text);
          received.deltas++;
        }
        const reasoningTokens = reply.usage?.reasoningTokens ?? (reply.reasoning ? splitIntoTokens(reply.reasoning).length : 0);
        const completionTokens = reply.usage?.completionTokens ?? splitIntoTokens(reply.text).length + reasoningTokens;
        const totalMs = endedMs - startedMs;
        return {
          text: reply.text,
          finishReason: reply.finishReason ?? UNSTATED_FINISH_REASON,
          usage: {
            promptTokens: reply.usage?.promptTokens ?? 0,
            completionTokens,
            // One piece of text at the end: prefill and decode cannot be told apart, so the
            // rate is the overall one, a lower bound on decode speed.
            timeToFirstTokenMs: totalMs,
            decodeTokensPerSecond: totalMs > 0 ? (completionTokens * 1000) / totalMs : 0,
            totalMs,
            ...(reply.usage ? {} : { tokensEstimated: true }),
            ...(reasoningTokens > 0 ? { reasoningTokens } : {}),
          },
        };
      }
      const reading = { endpoint, startedMs, onToken, onAnswering, onReasoning, received, watchdog, stopped: controller.signal, maxTokens };
      return await readCompletionStream(responseBody, reading).catch((thrown: unknown) => {
        throw explain(thrown);
      });
    } finally {
      watchdog.stop();
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  async function failureFromStatus(
    response: Response,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<AttemptFailure> {
    // Only its start is ever quoted: a page of any size is read no further than a megabyte.
    const text = await readTextWithin(response.body, ERROR_BODY_BYTE_LIMIT, { cut: true }).catch(() => '');
    const { status } = response;
    const retryAfterMs = isRetryableStatus(status) ? parseRetryAfterMs(response.headers.get('retry-after')) : undefined;
    // A wait longer than a request waits ends the request; its message says what the server asked (a 503 as a 503).
    const tooLongMs = retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs ? retryAfterMs : undefined;
    // A refusal after a redirect is about the redirect (a 301 or 302 sends a GET without the body), not the request.
    const redirected = response.redirected && response.url !== '' && response.url !== endpoint;
    let error: Error;
    if (redirected && status >= 400 && status < 500 && !isRetryableStatus(status)) {
      error = redirectedError(endpoint, response.url, status, response.statusText, text);
    } else {
      let availableModels: string[] | undefined;
      if (status === 404) {
        // Cheap and decisive: tells a wrong model name from a wrong path.
        availableModels = await listModels(options.baseUrl, apiKey, { fetch: fetchImpl, signal, timeoutMs: 3_000 }).catch(
          () => undefined,
        );
      }
      error = statusError(status, response.statusText, text, {
        endpointUrl: endpoint,
        model: options.model,
        attempts: attempt,
        ...(availableModels ? { availableModels } : {}),
        ...(tooLongMs !== undefined ? { retryAfterMs: tooLongMs } : {}),
      });
      if (options.keyAdvice && error instanceof EndpointStatusError && (error.status === 401 || error.status === 403)) {
        error = new EndpointStatusError(error.status, `${error.fact} ${options.keyAdvice(error.status)}`, error.fact);
      }
    }
    // A prompt too long for the context meets the same answer however often it is sent (some servers say so with a 500).
    const overContext = error instanceof EndpointContextLengthError;
    const retryable = isRetryableStatus(status) && !overContext && tooLongMs === undefined;
    // The wait goes with the failure even when too long: it is handed to the study runner (withRetryAfter).
    return new AttemptFailure(error, retryable, overContext ? undefined : retryAfterMs);
  }

  return { id: `openai-compatible:${options.model}`, apiRoot: root, model: options.model, streaming, chat };
}

/**
 * The model ids an endpoint offers (`GET /v1/models`), in the server's order. Rejects with the
 * same plain-language errors as a chat request.
 */
export async function listModels(
  baseUrl: string,
  apiKey?: string,
  options: { fetch?: typeof globalThis.fetch; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string[]> {
  const url = `${apiRoot(baseUrl)}/models`;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  throwIfAborted(options.signal);
  const key = apiKey?.trim();
  if (key && !/^[\x21-\x7e]+$/.test(key)) throw unsendableApiKeyError();
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const timeoutMs = options.timeoutMs ?? 15_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  // The headers of a chat request, so a browser preflights this request as it will each chat: sent
  // as a "simple" request, a server that answers GET but refuses the preflight (a proxy answering
  // OPTIONS with 405) tested "Connected", then the browser blocked every chat request.
  const init: RequestInit = { signal: controller.signal, headers: requestHeaders(key) };
  try {
    let raw: string;
    try {
      const response = await fetchImpl(url, init);
      raw = await readTextWithin(response.body, MODEL_LIST_BYTE_LIMIT).catch((thrown: unknown) => {
        if (thrown instanceof BodyTooLargeError) throw oversizedModelListError(url, thrown.limitBytes);
        throw thrown;
      });
      if (!response.ok) throw statusError(response.status, response.statusText, raw, { endpointUrl: url });
    } catch (thrown) {
      if (options.signal?.aborted) throw abortError();
      if (timedOut) throw modelListTimeoutError(timeoutMs, url);
      if (!(thrown instanceof TypeError)) throw thrown;
      const unreached = await whyUnreached(url, thrown, Boolean(key), fetchImpl, controller.signal);
      if (options.signal?.aborted) throw abortError();
      if (timedOut) throw modelListTimeoutError(timeoutMs, url);
      throw unreached;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw malformedReplyError(raw, url);
    }
    const listing = parsed as { object?: unknown; data?: unknown } | null;
    // An Ollama with no model pulled lists `{"object":"list","data":null}` (Go's empty slice): an
    // empty list, which the caller says how to fill, not a server that is no OpenAI-compatible one.
    if (listing?.object === 'list' && listing.data === null) return [];
    const data = listing?.data;
    if (!Array.isArray(data)) throw malformedReplyError(raw, url);
    return data.flatMap((entry: unknown) => {
      const id = (entry as { id?: unknown } | null)?.id;
      return typeof id === 'string' ? [id] : [];
    });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/**
 * Where the endpoint redirects a request, asked with a GET that does not follow it (so nothing is
 * generated): the Location under Node, or '' in a browser, which hides it (an opaque redirect).
 * Null when it does not redirect or cannot be asked within a few seconds.
 */
async function redirectOf(endpoint: string, headers: Record<string, string>, fetchImpl: typeof globalThis.fetch, signal: AbortSignal): Promise<string | null> {
  try {
    const probe = anySignal([signal, AbortSignal.timeout(3_000)]);
    const response = await fetchImpl(endpoint, { method: 'GET', headers, redirect: 'manual', signal: probe });
    void response.body?.cancel().catch(() => undefined);
    if (response.type === 'opaqueredirect') return '';
    if (response.status < 300 || response.status > 399) return null;
    const location = response.headers.get('location');
    return location === null ? null : new URL(location, endpoint).href;
  } catch {
    return null;
  }
}

/** What every request to the endpoint carries: JSON, and the key when there is one. */
function requestHeaders(apiKey: string | undefined): Record<string, string> {
  return { 'Content-Type': 'application/json', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) };
}

/**
 * Why a model-list request sent as chats are reached nothing. In a browser the same GET again as a
 * "simple" request (no Content-Type, no key: no preflight) tells a server that refuses only the
 * preflight from one that is not running or does not allow this page at all. Ollama (with
 * OLLAMA_ORIGINS), llama-server, LM Studio and vLLM answer preflights whenever they allow the page.
 */
async function whyUnreached(url: string, cause: TypeError, withKey: boolean, fetchImpl: typeof globalThis.fetch, signal: AbortSignal): Promise<Error> {
  const page = currentPage();
  if (page.inBrowser) {
    const answered = await fetchImpl(url, { signal }).then(
      (response) => {
        void response.body?.cancel().catch(() => undefined);
        return true;
      },
      () => false,
    );
    if (answered) return preflightRefusedError(url, withKey, page, cause);
  }
  return unreachableError(url, cause, page);
}

/** A 400 or 422 whose server names `stream_options` (or its `include_usage`) as what it refuses. */
function refusesStreamOptions(error: Error): boolean {
  return (
    error instanceof EndpointStatusError &&
    !(error instanceof EndpointContextLengthError) &&
    (error.status === 400 || error.status === 422) &&
    /stream_options|include_usage/i.test(error.fact)
  );
}

/**
 * A reply from a server that sent no token counts has its completion counted from its pieces; its
 * prompt was read all the same, and counts as estimated from its text (about four characters a
 * token), as a call stopped mid-reply is counted. Left at 0, a search's token budget charged such
 * a server nothing for its prompts, and a finished call less than a stopped one (audit R213-1).
 */
function withPromptEstimate(reply: ChatReply, messages: readonly ChatMessage[]): ChatReply {
  if (!reply.usage.tokensEstimated || reply.usage.promptTokens > 0) return reply;
  return { ...reply, usage: { ...reply.usage, promptTokens: estimatePromptTokens(messages) } };
}

function requestBody(model: string, messages: ChatMessage[], sampling: SamplingOptions, stream: boolean, askForUsage: boolean) {
  return {
    model,
    messages: messages.map(({ role, content }) => ({ role, content })),
    temperature: sampling.temperature,
    max_tokens: sampling.max_tokens,
    ...(sampling.top_p !== undefined ? { top_p: sampling.top_p } : {}),
    ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
    ...(sampling.stop?.length ? { stop: sampling.stop } : {}),
    stream,
    ...(stream && askForUsage ? { stream_options: { include_usage: true } } : {}),
  };
}
