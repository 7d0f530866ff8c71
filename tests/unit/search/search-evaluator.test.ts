/**
 * One search evaluation and what it costs. A model that fails half-way through a problem makes
 * the evaluator run the problem again from the start; the calls the failed attempt made were
 * answered (and paid for) all the same, so the token budget must see them.
 */
import { describe, expect, it } from 'vitest';
import { perProblemModel, type ScriptedModel } from '../../../src/core/llm/scripted-model.ts';
import { splitIntoTokens } from '../../../src/core/llm/token-pieces.ts';
import { MemoryCallCache } from '../../../src/core/search/memory-search-store.ts';
import { SearchEvaluator, type EvaluationUnit } from '../../../src/core/search/search-evaluator.ts';
import { judgingSandbox } from '../pipeline/fake-sandbox.ts';
import { llama, node, pipeline, stage } from './fixtures.ts';
import { PROBLEMS, searchSetup } from './run-search-fixtures.ts';

const WRONG = '```python\ndef add(a, b):\n    return a - b\n```';
const RIGHT = '```python\ndef add(a, b):\n    return a + b  # right\n```';

/** Generator writes wrong code, the refiner right code; the first refiner call fails with a 503. */
function flakyRefinerModel(): ScriptedModel {
  let refinerFailures = 1;
  return perProblemModel((call) => {
    if (!(call.context?.nodeId ?? '').endsWith('refiner')) return WRONG;
    if (refinerFailures > 0) {
      refinerFailures--;
      return new Error('The endpoint answered 503: model is loading.');
    }
    return RIGHT;
  });
}

/** Prompt + completion tokens the scripted model reports for the call it answered. */
function tokensOf(model: ScriptedModel, index: number, reply: string): number {
  const call = model.calls[index];
  if (!call) throw new Error(`No call ${index}.`);
  return call.messages.reduce((n, m) => n + splitIntoTokens(m.content).length, 0) + splitIntoTokens(reply).length;
}

function evaluatorFor(model: ScriptedModel, options: { temperature: number; cache: boolean }) {
  const setup = searchSetup({}, { cacheCalls: options.cache });
  const t = options.temperature;
  const evaluator = new SearchEvaluator(
    setup,
    PROBLEMS,
    { model: () => model, sandbox: judgingSandbox((program) => program.includes('# right')), callCache: options.cache ? new MemoryCallCache() : null, now: () => 0 },
    { retryDelayMs: 0, maxAttempts: 3 },
  );
  const unit: EvaluationUnit = {
    key: `0|g0-1|0|${PROBLEMS[0]?.id}`,
    kind: 'search',
    generation: 0,
    genomeId: 'g0-1',
    pipeline: pipeline([stage(1, { iterations: 1, refiner: llama(t) })], node('llama3.2:3b', 'generator.plain', t), 'g0-1'),
    problemId: PROBLEMS[0]?.id as string,
    index: 0,
  };
  return { evaluator, unit };
}

describe('SearchEvaluator', () => {
  it('counts the tokens of an attempt a model failure cut short, as well as those of the retry that finished', async () => {
    const model = flakyRefinerModel();
    const { evaluator, unit } = evaluatorFor(model, { temperature: 0.3, cache: false });
    const record = await evaluator.evaluate(unit, new AbortController().signal);
    expect(record.passed).toBe(true);
    // Calls: generator (answered), refiner (503), generator again, refiner (answered).
    expect(model.calls).toHaveLength(4);
    const spent = tokensOf(model, 0, WRONG) + tokensOf(model, 2, WRONG) + tokensOf(model, 3, RIGHT);
    expect(record.tokens).toBe(spent);
    expect(record.modelCalls).toBe(3);
    expect(record.cachedCalls).toBe(0);
  });

  it('at temperature 0 counts the first attempt’s generator call, whose retry the cache answered for nothing', async () => {
    const model = flakyRefinerModel();
    const { evaluator, unit } = evaluatorFor(model, { temperature: 0, cache: true });
    const record = await evaluator.evaluate(unit, new AbortController().signal);
    expect(record.passed).toBe(true);
    // The retry's generator call is the cache's: the model saw generator, refiner (503), refiner.
    expect(model.calls).toHaveLength(3);
    expect(record.tokens).toBe(tokensOf(model, 0, WRONG) + tokensOf(model, 2, RIGHT));
    expect(record.cachedCalls).toBe(1);
  });
});

describe('SearchEvaluator and the call cache', () => {
  function zeroSetup() {
    const model = perProblemModel((call) => ((call.context?.nodeId ?? '').endsWith('refiner') ? RIGHT : WRONG));
    const cache = new MemoryCallCache();
    const setup = searchSetup({}, { cacheCalls: true });
    const evaluator = new SearchEvaluator(
      setup,
      PROBLEMS,
      { model: () => model, sandbox: judgingSandbox((program) => program.includes('# right')), callCache: cache, now: () => 0 },
      { retryDelayMs: 0, maxAttempts: 3 },
    );
    const { unit } = evaluatorFor(model, { temperature: 0, cache: true });
    return { evaluator, unit, cache };
  }

  it('puts the replies in the cache only once the record is stored, so a reload before that leaves none to take for free', async () => {
    const { evaluator, unit, cache } = zeroSetup();
    let cachedWhileStoring = -1;
    const record = await evaluator.evaluate(unit, new AbortController().signal, async () => {
      cachedWhileStoring = cache.size;
    });
    expect(record.passed).toBe(true);
    expect(cachedWhileStoring).toBe(0);
    expect(cache.size).toBe(2);
  });

  it('leaves the cache empty when the record cannot be stored, and passes the store’s error on unretried', async () => {
    const { evaluator, unit, cache } = zeroSetup();
    let writes = 0;
    const refusal = new Error('QuotaExceededError');
    await expect(
      evaluator.evaluate(unit, new AbortController().signal, async () => {
        writes++;
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(writes).toBe(1);
    expect(cache.size).toBe(0);
  });

  it('does not run an evaluation again when the model refused it for good: one call, no retry note, the refusal passed on', async () => {
    const refusal = Object.assign(new Error('This prompt is longer than the model’s context of 4096 tokens.'), { lasting: true });
    const model = perProblemModel(() => refusal);
    const setup = searchSetup({}, { cacheCalls: false });
    const retries: number[] = [];
    const evaluator = new SearchEvaluator(
      setup,
      PROBLEMS,
      { model: () => model, sandbox: judgingSandbox(() => true), callCache: null, now: () => 0 },
      { retryDelayMs: 0, maxAttempts: 3, onRetry: (_unit, retry) => retries.push(retry.attempt) },
    );
    const unit: EvaluationUnit = {
      key: `0|g0-1|0|${PROBLEMS[0]?.id}`,
      kind: 'search',
      generation: 0,
      genomeId: 'g0-1',
      pipeline: pipeline([stage(1, { iterations: 1, refiner: llama(0) })], node('llama3.2:3b', 'generator.plain', 0), 'g0-1'),
      problemId: PROBLEMS[0]?.id as string,
      index: 0,
    };
    await expect(evaluator.evaluate(unit, new AbortController().signal)).rejects.toBe(refusal);
    expect(model.calls).toHaveLength(1);
    expect(retries).toEqual([]);
  });
});
