import { describe, expect, it, vi } from 'vitest';
import { scriptedModel } from '../../../src/core/llm/scripted-model.ts';
import type { ChatReply, LanguageModel, Sandbox } from '../../../src/core/ports.ts';
import { llamaSelfRefine } from '../../../src/core/pipeline/presets.ts';
import { DEFAULT_PACING, type PlaybackPacing } from '../../../src/core/presenter/playback.ts';
import { demoRecording } from '../../../src/core/presenter/shipped-recordings.ts';
import { sceneDetail } from '../../../src/ui/presenter/scene-heading.ts';
import { LiveShow } from '../../../src/ui/presenter/live-show.svelte.ts';
import { loadTestProblem } from '../../support/datasets.ts';
import { judgingSandbox } from '../pipeline/fake-sandbox.ts';

const [broken, fixed] = demoRecording('name-error').trajectory.steps.flatMap((s) => (s.kind === 'execute' ? [] : [s.reply]));
const quick: PlaybackPacing = { ...DEFAULT_PACING, afterReplyMs: 5, afterPassMs: 5, afterFailMs: 5, tickMs: 2, briefingMs: 60_000 };

async function liveShow(pacing: PlaybackPacing = quick) {
  const problem = await loadTestProblem('humaneval', 'HumanEval/0');
  const model = scriptedModel(broken!, fixed!, broken!, fixed!);
  const sandbox = judgingSandbox((program) => program.includes('import itertools'), 'name-error');
  const show = new LiveShow(
    { problemId: problem.id, problem, pipeline: llamaSelfRefine, mode: 'study', sourceLabel: 'scripted', note: null },
    { modelFor: () => model, sandbox: async () => sandbox },
    pacing,
  );
  return { show, model, sandbox };
}

const lastKind = (show: LiveShow) => show.scenes[show.shownIndex]?.kind;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An endpoint the test types for: each piece of the reply when the test sends it, then its end or a failure. */
function handTypedModel() {
  let onToken: ((delta: string) => void) | undefined;
  let onAnswering: (() => void) | undefined;
  let settle: { resolve: (reply: ChatReply) => void; reject: (error: Error) => void } | null = null;
  let text = '';
  const model: LanguageModel = {
    id: 'hand-typed',
    chat: (_messages, _options, call) =>
      new Promise<ChatReply>((resolve, reject) => {
        onToken = call?.onToken;
        onAnswering = call?.onAnswering;
        text = '';
        settle = { resolve, reject };
      }),
  };
  return {
    model,
    asked: () => settle !== null,
    /** The model begins to answer with reasoning sent apart from its reply, as an engine says so. */
    reason: () => onAnswering?.(),
    send: (...pieces: string[]) => {
      for (const piece of pieces) {
        text += piece;
        onToken?.(piece);
      }
    },
    finish: () => settle?.resolve({ text, finishReason: 'stop', usage: { promptTokens: 0, completionTokens: text.length, timeToFirstTokenMs: 0, decodeTokensPerSecond: 0, totalMs: 0 } }),
    fail: (message: string) => settle?.reject(new Error(message)),
  };
}

async function handTypedShow() {
  const problem = await loadTestProblem('humaneval', 'HumanEval/0');
  const hand = handTypedModel();
  const show = new LiveShow(
    { problemId: problem.id, problem, pipeline: llamaSelfRefine, mode: 'study', sourceLabel: 'hand-typed', note: null },
    { modelFor: () => hand.model, sandbox: async () => judgingSandbox(() => true) },
    quick,
  );
  show.start();
  await vi.waitFor(() => expect(hand.asked()).toBe(true));
  return { show, hand };
}

const shownReply = (show: LiveShow) => {
  const scene = show.scenes[show.shownIndex];
  return scene?.kind === 'generation' ? scene.reply : null;
};

