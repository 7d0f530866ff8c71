import { describe, expect, it } from 'vitest';
import { splitIntoPieces, splitIntoTokens } from '../../../src/core/llm/token-pieces.ts';
import { measureUsage } from '../../../src/core/llm/usage.ts';

describe('token-sized pieces', () => {
  const code = 'def add(a, b):\n    return a + b\n';

  it('cuts text into short pieces that join back into the text', () => {
    const tokens = splitIntoTokens(code);
    expect(tokens.join('')).toBe(code);
    expect(tokens.every((t) => t.trim().length <= 4)).toBe(true);
    expect(splitIntoTokens('')).toEqual([]);
  });

  it('cuts text into exactly as many pieces as a recorded token count', () => {
    const pieces = splitIntoPieces(code, 7);
    expect(pieces).toHaveLength(7);
    expect(pieces.join('')).toBe(code);
    expect(splitIntoPieces('ab', 10)).toEqual(['a', 'b']);
    expect(splitIntoPieces('abc', 0)).toEqual(['abc']);
    expect(splitIntoPieces('', 3)).toEqual([]);
  });

  it('never splits an emoji in half', () => {
    expect(splitIntoPieces('😀😀😀', 3)).toEqual(['😀', '😀', '😀']);
  });
});

describe('usage measurement', () => {
  it('separates the wait for the first token from the decode speed', () => {
    const usage = measureUsage(
      { startedMs: 1_000, firstTokenMs: 1_500, endedMs: 2_500 },
      { promptTokens: 40, completionTokens: 101 },
    );
    expect(usage).toEqual({
      promptTokens: 40,
      completionTokens: 101,
      timeToFirstTokenMs: 500,
      decodeTokensPerSecond: 100,
      totalMs: 1_500,
    });
  });

  it('reports zero speed rather than infinity for a one-token or empty reply', () => {
    expect(measureUsage({ startedMs: 0, firstTokenMs: 5, endedMs: 5 }, { promptTokens: 1, completionTokens: 1 }).decodeTokensPerSecond).toBe(0);
    const empty = measureUsage({ startedMs: 0, firstTokenMs: undefined, endedMs: 9 }, { promptTokens: 1, completionTokens: 0 });
    expect(empty.decodeTokensPerSecond).toBe(0);
    expect(empty.timeToFirstTokenMs).toBe(9);
  });
});
