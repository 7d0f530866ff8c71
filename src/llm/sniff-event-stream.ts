/**
 * Whether a response body is an event stream, judged by its first line, for a response whose
 * Content-Type cannot say: some proxies strip it or rewrite `text/event-stream` to `text/plain`.
 * An event stream starts with a field (`data:`, `event:`, `id:`, `retry:`) or a `:` comment;
 * a chat-completions JSON reply starts with `{`.
 */

const EVENT_STREAM_START = /^(?:data|event|id|retry)?:/;

/** Blank text past this is no event stream's start (and not kept growing): the reply is read as JSON, which refuses it. */
const BLANK_LIMIT = 64 * 1024;

export interface SniffedBody {
  eventStream: boolean;
  /** The whole body, the bytes read to decide included. */
  body: ReadableStream<Uint8Array>;
}

/**
 * Reads until the first non-blank text, then hands back a stream that replays what was read and
 * goes on with the rest. Rejects as the body's reads reject (a closed connection, an abort).
 */
export async function sniffEventStream(body: ReadableStream<Uint8Array>): Promise<SniffedBody> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const head: Uint8Array[] = [];
  let text = '';
  let done = false;
  try {
    while (!text.trimStart() && text.length < BLANK_LIMIT) {
      const result = await reader.read();
      if (result.done) {
        done = true;
        break;
      }
      head.push(result.value);
      text += decoder.decode(result.value, { stream: true });
    }
  } catch (thrown) {
    reader.cancel().catch(() => {});
    throw thrown;
  }
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const bytes of head) controller.enqueue(bytes);
      if (done) controller.close();
    },
    async pull(controller) {
      const result = await reader.read();
      if (result.done) controller.close();
      else controller.enqueue(result.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { eventStream: EVENT_STREAM_START.test(text.trimStart()), body: replay };
}
