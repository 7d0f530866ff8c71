/**
 * Text cut into token-sized pieces, for engines that have a reply but no tokenizer: the fake
 * endpoint, the scripted test model and the replay engine stream these through `onToken`.
 */

/**
 * Approximate tokens: each piece is leading whitespace plus at most four non-space characters,
 * close to the ~4 characters per token of BPE vocabularies on English and code. Joining the
 * pieces gives back the text exactly.
 */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S{1,4}|\s+/gu) ?? [];
}

/**
 * Exactly `count` pieces of near-equal length (fewer when the text has fewer characters),
 * so a replay can emit as many deltas as the recorded completion had tokens. Never splits a
 * surrogate pair.
 */
export function splitIntoPieces(text: string, count: number): string[] {
  const chars = Array.from(text);
  const pieces = Math.max(1, Math.min(Math.floor(count), chars.length));
  if (chars.length === 0) return [];
  const out: string[] = [];
  for (let i = 0; i < pieces; i++) {
    const from = Math.floor((i * chars.length) / pieces);
    const to = Math.floor(((i + 1) * chars.length) / pieces);
    out.push(chars.slice(from, to).join(''));
  }
  return out;
}

/** A prompt's tokens when the engine gave no count: its messages' pieces (about four characters a token). */
export function estimatePromptTokens(messages: readonly { content: string }[]): number {
  return messages.reduce((n, m) => n + splitIntoTokens(m.content).length, 0);
}
