import { describe, expect, it } from 'vitest';
import { resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { unitSteps } from '../../../src/core/results/result-file.ts';
import { perProblemModel, type ScriptedCall } from '../../../src/core/llm/scripted-model.ts';
import { resamplePipeline } from '../../../src/core/pipeline/presets.ts';
import type { Step } from '../../../src/core/pipeline/trajectory.ts';
import type { LanguageModel, Sandbox, StoredStudy, StudyStore } from '../../../src/core/ports.ts';
import type { StudyConfig } from '../../../src/core/study/config.ts';
import type { StudyDraft } from '../../../src/core/study/create-config.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { PauseSwitch } from '../../../src/core/study/pause-switch.ts';
import type { StudyProgress } from '../../../src/core/study/progress.ts';
import { MAX_RETRY_AFTER_MS, retryWait } from '../../../src/core/study/retry-wait.ts';
import { runStudy, type RunStudyOptions, type StudyPorts } from '../../../src/core/study/runner.ts';
import { PROBLEMS, TRUTH, judgeProgram, studyConfig, studyDraft, truthAnswer, truthModel, truthSandbox } from './study-fixtures.ts';

/** A memory store that also remembers every step write it received, replays included. */
class CountingStore extends MemoryStudyStore {
  readonly stepWrites: string[] = [];
  override async appendStep(studyId: string, unitId: string, step: Step): Promise<void> {
    this.stepWrites.push(`${unitId}#${step.index}`);
    return super.appendStep(studyId, unitId, step);
  }
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function ports(store: StudyStore, model: LanguageModel = truthModel(), sandbox: Sandbox = truthSandbox()): StudyPorts {
  return { model: () => model, sandbox, store, now: () => 0 };
}

const fast: RunStudyOptions = { concurrency: 3, retryDelayMs: 0 };

/** Passed per repeat for each arm, from the finished units in the store. */
function passedPerRepeat(stored: StoredStudy, config: StudyConfig): Record<string, number[]> {
  return Object.fromEntries(
    config.arms.map((arm) => [
      arm.id,
      Array.from({ length: config.repeats }, (_, r) =>
        stored.finished.filter((f) => f.armId === arm.id && f.repeat === r && f.result.status === 'finished' && f.result.trajectory.passed).length,
      ),
    ]),
  );
}

/** Steps as stored, for comparing two runs step by step. */
function stepList(stored: StoredStudy): string[] {
  return stored.steps.map(({ unitId, step }) => `${unitId}#${step.index} ${JSON.stringify(step)}`);
}

async function uninterrupted(): Promise<StoredStudy> {
  const store = new MemoryStudyStore();
  await runStudy(studyConfig(), PROBLEMS, ports(store), fast);
  return (await store.loadStudy(studyConfig().id))!;
}

describe('runStudy and model loading', () => {
  it("passes a model's prepare on, so a first download is not charged to a problem's time cap", async () => {
    const clock = { now: 0 };
    const inner = truthModel();
    let loaded = false;
    // Like WebLLM on a fresh browser: the first prepare or chat spends 10 minutes downloading.
    const load = () => {
      if (!loaded) clock.now += 600_000;
      loaded = true;
    };
    const model: LanguageModel = {
      id: inner.id,
      chat: async (messages, sampling, call) => {
        load();
        return inner.chat(messages, sampling, call);
      },
      prepare: async () => load(),
    };
    const store = new MemoryStudyStore();
    const config = studyConfig();
    await runStudy(config, PROBLEMS, { model: () => model, sandbox: truthSandbox(), store, now: () => clock.now }, fast);
    const stored = (await store.loadStudy(config.id))!;
    expect(clock.now).toBe(600_000);
    expect(stored.finished.filter((f) => f.result.status === 'finished' && f.result.trajectory.stopReason === 'time-cap')).toEqual([]);
    expect(passedPerRepeat(stored, config)).toEqual(TRUTH);
  });
});

describe('runStudy', () => {
  it('runs 3 arms × 2 repeats × 5 problems and ends with the scripted truth', async () => {
    const store = new MemoryStudyStore();
    const config = studyConfig();
    const end = await runStudy(config, PROBLEMS, ports(store), fast);
    const stored = (await store.loadStudy(config.id))!;
    expect(end.status).toBe('done');
    expect(stored.status).toBe('done');
    expect(stored.finished).toHaveLength(30);
    expect(passedPerRepeat(stored, config)).toEqual(TRUTH);
    expect(end.progress.arms.map((a) => [a.armId, a.passed, a.done])).toEqual([
      ['solo', 3, 10],
      ['refine', 7, 10],
      ['text-only', 3, 10],
    ]);
    // Every finished unit's step count matches the steps stored for it.
    for (const f of stored.finished) {
      const count = stored.steps.filter((s) => s.unitId === f.unitId).length;
      expect(f.result.status === 'finished' && f.result.trajectory.stepCount).toBe(count);
    }
  });

  it('after a crash at any point, a new session ends with exactly the steps of an uninterrupted run', async () => {
    const whole = await uninterrupted();
    for (const crashAfter of [1, 2, 7, 19, 40, whole.steps.length - 1]) {
      const store = new CountingStore();
      const crash = new AbortController();
      let seen = 0;
      const first = await runStudy(studyConfig(), PROBLEMS, ports(store), {
        ...fast,
        signal: crash.signal,
        onStep: () => {
          if (++seen === crashAfter) crash.abort();
        },
      });
      expect(first.status).toBe('cancelled');
      // A new page: new model, sandbox and runner; only the store survived.
      const second = await runStudy(studyConfig(), PROBLEMS, ports(store), fast);
      expect(second.status).toBe('done');
      const stored = (await store.loadStudy(studyConfig().id))!;
      expect(stepList(stored)).toEqual(stepList(whole));
      expect(stored.finished.sort((a, b) => a.unitId.localeCompare(b.unitId))).toEqual(
        whole.finished.sort((a, b) => a.unitId.localeCompare(b.unitId)),
      );
      // No step was written twice, even though the store would have swallowed the double.
      expect(new Set(store.stepWrites).size).toBe(store.stepWrites.length);
    }
  });

  it('skips a study that is already done without calling the model', async () => {
    const store = new MemoryStudyStore();
    await runStudy(studyConfig(), PROBLEMS, ports(store), fast);
    const model = truthModel();
    const again = await runStudy(studyConfig(), PROBLEMS, ports(store, model), fast);
    expect(again.status).toBe('done');
    expect(again.progress.doneUnits).toBe(30);
    expect(model.calls).toHaveLength(0);
  });

  it('pauses after the steps in flight, starts nothing while paused, and resumes to the same result', async () => {
    const whole = await uninterrupted();
    const store = new CountingStore();
    const pause = new PauseSwitch();
    const states: StudyProgress['state'][] = [];
    let steps = 0;
    const slowModel = perProblemModel(async (call) => {
      await tick(1);
      return truthAnswer(call);
    });
    const running = runStudy(studyConfig(), PROBLEMS, ports(store, slowModel), {
      ...fast,
      pause,
      onProgress: (p) => states.push(p.state),
      onStep: () => {
        if (++steps === 10) pause.pause();
      },
    });
    while (states[states.length - 1] !== 'paused') await tick(1);
    expect(states).toContain('pausing');
    expect((await store.loadStudy(studyConfig().id))!.status).toBe('paused');
    const atPause = store.stepWrites.length;
    const callsAtPause = slowModel.calls.length;
    await tick(20);
    expect(store.stepWrites.length).toBe(atPause);
    expect(slowModel.calls.length).toBe(callsAtPause);

    pause.resume();
    const end = await running;
    expect(end.status).toBe('done');
    const stored = (await store.loadStudy(studyConfig().id))!;
    expect(stepList(stored)).toEqual(stepList(whole));
    expect(new Set(store.stepWrites).size).toBe(store.stepWrites.length);
  });

  it('cancels: units in flight stop, finished steps stay stored, the study is marked cancelled', async () => {
    const store = new MemoryStudyStore();
    const cancel = new AbortController();
    let steps = 0;
    const end = await runStudy(studyConfig(), PROBLEMS, ports(store), {
      ...fast,
      signal: cancel.signal,
      onStep: () => {
        if (++steps === 12) cancel.abort();
      },
    });
    const stored = (await store.loadStudy(studyConfig().id))!;
    expect(end.status).toBe('cancelled');
    expect(stored.status).toBe('cancelled');
    expect(stored.steps.length).toBeGreaterThanOrEqual(12);
    expect(end.progress.doneUnits).toBeLessThan(30);
    expect(end.progress.doneUnits).toBe(stored.finished.length);
  });

  it('cancels while paused', async () => {
    const store = new MemoryStudyStore();
    const pause = new PauseSwitch();
    pause.pause();
    const cancel = new AbortController();
    const running = runStudy(studyConfig(), PROBLEMS, ports(store), { ...fast, pause, signal: cancel.signal });
    await tick(5);
    expect((await store.loadStudy(studyConfig().id))!.status).toBe('paused');
    cancel.abort();
    expect((await running).status).toBe('cancelled');
    expect((await store.loadStudy(studyConfig().id))!.steps).toHaveLength(0);
  });

  it('never overlaps two model calls on one engine, while sandbox runs overlap model calls', async () => {
    let modelsInFlight = 0;
    let mostModels = 0;
    let runsInFlight = 0;
    let overlaps = 0;
    const model = perProblemModel(async (call: ScriptedCall) => {
      mostModels = Math.max(mostModels, ++modelsInFlight);
      if (runsInFlight > 0) overlaps++;
      await tick(2);
      modelsInFlight--;
      return truthAnswer(call);
    });
    const sandbox: Sandbox = {
      async run(program) {
        runsInFlight++;
        if (modelsInFlight > 0) overlaps++;
        await tick(3);
        runsInFlight--;
        return judgeProgram(program);
      },
      async close() {},
    };
    const store = new MemoryStudyStore();
    const end = await runStudy(studyConfig(), PROBLEMS, ports(store, model, sandbox), { ...fast, concurrency: 4 });
    expect(end.status).toBe('done');
    expect(mostModels).toBe(1);
    expect(overlaps).toBeGreaterThan(0);
    expect(passedPerRepeat((await store.loadStudy(studyConfig().id))!, studyConfig())).toEqual(TRUTH);
  });

  it('retries a unit whose model failed once, without doubling its steps', async () => {
    const failedOnce = new Set<string>();
    const model = perProblemModel((call) => {
      const key = `${call.context?.problemId} ${call.context?.repeat} ${call.context?.nodeId} ${call.context?.iteration}`;
      // The refiner of HumanEval/901 fails on its first try: the unit resumes after the generation.
      if (call.context?.nodeId === 'stage1.refiner' && call.context.problemId === 'HumanEval/901' && !failedOnce.has(key)) {
        failedOnce.add(key);
        return new Error('The endpoint closed the connection.');
      }
      return truthAnswer(call);
    });
    const store = new CountingStore();
    const end = await runStudy(studyConfig(), PROBLEMS, ports(store, model), fast);
    expect(end.progress.erroredUnits).toBe(0);
    const stored = (await store.loadStudy(studyConfig().id))!;
    expect(passedPerRepeat(stored, studyConfig())).toEqual(TRUTH);
    expect(stepList(stored)).toEqual(stepList(await uninterrupted()));
    expect(new Set(store.stepWrites).size).toBe(store.stepWrites.length);
  });

  it('records a unit whose model keeps failing as errored, with the message, and finishes the study', async () => {
    const model = perProblemModel((call) =>
      call.context?.problemId === 'HumanEval/903' && call.context.repeat === 1 ? new Error('GPU device was lost.') : truthAnswer(call),
    );
    const store = new MemoryStudyStore();
    const end = await runStudy(studyConfig(), PROBLEMS, ports(store, model), { ...fast, maxAttempts: 2 });
    expect(end.status).toBe('done');
    expect(end.progress.erroredUnits).toBe(3);
    const errored = (await store.loadStudy(studyConfig().id))!.finished.filter((f) => f.result.status === 'errored');
    expect(errored.map((f) => f.unitId).sort()).toEqual(['refine/1/HumanEval/903', 'solo/1/HumanEval/903', 'text-only/1/HumanEval/903']);
    expect(errored[0]?.result).toMatchObject({ status: 'errored', message: 'GPU device was lost.', attempts: 2 });

    // A later session may retry the errored units once the GPU is back.
    const retried = await runStudy(studyConfig(), PROBLEMS, ports(store), { ...fast, retryErrored: true });
    expect(retried.progress.erroredUnits).toBe(0);
    expect(passedPerRepeat((await store.loadStudy(studyConfig().id))!, studyConfig())).toEqual(TRUTH);
  });

  it('does not try again a unit whose model refused it for good (a key, a model name, a prompt too long): it is errored at once', async () => {
    const refusal = Object.assign(new Error('The server does not serve a model called llama3.2:3b.'), { lasting: true });
    const model = perProblemModel((call) => (call.context?.problemId === 'HumanEval/903' && call.context.repeat === 1 ? refusal : truthAnswer(call)));
    const retries: number[] = [];
    const store = new MemoryStudyStore();
    const end = await runStudy(studyConfig(), PROBLEMS, ports(store, model), { ...fast, maxAttempts: 3, onRetry: (_unit, retry) => retries.push(retry.attempt) });
    expect(end.progress.erroredUnits).toBe(3);
    const errored = (await store.loadStudy(studyConfig().id))!.finished.filter((f) => f.result.status === 'errored');
    expect(errored.map((f) => f.result)).toEqual(Array(3).fill(expect.objectContaining({ status: 'errored', attempts: 1 })));
    // No "trying it again" for any of them, and the model was asked once per unit.
    expect(retries).toEqual([]);
    expect(model.calls.filter((call) => call.context?.problemId === 'HumanEval/903' && call.context.repeat === 1)).toHaveLength(3);
  });

  it('records a unit whose server never starts answering as errored, not failed by a shorter time cap, and a later session runs it again', async () => {
    const config = studyConfig({ ...studyDraft(), limits: { problemTimeCapMs: 20 } });
    const silentUnit = (call: ScriptedCall) => call.context?.problemId === 'HumanEval/903' && call.context.repeat === 1;
    // The server accepts the request and says nothing; the engine gives up after its first-token limit (40 ms, past the 20 ms cap).
    const model = perProblemModel(async (call) => {
      if (!silentUnit(call)) return truthAnswer(call);
      await tick(40);
      return new Error('The server sent no text within 40 ms of the request.');
    });
    const store = new MemoryStudyStore();
    const end = await runStudy(config, PROBLEMS, ports(store, model), { ...fast, maxAttempts: 2 });
    expect(end.progress.erroredUnits).toBe(3);
    const stored = (await store.loadStudy(config.id))!;
    const errored = stored.finished.filter((f) => f.result.status === 'errored');
    expect(errored.map((f) => f.result)).toEqual(
      Array(3).fill(expect.objectContaining({ status: 'errored', message: 'The server sent no text within 40 ms of the request.', attempts: 2, stepCount: 0 })),
    );
    expect(stored.finished.filter((f) => f.result.status === 'finished' && f.result.trajectory.stopReason === 'time-cap')).toEqual([]);

    // Once the server answers again, a resume ("run errored units again") finishes them.
    const retried = await runStudy(config, PROBLEMS, ports(store), { ...fast, retryErrored: true });
    expect(retried.progress.erroredUnits).toBe(0);
    expect(passedPerRepeat((await store.loadStudy(config.id))!, config)).toEqual(TRUTH);
  });

  describe('after a rate limit (HTTP 429)', () => {
    const limited = (retryAfterMs?: number) =>
      Object.assign(new Error('The server kept refusing because of rate limits (429 Too Many Requests).'), {
        status: 429,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    // The three units (one per arm) of HumanEval/903, repeat 1.
    const oneUnit = (call: ScriptedCall) => call.context?.problemId === 'HumanEval/903' && call.context.repeat === 1;

    it('waits as long as the server asked before trying the unit again, and says so', async () => {
      let refusals = 0;
      const model = perProblemModel((call) => (oneUnit(call) && refusals++ < 2 ? limited(30) : truthAnswer(call)));
      const retries: object[] = [];
      const store = new MemoryStudyStore();
      const end = await runStudy(studyConfig(), PROBLEMS, ports(store, model), {
        ...fast,
        concurrency: 1,
        retryDelayMs: 10_000,
        onRetry: (_unit, { attempt, delayMs, rateLimit }) => retries.push({ attempt, delayMs, rateLimit }),
      });
      // The server's 30 ms, not the 10 s (here) after other failures; the third attempt is answered.
      expect(retries).toEqual([
        { attempt: 1, delayMs: 30, rateLimit: 'server-asked' },
        { attempt: 2, delayMs: 30, rateLimit: 'server-asked' },
      ]);
      expect(end.progress.erroredUnits).toBe(0);
      expect(passedPerRepeat((await store.loadStudy(studyConfig().id))!, studyConfig())).toEqual(TRUTH);
    });

    it('without a wait from the server, backs off long enough for a limit per minute to reset: 30 s, then 60 s', async () => {
      expect(retryWait(limited(), 1)).toEqual({ delayMs: 30_000, rateLimit: 'backoff' });
      expect(retryWait(limited(), 2)).toEqual({ delayMs: 60_000, rateLimit: 'backoff' });
      expect(retryWait(limited(), 3)).toEqual({ delayMs: 60_000, rateLimit: 'backoff' });
      // Other failures keep their 2 s, 4 s.
      expect(retryWait(new Error('The connection to the server closed before the reply finished.'), 1)).toEqual({ delayMs: 2000 });
      expect(retryWait(new Error('The connection to the server closed before the reply finished.'), 2)).toEqual({ delayMs: 4000 });
    });

    it('waits as long as a server that is not limiting requests asked (a 503 with Retry-After: a model loading), up to the same 5 minutes', () => {
      const loading = (retryAfterMs: number) => Object.assign(new Error('The server failed (503 Service Unavailable).'), { status: 503, retryAfterMs });
      expect(retryWait(loading(120_000), 1)).toEqual({ delayMs: 120_000, serverAsked: true });
      expect(retryWait(loading(120_000), 2)).toEqual({ delayMs: 120_000, serverAsked: true });
      expect(retryWait(loading(MAX_RETRY_AFTER_MS + 1), 1)).toBeNull();
    });

    it('waits at most 5 minutes for the server: a unit asked to wait longer (a daily quota) errors at once with the message', async () => {
      expect(retryWait(limited(MAX_RETRY_AFTER_MS), 1)).toEqual({ delayMs: MAX_RETRY_AFTER_MS, rateLimit: 'server-asked' });
      const model = perProblemModel((call) => (oneUnit(call) ? limited(3_600_000) : truthAnswer(call)));
      const retries: number[] = [];
      const store = new MemoryStudyStore();
      const end = await runStudy(studyConfig(), PROBLEMS, ports(store, model), { ...fast, onRetry: (_unit, retry) => retries.push(retry.attempt) });
      expect(end.progress.erroredUnits).toBe(3);
      expect(retries).toEqual([]);
      const errored = (await store.loadStudy(studyConfig().id))!.finished.filter((f) => f.result.status === 'errored');
      expect(errored[0]?.result).toMatchObject({ attempts: 1, message: expect.stringMatching(/rate limits/) });
    });

    it('stops at once when the study is stopped during the wait', async () => {
      const model = perProblemModel((call) => (oneUnit(call) ? limited() : truthAnswer(call)));
      const cancel = new AbortController();
      const startedAt = Date.now();
      const end = await runStudy(studyConfig(), PROBLEMS, ports(new MemoryStudyStore(), model), {
        ...fast,
        signal: cancel.signal,
        onRetry: () => setTimeout(() => cancel.abort(), 5),
      });
      expect(end.status).toBe('cancelled');
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    });

    it('pauses at once when paused during the wait, and the unit starts afresh on resume', async () => {
      const pause = new PauseSwitch();
      // The limit has reset by the time the study is resumed.
      let pausedOnce = false;
      const model = perProblemModel((call) => (oneUnit(call) && !pausedOnce ? limited() : truthAnswer(call)));
      const states: StudyProgress['state'][] = [];
      const store = new MemoryStudyStore();
      const startedAt = Date.now();
      const running = runStudy(studyConfig(), PROBLEMS, ports(store, model), {
        ...fast,
        pause,
        onProgress: (p) => states.push(p.state),
        onRetry: () =>
          setTimeout(() => {
            pausedOnce = true;
            pause.pause();
          }, 5),
      });
      while (states[states.length - 1] !== 'paused') await tick(5);
      // Not after the 30 s wait.
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      pause.resume();
      const end = await running;
      expect(end).toMatchObject({ status: 'done', progress: { erroredUnits: 0 } });
      expect(passedPerRepeat((await store.loadStudy(studyConfig().id))!, studyConfig())).toEqual(TRUTH);
    });
  });

  it('a crash while an errored unit is retried leaves a store that still exports, and the next session ends as if nothing broke', async () => {
    const unit = 'refine/0/HumanEval/901';
    // Session 1: the refiner of one unit keeps failing; it is recorded errored after its generation and first run.
    const downModel = perProblemModel((call) =>
      call.context?.nodeId === 'stage1.refiner' && call.context.problemId === 'HumanEval/901' && call.context.repeat === 0
        ? new Error('The endpoint closed the connection.')
        : truthAnswer(call),
    );
    const store = new CountingStore();
    await runStudy(studyConfig(), PROBLEMS, ports(store, downModel), { ...fast, maxAttempts: 1 });
    const before = (await store.loadStudy(studyConfig().id))!;
    expect(before.finished.find((f) => f.unitId === unit)?.result).toMatchObject({ status: 'errored', stepCount: 2 });

    // Session 2 retries it; the tab dies right after the refiner's step is stored.
    const crash = new AbortController();
    const second = await runStudy(studyConfig(), PROBLEMS, ports(store), {
      ...fast,
      retryErrored: true,
      signal: crash.signal,
      onStep: () => crash.abort(),
    });
    expect(second.status).toBe('cancelled');
    const cut = (await store.loadStudy(studyConfig().id))!;
    expect(cut.steps.filter((s) => s.unitId === unit)).toHaveLength(3);
    // Exporting now (a result file, a checkpoint of the command line) holds the unit with all its steps, as not finished.
    const exported = resultUnitsFromStore(cut).find((u) => `${u.armId}/${u.repeat}/${u.problemId}` === unit);
    expect(exported?.status).toBe('unfinished');
    expect(exported && unitSteps(exported).map((s) => s.index)).toEqual([0, 1, 2]);

    // Session 3 finishes it from its stored steps, to exactly what an uninterrupted run stores.
    const third = await runStudy(studyConfig(), PROBLEMS, ports(store), { ...fast, retryErrored: true });
    expect(third.progress.erroredUnits).toBe(0);
    const whole = await uninterrupted();
    const after = (await store.loadStudy(studyConfig().id))!;
    expect(stepList(after)).toEqual(stepList(whole));
    expect(resultUnitsFromStore(after)).toEqual(resultUnitsFromStore(whole));
    expect(new Set(store.stepWrites).size).toBe(store.stepWrites.length);
  });

  it('stops with a clear error when the sandbox itself breaks', async () => {
    const broken: Sandbox = {
      run: async () => {
        throw new Error('Pyodide could not load.');
      },
      async close() {},
    };
    const store = new MemoryStudyStore();
    await expect(runStudy(studyConfig(), PROBLEMS, ports(store, truthModel(), broken), fast)).rejects.toThrow(
      'The Python sandbox stopped working: Pyodide could not load.',
    );
    // Stored as stopped by an error, so that it waits for Resume instead of passing for a run a
    // closed tab cut off, and its card does not say the user cancelled it.
    expect((await store.loadStudy(studyConfig().id))?.status).toBe('failed');
  });

  it('stops when a step cannot be stored', async () => {
    const store = new MemoryStudyStore();
    store.appendStep = async () => {
      throw new Error('QuotaExceededError: the disk is full.');
    };
    await expect(runStudy(studyConfig(), PROBLEMS, ports(store), fast)).rejects.toThrow('the disk is full');
  });

  it('refuses to start when a problem of the study is not loaded', async () => {
    await expect(runStudy(studyConfig(), PROBLEMS.slice(1), ports(new MemoryStudyStore()), fast)).rejects.toThrow(
      'The study needs problems that are not loaded: HumanEval/900.',
    );
  });

  it('reports done/total, passes per arm, ETA from the recent rate, tokens/s and elapsed time', async () => {
    let clock = 0;
    let tokens = 0;
    const model = perProblemModel((call) => {
      clock += 1000; // every call takes one second
      return truthAnswer(call);
    });
    const config = studyConfig({ ...studyDraft(), repeats: 1 });
    const solo = { ...config, arms: config.arms.slice(0, 1) };
    const seen: StudyProgress[] = [];
    const end = await runStudy(solo, PROBLEMS, { ...ports(new MemoryStudyStore(), model), now: () => clock }, {
      ...fast,
      concurrency: 1,
      onStep: (_unit, step) => {
        if (step.kind !== 'execute') tokens += step.usage.completionTokens;
      },
      onProgress: (p) => seen.push(p),
    });
    const afterTwo = seen.find((p) => p.doneUnits === 2 && p.inFlight === 0)!;
    expect(afterTwo).toMatchObject({ totalUnits: 5, elapsedMs: 2000, etaMs: 3000 });
    expect(afterTwo.arms[0]).toMatchObject({ armId: 'solo', done: 2, passed: 1, total: 5 });
    expect(end.progress).toMatchObject({ state: 'done', doneUnits: 5, etaMs: 0, elapsedMs: 5000 });
    expect(end.progress.tokensPerSecond).toBeCloseTo(tokens / 5);
    expect(seen[0]).toMatchObject({ doneUnits: 0, etaMs: null, tokensPerSecond: null });
  });

  it('counts the time a reply in flight at Pause takes to finish, as it counts that reply\'s tokens (audit R186-1)', async () => {
    // Pause pressed one second into a three-second reply: the reply still finishes, and its
    // tokens count, so its seconds must count too. Stopping the clock at the press read 96 tokens
    // in 0.7 s of a 30 tokens/s server as "144 tokens/s before the pause".
    let clock = 0;
    let tokens = 0;
    const pause = new PauseSwitch();
    const model = perProblemModel(async (call) => {
      if (call.context?.problemId === 'HumanEval/901') {
        clock += 1000;
        pause.pause();
        clock += 2000;
      } else {
        clock += 3000;
      }
      return truthAnswer(call);
    });
    const config = studyConfig({ ...studyDraft(), repeats: 1 });
    const solo = { ...config, arms: config.arms.slice(0, 1) };
    let paused: StudyProgress | undefined;
    const running = runStudy(solo, PROBLEMS, { ...ports(new MemoryStudyStore(), model), now: () => clock }, {
      ...fast,
      concurrency: 1,
      pause,
      onStep: (_unit, step) => {
        if (step.kind !== 'execute') tokens += step.usage.completionTokens;
      },
      onProgress: (p) => {
        if (p.state === 'paused') paused ??= p;
      },
    });
    while (!paused) await tick(1);
    clock += 60_000; // the pause itself is no part of the rate
    // Two replies of three seconds each before the study stood still.
    expect(paused).toMatchObject({ elapsedMs: 6000 });
    expect(paused.tokensPerSecond).toBeCloseTo(tokens / 6);
    pause.resume();
    const end = await running;
    expect(end.progress.elapsedMs).toBe(3000 * PROBLEMS.length);
  });

  it('gives no time left while a unit waits to be tried again, then reads the rate from the units since', async () => {
    let clock = 0;
    let down = true;
    const model = perProblemModel((call) => {
      if (call.context?.problemId === 'HumanEval/901' && down) {
        // The endpoint is gone for ten minutes, then comes back.
        down = false;
        clock += 600_000;
        return new Error('Failed to fetch');
      }
      clock += 1000;
      return truthAnswer(call);
    });
    const config = studyConfig({ ...studyDraft(), repeats: 1 });
    const solo = { ...config, arms: config.arms.slice(0, 1) };
    const seen: StudyProgress[] = [];
    let retried = false;
    let afterRetry: StudyProgress | undefined;
    await runStudy(solo, PROBLEMS, { ...ports(new MemoryStudyStore(), model), now: () => clock }, {
      ...fast,
      concurrency: 1,
      onRetry: () => (retried = true),
      onProgress: (p) => {
        if (retried) afterRetry ??= p;
        seen.push(p);
      },
    });
    expect(afterRetry).toMatchObject({ doneUnits: 1, etaMs: null, tokensPerSecond: null });
    // Back after the outage, a unit takes a second again: three left, three seconds.
    const back = seen.find((p) => p.doneUnits === 2 && p.inFlight === 0)!;
    expect(back).toMatchObject({ elapsedMs: 602_000, etaMs: 3000 });
    // The model's speed leaves the ten minutes out as well: two answers in two seconds of work.
    const beforeOutage = seen.find((p) => p.doneUnits === 1 && p.inFlight === 0 && p.tokensPerSecond !== null)!;
    expect(back.tokensPerSecond! / beforeOutage.tokensPerSecond!).toBeGreaterThan(0.5);
  });

  it('runs every iteration of an arm with forced iterations, recording every verdict', async () => {
    const draft = studyDraft();
    const config = studyConfig({ ...draft, repeats: 1, arms: [{ ...draft.arms[1]!, forcedIterations: true }] });
    const store = new MemoryStudyStore();
    await runStudy(config, PROBLEMS, ports(store), fast);
    const stored = (await store.loadStudy(config.id))!;
    const forHe900 = stored.steps.filter((s) => s.unitId === 'refine/0/HumanEval/900').map((s) => s.step.kind);
    // Right at once, yet refined three times: generate, then (execute, refine) × 3, then the final execution.
    expect(forHe900).toEqual(['generate', 'execute', 'refine', 'execute', 'refine', 'execute', 'refine', 'execute']);
  });

  it('sends the study\'s top_p with every call, and a seed of its own to each call, the same again on a second run', async () => {
    const draft = studyDraft();
    const config = studyConfig({ ...draft, repeats: 3, arms: draft.arms.slice(0, 1), sampling: { topP: 0.9 }, seeds: { sampling: 42 } });
    const sent = async () => {
      const model = truthModel();
      await runStudy(config, PROBLEMS, ports(new MemoryStudyStore(), model), fast);
      return model.calls.map((c) => ({ ...c.options, call: `${c.context!.repeat}/${c.context!.problemId}/${c.context!.nodeId}/${c.context!.iteration}` }));
    };
    const first = await sent();
    expect(first).toHaveLength(3 * PROBLEMS.length);
    expect(first.every((o) => o.temperature === 0.3 && o.max_tokens === 512 && o.top_p === 0.9)).toBe(true);
    // A seed that engines take (a whole number below 2³¹); every repeat of every problem its own,
    // so that repeats are draws, not copies of the first.
    expect(first.every((o) => Number.isInteger(o.seed) && o.seed! >= 0 && o.seed! < 2 ** 31)).toBe(true);
    expect(new Set(first.map((o) => o.seed)).size).toBe(first.length);
    // The same call gets the same seed when the study is run again (or resumed).
    const bySeed = (calls: typeof first) => Object.fromEntries(calls.map((o) => [o.call, o.seed]));
    expect(bySeed(await sent())).toEqual(bySeed(first));
  });

  it("sends top-p 0.9 unless the study says otherwise: the study's Ollama sampled with it, and Ollama's OpenAI-compatible API uses 1.0 when none is sent (audit R217-1)", async () => {
    const draft = studyDraft();
    const sentTopP = async (sampling: StudyDraft['sampling']) => {
      const model = truthModel();
      const config = studyConfig({ ...draft, repeats: 1, arms: draft.arms.slice(0, 1), ...(sampling ? { sampling } : {}) });
      await runStudy(config, PROBLEMS, ports(new MemoryStudyStore(), model), fast);
      return [...new Set(model.calls.map((c) => c.options.top_p))];
    };
    expect(await sentTopP(undefined)).toEqual([0.9]);
    // A draft that asks for the engine's own default sends none.
    expect(await sentTopP({ topP: null })).toEqual([undefined]);
  });

  it('gives each draw of a resample arm its own seed', async () => {
    const draft = studyDraft();
    const config = studyConfig({ ...draft, repeats: 1, arms: [{ id: 'resample', label: 'llama resample ×4', pipeline: resamplePipeline('llama3.2:3b', 4), forcedIterations: false }], seeds: { sampling: 7 } });
    const model = perProblemModel(() => 'def f():\n    return 0  # wrong\n');
    await runStudy(config, PROBLEMS, ports(new MemoryStudyStore(), model), fast);
    const draws = model.calls.filter((c) => c.context!.problemId === PROBLEMS[0]!.id);
    expect(draws).toHaveLength(4);
    expect(new Set(draws.map((c) => c.options.seed)).size).toBe(4);
  });
});
