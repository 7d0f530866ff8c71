import { describe, expect, it } from 'vitest';
import { perProblemModel, scriptedModel, type ScriptedModel } from '../../../src/core/llm/scripted-model.ts';
import type { LanguageModel, Sandbox } from '../../../src/core/ports.ts';
import type { RefinePipeline, ResamplePipeline, Stage, TextOnlyPipeline } from '../../../src/core/pipeline/genome.ts';
import { runProblem, type RunProblemOptions } from '../../../src/core/pipeline/interpret.ts';
import type { ReplayDivergence } from '../../../src/core/pipeline/step-runner.ts';
import { ERROR_TEXT_CHARS } from '../../../src/core/pipeline/messages.ts';
import { llamaSelfRefine, llamaSolo, textOnlyPipeline } from '../../../src/core/pipeline/presets.ts';
import { executions, type ModelStep, type Step } from '../../../src/core/pipeline/trajectory.ts';
import { resolvePrompt } from '../../../src/core/prompts/prompt-set.ts';
import { judgingSandbox, scriptedSandbox } from './fake-sandbox.ts';
import { humanEvalProblem as problem } from './fixtures.ts';

const WRONG = '```python\ndef add(a, b):\n    return a - b\n```';
const RIGHT = '```python\ndef add(a, b):\n    return a + b\n```';
const addsCorrectly = (program: string) => program.includes('return a + b');

const options: RunProblemOptions = { mode: 'study', now: () => 0 };
const ports = (model: LanguageModel, sandbox: Sandbox) => ({ model: () => model, sandbox });
const kinds = (steps: Step[]) => steps.map((s) => `${s.kind}:${s.nodeId}`);
const verdicts = (steps: Step[]) => steps.flatMap((s) => (s.kind === 'execute' ? [s.outcome.kind] : []));

function stage(innovation: number, maxIterations: 1 | 2 | 3, withAnalyzer = false): Stage {
  return {
    innovation,
    maxIterations,
    analyzer: withAnalyzer ? { model: 'llama3.2:3b', prompt: { id: 'analyzer.diagnose' }, temperature: 0.4, maxTokens: 512 } : null,
    refiner: { model: 'llama3.2:3b', prompt: { id: 'refiner.fix' }, temperature: 0.2, maxTokens: 512 },
  };
}
const withStages = (...stages: Stage[]): RefinePipeline => ({ ...llamaSelfRefine, id: 'custom', stages });

/**
 * A model whose call hangs until its signal aborts, as a slow engine would. It begins to answer
 * (text through onToken, or reasoning through onAnswering) at once or after `afterMs` of real
 * time, or, with neither, never.
 */
function hangingModel(begins: { answersFirst?: string; reasonsFirst?: boolean; afterMs?: number } = {}): LanguageModel & { aborted: boolean } {
  const model = {
    id: 'hanging',
    aborted: false,
    chat: (_messages: unknown, _options: unknown, call?: { signal?: AbortSignal; onToken?: (delta: string) => void; onAnswering?: () => void }) =>
      new Promise<never>((_, reject) => {
        const begin = () => {
          if (call?.signal?.aborted) return;
          if (begins.reasonsFirst) call?.onAnswering?.();
          if (begins.answersFirst !== undefined) call?.onToken?.(begins.answersFirst);
        };
        const timer = setTimeout(begin, begins.afterMs ?? 0);
        call?.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          model.aborted = true;
          reject(new DOMException('aborted', 'AbortError'));
        });
      }),
  };
  return model;
}

