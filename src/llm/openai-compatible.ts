/**
 * A LanguageModel served by any OpenAI-compatible `/v1/chat/completions` endpoint: Ollama,
 * llama.cpp's llama-server, LM Studio, vLLM, or a hosted API.
 *
 * Retry policy: a request is sent again (at most `retries` times, with exponential backoff and
 * jitter, or after the server's Retry-After) on network failures, 5xx and 429 — but only while
 * nothing has been delivered to `onToken`. Once a caller has seen text, sending the request again
 * would show it a second, different reply, so a failure after the first token is reported
 * instead. Timeouts and other 4xx are never retried: a stalled server or a wrong URL only gets
 * slower to explain by retrying.
 *
 * Timings in `usage` describe the attempt that produced the reply, not earlier failed attempts,
 * because they measure the model rather than the network's luck.
 *
 * The API key stays in this closure: it is sent in the Authorization header and stored nowhere.
 */
import type { ChatMessage, ChatReply, LanguageModel, SamplingOptions } from '../core/ports.ts';
import { abortError, sleep, throwIfAborted } from '../core/llm/abort.ts';
import { splitIntoTokens } from '../core/llm/token-pieces.ts';
import { measureUsage } from '../core/llm/usage.ts';
import {
  disconnectedError,
  EndpointContextLengthError,
  EndpointStatusError,
  firstTokenTimeoutError,
  idleTimeoutError,
  malformedReplyError,
  modelListTimeoutError,
  retryAfterTooLongError,
  statusError,
  unreachableError,
  unsendableApiKeyError,
} from './endpoint-errors.ts';
import { parseChunk, parseCompletion, type TokenCounts } from './completion-json.ts';
import { apiRoot } from './endpoint-url.ts';
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs, type BackoffPolicy } from './retry.ts';
import { createSseDecoder } from './sse.ts';
import { createWatchdog, type Watchdog } from './watchdog.ts';

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
   * Longest wait from sending the request to the first text (default 120 s: a cold Ollama loads
   * the model first). Without streaming the first text is the whole reply, so this bounds the
   * whole generation.
   */
  firstTokenTimeoutMs?: number;
  /** Longest silence between streamed chunks once text has started (default 30 s). */
  idleTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** A Retry-After longer than this is reported instead of waited for (default 60 s). */
  maxRetryAfterMs?: number;
  /**
   * What to do about a 401/403, in place of the app's advice (a key field, the page's origin):
   * the command line gives keys through --api-key-env and has no page.
   */
  keyAdvice?: (status: 401 | 403) => string;
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

