import { describe, expect, it } from 'vitest';
import { perProblemModel, scriptedModel } from '../../../src/core/llm/scripted-model.ts';
import type { ChatMessage } from '../../../src/core/ports.ts';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You write Python.' },
  { role: 'user', content: 'Add two numbers.' },
];
const sampling = { temperature: 0.3, max_tokens: 512 };

describe('scripted model', () => {
  it('answers calls in order and streams each reply through onToken', async () => {
    const model = scriptedModel('first reply', 'second reply');
    const streamed: string[] = [];
    const one = await model.chat(messages, sampling, { onToken: (d) => streamed.push(d) });
    const two = await model.chat(messages, sampling);
    expect([one.text, two.text]).toEqual(['first reply', 'second reply']);
    expect(streamed.join('')).toBe('first reply');
    expect(one.usage.completionTokens).toBe(streamed.length);
    expect(model.calls).toHaveLength(2);
    expect(model.calls[0]?.messages).toEqual(messages);
  });

  it('fails loudly when a test makes more calls than it scripted', async () => {
    const model = scriptedModel('only one');
    await model.chat(messages, sampling);
    await expect(model.chat(messages, sampling)).rejects.toThrow(/ran out of replies: call 2/);
  });

  it('rejects with a scripted Error, as an engine failure would', async () => {
    const model = scriptedModel(new Error('GPU lost'));
    await expect(model.chat(messages, sampling)).rejects.toThrow('GPU lost');
  });

  it('rejects with an AbortError when the signal is already aborted', async () => {
    const model = scriptedModel('never seen');
    const controller = new AbortController();
    controller.abort();
    await expect(model.chat(messages, sampling, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('per-problem model', () => {
  it('answers each call from its problem, in any order', async () => {
    const solutions: Record<string, string> = { 'HumanEval/0': 'zero', 'HumanEval/1': 'one' };
    const model = perProblemModel(({ context }) => solutions[context?.problemId ?? ''] ?? new Error('unknown problem'));
    const at = (problemId: string) => ({ context: { problemId, nodeId: 'generator', iteration: 0 } });
    expect((await model.chat(messages, sampling, at('HumanEval/1'))).text).toBe('one');
    expect((await model.chat(messages, sampling, at('HumanEval/0'))).text).toBe('zero');
    await expect(model.chat(messages, sampling, at('HumanEval/9'))).rejects.toThrow('unknown problem');
    expect(model.calls.map((c) => c.context?.problemId)).toEqual(['HumanEval/1', 'HumanEval/0', 'HumanEval/9']);
  });
});