describe('runProblem on a refine pipeline', () => {
  it('stops at the first passing execution (early stopping)', async () => {
    const model = scriptedModel(WRONG, RIGHT);
    const sandbox = judgingSandbox(addsCorrectly);
    const t = await runProblem(problem, llamaSelfRefine, ports(model, sandbox), options);
    expect(kinds(t.steps)).toEqual([
      'generate:generator',
      'execute:stage1.executor',
      'refine:stage1.refiner',
      'execute:stage1.executor',
    ]);
    expect(verdicts(t.steps)).toEqual(['failed', 'passed']);
    expect(t).toMatchObject({ passed: true, stopReason: 'early-stop', verdict: { kind: 'passed' } });
    expect(t.finalCode).toBe('def add(a, b):\n    return a + b');
    expect(model.calls).toHaveLength(2);
    expect(sandbox.programs).toHaveLength(2);
  });

  it('executes once more after the last stage', async () => {
    const model = scriptedModel(WRONG, WRONG, RIGHT);
    const t = await runProblem(problem, withStages(stage(1, 1), stage(7, 1)), ports(model, judgingSandbox(addsCorrectly)), options);
    expect(kinds(t.steps)).toEqual([
      'generate:generator',
      'execute:stage1.executor',
      'refine:stage1.refiner',
      'execute:stage2.executor',
      'refine:stage2.refiner',
      'execute:final.executor',
    ]);
    const runs = executions(t);
    expect(runs.map((s) => [s.attempt, s.final])).toEqual([[0, false], [1, false], [2, true]]);
    expect(t).toMatchObject({ passed: true, stopReason: 'completed' });
  });

  it('runs a solo pipeline as one generation and one execution', async () => {
    const t = await runProblem(problem, llamaSolo, ports(scriptedModel(WRONG), scriptedSandbox('assert')), options);
    expect(kinds(t.steps)).toEqual(['generate:generator', 'execute:final.executor']);
    expect(t).toMatchObject({ passed: false, stopReason: 'completed', verdict: { kind: 'failed', category: 'AssertionError' } });
  });

  it('reports a failure after the budget is spent, with the last verdict', async () => {
    const model = scriptedModel(WRONG, WRONG, WRONG, WRONG);
    const t = await runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox('name-error', 'assert', 'assert', 'timeout')), options);
    expect(verdicts(t.steps)).toEqual(['failed', 'failed', 'failed', 'timed-out']);
    expect(t).toMatchObject({ passed: false, stopReason: 'completed', verdict: { kind: 'timed-out' } });
    expect(model.calls).toHaveLength(4);
  });

  it('with forced iterations runs every iteration and records every verdict, passes included', async () => {
    // Right first, then the refiner breaks it, fixes it and breaks it again: the regressions the study counted.
    for (const run of [
      { pipeline: llamaSelfRefine, forcedIterations: true },
      { pipeline: { ...llamaSelfRefine, earlyStopping: false }, forcedIterations: false },
    ]) {
      const model = scriptedModel(RIGHT, WRONG, RIGHT, WRONG);
      const sandbox = judgingSandbox(addsCorrectly);
      const t = await runProblem(problem, run.pipeline, ports(model, sandbox), { ...options, forcedIterations: run.forcedIterations });
      expect(verdicts(t.steps)).toEqual(['passed', 'failed', 'passed', 'failed']);
      expect(executions(t).map((s) => s.attempt)).toEqual([0, 1, 2, 3]);
      expect(t).toMatchObject({ passed: false, stopReason: 'completed' });
      expect(model.calls).toHaveLength(4);
    }
  });

  it('asks the analyzer first and hands its diagnosis to the refiner', async () => {
    const model = scriptedModel(WRONG, 'It subtracts where it should add.', RIGHT);
    const t = await runProblem(problem, withStages(stage(1, 2, true)), ports(model, judgingSandbox(addsCorrectly)), options);
    expect(kinds(t.steps)).toEqual([
      'generate:generator',
      'execute:stage1.executor',
      'analyze:stage1.analyzer',
      'refine:stage1.refiner',
      'execute:stage1.executor',
    ]);
    const analyze = t.steps[2] as ModelStep;
    expect(analyze.code).toBeNull();
    expect(model.calls[2]?.messages[1]?.content).toContain('It subtracts where it should add.');
  });
});