/** A failed attempt and whether sending the same request again could help. */
class AttemptFailure extends Error {
  readonly error: Error;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(error: Error, retryable: boolean, retryAfterMs?: number) {
    super(error.message);
    this.error = error;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
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
  // fetch would reject such a header with a TypeError indistinguishable from a network failure.
  if (apiKey && !/^[\x21-\x7e]+$/.test(apiKey)) throw unsendableApiKeyError();

  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;

  async function chat(
    messages: ChatMessage[],
    sampling: SamplingOptions,
    call: Parameters<LanguageModel['chat']>[2] = {},
  ): Promise<ChatReply> {
    const { signal, onToken } = call;
    throwIfAborted(signal);
    const body = JSON.stringify(requestBody(options.model, messages, sampling, streaming));
    const emitted = { deltas: 0 };
    for (let attempt = 1; ; attempt++) {
      try {
        return await attemptChat(body, signal, onToken, emitted, attempt);
      } catch (thrown) {
        if (signal?.aborted) throw abortError();
        if (!(thrown instanceof AttemptFailure)) throw thrown;
        if (!thrown.retryable || attempt > retries || emitted.deltas > 0) throw thrown.error;
        const waitMs = thrown.retryAfterMs ?? backoffDelayMs(attempt - 1, backoff);
        if (waitMs > maxRetryAfterMs) throw retryAfterTooLongError(waitMs, maxRetryAfterMs, endpoint);
        await sleep(waitMs, signal);
      }
    }
  }

  async function attemptChat(
    body: string,
    signal: AbortSignal | undefined,
    onToken: ((delta: string) => void) | undefined,
    emitted: { deltas: number },
    attempt: number,
  ): Promise<ChatReply> {
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
        return new AttemptFailure(idleTimeoutError(idleTimeoutMs, emitted.deltas), false);
      }
      return thrown;
    };
    try {
      let response: Response;
      try {
        response = await fetchImpl(endpoint, { method: 'POST', headers, body, signal: controller.signal });
      } catch (thrown) {
        throw explain(new AttemptFailure(unreachableError(endpoint, thrown), true));
      }
      if (!response.ok) throw explain(await failureFromStatus(response, attempt, signal));
      const isEventStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
      if (!streaming || !isEventStream || !response.body) {
        // Some servers ignore `stream: true` and answer with one JSON document; accept that too.
        let raw: string;
        try {
          raw = await response.text();
        } catch (thrown) {
          throw explain(new AttemptFailure(disconnectedError(0, thrown), true));
        }
        const reply = parseCompletion(raw, endpoint);
        const endedMs = performance.now();
        if (reply.text) {
          onToken?.(reply.text);
          emitted.deltas++;
        }
        const completionTokens = reply.usage?.completionTokens ?? splitIntoTokens(reply.text).length;
        const totalMs = endedMs - startedMs;
        return {
          text: reply.text,
          finishReason: reply.finishReason,
          usage: {
            promptTokens: reply.usage?.promptTokens ?? 0,
            completionTokens,
            // One piece of text at the end: prefill and decode cannot be told apart, so the
            // rate is the overall one, a lower bound on decode speed.
            timeToFirstTokenMs: totalMs,
            decodeTokensPerSecond: totalMs > 0 ? (completionTokens * 1000) / totalMs : 0,
            totalMs,
            ...(reply.usage ? {} : { tokensEstimated: true }),
          },
        };
      }
      return await readStream(response.body, startedMs, onToken, emitted, watchdog, controller.signal).catch((thrown: unknown) => {
        throw explain(thrown);
      });
    } finally {
      watchdog.stop();
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  async function readStream(
    body: ReadableStream<Uint8Array>,
    startedMs: number,
    onToken: ((delta: string) => void) | undefined,
    emitted: { deltas: number },
    watchdog: Watchdog,
    stopped: AbortSignal,
  ): Promise<ChatReply> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const sse = createSseDecoder();
    const parts: string[] = [];
    let firstTokenMs: number | undefined;
    let finishReason: string | undefined;
    let usage: TokenCounts | undefined;
    let sawDone = false;
    let sawEvent = false;
    let rawStart = '';

    const take = (data: string): void => {
      sawEvent = true;
      if (data.trim() === '[DONE]') {
        sawDone = true;
        return;
      }
      const chunk = parseChunk(data, endpoint);
      if (chunk.usage) usage = chunk.usage;
      if (chunk.finishReason) finishReason = chunk.finishReason;
      if (chunk.delta) {
        if (firstTokenMs === undefined) {
          firstTokenMs = performance.now();
          watchdog.textStarted();
        }
        parts.push(chunk.delta);
        emitted.deltas++;
        onToken?.(chunk.delta);
      }
      watchdog.progress();
    };

    try {
      while (!sawDone) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (thrown) {
          throw new AttemptFailure(disconnectedError(emitted.deltas, thrown), emitted.deltas === 0);
        }
        if (result.done) {
          for (const data of sse.push(decoder.decode())) take(data);
          for (const data of sse.end()) take(data);
          break;
        }
        const text = decoder.decode(result.value, { stream: true });
        if (rawStart.length < 200) rawStart += text.slice(0, 200 - rawStart.length);
        // One read can hold many events (a fast server, a busy machine): once the caller has
        // stopped, or the watchdog has, none of the rest reaches onToken.
        for (const data of sse.push(text)) {
          take(data);
          if (sawDone || stopped.aborted) break;
        }
        if (stopped.aborted) throw stopped.reason;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
    if (!sawEvent && rawStart.trim()) throw new AttemptFailure(malformedReplyError(rawStart, endpoint), false);
    if (!sawDone && finishReason === undefined) {
      throw new AttemptFailure(disconnectedError(emitted.deltas), emitted.deltas === 0);
    }
    const endedMs = performance.now();
    return {
      text: parts.join(''),
      finishReason: finishReason ?? 'stop',
      usage: {
        ...measureUsage(
          { startedMs, firstTokenMs, endedMs },
          // No usage chunk (a server that ignores stream_options): count one token per content
          // delta, as local servers usually send them; a server that batches tokens into one
          // delta makes this an undercount, hence `tokensEstimated`.
          usage ?? { promptTokens: 0, completionTokens: parts.length },
        ),
        ...(usage ? {} : { tokensEstimated: true }),
      },
    };
  }

  async function failureFromStatus(
    response: Response,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<AttemptFailure> {
    const text = await response.text().catch(() => '');
    let availableModels: string[] | undefined;
    if (response.status === 404) {
      // Cheap and decisive: tells a wrong model name from a wrong path.
      availableModels = await listModels(options.baseUrl, apiKey, { fetch: fetchImpl, signal, timeoutMs: 3_000 }).catch(
        () => undefined,
      );
    }
    let error = statusError(response.status, response.statusText, text, {
      endpointUrl: endpoint,
      model: options.model,
      attempts: attempt,
      ...(availableModels ? { availableModels } : {}),
    });
    if (options.keyAdvice && error instanceof EndpointStatusError && (error.status === 401 || error.status === 403)) {
      error = new EndpointStatusError(error.status, `${error.fact} ${options.keyAdvice(error.status)}`, error.fact);
    }
    // A prompt too long for the context meets the same answer however often it is sent (some servers say so with a 500).
    const retryable = isRetryableStatus(response.status) && !(error instanceof EndpointContextLengthError);
    return new AttemptFailure(error, retryable, retryable ? parseRetryAfterMs(response.headers.get('retry-after')) : undefined);
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
  // No Content-Type and no key: a "simple" request, so browsers send it without a preflight.
  const init: RequestInit = { signal: controller.signal };
  if (key) init.headers = { Authorization: `Bearer ${key}` };
  try {
    let raw: string;
    try {
      const response = await fetchImpl(url, init);
      raw = await response.text();
      if (!response.ok) throw statusError(response.status, response.statusText, raw, { endpointUrl: url });
    } catch (thrown) {
      if (options.signal?.aborted) throw abortError();
      if (timedOut) throw modelListTimeoutError(timeoutMs, url);
      if (thrown instanceof TypeError) throw unreachableError(url, thrown);
      throw thrown;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw malformedReplyError(raw, url);
    }
    const data = (parsed as { data?: unknown } | null)?.data;
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

function requestBody(model: string, messages: ChatMessage[], sampling: SamplingOptions, stream: boolean) {
  return {
    model,
    messages: messages.map(({ role, content }) => ({ role, content })),
    temperature: sampling.temperature,
    max_tokens: sampling.max_tokens,
    ...(sampling.top_p !== undefined ? { top_p: sampling.top_p } : {}),
    ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
    ...(sampling.stop?.length ? { stop: sampling.stop } : {}),
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  };
}
