import { describe, expect, it } from 'vitest';
import type { ChatContext, ChatMessage } from '../../../src/core/ports.ts';
import { createReplayModel, type RecordedReply } from '../../../src/llm/replay.ts';

const messages: ChatMessage[] = [{ role: 'user', content: 'any prompt: replay matches on context, not text' }];
const sampling = { temperature: 0.3, max_tokens: 512 };
const at = (problemId: string, nodeId: string, iteration: number, repeat?: number): { context: ChatContext } => ({
  context: { problemId, nodeId, iteration, ...(repeat === undefined ? {} : { repeat }) },
});

const recorded: RecordedReply[] = [
  { problemId: 'HumanEval/0', nodeId: 'generator', iteration: 0, text: 'def f():\n    return 0\n', completionTokens: 8, decodeTokensPerSecond: 40, timeToFirstTokenMs: 120, promptTokens: 90 },
  { problemId: 'HumanEval/0', nodeId: 'refiner-1', iteration: 0, text: 'def f():\n    return 1\n', completionTokens: 8 },
  { problemId: 'HumanEval/0', nodeId: 'refiner-1', iteration: 1, text: 'def f():\n    return 2\n', completionTokens: 8, finishReason: 'length' },
  { problemId: 'HumanEval/1', nodeId: 'generator', iteration: 0, repeat: 0, text: 'first repeat', completionTokens: 2 },
  { problemId: 'HumanEval/1', nodeId: 'generator', iteration: 0, repeat: 1, text: 'second repeat', completionTokens: 2 },
];

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected the call to fail');
}

describe('replay model', () => {
  it('answers each request with the reply recorded for its problem, node and iteration, in any order', async () => {
    const model = createReplayModel(recorded);
    expect((await model.chat(messages, sampling, at('HumanEval/0', 'refiner-1', 1))).text).toBe('def f():\n    return 2\n');
    expect((await model.chat(messages, sampling, at('HumanEval/0', 'generator', 0))).text).toBe('def f():\n    return 0\n');
    expect((await model.chat(messages, sampling, at('HumanEval/0', 'refiner-1', 0))).text).toBe('def f():\n    return 1\n');
  });

  it('streams as many pieces as the recorded reply had tokens and reports the recorded usage', async () => {
    const deltas: string[] = [];
    const reply = await createReplayModel(recorded).chat(messages, sampling, {
      ...at('HumanEval/0', 'generator', 0),
      onToken: (d) => deltas.push(d),
    });
    expect(deltas).toHaveLength(8);
    expect(deltas.join('')).toBe(reply.text);
    expect(reply.finishReason).toBe('stop');
    expect(reply.usage).toEqual({
      promptTokens: 90,
      completionTokens: 8,
      timeToFirstTokenMs: 120,
      decodeTokensPerSecond: 40,
      totalMs: 120 + (7 * 1000) / 40,
    });
    const cut = await createReplayModel(recorded).chat(messages, sampling, at('HumanEval/0', 'refiner-1', 1));
    expect(cut.finishReason).toBe('length');
  });

  it('picks the recorded repeat, and lets a recording without repeats serve every repeat', async () => {
    const model = createReplayModel(recorded);
    expect((await model.chat(messages, sampling, at('HumanEval/1', 'generator', 0, 1))).text).toBe('second repeat');
    expect((await model.chat(messages, sampling, at('HumanEval/0', 'generator', 0, 3))).text).toBe('def f():\n    return 0\n');
    const error = await failure(model.chat(messages, sampling, at('HumanEval/1', 'generator', 0)));
    expect(error.message).toMatch(/Several repeats were recorded/);
  });

  it('names the problem, node and iteration it has no reply for, and what it does have', async () => {
    const error = await failure(createReplayModel(recorded).chat(messages, sampling, at('HumanEval/0', 'refiner-1', 2)));
    expect(error.message).toContain('No recorded reply for problem HumanEval/0, node refiner-1, iteration 2');
    expect(error.message).toContain('refiner-1 iteration 1');
    const other = await failure(createReplayModel(recorded).chat(messages, sampling, at('HumanEval/99', 'generator', 0)));
    expect(other.message).toContain('Nothing was recorded for HumanEval/99');
  });

  it('refuses a request that does not say where it comes from', async () => {
    const error = await failure(createReplayModel(recorded).chat(messages, sampling));
    expect(error.message).toMatch(/call\.context/);
  });

  it('refuses recordings with two replies for the same call', () => {
    const first = recorded[0] as RecordedReply;
    expect(() => createReplayModel([first, { ...first, text: 'other' }])).toThrow(/two answers for problem HumanEval\/0, node generator, iteration 0/);
  });

  it('refuses a pace that is not a positive speed', () => {
    expect(() => createReplayModel(recorded, { pace: 0 })).toThrow(/speed factor above 0/);
    expect(() => createReplayModel(recorded, { pace: Number.NaN })).toThrow(/speed factor/);
  });

  it('takes at least the recorded time at the recorded pace, and less when sped up', async () => {
    const slow: RecordedReply = { problemId: 'p', nodeId: 'generator', iteration: 0, text: 'abcdefghij', completionTokens: 5, timeToFirstTokenMs: 100, decodeTokensPerSecond: 20 };
    const timed = async (pace: 'recorded' | number) => {
      const started = performance.now();
      const deltas: string[] = [];
      await createReplayModel([slow], { pace }).chat(messages, sampling, { ...at('p', 'generator', 0), onToken: (d) => deltas.push(d) });
      expect(deltas).toEqual(['ab', 'cd', 'ef', 'gh', 'ij']);
      return performance.now() - started;
    };
    const recordedMs = await timed('recorded');
    expect(recordedMs).toBeGreaterThanOrEqual(290); // 100 ms to the first token, then 4 × 50 ms
    expect(await timed(10)).toBeLessThan(recordedMs);
  });

  it('stops a paced replay when aborted', async () => {
    const long: RecordedReply = { problemId: 'p', nodeId: 'generator', iteration: 0, text: 'x'.repeat(100), completionTokens: 100, decodeTokensPerSecond: 50 };
    const controller = new AbortController();
    const deltas: string[] = [];
    const error = await failure(
      createReplayModel([long], { pace: 'recorded' }).chat(messages, sampling, {
        ...at('p', 'generator', 0),
        signal: controller.signal,
        onToken: (d) => {
          deltas.push(d);
          if (deltas.length === 3) controller.abort();
        },
      }),
    );
    expect(error.name).toBe('AbortError');
    expect(deltas).toHaveLength(3);
  });
});