describe('what the models are sent', () => {
  it('is a fresh two-message chat per call: the role prompt, then one user message', async () => {
    const model = scriptedModel(WRONG, 'diagnosis', WRONG, 'diagnosis', RIGHT);
    const pipeline = withStages(stage(1, 2, true));
    await runProblem(problem, pipeline, ports(model, judgingSandbox(addsCorrectly)), { ...options, repeat: 2 });
    for (const call of model.calls) {
      expect(call.messages.map((m) => m.role)).toEqual(['system', 'user']);
    }
    expect(model.calls.map((c) => c.messages[0]?.content)).toEqual([
      resolvePrompt({ id: 'generator.plain' }).text,
      resolvePrompt({ id: 'analyzer.diagnose' }).text,
      resolvePrompt({ id: 'refiner.fix' }).text,
      resolvePrompt({ id: 'analyzer.diagnose' }).text,
      resolvePrompt({ id: 'refiner.fix' }).text,
    ]);
    expect(model.calls.map((c) => c.context)).toEqual([
      { problemId: 'HumanEval/900', nodeId: 'generator', iteration: 0, repeat: 2 },
      { problemId: 'HumanEval/900', nodeId: 'stage1.analyzer', iteration: 0, repeat: 2 },
      { problemId: 'HumanEval/900', nodeId: 'stage1.refiner', iteration: 0, repeat: 2 },
      { problemId: 'HumanEval/900', nodeId: 'stage1.analyzer', iteration: 1, repeat: 2 },
      { problemId: 'HumanEval/900', nodeId: 'stage1.refiner', iteration: 1, repeat: 2 },
    ]);
    expect(model.calls.map((c) => c.options)).toEqual([
      { temperature: 0.3, max_tokens: 512 },
      { temperature: 0.4, max_tokens: 512 },
      { temperature: 0.2, max_tokens: 512 },
      { temperature: 0.4, max_tokens: 512 },
      { temperature: 0.2, max_tokens: 512 },
    ]);
  });

  it('shows the refiner its previous code, the failing assert and the first 1000 characters of the traceback', async () => {
    const longMessage = 'x'.repeat(3000);
    const sandbox = scriptedSandbox(
      {
        status: 'error',
        durationMs: 1,
        stdout: '',
        errorType: 'ValueError',
        message: longMessage,
        traceback: `Traceback (most recent call last):\n  File "program.py", line 1, in <module>\nValueError: ${longMessage}`,
      },
      'assert',
      'pass',
    );
    const model = scriptedModel(WRONG, WRONG, RIGHT);
    const t = await runProblem(problem, llamaSelfRefine, ports(model, sandbox), options);
    const first = model.calls[1]?.messages[1]?.content ?? '';
    expect(first).toContain('def add(a, b):\n    return a - b');
    const shown = /What happened when the tests ran:\n([\s\S]*?)\n\nFailing test:/.exec(first)?.[1] ?? '';
    expect(shown).toHaveLength(ERROR_TEXT_CHARS);
    expect(shown.startsWith('Traceback (most recent call last):')).toBe(true);

    const second = model.calls[2]?.messages[1]?.content ?? '';
    expect(second).toContain('Failing test:\nassert candidate(2, 3) == 5');
    expect(second).toContain('AssertionError');
    // The recorded step holds exactly what was sent.
    expect((t.steps[4] as ModelStep).messages).toEqual(model.calls[2]?.messages);
  });
});

