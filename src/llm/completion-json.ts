/**
 * Reading the chat-completions JSON: one streamed chunk, or a whole reply. Anything that is not
 * the shape the API defines becomes a plain-language error quoting what the server sent; an
 * `error` object inside a 200 reply (vLLM and others report mid-stream failures that way)
 * becomes the server's own message. Neither is worth retrying, so both are plain Errors. A reply
 * the server says it gave up on (finish reason "abort" or "error", failed-finish.ts) is a failed
 * request instead, sent again.
 *
 * Reasoning models served with a reasoning parser (vLLM `--reasoning-parser`, DeepSeek, LM
 * Studio) send their thinking apart from the reply, as `reasoning_content`; Ollama and
 * OpenRouter call it `reasoning`. It is read so that timings and counts can include it, never
 * as part of the reply.
 */
import { emptyReplyError, malformedReplyError, replyError } from './endpoint-errors.ts';
import { serverEndedReply } from './failed-finish.ts';
import { finishReasonToKeep } from './reply-size.ts';

/**
 * What a reply records as its finish reason when the server sent none: some servers and proxies
 * end a stream with `[DONE]` or a closed connection and never say why generation stopped.
 */
export const UNSTATED_FINISH_REASON = 'unknown';

export interface TokenCounts {
  promptTokens: number;
  /** Everything the model generated, reasoning included (as OpenAI, vLLM and Ollama count). */
  completionTokens: number;
  /** `completion_tokens_details.reasoning_tokens`, when the server breaks it out. */
  reasoningTokens?: number;
}

export interface CompletionChunk {
  /** `choices[0].delta.content`, when non-empty. */
  delta?: string;
  /** `choices[0].delta.reasoning_content` (or `reasoning`), when non-empty. */
  reasoning?: string;
  finishReason?: string;
  /** Present in the last chunk when the request asked for `stream_options.include_usage`. */
  usage?: TokenCounts;
}

export interface Completion {
  text: string;
  /** Undefined when the server did not say. */
  finishReason?: string;
  /** The reasoning the server sent apart from the reply, when it sent any. */
  reasoning?: string;
  usage?: TokenCounts;
}

export function parseChunk(data: string, endpointUrl: string): CompletionChunk {
  const object = parseObject(data, endpointUrl);
  const choice = firstChoice(object, data, endpointUrl);
  const delta = (choice?.delta as { content?: unknown } | undefined)?.content;
  const reasoning = reasoningOf(choice?.delta);
  const finishReason = choice?.finish_reason;
  const usage = readTokenCounts(object.usage);
  return {
    ...(typeof delta === 'string' && delta !== '' ? { delta } : {}),
    ...(reasoning ? { reasoning } : {}),
    ...(typeof finishReason === 'string' ? { finishReason: finishReasonToKeep(finishReason) } : {}),
    ...(usage ? { usage } : {}),
  };
}

/**
 * A whole reply. One with no text and no finish reason (`choices: []`, or an empty message that
 * does not say why it ended) is not an answer: it is refused, as an empty stream is.
 */
export function parseCompletion(raw: string, endpointUrl: string): Completion {
  const object = parseObject(raw, endpointUrl);
  const choice = firstChoice(object, raw, endpointUrl);
  if (!choice && Array.isArray(object.choices)) throw emptyReplyError(endpointUrl);
  const content = (choice?.message as { content?: unknown } | undefined)?.content;
  // `content: null` is legal (a reply made only of tool calls): it reads as empty text.
  if (!choice || (typeof content !== 'string' && content !== null)) throw malformedReplyError(raw, endpointUrl);
  const usage = readTokenCounts(object.usage);
  const finishReason = typeof choice.finish_reason === 'string' ? finishReasonToKeep(choice.finish_reason) : undefined;
  if (!content && finishReason === undefined) throw emptyReplyError(endpointUrl);
  // Nothing of it has been shown yet: the request can be sent again.
  const ended = serverEndedReply(finishReason, 0, endpointUrl);
  if (ended) throw ended;
  const reasoning = reasoningOf(choice.message);
  return {
    text: content ?? '',
    ...(finishReason !== undefined ? { finishReason } : {}),
    ...(reasoning ? { reasoning } : {}),
    ...(usage ? { usage } : {}),
  };
}

/** The reasoning in a delta or message, under either name servers use for it. */
function reasoningOf(part: unknown): string | undefined {
  if (!part || typeof part !== 'object') return undefined;
  const { reasoning_content, reasoning } = part as Record<string, unknown>;
  const text = typeof reasoning_content === 'string' ? reasoning_content : reasoning;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

function readTokenCounts(usage: unknown): TokenCounts | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const { prompt_tokens, completion_tokens, completion_tokens_details } = usage as Record<string, unknown>;
  if (typeof completion_tokens !== 'number') return undefined;
  const reasoningTokens = (completion_tokens_details as { reasoning_tokens?: unknown } | null | undefined)?.reasoning_tokens;
  return {
    promptTokens: typeof prompt_tokens === 'number' ? prompt_tokens : 0,
    completionTokens: completion_tokens,
    ...(typeof reasoningTokens === 'number' && reasoningTokens > 0 ? { reasoningTokens } : {}),
  };
}

function parseObject(raw: string, endpointUrl: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw malformedReplyError(raw, endpointUrl);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw malformedReplyError(raw, endpointUrl);
  const object = parsed as Record<string, unknown>;
  const { error } = object;
  if (error) {
    const inner = typeof error === 'object' ? (error as { message?: unknown }).message : undefined;
    const message = typeof error === 'string' ? error : typeof inner === 'string' ? inner : JSON.stringify(error);
    throw replyError(message, endpointUrl);
  }
  return object;
}

/** `choices[0]`, or undefined for a chunk that legitimately has none (the usage-only last chunk). */
function firstChoice(
  object: Record<string, unknown>,
  raw: string,
  endpointUrl: string,
): Record<string, unknown> | undefined {
  const { choices } = object;
  if (choices === undefined && object.usage !== undefined) return undefined;
  if (!Array.isArray(choices)) throw malformedReplyError(raw, endpointUrl);
  const choice: unknown = choices[0];
  if (choice === undefined) return undefined;
  if (!choice || typeof choice !== 'object') throw malformedReplyError(raw, endpointUrl);
  return choice as Record<string, unknown>;
}
