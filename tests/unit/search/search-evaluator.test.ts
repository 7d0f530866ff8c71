/**
 * One search evaluation and what it costs. A model that fails half-way through a problem makes
 * the evaluator run the problem again from the start; the calls the failed attempt made were
 * answered (and paid for) all the same, so the token budget must see them.
 */
import { describe, expect, it } from 'vitest';
import { perProblemModel, type ScriptedModel } from '../../../src/core/llm/scripted-model.ts';
import { splitIntoTokens } from '../../../src/core/llm/token-pieces.ts';
import { PausedUnit } from '../../../src/core/search/evaluation-pool.ts';
import { MemoryCallCache } from '../../../src/core/search/memory-search-store.ts';
import { estimateCallTokens, SearchEvaluator, type EvaluationUnit } from '../../../src/core/search/search-evaluator.ts';
import type { EvaluationCost } from '../../../src/core/search/search-record.ts';
import { abortError, isAbortError } from '../../../src/core/llm/abort.ts';
import type { ChatMessage, LanguageModel, Sandbox } from '../../../src/core/ports.ts';
import { PauseSwitch } from '../../../src/core/study/pause-switch.ts';
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

  it("sends top-p 0.9 with every call, as a study does, and none for a search stored before there was one (audit R217-1)", async () => {
    const sent = async (setup: ReturnType<typeof searchSetup>) => {
      const model = perProblemModel(() => RIGHT);
      const evaluator = new SearchEvaluator(setup, PROBLEMS, { model: () => model, sandbox: judgingSandbox(() => true), callCache: null, now: () => 0 });
      const { unit } = evaluatorFor(model, { temperature: 0.3, cache: false });
      await evaluator.evaluate(unit, new AbortController().signal);
      return model.calls.map((c) => c.options.top_p);
    };
    expect(await sent(searchSetup({}, { cacheCalls: false }))).toEqual([0.9]);
    const stored = searchSetup({}, { cacheCalls: false });
    const { topP: _dropped, ...before } = stored.config;
    expect(await sent({ ...stored, config: before })).toEqual([undefined]);
  });

  it('passes the pool’s queue signals on, so a wait for a free Python worker is not charged to the problem’s time cap', async () => {
    const model = flakyRefinerModel();
    const judge = judgingSandbox((program) => program.includes('# right'));
    const heard: string[] = [];
    const sandbox: Sandbox = {
      run: (program, limits, call) => {
        heard.push(typeof call?.onQueued === 'function' && typeof call.onStart === 'function' ? 'signals' : 'none');
        return judge.run(program, limits);
      },
      close: async () => {},
    };
    const setup = searchSetup({}, { cacheCalls: false });
    const evaluator = new SearchEvaluator(setup, PROBLEMS, { model: () => model, sandbox, callCache: null, now: () => 0 }, { retryDelayMs: 0, maxAttempts: 3 });
    const { unit } = evaluatorFor(model, { temperature: 0.3, cache: false });
    await evaluator.evaluate(unit, new AbortController().signal);
    expect(heard.length).toBeGreaterThan(0);
    expect(new Set(heard)).toEqual(new Set(['signals']));
  });
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

  it('waits as a study does after a rate limit: as long as the server asked, or 30 s when it did not say', async () => {
    let refusals = 0;
    const model = perProblemModel(() =>
      refusals++ === 0 ? Object.assign(new Error('The server kept refusing because of rate limits (429 Too Many Requests).'), { status: 429, retryAfterMs: 20 }) : RIGHT,
    );
    const retries: object[] = [];
    const evaluator = new SearchEvaluator(
      searchSetup({}, { cacheCalls: false }),
      PROBLEMS,
      { model: () => model, sandbox: judgingSandbox(() => true), callCache: null, now: () => 0 },
      { retryDelayMs: 10_000, maxAttempts: 3, onRetry: (_unit, { delayMs, rateLimit }) => retries.push({ delayMs, rateLimit }) },
    );
    const { unit } = evaluatorFor(model, { temperature: 0.3, cache: false });
    await evaluator.evaluate(unit, new AbortController().signal);
    expect(retries).toEqual([{ delayMs: 20, rateLimit: 'server-asked' }]);

    // Without Retry-After the wait is the rate limit's own, and a stop ends it at once.
    const limited = perProblemModel(() => Object.assign(new Error('Rate limit exceeded: free-models-per-min'), { status: 429 }));
    const stop = new AbortController();
    const waits: object[] = [];
    const waiting = new SearchEvaluator(
      searchSetup({}, { cacheCalls: false }),
      PROBLEMS,
      { model: () => limited, sandbox: judgingSandbox(() => true), callCache: null, now: () => 0 },
      {
        maxAttempts: 3,
        onRetry: (_unit, { delayMs, rateLimit }) => {
          waits.push({ delayMs, rateLimit });
          setTimeout(() => stop.abort(), 5);
        },
      },
    );
    await expect(waiting.evaluate(unit, stop.signal)).rejects.toSatisfy(isAbortError);
    expect(waits).toEqual([{ delayMs: 30_000, rateLimit: 'backoff' }]);
  });

  it('ends the wait after a rate limit at once when the search is paused, handing over what the attempt paid; a stop ends it as before', async () => {
    // The generator's call is answered (and paid); the refiner's is refused for 60 s.
    const limitedRefiner = () =>
      perProblemModel((call) =>
        (call.context?.nodeId ?? '').endsWith('refiner') ? Object.assign(new Error('429 Too Many Requests'), { status: 429, retryAfterMs: 60_000 }) : WRONG,
      );
    const over = (model: ScriptedModel, onRetry: () => void) =>
      new SearchEvaluator(
        searchSetup({}, { cacheCalls: false }),
        PROBLEMS,
        { model: () => model, sandbox: judgingSandbox((program) => program.includes('# right')), callCache: null, now: () => 0 },
        { maxAttempts: 3, onRetry },
      );
    const { unit } = evaluatorFor(limitedRefiner(), { temperature: 0.3, cache: false });

    const pause = new PauseSwitch();
    const model = limitedRefiner();
    const spends: EvaluationCost[] = [];
    const startedAt = Date.now();
    const paused = over(model, () => pause.pause()).evaluate(unit, new AbortController().signal, undefined, async (cost) => void spends.push(cost), undefined, pause);
    await expect(paused).rejects.toBeInstanceOf(PausedUnit);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(model.calls).toHaveLength(2);
    expect(spends).toEqual([{ tokens: tokensOf(model, 0, WRONG), modelCalls: 1, cachedCalls: 0, ms: 0 }]);

    // Already paused when the model fails: no wait at all.
    const again = limitedRefiner();
    await expect(over(again, () => undefined).evaluate(unit, new AbortController().signal, undefined, undefined, undefined, pause)).rejects.toBeInstanceOf(PausedUnit);
    expect(again.calls).toHaveLength(2);

    // A stop during the wait is a cancel, as without a pause switch.
    const stop = new AbortController();
    const running = new PauseSwitch();
    await expect(over(limitedRefiner(), () => setTimeout(() => stop.abort(), 5)).evaluate(unit, stop.signal, undefined, undefined, undefined, running)).rejects.toSatisfy(isAbortError);
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

describe('SearchEvaluator and tokens no engine counted', () => {
  /** Streams `pieces` pieces of a reply to the generator call, then the call is aborted (as Stop does) before usage arrives. */
  function abortedMidReply(pieces: number, controller: AbortController): LanguageModel & { messages: ChatMessage[][] } {
    const messages: ChatMessage[][] = [];
    return {
      id: 'streams-then-aborted',
      messages,
      async chat(sent, _options, call) {
        messages.push(sent);
        for (let i = 0; i < pieces; i++) call?.onToken?.(`tok${i} `);
        controller.abort();
        throw abortError();
      },
    };
  }

  function evaluatorOver(model: LanguageModel, options: { spendEveryMs?: number; now?: () => number } = {}) {
    const setup = searchSetup({}, { cacheCalls: false });
    const evaluator = new SearchEvaluator(
      setup,
      PROBLEMS,
      { model: () => model, sandbox: judgingSandbox((program) => program.includes('# right')), callCache: null, now: options.now ?? (() => 0) },
      { retryDelayMs: 0, maxAttempts: 3, ...(options.spendEveryMs !== undefined ? { spendEveryMs: options.spendEveryMs } : {}) },
    );
    const { unit } = evaluatorFor(perProblemModel(() => WRONG), { temperature: 0.3, cache: false });
    return { evaluator, unit };
  }

  it('counts a call aborted mid-reply, its prompt and the pieces it streamed, as estimated tokens of the run cut short', async () => {
    const controller = new AbortController();
    const model = abortedMidReply(7, controller);
    const { evaluator, unit } = evaluatorOver(model);
    const spends: EvaluationCost[] = [];
    const error = await evaluator
      .evaluate(unit, controller.signal, undefined, async (cost) => {
        spends.push(cost);
      })
      .catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    const prompt = model.messages[0]!.reduce((n, m) => n + splitIntoTokens(m.content).length, 0);
    expect(prompt).toBeGreaterThan(0);
    expect(estimateCallTokens(model.messages[0]!, 7)).toBe(prompt + 7);
    // Before, no usage meant nothing spent: no record at all, and the budget never saw these tokens.
    expect(spends).toEqual([{ tokens: prompt + 7, estimatedTokens: prompt + 7, modelCalls: 1, cachedCalls: 0, ms: 0 }]);
  });

  it('counts nothing for a call aborted before its first piece: the engine may not have read the prompt', async () => {
    const controller = new AbortController();
    const { evaluator, unit } = evaluatorOver(abortedMidReply(0, controller));
    const spends: EvaluationCost[] = [];
    await expect(evaluator.evaluate(unit, controller.signal, undefined, async (cost) => void spends.push(cost))).rejects.toThrow();
    expect(spends).toEqual([]);
  });

  it('marks the tokens of a reply the server sent no counts for as estimated', async () => {
    const counted = perProblemModel((call) => ((call.context?.nodeId ?? '').endsWith('refiner') ? RIGHT : WRONG));
    const uncounted: LanguageModel = {
      id: 'no-usage',
      async chat(messages, options, call) {
        const reply = await counted.chat(messages, options, call);
        return { ...reply, usage: { ...reply.usage, tokensEstimated: true } };
      },
    };
    const { evaluator, unit } = evaluatorOver(uncounted);
    const record = await evaluator.evaluate(unit, new AbortController().signal);
    expect(record.passed).toBe(true);
    expect(record.tokens).toBeGreaterThan(0);
    expect(record.estimatedTokens).toBe(record.tokens);
  });

  it('stores what the evaluation has spent after each answered call and while a reply streams, and forgets it once the verdict is stored', async () => {
    let clock = 0;
    const model = perProblemModel((call) => ((call.context?.nodeId ?? '').endsWith('refiner') ? RIGHT : WRONG));
    const streaming: LanguageModel = {
      id: 'slow-stream',
      async chat(messages, options, call) {
        // Each piece takes a second: a long reply is noted every spendEveryMs while it streams.
        return model.chat(messages, options, { ...call, onToken: (delta) => ((clock += 1000), call?.onToken?.(delta)) });
      },
    };
    const { evaluator, unit } = evaluatorOver(streaming, { spendEveryMs: 5000, now: () => clock });
    const noted: (EvaluationCost | null)[] = [];
    const kept: string[] = [];
    const record = await evaluator.evaluate(
      unit,
      new AbortController().signal,
      async (r) => void kept.push(r.key),
      undefined,
      async (cost) => void noted.push(cost),
    );
    // The spend is forgotten after the evaluation returns, not before.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const answered = noted.filter((c): c is EvaluationCost => c !== null && c.estimatedTokens === undefined);
    const midReply = noted.filter((c) => c !== null && c.estimatedTokens !== undefined);
    // Generator then refiner: one note after each, the last with everything the verdict counts.
    expect(answered.map((c) => c.modelCalls)).toEqual([1, 2]);
    expect(answered.at(-1)?.tokens).toBe(record.tokens);
    // Replies of a dozen pieces or so at a second each: noted mid-reply, the streamed part an estimate.
    expect(midReply.length).toBeGreaterThan(0);
    for (const c of midReply) expect(c!.tokens).toBeGreaterThanOrEqual(c!.estimatedTokens ?? 0);
    // During the refiner's reply, the generator's counted tokens and the refiner's streamed estimate.
    const duringRefiner = midReply.filter((c) => c!.modelCalls === 2);
    expect(duringRefiner.length).toBeGreaterThan(0);
    for (const c of duringRefiner) expect(c!.tokens - c!.estimatedTokens!).toBe(answered[0]!.tokens);
    expect(noted.at(-1)).toBeNull();
    expect(kept).toEqual([unit.key]);
  });

  it('leaves what it stored as it went when the run cut short could not be stored in its place', async () => {
    const controller = new AbortController();
    let calls = 0;
    const model = perProblemModel(() => WRONG);
    const secondAborts: LanguageModel = {
      id: 'second-call-aborted',
      async chat(messages, options, call) {
        if (++calls === 1) return model.chat(messages, options, call);
        call?.onToken?.('def ');
        controller.abort();
        throw abortError();
      },
    };
    const { evaluator, unit } = evaluatorOver(secondAborts);
    const noted: (EvaluationCost | null)[] = [];
    await expect(
      evaluator.evaluate(
        unit,
        controller.signal,
        undefined,
        async () => {
          throw new Error('QuotaExceededError');
        },
        async (cost) => void noted.push(cost),
      ),
    ).rejects.toThrow();
    expect(noted).toHaveLength(1);
    expect(noted[0]).toMatchObject({ modelCalls: 1, cachedCalls: 0 });
  });
});
