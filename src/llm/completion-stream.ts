/**
 * Reading a streamed chat completion (server-sent events) into a reply, delta by delta.
 *
 * Reasoning a server sends apart from the text (`reasoning_content`) is the model's output as
 * much as the text is: it restarts the watchdog, starts the clock of the first token and counts
 * toward the decode rate, but it never reaches `onToken` or the reply.
 */
import type { ChatReply } from '../core/ports.ts';
import { measureUsage } from '../core/llm/usage.ts';
import { AttemptFailure } from './attempt-failure.ts';
import { parseChunk, UNSTATED_FINISH_REASON, type TokenCounts } from './completion-json.ts';
import { disconnectedError, emptyReplyError, malformedReplyError, overlongLineError, overlongReplyError } from './endpoint-errors.ts';
import { serverEndedReply } from './failed-finish.ts';
import { replyCharLimit } from './reply-size.ts';
import { createSseDecoder, SseLineTooLongError } from './sse.ts';
import type { Watchdog } from './watchdog.ts';

/** What has come of the request so far, across its attempts: shared with the caller's retry loop. */
export interface Received {
  /** Text deltas passed to `onToken`: once there is one, the request is no longer sent again. */
  deltas: number;
  /** Reasoning deltas of the current attempt. */
  reasoningDeltas: number;
}

export interface StreamReading {
  endpoint: string;
  startedMs: number;
  onToken: ((delta: string) => void) | undefined;
  /** Hears the first reasoning or text: the model has begun to answer. */
  onAnswering: (() => void) | undefined;
  /** Hears every reasoning delta: the model is at work. */
  onReasoning: (() => void) | undefined;
  received: Received;
  watchdog: Watchdog;
  /** Aborted by the caller or the watchdog: nothing after it reaches `onToken`. */
  stopped: AbortSignal;
  /** The request's `max_tokens`: a stream far past it (reply-size.ts) is stopped. */
  maxTokens: number;
}

export async function readCompletionStream(body: ReadableStream<Uint8Array>, reading: StreamReading): Promise<ChatReply> {
  const { endpoint, startedMs, onToken, onAnswering, onReasoning, received, watchdog, stopped, maxTokens } = reading;
  const charLimit = replyCharLimit(maxTokens);
  let chars = 0;
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
  received.reasoningDeltas = 0;

  const output = (): void => {
    if (firstTokenMs !== undefined) return;
    firstTokenMs = performance.now();
    watchdog.textStarted();
    onAnswering?.();
  };

  const take = (data: string): void => {
    sawEvent = true;
    if (data.trim() === '[DONE]') {
      sawDone = true;
      return;
    }
    const chunk = parseChunk(data, endpoint);
    chars += (chunk.delta?.length ?? 0) + (chunk.reasoning?.length ?? 0);
    if (chars > charLimit) {
      throw new AttemptFailure(overlongReplyError(endpoint, maxTokens, `more than ${charLimit.toLocaleString('en-US')} characters`), false);
    }
    if (chunk.usage) usage = chunk.usage;
    if (chunk.finishReason) finishReason = chunk.finishReason;
    if (chunk.reasoning) {
      output();
      received.reasoningDeltas++;
      onReasoning?.();
    }
    if (chunk.delta) {
      output();
      parts.push(chunk.delta);
      received.deltas++;
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
        throw new AttemptFailure(disconnectedError(received.deltas, thrown), received.deltas === 0);
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
      let events: string[];
      try {
        events = sse.push(text);
      } catch (thrown) {
        // The same server sends the same again: not worth another attempt.
        if (thrown instanceof SseLineTooLongError) throw new AttemptFailure(overlongLineError(endpoint, thrown.message), false);
        throw thrown;
      }
      for (const data of events) {
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
    throw new AttemptFailure(disconnectedError(received.deltas), received.deltas === 0);
  }
  // `[DONE]` alone, or chunks without choices: as a JSON reply with `choices: []`, not an answer.
  if (parts.length === 0 && finishReason === undefined) throw emptyReplyError(endpoint);
  const ended = serverEndedReply(finishReason, received.deltas, endpoint);
  if (ended) throw ended;
  const endedMs = performance.now();
  const reasoningTokens = usage?.reasoningTokens ?? received.reasoningDeltas;
  return {
    text: parts.join(''),
    finishReason: finishReason ?? UNSTATED_FINISH_REASON,
    usage: {
      ...measureUsage(
        { startedMs, firstTokenMs, endedMs },
        // No usage chunk (a server that ignores stream_options): count one token per delta of
        // text or reasoning, as local servers usually send them; a server that batches tokens
        // into one delta makes this an undercount, hence `tokensEstimated`.
        { ...(usage ?? { promptTokens: 0, completionTokens: parts.length + received.reasoningDeltas }), reasoningTokens },
      ),
      ...(usage ? {} : { tokensEstimated: true }),
    },
  };
}
