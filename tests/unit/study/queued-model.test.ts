import { describe, expect, it } from 'vitest';
import { scriptedModel } from '../../../src/core/llm/scripted-model.ts';
import { runProblem } from '../../../src/core/pipeline/interpret.ts';
import { llamaSelfRefine } from '../../../src/core/pipeline/presets.ts';
import { EngineQueue, EngineQueues, engineKey, queuedModel } from '../../../src/core/study/queued-model.ts';
import { PROBLEMS, codeReply, truthSandbox } from './study-fixtures.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('EngineQueue', () => {
  it('grants turns one at a time, first come first served', async () => {
    const queue = new EngineQueue(1);
    const order: string[] = [];
    const first = await queue.acquire();
    const waiters = ['b', 'c', 'd'].map((name) =>
      queue.acquire().then((release) => {
        order.push(name);
        return release;
      }),
    );
    await tick();
    expect(order).toEqual([]);
    expect(queue.waiting).toBe(3);
    first();
    first(); // a second release must not free a second turn
    await tick();
    expect(order).toEqual(['b']);
    (await waiters[0])?.();
    (await waiters[1])?.();
    await tick();
    expect(order).toEqual(['b', 'c', 'd']);
  });

  it('lets an aborted waiter leave the queue without taking a turn', async () => {
    const queue = new EngineQueue(1);
    const held = await queue.acquire();
    const controller = new AbortController();
    const leaving = queue.acquire(controller.signal);
    const staying = queue.acquire();
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ name: 'AbortError' });
    held();
    const release = await staying;
    expect(queue.active).toBe(1);
    release();
    expect(queue.active).toBe(0);
  });

  it('never has two calls of one wrapped model in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = {
      id: 'slow',
      async chat() {
        most = Math.max(most, ++inFlight);
        await tick();
        inFlight--;
        return { text: 'x', finishReason: 'stop', usage: { promptTokens: 0, completionTokens: 0, timeToFirstTokenMs: 0, decodeTokensPerSecond: 0, totalMs: 0 } };
      },
    };
    const model = queuedModel(slow, new EngineQueue(1));
    await Promise.all([1, 2, 3].map(() => model.chat([], { temperature: 0, max_tokens: 1 })));
    expect(most).toBe(1);
  });
});

describe('EngineQueues', () => {
  it('puts every WebLLM model on one queue and each endpoint on its own', () => {
    const queues = new EngineQueues({
      llama: { engine: 'webllm', id: 'Llama' },
      qwen: { engine: 'webllm', id: 'Qwen' },
      a: { engine: 'openai', id: 'a', baseUrl: 'http://one/v1' },
      b: { engine: 'openai', id: 'b', baseUrl: 'http://two/v1' },
    });
    expect(queues.queueFor('llama')).toBe(queues.queueFor('qwen'));
    expect(queues.queueFor('a')).not.toBe(queues.queueFor('b'));
    expect(engineKey({ engine: 'openai', id: 'a', baseUrl: 'http://one/v1' })).toBe('openai http://one/v1');
    expect(() => queues.queueFor('missing')).toThrow(/binds no model to the key "missing"/);
  });
});

describe('waiting for a model turn inside runProblem', () => {
  it('is not charged to the problem time cap', async () => {
    let clock = 0;
    const problem = PROBLEMS[1]!; // NameError first, fixed by the refiner
    const model = scriptedModel(codeReply(problem.id, 'name-error'), codeReply(problem.id, 'right'));
    const trajectory = await runProblem(
      problem,
      llamaSelfRefine,
      {
        model: () => model,
        sandbox: truthSandbox(),
        // Every call waits 100 s behind other problems' calls: over the 120 s cap in two calls.
        modelTurn: async () => {
          clock += 100_000;
          return () => undefined;
        },
      },
      { mode: 'study', now: () => clock },
    );
    expect(trajectory).toMatchObject({ passed: true, stopReason: 'early-stop' });
  });
});
