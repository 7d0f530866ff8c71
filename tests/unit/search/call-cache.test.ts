import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/core/ports.ts';
import { cacheKey, cacheKeyDigest } from '../../../src/core/search/call-cache.ts';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You write Python.' },
  { role: 'user', content: 'def add(a, b):' },
];

describe('cacheKey', () => {
  it('gives the same key for the same request at temperature 0', () => {
    const a = cacheKey('webllm:Llama-3.2-3B-Instruct-q4f16_1-MLC', messages, { temperature: 0, max_tokens: 512 });
    const b = cacheKey('webllm:Llama-3.2-3B-Instruct-q4f16_1-MLC', messages.map((m) => ({ ...m })), { max_tokens: 512, temperature: 0 });
    expect(a).not.toBeNull();
    expect(a).toBe(b);
  });

  it('gives no key above temperature 0: a sampled reply is a draw and must not be reused', () => {
    expect(cacheKey('m', messages, { temperature: 0.2, max_tokens: 512 })).toBeNull();
  });

  it('tells apart requests that differ in model, any message, or sampling', () => {
    const base = cacheKey('m', messages, { temperature: 0, max_tokens: 512 });
    const variants = [
      cacheKey('other', messages, { temperature: 0, max_tokens: 512 }),
      cacheKey('m', [messages[0] as ChatMessage, { role: 'user', content: 'def sub(a, b):' }], { temperature: 0, max_tokens: 512 }),
      cacheKey('m', messages, { temperature: 0, max_tokens: 256 }),
      cacheKey('m', messages, { temperature: 0, max_tokens: 512, stop: ['```'] }),
      cacheKey('m', messages, { temperature: 0, max_tokens: 512, seed: 1 }),
      // Content that would collide under naive joining of fields.
      cacheKey('m', [{ role: 'system', content: 'You write Python.\nuser' }, { role: 'user', content: 'def add(a, b):' }], { temperature: 0, max_tokens: 512 }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('digests a key to 64 hex characters', async () => {
    const key = cacheKey('m', messages, { temperature: 0, max_tokens: 512 }) as string;
    const digest = await cacheKeyDigest(key);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await cacheKeyDigest(key)).toBe(digest);
  });
});
