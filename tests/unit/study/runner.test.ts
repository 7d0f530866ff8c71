import { describe, expect, it } from 'vitest';
import { resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { unitSteps } from '../../../src/core/results/result-file.ts';
import { perProblemModel, type ScriptedCall } from '../../../src/core/llm/scripted-model.ts';
import type { Step } from '../../../src/core/pipeline/trajectory.ts';
import type { LanguageModel, Sandbox, StoredStudy, StudyStore } from '../../../src/core/ports.ts';
import type { StudyConfig } from '../../../src/core/study/config.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { PauseSwitch } from '../../../src/core/study/pause-switch.ts';
import type { StudyProgress } from '../../../src/core/study/progress.ts';
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

  it('sends the study\'s top_p and seed with every call', async () => {
    const draft = studyDraft();
    const config = studyConfig({ ...draft, repeats: 1, arms: draft.arms.slice(0, 1), sampling: { topP: 0.9 }, seeds: { sampling: 42 } });
    const model = truthModel();
    await runStudy(config, PROBLEMS, ports(new MemoryStudyStore(), model), fast);
    expect(model.calls.map((c) => c.options)).toEqual(PROBLEMS.map(() => ({ temperature: 0.3, max_tokens: 512, top_p: 0.9, seed: 42 })));
  });
});
