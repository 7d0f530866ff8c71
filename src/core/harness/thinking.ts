/**
 * Reasoning models wrap their thinking in tags before the answer. The study's client
 * (feedback-over-form `inference_client.py`, `_strip_thinking`) removed three shapes of it from
 * every reply before anything read the reply: `<think>…</think>`, Gemma's
 * `<|channel>thought\n…<channel|>` and `<reasoning>…</reasoning>`, each only when complete,
 * each shortest-first, in that order. Without this, a draft fenced inside the thinking is the
 * first code block of the reply, and the harness would run the draft instead of the answer.
 *
 * A block left open (the reply was cut off while the model was still thinking, or the engine
 * dropped the opening tag) is left in place, as the study left it: both harness modes then
 * extract from whatever the reply holds.
 */

const THINKING_BLOCKS: readonly RegExp[] = [/<think>[\s\S]*?<\/think>/g, /<\|channel>thought\n[\s\S]*?<channel\|>/g, /<reasoning>[\s\S]*?<\/reasoning>/g];

export interface ReplyWithoutThinking {
  text: string;
  /** True when at least one complete thinking block was removed. */
  removed: boolean;
}

/** The reply with its complete thinking blocks removed (nothing else changed). */
export function removeThinking(reply: string): ReplyWithoutThinking {
  let text = reply;
  for (const block of THINKING_BLOCKS) text = text.replace(block, '');
  return { text, removed: text !== reply };
}