describe('a live show', () => {
  it("holds on what the refiner is told until →, then streams the fix to a passing verdict", async () => {
    const { show, model } = await liveShow();
    show.start();
    await vi.waitFor(() => expect(lastKind(show)).toBe('briefing'));
    expect(show.scenes.map((s) => s.kind)).toEqual(['problem', 'generation', 'execution', 'briefing']);
    expect(model.calls).toHaveLength(1);
    // The briefing would stay up a minute; → moves on.
    show.next();
    await vi.waitFor(() => expect(show.finished).toBe(true));
    expect(show.scenes.map((s) => s.kind)).toEqual(['problem', 'generation', 'execution', 'briefing', 'refinement', 'execution', 'verdict']);
    expect(show.strip).toMatchObject({ phase: 'Passed', version: 2, maxVersions: 4 });
    // The model might have passed first time or used every refinement: no total to count towards.
    expect(show.sceneTotal).toBeNull();
    show.stop();
  });

  it('stops at the next pause point while paused, and goes on when resumed', async () => {
    const { show, model, sandbox } = await liveShow({ ...quick, briefingMs: 10 });
    show.start();
    show.togglePause();
    expect(show.playing).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The reply under way finishes; its run waits.
    expect(model.calls).toHaveLength(1);
    expect(sandbox.programs).toHaveLength(0);
    show.togglePause();
    await vi.waitFor(() => expect(show.finished).toBe(true));
    expect(model.calls).toHaveLength(2);
  });

  it('lets the presenter look back while the run goes on, and → comes forward again', async () => {
    const { show } = await liveShow();
    show.start();
    await vi.waitFor(() => expect(lastKind(show)).toBe('briefing'));
    show.previous();
    expect(show.scenes[show.shownIndex]?.kind).toBe('execution');
    show.next();
    expect(show.shownIndex).toBe(show.scenes.length - 1);
    show.stop();
  });

  it('runs again from the start on restart', async () => {
    const { show, model } = await liveShow({ ...quick, briefingMs: 1 });
    show.start();
    await vi.waitFor(() => expect(show.finished).toBe(true));
    show.restart();
    expect(show.finished).toBe(false);
    await vi.waitFor(() => expect(show.finished).toBe(true));
    expect(model.calls).toHaveLength(4);
  });

  it('says what went wrong when the model fails', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const show = new LiveShow(
      { problemId: problem.id, problem, pipeline: llamaSelfRefine, mode: 'study', sourceLabel: 'scripted', note: null },
      { modelFor: () => scriptedModel(new Error('The endpoint answered 500.')), sandbox: async () => judgingSandbox(() => true) },
      quick,
    );
    show.start();
    await vi.waitFor(() => expect(show.error).toBe('The endpoint answered 500.'));
    expect(show.finished).toBe(true);
    // The strip under the stage says what the stage does, not "The problem" it started from.
    expect(show.strip.phase).toBe('The run stopped');
  });

  it('keeps the scenes before a failure within reach: ← from the failure shows the last one, → comes back to it', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    // The endpoint dies while the refiner answers: the failed run is on stage before it.
    const model = scriptedModel(broken!, new Error('The connection to the server closed.'));
    const show = new LiveShow(
      { problemId: problem.id, problem, pipeline: llamaSelfRefine, mode: 'study', sourceLabel: 'scripted', note: null },
      { modelFor: () => model, sandbox: async () => judgingSandbox((program) => program.includes('import itertools'), 'name-error') },
      { ...quick, briefingMs: 1 },
    );
    show.start();
    await vi.waitFor(() => expect(show.error).toBe('The connection to the server closed.'));
    expect(show.showingError).toBe(true);
    const kinds = show.scenes.map((s) => s.kind);
    show.previous();
    expect(show.showingError).toBe(false);
    expect(show.shownIndex).toBe(kinds.length - 1);
    show.previous();
    expect(show.shownIndex).toBe(kinds.length - 2);
    expect(kinds).toContain('execution');
    show.next();
    expect(show.showingError).toBe(false);
    expect(show.shownIndex).toBe(kinds.length - 1);
    show.next();
    expect(show.showingError).toBe(true);
  });

  it("moves the strip's clock while the endpoint is silent, and stops it while paused and once the run has stopped", async () => {
    const { show, hand } = await handTypedShow();
    // No token yet (a slow endpoint can take a minute): nothing happens, yet the time goes on.
    const waiting = show.strip.elapsedMs;
    await sleep(400);
    expect(show.strip.elapsedMs).toBeGreaterThan(waiting + 200);
    show.togglePause();
    const paused = show.strip.elapsedMs;
    await sleep(700);
    expect(show.strip.elapsedMs).toBe(paused);
    // Resumed, the clock goes on from where it stood: the pause is not the run's time.
    show.togglePause();
    await sleep(300);
    expect(show.strip.elapsedMs).toBeGreaterThan(paused + 150);
    expect(show.strip.elapsedMs).toBeLessThan(paused + 700);
    hand.fail('The endpoint sent nothing for 30 s.');
    await vi.waitFor(() => expect(show.finished).toBe(true));
    const ended = show.strip.elapsedMs;
    await sleep(250);
    expect(show.strip.elapsedMs).toBe(ended);
  });

  it('holds the reply on screen while paused, and shows what the model wrote meanwhile on resume', async () => {
    const { show, hand } = await handTypedShow();
    hand.send('```python\n', 'def');
    expect(shownReply(show)).toBe('```python\ndef');
    show.togglePause();
    expect(show.strip.phase).toBe('Writing code');
    hand.send(' has', '_close', '_elements(numbers, threshold):\n    return False\n```');
    expect(shownReply(show)).toBe('```python\ndef');
    expect(show.strip.tokens).toBe(2);
    // The reply ends while paused: still held, and the run waits.
    hand.finish();
    await sleep(50);
    expect(shownReply(show)).toBe('```python\ndef');
    expect(show.scenes.map((s) => s.kind)).toEqual(['problem', 'generation']);
    show.togglePause();
    expect(shownReply(show)).toBe('```python\ndef has_close_elements(numbers, threshold):\n    return False\n```');
    expect(show.strip.tokens).toBe(5);
    await vi.waitFor(() => expect(show.scenes.map((s) => s.kind)).toContain('execution'));
    show.stop();
  });

  it('says the model is thinking while it reasons apart from its reply, not that it waits for a first token', async () => {
    const { show, hand } = await handTypedShow();
    const current = () => show.scenes[show.shownIndex];
    await vi.waitFor(() => expect(current()?.kind).toBe('generation'));
    expect(sceneDetail(current()!)).toMatch(/waiting for its first token$/);
    hand.reason();
    expect(current()).toMatchObject({ kind: 'generation', reply: '', thinking: true });
    expect(sceneDetail(current()!)).toMatch(/thinking \(its reasoning is not shown\)$/);
    hand.send('```python\n');
    expect(sceneDetail(current()!)).toMatch(/streaming$/);
    show.stop();
  });

  it('shows what the model wrote while paused when → is pressed, and stays paused', async () => {
    const { show, hand } = await handTypedShow();
    hand.send('```python\n', 'def');
    show.togglePause();
    hand.send(' has', '_close');
    expect(shownReply(show)).toBe('```python\ndef');
    show.next();
    expect(shownReply(show)).toBe('```python\ndef has_close');
    expect(show.paused).toBe(true);
    // Still paused: later text is held again until the next → or resume.
    hand.send('_elements(numbers, threshold):\n    return False\n```');
    hand.finish();
    await sleep(50);
    expect(shownReply(show)).toBe('```python\ndef has_close');
    expect(show.scenes.map((s) => s.kind)).toEqual(['problem', 'generation']);
    show.next();
    expect(shownReply(show)).toBe('```python\ndef has_close_elements(numbers, threshold):\n    return False\n```');
    await sleep(50);
    // The run waits for resume, as a pause means.
    expect(show.scenes.map((s) => s.kind)).toEqual(['problem', 'generation']);
    show.togglePause();
    await vi.waitFor(() => expect(show.scenes.map((s) => s.kind)).toContain('execution'));
    show.stop();
  });

  it("ends the sandbox's worker when stopped with a program of its own running, so the next run does not wait for it", async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    // A program that loops: only its time limit (10 s) or an ended worker stops it.
    const looping: Sandbox = {
      run: (_program, _limits, call) => {
        call?.onStart?.();
        return new Promise<never>(() => undefined);
      },
      close: () => Promise.resolve(),
    };
    const dropSandbox = vi.fn();
    const show = new LiveShow(
      { problemId: problem.id, problem, pipeline: llamaSelfRefine, mode: 'study', sourceLabel: 'scripted', note: null },
      { modelFor: () => scriptedModel(broken!, broken!, broken!), sandbox: async () => looping, dropSandbox },
      quick,
    );
    show.start();
    await vi.waitFor(() => expect(show.tape.pending?.kind).toBe('execute'));
    show.restart();
    expect(dropSandbox).toHaveBeenCalledTimes(1);
    // Stopped with no program running (the reply streams, nothing in the sandbox): the worker stays.
    show.stop();
    expect(dropSandbox).toHaveBeenCalledTimes(1);
  });

  it('does not send a stopped run its program once Python has started', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    // Python is still starting (2-3 s in a browser) when the presenter presses R.
    let started: (sandbox: Sandbox) => void = () => undefined;
    const starting = new Promise<Sandbox>((resolve) => (started = resolve));
    const late = judgingSandbox(() => true);
    const show = new LiveShow(
      { problemId: problem.id, problem, pipeline: llamaSelfRefine, mode: 'study', sourceLabel: 'scripted', note: null },
      { modelFor: () => scriptedModel(broken!, broken!, broken!), sandbox: () => starting },
      quick,
    );
    show.start();
    await vi.waitFor(() => expect(show.tape.pending?.kind).toBe('execute'));
    show.stop();
    started(late);
    await sleep(20);
    expect(late.programs).toEqual([]);
  });

  it('keeps a reply the endpoint stopped sending, cut off, within reach of ←, and counts its tokens', async () => {
    const { show, hand } = await handTypedShow();
    hand.send('```python\n', 'def', ' has');
    hand.fail('The endpoint stopped after 3 pieces of text.');
    await vi.waitFor(() => expect(show.error).toBe('The endpoint stopped after 3 pieces of text.'));
    expect(show.strip).toMatchObject({ phase: 'The run stopped', tokens: 3 });
    show.previous();
    expect(show.scenes[show.shownIndex]).toMatchObject({ kind: 'generation', reply: '```python\ndef has', streaming: false, cutOff: true });
    show.previous();
    expect(lastKind(show)).toBe('problem');
  });
});
