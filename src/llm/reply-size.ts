/**
 * How much a server may send for one reply before the client stops reading. Every request asks for
 * at most `max_tokens` new tokens (512 in the study), and Ollama, llama-server, vLLM and LM Studio
 * stop there. A server or proxy that drops the field and goes on, or a body that inflates from a
 * small compressed download into gigabytes, would otherwise grow the tab (or the command line)
 * until the problem's two-minute cap or the memory gave out, and then be reported as something
 * else. The bounds are far above any honest reply: a token is a few characters, and even a run of
 * spaces in a code tokenizer is seldom more than a few dozen.
 */
import { spellOutControls } from '../core/control-characters.ts';

/** Characters (text and reasoning together) no reply of `maxTokens` tokens reaches. */
export function replyCharLimit(maxTokens: number): number {
  return Math.max(256, Math.ceil(maxTokens)) * 64;
}

/**
 * Bytes of a whole JSON reply: its characters as JSON may escape them (`\u00e9`: six bytes for
 * one), and a megabyte for the rest of the document (logprobs, a long `usage`, padding).
 */
export function replyByteLimit(maxTokens: number): number {
  return replyCharLimit(maxTokens) * 6 + 1024 * 1024;
}

/** Bytes of an error page or a model list: enough for every real one (a hosted list runs to a few megabytes). */
export const ERROR_BODY_BYTE_LIMIT = 1024 * 1024;
export const MODEL_LIST_BYTE_LIMIT = 32 * 1024 * 1024;

/** A body past its limit: the reading stopped there. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`more than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The body as text, read up to `limitBytes` (as it arrives, after the browser or Node has undone
 * any gzip). Past the limit the rest is cancelled and BodyTooLargeError thrown, or with `cut` the
 * text so far returned (an error page, only ever quoted from its start); a read that rejects (a
 * cut connection, an abort) rejects this as it did.
 */
export async function readTextWithin(body: ReadableStream<Uint8Array> | null, limitBytes: number, options: { cut?: boolean } = {}): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > limitBytes) {
        if (!options.cut) throw new BodyTooLargeError(limitBytes);
        parts.push(decoder.decode(value.subarray(0, value.byteLength - (bytes - limitBytes)), { stream: true }));
        break;
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join('');
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** `finish_reason` longer than this is cut: the known ones ("stop", "length", "content_filter") are short. */
const FINISH_REASON_MAX = 40;

/**
 * A finish reason as stored with the reply and shown beside it (a trajectory's "reply (stop)"):
 * the server's value as sent, unless it holds characters that act instead of showing (a
 * bidirectional override turns the rest of the line around) or runs long; those are spelled out
 * (`\u202e`) and cut.
 */
export function finishReasonToKeep(raw: string): string {
  const spelled = spellOutControls(raw);
  return spelled.length > FINISH_REASON_MAX ? `${spelled.slice(0, FINISH_REASON_MAX - 1)}…` : spelled;
}