describe('the per-problem time cap', () => {
  it('stops between steps once the cap is spent, keeping the last verdict, and counts the problem as failed', async () => {
    let clock = 0;
    const model = perProblemModel(() => {
      clock += 70_000; // every call takes 70 s of the 120 s cap
      return WRONG;
    });
    const t = await runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox('assert', 'assert')), {
      ...options,
      now: () => clock,
    });
    expect(kinds(t.steps)).toEqual(['generate:generator', 'execute:stage1.executor', 'refine:stage1.refiner']);
    expect(t).toMatchObject({ stopReason: 'time-cap', passed: false, verdict: { kind: 'failed' } });
    expect(t.finalCode).toBe('def add(a, b):\n    return a - b');
  });

  it('waits out the rest of the cap when its timer fires with time left: a clock that leaves out a laptop\'s sleep', async () => {
    // The awake clock (awake-clock.ts) says a quarter of the real time passed: the rest was sleep.
    const start = performance.now();
    const now = () => (performance.now() - start) / 4;
    const suspendedMs = () => ((performance.now() - start) * 3) / 4;
    const slow: LanguageModel = {
      id: 'slow',
      chat: async (messages, sampling) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return scriptedModel(RIGHT).chat(messages, sampling);
      },
    };
    // 100 ms of real time is 25 ms on the clock, inside the 40-ms cap.
    const t = await runProblem(problem, llamaSelfRefine, ports(slow, scriptedSandbox('pass')), { mode: 'study', problemTimeCapMs: 40, now, suspendedMs });
    expect(t).toMatchObject({ stopReason: 'early-stop', passed: true });
    // Without a suspension, the timer is the cap: a clock that stands still does not hold it off.
    const still = await runProblem(problem, llamaSelfRefine, ports(slow, scriptedSandbox('pass')), { mode: 'study', problemTimeCapMs: 40, now: () => 0 });
    expect(still).toMatchObject({ stopReason: 'time-cap', passed: false });
  });

  it('interrupts a model call that runs past the cap', async () => {
    const model = hangingModel({ answersFirst: 'def add' });
    const t = await runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox()), {
      mode: 'study',
      problemTimeCapMs: 20,
    });
    expect(model.aborted).toBe(true);
    expect(t).toMatchObject({ stopReason: 'time-cap', passed: false, verdict: null, steps: [] });
  });

  it('interrupts a model that is reasoning past the cap, though it has sent no text yet', async () => {
    const model = hangingModel({ reasonsFirst: true });
    const t = await runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox()), { mode: 'study', problemTimeCapMs: 20 });
    expect(model.aborted).toBe(true);
    expect(t).toMatchObject({ stopReason: 'time-cap', passed: false, steps: [] });
  });

  describe('a server that accepts the request and never starts answering', () => {
    /** The engine gives up on the first token after `limitMs` (real time), as the endpoint's first-token limit does. */
    function silentModel(limitMs: number): LanguageModel & { aborted: boolean } {
      const model = {
        id: 'silent',
        aborted: false,
        chat: (_messages: unknown, _options: unknown, call?: { signal?: AbortSignal }) =>
          new Promise<never>((_, reject) => {
            const timer = setTimeout(() => reject(new Error(`The server sent no text within ${limitMs} ms of the request.`)), limitMs);
            call?.signal?.addEventListener('abort', () => {
              clearTimeout(timer);
              model.aborted = true;
              reject(new DOMException('aborted', 'AbortError'));
            });
          }),
      };
      return model;
    }

    it("is not cut by a cap shorter than the engine's first-token limit: the run fails with the engine's error, to be retried", async () => {
      const model = silentModel(80);
      const reported: Step[] = [];
      const running = runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox()), {
        mode: 'study',
        problemTimeCapMs: 20,
        onStep: (step) => reported.push(step),
      });
      // Not a finished trajectory failed by the time cap: the unit errors, and resume runs it again.
      await expect(running).rejects.toThrow('The server sent no text within 80 ms of the request.');
      expect(model.aborted).toBe(false);
      expect(reported).toEqual([]);
    });

    it("after earlier steps too: the steps before it stay for resume, and the run fails with the engine's error", async () => {
      let calls = 0;
      const silent = silentModel(80);
      const model: LanguageModel = {
        id: 'answers-then-silent',
        chat: (messages, sampling, call) => (calls++ === 0 ? scriptedModel(WRONG).chat(messages, sampling, call) : silent.chat(messages, sampling, call)),
      };
      const reported: Step[] = [];
      const running = runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox('assert')), {
        mode: 'study',
        problemTimeCapMs: 40,
        onStep: (step) => reported.push(step),
      });
      await expect(running).rejects.toThrow(/sent no text/);
      expect(kinds(reported)).toEqual(['generate:generator', 'execute:stage1.executor']);
    });

    it('still counts the wait: a model that starts answering after the cap ran out is cut at its first text, as time-cap', async () => {
      const model = hangingModel({ answersFirst: 'def add', afterMs: 60 });
      const t = await runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox()), { mode: 'study', problemTimeCapMs: 20 });
      expect(model.aborted).toBe(true);
      expect(t).toMatchObject({ stopReason: 'time-cap', passed: false, steps: [] });
    });

    it('and a reply that comes whole, with nothing streamed, after the cap ran out ends the run as time-cap', async () => {
      const whole: LanguageModel = {
        id: 'whole',
        chat: async (messages, sampling) => {
          await new Promise((resolve) => setTimeout(resolve, 60));
          // Nothing reaches onToken: the reply arrives in one piece, as from a server that does not stream.
          return scriptedModel(RIGHT).chat(messages, sampling);
        },
      };
      const t = await runProblem(problem, llamaSelfRefine, ports(whole, scriptedSandbox('pass')), { mode: 'study', problemTimeCapMs: 20 });
      expect(t).toMatchObject({ stopReason: 'time-cap', passed: false, steps: [] });
    });
  });

  it('counts a pass as failed when the cap cut the run short', async () => {
    let clock = 0;
    const model = perProblemModel(() => {
      clock += 130_000;
      return RIGHT;
    });
    const t = await runProblem(problem, { ...llamaSelfRefine, earlyStopping: false }, ports(model, scriptedSandbox('pass')), {
      ...options,
      now: () => clock,
    });
    expect(t.stopReason).toBe('time-cap');
    expect(t.passed).toBe(false);
  });
});

