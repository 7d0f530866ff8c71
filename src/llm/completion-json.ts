/**
 * Reading the chat-completions JSON: one streamed chunk, or a whole reply. Anything that is not
 * the shape the API defines becomes a plain-language error quoting what the server sent; an
 * `error` object inside a 200 reply (vLLM and others report mid-stream failures that way)
 * becomes the server's own message. Neither is worth retrying, so both are plain Errors.
 */
import { malformedReplyError, replyError } from './endpoint-errors.ts';

export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
}

export interface CompletionChunk {
  /** `choices[0].delta.content`, when non-empty. */
  delta?: string;
  finishReason?: string;
  /** Present in the last chunk when the request asked for `stream_options.include_usage`. */
  usage?: TokenCounts;
}

export interface Completion {
  text: string;
  finishReason: string;
  usage?: TokenCounts;
}

export function parseChunk(data: string, endpointUrl: string): CompletionChunk {
  const object = parseObject(data, endpointUrl);
  const choice = firstChoice(object, data, endpointUrl);
  const delta = (choice?.delta as { content?: unknown } | undefined)?.content;
  const finishReason = choice?.finish_reason;
  const usage = readTokenCounts(object.usage);
  return {
    ...(typeof delta === 'string' && delta !== '' ? { delta } : {}),
    ...(typeof finishReason === 'string' ? { finishReason } : {}),
    ...(usage ? { usage } : {}),
  };
}

export function parseCompletion(raw: string, endpointUrl: string): Completion {
  const object = parseObject(raw, endpointUrl);
  const choice = firstChoice(object, raw, endpointUrl);
  const content = (choice?.message as { content?: unknown } | undefined)?.content;
  // `content: null` is legal (a reply made only of tool calls): it reads as empty text.
  if (!choice || (typeof content !== 'string' && content !== null)) throw malformedReplyError(raw, endpointUrl);
  const usage = readTokenCounts(object.usage);
  const finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : 'stop';
  return { text: content ?? '', finishReason, ...(usage ? { usage } : {}) };
}

function readTokenCounts(usage: unknown): TokenCounts | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const { prompt_tokens, completion_tokens } = usage as Record<string, unknown>;
  if (typeof completion_tokens !== 'number') return undefined;
  return { promptTokens: typeof prompt_tokens === 'number' ? prompt_tokens : 0, completionTokens: completion_tokens };
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
