import { describe, expect, it } from 'vitest';
import { perProblemModel } from '../../../src/core/llm/scripted-model.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import type { LanguageModel, Sandbox } from '../../../src/core/ports.ts';
import { disconnectedError, statusError, unreachableError } from '../../../src/llm/endpoint-errors.ts';
import { StudyRun, erroredInARowLimit } from '../../../src/ui/study/study-run.svelte.ts';
import { studyFailureAdvice } from '../../../src/ui/study/study-failure.ts';
import { currentRun, olderBuildPorts, olderStore } from '../study/older-build-fixtures.ts';
import { PROBLEMS, TRUTH, studyConfig, studyDraft, truthAnswer, truthModel, truthSandbox } from '../study/study-fixtures.ts';

describe('a study running in the page', () => {
  it('stops after a run of errored units (the endpoint went away) instead of marking the whole study errored, and a resume runs them again', async () => {
    const config = studyConfig();
    const store = new MemoryStudyStore();
    const down = perProblemModel(() => new Error('HTTP 503: model is loading'));
    const concurrency = 2;
    const stopped = new StudyRun(config);
    const end = await stopped.run(PROBLEMS, { model: () => down, sandbox: truthSandbox(), store, now: () => 0 }, { concurrency, retryDelayMs: 0 });

    const total = config.arms.length * config.repeats * config.problemIds.length;
    expect(end?.status).toBe('cancelled');
    expect(stopped.phase).toBe('failed');
    expect(stopped.failure).toMatch(/no answer for \d+ units in a row \(last: HTTP 503: model is loading\)/);
    const errored = (await store.loadStudy(config.id))!.finished.filter((f) => f.result.status === 'errored').length;
    expect(errored).toBeGreaterThanOrEqual(erroredInARowLimit(concurrency));
    expect(errored).toBeLessThan(total);
    // Stored as stopped by an error: after a reload its card must not say the user cancelled it.
    expect((await store.loadStudy(config.id))?.status).toBe('failed');

    // The endpoint is back: resuming runs the errored units again, and the study ends with its truth.
    const resumed = new StudyRun(config);
    const done = await resumed.run(PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store, now: () => 0 }, { concurrency, retryErrored: true });
    expect(resumed.phase).toBe('done');
    expect(done?.progress.erroredUnits).toBe(0);
    expect(Object.fromEntries(done!.progress.arms.map((a) => [a.armId, a.passed]))).toEqual(
      Object.fromEntries(Object.entries(TRUTH).map(([arm, perRepeat]) => [arm, perRepeat.reduce((a, b) => a + b, 0)])),
    );
  });

  it('says what its errored units ended with when too few of them error to stop it: a short study on a model the endpoint does not serve', async () => {
    const notServed = statusError(404, 'Not Found', '{"error":"model \\"no-such-model\\" not found"}', {
      endpointUrl: 'http://127.0.0.1:11434/v1/chat/completions',
      model: 'no-such-model',
    });
    // Two units: fewer errored in a row than stop a study, so it ends "done" with both errored.
    const config = studyConfig({ ...studyDraft(), selection: { kind: 'ids', ids: ['HumanEval/900', 'HumanEval/901'] }, arms: studyDraft().arms.slice(0, 1), repeats: 1 });
    const run = new StudyRun(config);
    const model = perProblemModel(() => notServed);
    const end = await run.run(PROBLEMS, { model: () => model, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 1, retryDelayMs: 0 });
    expect(run.phase).toBe('done');
    expect(end?.progress.erroredUnits).toBe(2);
    expect(run.failure).toBeNull();
    expect(run.erroredReasons).toEqual([{ message: notServed.message, units: 2 }]);
    expect(run.erroredNote).toBe(
      `2 units errored, so they count as not run: the model request kept failing with “${notServed.message}”. ${studyFailureAdvice(notServed)}`,
    );
    expect(run.erroredNote).toMatch(/404/);
    expect(run.erroredNote).toMatch(/Resuming would ask the same address for the same model name/);
  });

  it('says once it ends which arms reasoned through their whole token cap and gave no answer, and what to change', async () => {
    const config = studyConfig({ ...studyDraft(), selection: { kind: 'ids', ids: ['HumanEval/900', 'HumanEval/901'] }, arms: studyDraft().arms.slice(0, 1), repeats: 1 });
    // A reasoning model at 512 tokens: all of them reasoning sent apart, no text, stopped by the cap.
    const thinker: LanguageModel = {
      id: 'thinker',
      async chat(_messages, options) {
        const tokens = options.max_tokens;
        return { text: '', finishReason: 'length', usage: { promptTokens: 9, completionTokens: tokens, reasoningTokens: tokens, timeToFirstTokenMs: 1, decodeTokensPerSecond: 50, totalMs: 10 } };
      },
    };
    const run = new StudyRun(config);
    const notes: (string | null)[] = [];
    await run.run(PROBLEMS, { model: () => thinker, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, {
      concurrency: 1,
      // Not while it runs: the count is not final, and the panel has the run to show.
      onUnitFinished: () => notes.push(run.cutRepliesNote),
    });
    expect(run.phase).toBe('done');
    expect(notes).toEqual([null, null]);
    const label = config.arms[0]!.label;
    expect(run.cutRepliesNote).toContain(
      `${label}: both its model replies spent the whole 512-token cap on reasoning and gave no answer, so there was no code to run. A reasoning model thinks before it answers`,
    );
    expect(run.cutRepliesNote).toMatch(/larger maxTokens/);
    expect(run.cutRepliesNote).toMatch(/\/no_think/);

    // Replies that end by themselves: nothing to say.
    const fine = new StudyRun(config);
    await fine.run(PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 1 });
    expect(fine.cutRepliesNote).toBeNull();
  });

  it('says once it ends which arms had problem-runs ended by the time cap per problem, at the study’s cap (audit R200-1)', async () => {
    const config = studyConfig({ ...studyDraft(), selection: { kind: 'ids', ids: ['HumanEval/900', 'HumanEval/901'] }, arms: studyDraft().arms.slice(0, 2), repeats: 1, limits: { problemTimeCapMs: 250 } });
    // The model is slow on HumanEval/901: its first reply comes whole a second in, long after the 250-ms cap, in both arms
    // (a cap well above what the other problem takes, even on a loaded machine).
    const model = perProblemModel(async (call) => {
      if (call.context?.problemId === 'HumanEval/901') await new Promise((r) => setTimeout(r, 1_000));
      return truthAnswer(call);
    });
    const run = new StudyRun(config);
    const notes: (string | null)[] = [];
    await run.run(PROBLEMS, { model: () => model, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, {
      concurrency: 1,
      // Not while it runs, as the cut replies' note.
      onUnitFinished: () => notes.push(run.timeCapNote),
    });
    expect(run.phase).toBe('done');
    expect(notes).toEqual([null, null, null, null]);
    const [solo, refine] = config.arms.map((arm) => arm.label);
    expect(run.timeCapNote).toBe(
      `${solo}: 1 of its 2 problem-runs was ended by the 250-ms time cap per problem (counted as failed, as the study did). ` +
        `${refine}: 1 of its 2 problem-runs was ended by the 250-ms time cap per problem (counted as failed, as the study did). ` +
        "The cap holds a problem's model replies and code runs together, so a machine slower than the study's ends more problems this way; " +
        'a draft file for feedback-lab run --study sets another cap in its limits.problemTimeCapMs, which departs from the study.',
    );

    // None ended by the cap: nothing to say.
    const fine = new StudyRun(config);
    await fine.run(PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 1 });
    expect(fine.timeCapNote).toBeNull();
  });

  it('counts a resumed study’s earlier replies in the note on replies cut at their cap, as feedback-lab run does', async () => {
    const config = studyConfig({ ...studyDraft(), selection: { kind: 'ids', ids: ['HumanEval/900', 'HumanEval/902'] }, arms: studyDraft().arms.slice(0, 1), repeats: 1 });
    const store = new MemoryStudyStore();
    // The first session: a reasoning model thinks through the whole cap on HumanEval/900; HumanEval/902's request is refused (the unit errors).
    const thinker: LanguageModel = {
      id: 'thinker',
      async chat(_messages, options, call) {
        if (call?.context?.problemId === 'HumanEval/902') throw new Error('HTTP 400: refused');
        const tokens = options.max_tokens;
        return { text: '', finishReason: 'length', usage: { promptTokens: 9, completionTokens: tokens, reasoningTokens: tokens, timeToFirstTokenMs: 1, decodeTokensPerSecond: 50, totalMs: 10 } };
      },
    };
    await new StudyRun(config).run(PROBLEMS, { model: () => thinker, sandbox: truthSandbox(), store, now: () => 0 }, { concurrency: 1, retryDelayMs: 0 });
    // Resumed: HumanEval/902 now gets a whole answer. The reply cut in the first session still counts.
    const resumed = new StudyRun(config);
    await resumed.run(PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store, now: () => 0 }, { concurrency: 1, retryErrored: true });
    expect(resumed.phase).toBe('done');
    expect(resumed.cutRepliesNote).toMatch(new RegExp(`^${config.arms[0]!.label}: 1 of its 2 model replies spent the whole 512-token cap on reasoning`));
  });

  it('counts a resumed study’s earlier problem-runs in the time cap’s note, as feedback-lab run does, not only this session’s', async () => {
    const config = studyConfig({ ...studyDraft(), selection: { kind: 'ids', ids: ['HumanEval/900', 'HumanEval/902'] }, arms: studyDraft().arms.slice(0, 1), repeats: 1, limits: { problemTimeCapMs: 250 } });
    const store = new MemoryStudyStore();
    // The first session: HumanEval/900 gets its verdict, HumanEval/902's model keeps refusing (the unit errors).
    const refusing = perProblemModel((call) => (call.context?.problemId === 'HumanEval/902' ? new Error('HTTP 400: refused') : truthAnswer(call)));
    await new StudyRun(config).run(PROBLEMS, { model: () => refusing, sandbox: truthSandbox(), store, now: () => 0 }, { concurrency: 1, retryDelayMs: 0 });
    // Resumed on a server so slow that the 250-ms cap ends the one unit it runs again.
    const slow = perProblemModel(async (call) => {
      await new Promise((r) => setTimeout(r, 1_000));
      return truthAnswer(call);
    });
    const resumed = new StudyRun(config);
    await resumed.run(PROBLEMS, { model: () => slow, sandbox: truthSandbox(), store, now: () => 0 }, { concurrency: 1, retryErrored: true });
    expect(resumed.phase).toBe('done');
    // Not "its only problem-run": the arm has two, as the panel's table says.
    expect(resumed.timeCapNote).toMatch(new RegExp(`^${config.arms[0]!.label}: 1 of its 2 problem-runs was ended by the 250-ms time cap per problem`));
  });

  it('tells the page once the study is paused, with the steps in flight stored, so its card counts them', async () => {
    const config = studyConfig();
    const store = new MemoryStudyStore();
    const run = new StudyRun(config);
    const storedWhenPaused: number[] = [];
    let finished = 0;
    const end = await run.run(PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store, now: () => 0 }, {
      concurrency: 2,
      onUnitFinished: () => {
        if (++finished === 1) run.pause();
      },
      onPaused: () => {
        void store.loadStudy(config.id).then((stored) => storedWhenPaused.push(stored!.steps.length));
        expect(run.phase).toBe('paused');
        setTimeout(() => run.resume(), 0);
      },
    });
    expect(end?.status).toBe('done');
    expect(storedWhenPaused).toHaveLength(1);
    expect(storedWhenPaused[0]).toBeGreaterThan(0);
  });

  it('says what its errored units ended with among units that passed, each message with the units it hit', async () => {
    const config = studyConfig();
    const run = new StudyRun(config);
    // One problem's calls fail one way, another's another way; the rest answer. Units run problem
    // by problem, so a problem between them keeps the errors from stopping the study.
    const failing: Record<string, Error> = { 'HumanEval/900': new Error('HTTP 500: out of memory'), 'HumanEval/902': new Error('HTTP 503: busy') };
    const model = perProblemModel((call) => failing[call.context?.problemId ?? ''] ?? truthAnswer(call));
    await run.run(PROBLEMS, { model: () => model, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 1, retryDelayMs: 0 });
    expect(run.phase).toBe('done');
    const units = config.arms.length * config.repeats;
    expect(run.erroredNote).toMatch(
      new RegExp(`^${2 * units} units errored, so they count as not run: the model request kept failing with “HTTP 500: out of memory” \\(${units} units\\); “HTTP 503: busy” \\(${units} units\\)\\. `),
    );
  });

  it('says which unit waits to be tried again while its model does not answer, and stops saying so once the model answers', async () => {
    const gone = unreachableError('http://127.0.0.1:11434/v1/chat/completions', new TypeError('Failed to fetch'), { inBrowser: true });
    let failures = 2;
    const flaky = perProblemModel((call) => (failures-- > 0 ? gone : truthAnswer(call)));
    const run = new StudyRun(studyConfig());
    const notes = new Set<string>();
    const watch = setInterval(() => run.retrying && notes.add(run.retrying), 1);
    const end = await run.run(PROBLEMS, { model: () => flaky, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 1, retryDelayMs: 40 });
    clearInterval(watch);
    expect(run.phase).toBe('done');
    expect(end?.progress.erroredUnits).toBe(0);
    // The first sentence of the endpoint's message, not its paragraphs of CORS advice.
    expect([...notes]).toEqual([
      expect.stringMatching(/^No answer for HumanEval\/\d+ \(Could not reach the language-model server at http:\/\/127\.0\.0\.1:11434\.\): trying it again in 1 s, attempt 2 of 3\.$/),
      expect.stringMatching(/attempt 3 of 3\.$/),
    ]);
    expect(run.retrying).toBeNull();
  });

  it('shows the reply of a unit tried again from its start, not after the text of the attempt that failed', async () => {
    const truth = truthModel();
    let cut = true;
    // The connection drops after some text (a server crash mid-reply); the unit is tried again and answers.
    const cutOnce: LanguageModel = {
      id: truth.id,
      async chat(messages, options, call) {
        if (!cut) return truth.chat(messages, options, call);
        cut = false;
        call?.onToken?.('def cut_off_mid');
        throw disconnectedError(1);
      },
    };
    const config = studyConfig({ ...studyDraft(), selection: { kind: 'ids', ids: ['HumanEval/900'] }, arms: studyDraft().arms.slice(0, 1), repeats: 1 });
    const run = new StudyRun(config);
    const end = await run.run(PROBLEMS, { model: () => cutOnce, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 1, retryDelayMs: 0 });
    expect(end?.progress.erroredUnits).toBe(0);
    expect(run.live?.problemId).toBe('HumanEval/900');
    expect(run.live?.text).not.toContain('cut_off_mid');
    expect(run.live?.text).toBe(truthAnswer(truth.calls.at(-1)!));
  });

  it('gives no time left while a unit waits to be tried again, rather than one that grows, and an estimate once the model answers', async () => {
    const gone = unreachableError('http://127.0.0.1:11434/v1/chat/completions', new TypeError('Failed to fetch'), { inBrowser: true });
    let failures = 2;
    const flaky = perProblemModel((call) => (failures-- > 0 ? gone : truthAnswer(call)));
    const run = new StudyRun(studyConfig());
    let clockMs = 0;
    const whileWaiting = new Set<string | null>();
    const watch = setInterval(() => run.retrying && whileWaiting.add(run.timeLeft), 1);
    const afterUnits: (string | null)[] = [];
    const ports = { model: () => flaky, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => (clockMs += 10) };
    await run.run(PROBLEMS, ports, { concurrency: 1, retryDelayMs: 40, onUnitFinished: () => afterUnits.push(run.timeLeft) });
    clearInterval(watch);
    expect([...whileWaiting]).toEqual(['no estimate of time left while a unit waits to be tried again']);
    expect(afterUnits.slice(1, -1).every((text) => /^about \d+ s left$/.test(text ?? ''))).toBe(true);
    expect(run.timeLeft).toBeNull();
  });

  it('says no model has said a word for so long, instead of an estimate made before it went quiet, and gives the estimate back once one answers', async () => {
    // The first call is held, as an endpoint holding a request; the others answer at once.
    let held = true;
    const quiet: LanguageModel = {
      id: 'quiet',
      chat: async (messages, sampling, call) => {
        if (held) {
          held = false;
          await new Promise((resolve) => setTimeout(resolve, 1_400));
        }
        return truthModel().chat(messages, sampling, call);
      },
    };
    const run = new StudyRun(studyConfig());
    const said = new Set<string | null>();
    const watch = setInterval(() => said.add(run.timeLeft), 10);
    const afterUnits: (string | null)[] = [];
    const ports = { model: () => quiet, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => performance.now() };
    await run.run(PROBLEMS, ports, { concurrency: 1, silentAfterMs: 1_000, onUnitFinished: () => afterUnits.push(run.timeLeft) });
    clearInterval(watch);
    expect([...said]).toContain('no word from the model for 1 s: no estimate of time left until it answers');
    expect(afterUnits.slice(1, -1).every((text) => /^about \d+ s left$/.test(text ?? ''))).toBe(true);
    expect(run.silentSeconds).toBeNull();
  });

  it('says no “no word from the model” while only code runs, however long it takes: no model is being asked (audit R191-2)', async () => {
    // Every reply comes at once; every run of code takes longer than the silence threshold, as
    // Mbpp/123's canonical solution does (47 s against 30) in a browser on a laptop 6× slower.
    const truth = truthSandbox();
    const slowCode: Sandbox = {
      run: async (program, limits) => {
        await new Promise((resolve) => setTimeout(resolve, 60));
        return truth.run(program, limits);
      },
      close: () => truth.close(),
    };
    const run = new StudyRun(studyConfig({ ...studyDraft(), arms: studyDraft().arms.slice(0, 1), repeats: 1 }));
    const seen: (number | null)[] = [];
    const watch = setInterval(() => seen.push(run.silentSeconds), 2);
    const ports = { model: () => truthModel(), sandbox: slowCode, store: new MemoryStudyStore(), now: () => performance.now() };
    await run.run(PROBLEMS, ports, { concurrency: 1, silentAfterMs: 20 });
    clearInterval(watch);
    expect(run.phase).toBe('done');
    expect(seen.filter((seconds) => seconds !== null)).toEqual([]);
  });

  it('keeps saying a unit waits to be tried again while another unit only runs code (no model has answered since)', async () => {
    const gone = unreachableError('http://127.0.0.1:11434/v1/chat/completions', new TypeError('Failed to fetch'), { inBrowser: true });
    const run = new StudyRun(studyConfig());
    let replied!: () => void;
    const firstReplyStored = new Promise<void>((resolve) => (replied = resolve));
    let calls = 0;
    // The first unit's model answers; the second's call fails once that answer is stored.
    const model = perProblemModel(async (call) => {
      const index = calls++;
      if (index === 1) {
        await firstReplyStored;
        return gone;
      }
      return truthAnswer(call);
    });
    // The first unit's code runs once the second unit waits to be tried again.
    const truth = truthSandbox();
    let runs = 0;
    const sandbox: Sandbox = {
      run: async (program, limits) => {
        if (runs++ === 0) await expect.poll(() => run.retrying, { timeout: 3000, interval: 1 }).not.toBeNull();
        return truth.run(program, limits);
      },
      close: () => truth.close(),
    };
    const store = new MemoryStudyStore();
    const append = store.appendStep.bind(store);
    let noteAtFirstExecution: string | null | undefined;
    store.appendStep = async (studyId, unitId, step) => {
      if (step.kind !== 'execute') replied();
      else if (noteAtFirstExecution === undefined) noteAtFirstExecution = run.retrying;
      return append(studyId, unitId, step);
    };
    await run.run(PROBLEMS, { model: () => model, sandbox, store, now: () => 0 }, { concurrency: 2, retryDelayMs: 300 });
    expect(run.phase).toBe('done');
    expect(noteAtFirstExecution).toMatch(/^No answer for HumanEval\/\d+ .*attempt 2 of 3\.$/);
  });

  it('does not say a unit is being tried again while the study is paused (the retry waits for Resume)', async () => {
    const gone = unreachableError('http://127.0.0.1:11434/v1/chat/completions', new TypeError('Failed to fetch'), { inBrowser: true });
    const run = new StudyRun(studyConfig());
    let failures = 1;
    // The reader presses Pause while the model's call is failing: the retry is then decided under pause.
    const flaky = perProblemModel((call) => {
      if (failures-- > 0) {
        run.pause();
        return gone;
      }
      return truthAnswer(call);
    });
    const running = run.run(PROBLEMS, { model: () => flaky, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 1, retryDelayMs: 20 });
    await expect.poll(() => run.phase, { timeout: 5000 }).toBe('paused');
    expect(run.retrying).toBeNull();
    run.resume();
    await running;
    expect(run.phase).toBe('done');
  });

  it('says how many units it carried on from steps an earlier version of the app recorded with other messages', async () => {
    const store = await olderStore(await currentRun(), new MemoryStudyStore());
    const run = new StudyRun(studyConfig());
    const end = await run.run(PROBLEMS, olderBuildPorts(store), { concurrency: 2, retryDelayMs: 0, retryErrored: true });
    expect(run.phase).toBe('done');
    expect(end?.progress.erroredUnits).toBe(0);
    // The paused unit and the unit that errored on the mismatch before this fix.
    expect(run.continuedAfterUpdate).toBe(2);
  });

  it('runs a replayed file to its end: units it never recorded are errored, not a sign of an endpoint gone away', async () => {
    const config = studyConfig({ ...studyDraft(), models: { 'llama3.2:3b': { engine: 'replay', id: 'Llama-3.2-3B-Instruct-q4f16_1-MLC' } } });
    const unrecorded = perProblemModel(() => new Error('No recorded reply for this call.'));
    const run = new StudyRun(config);
    const end = await run.run(PROBLEMS, { model: () => unrecorded, sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 2, retryDelayMs: 0 });
    expect(run.failure).toBeNull();
    expect(run.phase).toBe('done');
    expect(end?.progress.erroredUnits).toBe(config.arms.length * config.repeats * config.problemIds.length);
  });

  describe('says what can be done about the error that stopped it, from the error itself', () => {
    const ENDPOINT = 'http://127.0.0.1:11434/v1/chat/completions';
    const stopWith = async (ports: { model?: () => unknown; sandbox?: Sandbox; store?: MemoryStudyStore }) => {
      const run = new StudyRun(studyConfig());
      const failing = ports.model;
      const model = failing ? perProblemModel(() => failing() as Error) : truthModel();
      await run.run(PROBLEMS, { model: () => model, sandbox: ports.sandbox ?? truthSandbox(), store: ports.store ?? new MemoryStudyStore(), now: () => 0 }, { concurrency: 2, retryDelayMs: 0 });
      expect(run.phase).toBe('failed');
      return run;
    };

    it('does not advise resuming when the endpoint serves no model under that name (resuming asks for the same one)', async () => {
      const run = await stopWith({ model: () => statusError(404, 'Not Found', '', { endpointUrl: ENDPOINT, model: 'llama3.2:3b' }) });
      expect(run.failure).toMatch(/no answer for \d+ units in a row/);
      expect(run.failureAdvice).toMatch(/^Resuming would ask the same address for the same model name/);
      expect(`${run.failure} ${run.failureAdvice}`).not.toMatch(/resuming runs the errored units again/i);
    });

    it('advises resuming once an unreachable endpoint answers again', async () => {
      const run = await stopWith({ model: () => unreachableError(ENDPOINT, new TypeError('Failed to fetch'), { inBrowser: true }) });
      expect(run.failureAdvice).toMatch(/^Once the server answers at that address again, resume the study/);
    });

    it('says reload when Python breaks, and free space when a step cannot be stored', async () => {
      const broken: Sandbox = { run: async () => Promise.reject(new Error('worker died')), close: async () => undefined };
      const python = await stopWith({ sandbox: broken });
      expect(python.failure).toMatch(/^The Python sandbox stopped working: worker died/);
      expect(python.failureAdvice).toMatch(/^Reload the page/);

      const full = new MemoryStudyStore();
      full.appendStep = async () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
      const storage = await stopWith({ store: full });
      expect(storage.failureAdvice).toMatch(/^This browser’s storage is full/);
    });

    it('says the storage is full when the browser’s quota error comes without a message (Chromium’s does), instead of showing nothing', async () => {
      const full = new MemoryStudyStore();
      full.appendStep = async () => Promise.reject(new DOMException('', 'QuotaExceededError'));
      const run = await stopWith({ store: full });
      // The panel shows the failure and its advice only when the failure is not empty.
      expect(run.failure).toMatch(/refused a write to its storage/);
      expect(run.failureAdvice).toMatch(/^This browser’s storage is full/);
    });

    it('says the site’s data was cleared, without promising the steps are kept, when the browser closed the database under it', async () => {
      const store = new MemoryStudyStore();
      const closing = () => Promise.reject(new DOMException('The database connection is closing.', 'InvalidStateError'));
      store.appendStep = closing;
      const run = new StudyRun(studyConfig());
      await run.run(PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store, now: () => 0 }, { concurrency: 2, retryDelayMs: 0, storeTerminated: () => true });
      expect(run.phase).toBe('failed');
      expect(run.failure).toMatch(/site’s stored data was cleared/);
      expect(`${run.failure} ${run.failureAdvice}`).not.toMatch(/are kept/);
      expect(run.failureAdvice).toMatch(/If the study is still listed below, resume it/);
    });
  });
});