describe('a model that must be downloaded or loaded first', () => {
  /** Like a WebLLM model on a fresh browser: whichever comes first, prepare or chat, spends 200 s loading. */
  function loadingModel(clock: { now: number }) {
    let loaded = false;
    const load = () => {
      if (!loaded) clock.now += 200_000;
      loaded = true;
    };
    const inner = perProblemModel(() => RIGHT);
    const model: LanguageModel = {
      id: 'loading',
      chat: async (messages, sampling, call) => {
        load();
        return inner.chat(messages, sampling, call);
      },
      prepare: async () => load(),
    };
    return model;
  }

  it('does not charge the load to the problem that first needed the model', async () => {
    const clock = { now: 0 };
    const t = await runProblem(problem, llamaSelfRefine, ports(loadingModel(clock), scriptedSandbox('pass')), {
      ...options,
      now: () => clock.now,
    });
    expect(clock.now).toBe(200_000);
    expect(t).toMatchObject({ stopReason: 'early-stop', passed: true });
  });

  it('tells prepare the call that follows it, so a wrapper that answers from a cache can skip the load', async () => {
    const told: unknown[] = [];
    const sent: unknown[] = [];
    const inner = perProblemModel(() => RIGHT);
    const model: LanguageModel = {
      id: 'told',
      chat: async (messages, sampling, call) => {
        sent.push({ messages, options: sampling });
        return inner.chat(messages, sampling, call);
      },
      prepare: async (_signal, request) => {
        told.push(request);
      },
    };
    await runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox('pass')), options);
    expect(sent.length).toBeGreaterThan(0);
    expect(told).toEqual(sent);
  });

  it('still runs the cap over the calls themselves', async () => {
    const clock = { now: 0 };
    const model = loadingModel(clock);
    const slow: LanguageModel = {
      ...model,
      chat: async (messages, sampling, call) => {
        const reply = await model.chat(messages, sampling, call);
        clock.now += 130_000;
        return reply;
      },
    };
    const t = await runProblem(problem, llamaSelfRefine, ports(slow, scriptedSandbox('pass')), { ...options, now: () => clock.now });
    expect(t).toMatchObject({ stopReason: 'time-cap', passed: false });
  });
});

describe('a program waiting for a free Python worker', () => {
  /**
   * Like the pool with every worker busy: each program waits 60 ms of real time (past the 30 ms
   * cap's timer) and `waitMs` on the test's clock before a worker takes it, then runs `runMs`.
   * With `tellStart: false` it says nothing, as a sandbox that never queues may.
   */
  function busyPool(clock: { now: number }, { waitMs, runMs, tellStart = true }: { waitMs: number; runMs: number; tellStart?: boolean }): Sandbox {
    const judge = judgingSandbox(addsCorrectly);
    return {
      async run(program, limits, call) {
        if (tellStart) call?.onQueued?.();
        await new Promise((resolve) => setTimeout(resolve, 60));
        clock.now += waitMs;
        if (tellStart) call?.onStart?.();
        clock.now += runMs;
        return judge.run(program, limits);
      },
      close: async () => {},
    };
  }
  const capped = (clock: { now: number }): RunProblemOptions => ({ mode: 'study', problemTimeCapMs: 30, now: () => clock.now });

  it('is not charged to the per-problem cap: a wait longer than the cap leaves the problem passing', async () => {
    const clock = { now: 0 };
    const t = await runProblem(problem, llamaSelfRefine, ports(scriptedModel(WRONG, RIGHT), busyPool(clock, { waitMs: 200_000, runMs: 3 })), capped(clock));
    expect(verdicts(t.steps)).toEqual(['failed', 'passed']);
    expect(t).toMatchObject({ stopReason: 'early-stop', passed: true });
  });

  it('records the execute step from when a worker took the program: its span is the run', async () => {
    const clock = { now: 0 };
    const t = await runProblem(problem, llamaSolo, ports(scriptedModel(RIGHT), busyPool(clock, { waitMs: 8_000, runMs: 3 })), capped(clock));
    const [run] = executions(t);
    expect(run).toMatchObject({ startedAt: 8_000, endedAt: 8_003 });
  });

  it('is not charged on resume either: the recorded spans leave the cap unspent', async () => {
    const clock = { now: 0 };
    const first = await runProblem(problem, llamaSelfRefine, ports(scriptedModel(WRONG, RIGHT), busyPool(clock, { waitMs: 200_000, runMs: 3 })), capped(clock));
    // A new session resumes after the first execution, 200 s after the problem began.
    const later = { now: 0 };
    const resumed = await runProblem(
      problem,
      llamaSelfRefine,
      ports(scriptedModel(RIGHT), busyPool(later, { waitMs: 200_000, runMs: 3 })),
      { ...capped(later), priorSteps: first.steps.slice(0, 2) },
    );
    expect(resumed).toMatchObject({ stopReason: 'early-stop', passed: true });
  });

  it('still stops a program that runs past the cap once a worker has it', async () => {
    const clock = { now: 0 };
    const hangs: Sandbox = {
      run: (_program, _limits, call) => {
        call?.onQueued?.();
        setTimeout(() => call?.onStart?.(), 60);
        return new Promise(() => {});
      },
      close: async () => {},
    };
    const t = await runProblem(problem, llamaSolo, ports(scriptedModel(RIGHT), hangs), capped(clock));
    expect(t).toMatchObject({ stopReason: 'time-cap', passed: false, verdict: null });
  });

  it('is charged, as the whole call, when the sandbox does not say when the program started', async () => {
    const clock = { now: 0 };
    const t = await runProblem(problem, llamaSolo, ports(scriptedModel(RIGHT), busyPool(clock, { waitMs: 8_000, runMs: 3, tellStart: false })), capped(clock));
    expect(t).toMatchObject({ stopReason: 'time-cap', passed: false });
  });
});

