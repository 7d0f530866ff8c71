/**
 * A reply the server itself ended by giving up (vLLM's finish reasons "abort" and "error") is a
 * failed request, never the model's answer: scored, its partial text would count as a wrong
 * solution and lower the arm's pass rate.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/core/ports.ts';
import { createOpenAICompatibleModel } from '../../../src/llm/openai-compatible.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../support/fake-openai-server.ts';

const messages: ChatMessage[] = [{ role: 'user', content: 'Write add(a, b).' }];
const sampling = { temperature: 0.3, max_tokens: 512 };
const sse = (...events: unknown[]) => events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
const chunk = (content: string | null, finish: string | null = null) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
const eventStream = { 'Content-Type': 'text/event-stream' };
const json = { 'Content-Type': 'application/json' };

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function modelOn(...script: Parameters<FakeOpenAIServer['script']>) {
  server = await startFakeOpenAIServer({ reply: 'def add(a, b):\n    return a + b\n', tokensPerSecond: 1_000 });
  server.script(...script);
  return createOpenAICompatibleModel({ baseUrl: server.url, model: 'fake-model', firstTokenTimeoutMs: 2_000, idleTimeoutMs: 1_000, backoff: { baseDelayMs: 10, maxDelayMs: 40 } });
}

describe('a reply the server gave up on', () => {
  it.each(['abort', 'error'])('after text was shown ("%s"): fails with the server named as the cause, not returned as an answer', async (reason) => {
    const model = await modelOn({ kind: 'raw', headers: eventStream, body: sse(chunk('def add(a, b):\n'), chunk('    ret', reason), '[DONE]') });
    const shown: string[] = [];
    const call = model.chat(messages, sampling, { onToken: (delta) => shown.push(delta) });
    await expect(call).rejects.toThrow(
      new RegExp(`ended the reply after 2 pieces of text with finish reason "${reason}": it gave up on the request .*not the model's answer and is not scored`),
    );
    expect(shown).toEqual(['def add(a, b):\n', '    ret']);
    // Text was shown, so the request is not sent again behind the caller's back: the caller runs the unit again.
    expect(server!.requests).toHaveLength(1);
  });

  it('before any text, streamed: the request is sent again and the next reply is the answer', async () => {
    const model = await modelOn({ kind: 'raw', headers: eventStream, body: sse(chunk(null, 'abort'), '[DONE]') });
    const reply = await model.chat(messages, sampling);
    expect(reply).toMatchObject({ text: 'def add(a, b):\n    return a + b\n', finishReason: 'stop' });
    expect(server!.requests).toHaveLength(2);
  });

  it('as a whole JSON reply: sent again too, since none of it was shown', async () => {
    const model = await modelOn({ kind: 'raw', headers: json, body: JSON.stringify({ choices: [{ message: { content: 'def add(a, b):\n    re' }, finish_reason: 'error' }] }) });
    const reply = await model.chat(messages, sampling);
    expect(reply).toMatchObject({ text: 'def add(a, b):\n    return a + b\n', finishReason: 'stop' });
    expect(server!.requests).toHaveLength(2);
  });

  it('leaves the reasons a model ends on alone: "length" and "stop" are answers', async () => {
    const model = await modelOn({ kind: 'raw', headers: eventStream, body: sse(chunk('def add(a, b):'), chunk(null, 'length'), '[DONE]') });
    expect(await model.chat(messages, sampling)).toMatchObject({ text: 'def add(a, b):', finishReason: 'length' });
  });
});