describe('aborting', () => {
  it('rejects with an AbortError and keeps the steps already reported', async () => {
    const controller = new AbortController();
    const reported: Step[] = [];
    const hanging = hangingModel();
    let calls = 0;
    const model: LanguageModel = {
      id: 'first-then-hang',
      chat: (messages, sampling, call) => (calls++ === 0 ? scriptedModel(WRONG).chat(messages, sampling, call) : hanging.chat(messages, sampling, call)),
    };
    const running = runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox('assert')), {
      ...options,
      signal: controller.signal,
      onStep: (step) => {
        reported.push(step);
        if (step.kind === 'execute') setTimeout(() => controller.abort(), 5);
      },
    });
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(hanging.aborted).toBe(true);
    expect(kinds(reported)).toEqual(['generate:generator', 'execute:stage1.executor']);
  });

  it('does not start when the signal is already aborted', async () => {
    const model = scriptedModel();
    const controller = new AbortController();
    controller.abort();
    await expect(
      runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox()), { ...options, signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(model.calls).toHaveLength(0);
  });
});

describe('resume', () => {
  const replies = [WRONG, 'diagnosis', WRONG, 'diagnosis', RIGHT, WRONG];
  const runs = ['assert', 'name-error', 'assert', 'pass'] as const;
  const pipeline = { ...withStages(stage(1, 2, true), stage(2, 1)), earlyStopping: false };

  it('continues after any recorded step without calling a port again, giving the same trajectory', async () => {
    const reported: Step[] = [];
    const whole = await runProblem(problem, pipeline, ports(scriptedModel(...replies), scriptedSandbox(...runs)), {
      ...options,
      onStep: (s) => reported.push(s),
    });
    expect(reported).toEqual(whole.steps);
    const modelSteps = whole.steps.filter((s) => s.kind !== 'execute').length;

    for (let crashAfter = 0; crashAfter <= whole.steps.length; crashAfter++) {
      // What the store held when the run died, after a round trip through JSON.
      const prior = JSON.parse(JSON.stringify(whole.steps.slice(0, crashAfter))) as Step[];
      const modelDone = prior.filter((s) => s.kind !== 'execute').length;
      const runsDone = prior.length - modelDone;
      const model = scriptedModel(...replies.slice(modelDone, modelSteps));
      const sandbox = scriptedSandbox(...runs.slice(runsDone));
      const again: Step[] = [];
      const resumed = await runProblem(problem, pipeline, ports(model, sandbox), {
        ...options,
        priorSteps: prior,
        onStep: (s) => again.push(s),
      });
      expect(resumed).toEqual(whole);
      expect(model.calls).toHaveLength(modelSteps - modelDone);
      expect(sandbox.programs).toHaveLength(runs.length - runsDone);
      // Only the new steps are reported, so nothing is persisted twice.
      expect(again).toEqual(whole.steps.slice(crashAfter));
    }
  });

  it('does not grant a resumed problem a fresh time cap', async () => {
    let clock = 0;
    const model = perProblemModel(() => {
      clock += 70_000;
      return WRONG;
    });
    const first = await runProblem(problem, llamaSelfRefine, ports(model, scriptedSandbox('assert', 'assert')), {
      ...options,
      now: () => clock,
    });
    expect(first.stopReason).toBe('time-cap');
    // The run died after its third step; a new session with a new clock resumes it.
    const resumedModel = scriptedModel();
    const resumed = await runProblem(problem, llamaSelfRefine, ports(resumedModel, scriptedSandbox()), {
      ...options,
      now: () => 5,
      priorSteps: first.steps,
    });
    expect(resumed).toEqual(first);
    expect(resumedModel.calls).toHaveLength(0);
  });

  it('refuses steps recorded for another pipeline', async () => {
    const whole = await runProblem(problem, pipeline, ports(scriptedModel(...replies), scriptedSandbox(...runs)), options);
    const other = { ...pipeline, stages: [stage(1, 2, false)] };
    await expect(
      runProblem(problem, other, ports(scriptedModel(), scriptedSandbox()), { ...options, priorSteps: whole.steps.slice(0, 3) }),
    ).rejects.toThrow(/Cannot resume HumanEval\/900 from its recorded steps: step 2 \(analyze of stage1\.analyzer.*app was probably updated/);
  });

  it('with onReplayDiverged, keeps the recorded steps that still fit and runs on live from the first that does not', async () => {
    const whole = await runProblem(problem, pipeline, ports(scriptedModel(...replies), scriptedSandbox(...runs)), options);
    // An update of the app dropped the analyzer: recorded step 2 is an analysis the pipeline no longer asks for.
    const other = { ...pipeline, stages: [stage(1, 2, false)] };
    const model = scriptedModel(WRONG, RIGHT);
    const sandbox = scriptedSandbox('assert', 'pass');
    const reported: Step[] = [];
    const divergences: unknown[] = [];
    const resumed = await runProblem(problem, other, ports(model, sandbox), {
      ...options,
      priorSteps: whole.steps,
      onStep: (s) => reported.push(s),
      onReplayDiverged: (d) => divergences.push(d),
    });
    expect(divergences).toEqual([{ fromIndex: 2, dropped: whole.steps.length - 2, reason: expect.stringMatching(/asks for a refine of stage1\.refiner/) as string }]);
    expect(resumed.steps.slice(0, 2)).toEqual(whole.steps.slice(0, 2));
    expect(kinds(resumed.steps)).toEqual([
      'generate:generator',
      'execute:stage1.executor',
      'refine:stage1.refiner',
      'execute:stage1.executor',
      'refine:stage1.refiner',
      'execute:final.executor',
    ]);
    expect(resumed.steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
    // Only the live steps are reported (and so stored); the kept ones were stored already.
    expect(reported).toEqual(resumed.steps.slice(2));
    expect(model.calls).toHaveLength(2);
    expect(resumed.passed).toBe(true);
  });

  it('with onReplayDiverged, drops recorded steps beyond where the pipeline now ends', async () => {
    // Recorded with every iteration run; the run now stops at the first pass.
    const forced = await runProblem(problem, llamaSelfRefine, ports(perProblemModel(() => RIGHT), judgingSandbox(addsCorrectly)), {
      ...options,
      forcedIterations: true,
    });
    expect(forced.steps.length).toBeGreaterThan(2);
    const divergences: unknown[] = [];
    const model = scriptedModel();
    const resumed = await runProblem(problem, llamaSelfRefine, ports(model, judgingSandbox(addsCorrectly)), {
      ...options,
      priorSteps: forced.steps,
      onReplayDiverged: (d) => divergences.push(d),
    });
    expect(divergences).toEqual([{ fromIndex: 2, dropped: forced.steps.length - 2, reason: expect.stringMatching(/ends the run before it/) as string }]);
    expect(resumed.steps).toEqual(forced.steps.slice(0, 2));
    expect(resumed.passed).toBe(true);
    expect(model.calls).toHaveLength(0);
  });
});

describe('the text-only control', () => {
  it('plans, critiques and revises without any execution feedback, then executes once', async () => {
    const pipeline: TextOnlyPipeline = { ...textOnlyPipeline('qwen2.5:3b', 2) };
    const model = scriptedModel(WRONG, 'Looks fine.', WRONG, 'Maybe check negatives.', WRONG);
    const sandbox = scriptedSandbox('name-error');
    const t = await runProblem(problem, pipeline, ports(model, sandbox), options);
    expect(kinds(t.steps)).toEqual([
      'plan:planner',
      'critique:critic',
      'revise:reviser',
      'critique:critic',
      'revise:reviser',
      'execute:executor',
    ]);
    expect(sandbox.programs).toHaveLength(1);
    for (const call of model.calls) {
      expect(call.messages.map((m) => m.role)).toEqual(['system', 'user']);
      expect(call.messages[1]?.content).not.toMatch(/Traceback|NameError|not defined|Failing test|timed out/i);
    }
    expect(t).toMatchObject({ passed: false, stopReason: 'completed', verdict: { category: 'NameError' } });
  });
});

describe('the resample control', () => {
  const resample: ResamplePipeline = {
    kind: 'resample',
    id: 'resample',
    name: 'resample',
    generator: llamaSelfRefine.generator,
    k: 4,
  };

  it('draws fresh, identical chats and keeps the first sample that passes', async () => {
    const model = scriptedModel(WRONG, WRONG, RIGHT, RIGHT);
    const sandbox = judgingSandbox(addsCorrectly);
    const t = await runProblem(problem, resample, ports(model, sandbox), options);
    expect(kinds(t.steps)).toEqual([
      'generate:generator',
      'execute:executor',
      'generate:generator',
      'execute:executor',
      'generate:generator',
      'execute:executor',
    ]);
    expect(model.calls).toHaveLength(3);
    expect(new Set(model.calls.map((c) => JSON.stringify(c.messages))).size).toBe(1);
    expect(model.calls.map((c) => c.context?.iteration)).toEqual([0, 1, 2]);
    expect(t).toMatchObject({ passed: true, stopReason: 'early-stop', finalCode: 'def add(a, b):\n    return a + b' });
  });

  it('fails after k failing samples', async () => {
    const model = scriptedModel(WRONG, WRONG, WRONG, WRONG);
    const t = await runProblem(problem, resample, ports(model, judgingSandbox(addsCorrectly)), options);
    expect(verdicts(t.steps)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(t).toMatchObject({ passed: false, stopReason: 'completed' });
  });
});

describe('steps', () => {
  it('are plain data with what a results reader needs', async () => {
    let clock = 1000;
    const model: ScriptedModel = scriptedModel(WRONG, RIGHT);
    const t = await runProblem(problem, llamaSelfRefine, ports(model, judgingSandbox(addsCorrectly)), {
      ...options,
      now: () => (clock += 10),
    });
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
    expect(t.steps.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    const generate = t.steps[0] as ModelStep;
    expect(generate).toMatchObject({
      kind: 'generate',
      stage: null,
      iteration: 0,
      modelKey: 'llama3.2:3b',
      modelId: 'scripted',
      temperature: 0.3,
      maxTokens: 512,
      promptId: 'generator.plain',
      reply: WRONG,
      code: 'def add(a, b):\n    return a - b',
      // Study mode: the study's own extraction rule found the block.
      extraction: 'study-fenced-block',
      finishReason: 'stop',
    });
    expect(generate.usage.completionTokens).toBeGreaterThan(0);
    expect(generate.endedAt).toBeGreaterThan(generate.startedAt);
    const execute = t.steps[1];
    expect(execute).toMatchObject({ kind: 'execute', stage: 1, iteration: 1, mode: 'study', limits: { timeoutMs: 10_000 } });
    for (let i = 1; i < t.steps.length; i++) {
      expect(t.steps[i]!.startedAt).toBeGreaterThanOrEqual(t.steps[i - 1]!.endedAt);
    }
  });
});

describe('code extraction follows the harness mode', () => {
  // A reasoning model's reply, cut off at the token limit inside its code block.
  const CUT_OFF = '<think>\nAdd them.\n</think>\n```python\nfrom typing import List\n\n\ndef add(a: int, b: int) -> int:\n    return a + b\n';

  it('records the rule that ran and the thinking removed; study mode drops the import the study dropped', async () => {
    const study = await runProblem(problem, llamaSolo, ports(scriptedModel(CUT_OFF), scriptedSandbox('name-error')), options);
    expect(study.steps[0]).toMatchObject({ extraction: 'study-from-first-def', thinkingRemoved: true, code: 'def add(a: int, b: int) -> int:\n    return a + b' });
    const standard = await runProblem(problem, llamaSolo, ports(scriptedModel(CUT_OFF), scriptedSandbox('pass')), { ...options, mode: 'standard' });
    expect(standard.steps[0]).toMatchObject({ extraction: 'unterminated-fence', thinkingRemoved: true, code: expect.stringMatching(/^from typing import List\n/) });
  });

  it('on resume, drops a recorded step whose code this version takes from its reply otherwise', async () => {
    const standard = await runProblem(problem, llamaSolo, ports(scriptedModel(CUT_OFF), scriptedSandbox('pass')), { ...options, mode: 'standard' });
    // The same steps read back into a study-mode run, as an older build (which extracted the same way in both modes) recorded them.
    const older = standard.steps.map((s) => ({ ...s, ...(s.kind === 'execute' ? { mode: 'study' as const } : {}) }));
    const divergences: ReplayDivergence[] = [];
    const model = scriptedModel(CUT_OFF);
    const resumed = await runProblem(problem, llamaSolo, ports(model, scriptedSandbox('name-error')), {
      ...options,
      priorSteps: older,
      onReplayDiverged: (d) => divergences.push(d),
    });
    expect(divergences).toEqual([{ fromIndex: 0, dropped: 2, reason: expect.stringMatching(/code this version of the app takes from its reply differs/) as string }]);
    expect(resumed.steps[0]).toMatchObject({ extraction: 'study-from-first-def' });
    expect(model.calls).toHaveLength(1);
  });
});
