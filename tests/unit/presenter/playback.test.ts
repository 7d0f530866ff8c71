import { describe, expect, it } from 'vitest';
import { llamaSelfRefine } from '../../../src/core/pipeline/presets.ts';
import type { ModelStep } from '../../../src/core/pipeline/trajectory.ts';
import { demoRecording } from '../../../src/core/presenter/shipped-recordings.ts';
import { readPresenterLink, presenterLinkQuery } from '../../../src/core/presenter/link.ts';
import { LiveTape } from '../../../src/core/presenter/live-tape.ts';
import { buildTimeline, nextStopMs, previousStopMs, segmentIndexAt, tapeAt } from '../../../src/core/presenter/playback.ts';
import { buildScenes } from '../../../src/core/presenter/scenes.ts';
import { loadTestProblem } from '../../support/datasets.ts';

async function setting(id: 'name-error' | 'assertion-error') {
  const recording = demoRecording(id);
  const problem = await loadTestProblem('humaneval', recording.problemId);
  const trajectory = recording.trajectory;
  const timeline = buildTimeline(trajectory, problem);
  const scenesAt = (ms: number) => buildScenes({ problem, problemId: problem.id, pipeline: llamaSelfRefine, mode: 'study', tape: tapeAt(trajectory, timeline, ms) });
  return { trajectory, timeline, scenesAt };
}

describe('replay timeline', () => {
  it('has one segment per scene, and each segment adds exactly its scene', async () => {
    const { timeline, scenesAt } = await setting('assertion-error');
    const final = scenesAt(timeline.totalMs);
    expect(timeline.segments).toHaveLength(final.length);
    timeline.segments.forEach((segment, i) => {
      expect(scenesAt(segment.startMs)).toHaveLength(i + 1);
      expect(scenesAt(segment.animEndMs).at(-1)?.kind).toBe(final[i]?.kind);
    });
  });

  it('never relabels a scene once it is on stage', async () => {
    const { timeline, scenesAt } = await setting('assertion-error');
    const label = (s: ReturnType<typeof scenesAt>[number]) => `${s.id} ${s.kind} ${'label' in s ? s.label : ''}`;
    const final = scenesAt(timeline.totalMs).map(label);
    for (let ms = 0; ms < timeline.totalMs; ms += 97) {
      expect(scenesAt(ms).map(label)).toEqual(final.slice(0, scenesAt(ms).length));
    }
  });

  it('types a reply out piece by piece until it is whole', async () => {
    const { trajectory, timeline } = await setting('name-error');
    const reply = timeline.segments.find((s) => s.kind === 'reply')!;
    const texts: string[] = [];
    for (let ms = reply.startMs; ms < reply.animEndMs; ms += 50) {
      const pending = tapeAt(trajectory, timeline, ms).pending;
      if (pending?.kind === 'model') texts.push(pending.text);
    }
    const full = (trajectory.steps[0] as ModelStep).reply;
    expect(texts[0]).toBe('');
    texts.forEach((text, i) => expect(full.startsWith(text) && text.length >= (texts[i - 1]?.length ?? 0)).toBe(true));
    expect(new Set(texts).size).toBeGreaterThan(10);
    expect(tapeAt(trajectory, timeline, reply.animEndMs).steps).toHaveLength(1);
  });

  it('ticks the test verdicts in one at a time after the run', async () => {
    const { trajectory, timeline } = await setting('name-error');
    const runs = timeline.segments.filter((s) => s.kind === 'run');
    // The NameError stops in the first test; the fixed code passes all seven.
    expect(runs.map((r) => r.ticks)).toEqual([1, 7]);
    const pass = runs[1]!;
    expect(tapeAt(trajectory, timeline, pass.startMs).pending?.kind).toBe('execute');
    const ticked = [];
    for (let ms = pass.startMs + pass.leadMs; ms < pass.animEndMs; ms += 100) ticked.push(tapeAt(trajectory, timeline, ms).ticked);
    expect(ticked[0]).toBe(1);
    expect(Math.max(...(ticked as number[]))).toBe(7);
    expect(tapeAt(trajectory, timeline, pass.animEndMs).ticked).toBeNull();
  });

  it('ends on the verdict, with the recorded time spent', async () => {
    const { trajectory, timeline } = await setting('assertion-error');
    const end = tapeAt(trajectory, timeline, timeline.totalMs + 1000);
    expect(end.end).toEqual({ passed: false, stopReason: 'completed' });
    expect(end.elapsedMs).toBe(trajectory.steps.reduce((ms, s) => ms + s.endedAt - s.startedAt, 0));
  });

  it('→ finishes the scene that is playing, then moves to the next; ← goes back one scene', async () => {
    const { timeline } = await setting('name-error');
    const reply = timeline.segments[1]!;
    const midReply = reply.startMs + 500;
    expect(nextStopMs(timeline, midReply, false)).toBe(reply.animEndMs);
    expect(nextStopMs(timeline, reply.animEndMs, false)).toBe(timeline.segments[2]!.startMs);
    expect(segmentIndexAt(timeline, previousStopMs(timeline, midReply))).toBe(0);
    expect(previousStopMs(timeline, 0)).toBe(0);
  });

  it('step by step, → shows the next scene whole', async () => {
    const { timeline, scenesAt } = await setting('assertion-error');
    let at = 0;
    const seen: string[] = [];
    for (let i = 0; i < timeline.segments.length - 1; i++) {
      at = nextStopMs(timeline, at, true);
      const last = scenesAt(at).at(-1)!;
      seen.push(last.kind);
      if (last.kind === 'generation' || last.kind === 'refinement') expect(last.streaming).toBe(false);
      if (last.kind === 'execution') expect(last.settled).toBe(true);
    }
    expect(seen.at(-1)).toBe('verdict');
    expect(seen).toHaveLength(timeline.segments.length - 1);
  });
});

describe('live tape', () => {
  it('follows a call from its briefing through its tokens to the recorded step, then ticks the run', () => {
    let now = 0;
    const tape = new LiveTape(() => now, { resample: false });
    const [generated, executed] = demoRecording('name-error').trajectory.steps;
    tape.callStarted({ nodeId: 'stage1.refiner', callIndex: 0, modelId: 'fake', messages: [] });
    expect(tape.snapshot().pending).toMatchObject({ kind: 'model', stepKind: 'refine', stage: 1, iteration: 1, streaming: false });
    tape.replyStarted();
    for (const piece of ['a', 'b', 'c', 'd', 'e']) {
      now += 100;
      tape.token(piece);
    }
    expect(tape.snapshot().pending).toMatchObject({ text: 'abcde', tokens: 5, streaming: true, tokensPerSecond: 10 });
    tape.stepRecorded(generated!);
    tape.executionStarted('stage1.executor', 'code');
    expect(tape.snapshot().pending).toEqual({ kind: 'execute', nodeId: 'stage1.executor', code: 'code' });
    tape.stepRecorded(executed!);
    expect(tape.snapshot()).toMatchObject({ pending: null, ticked: 0 });
    now = 2500;
    expect(tape.snapshot().elapsedMs).toBe(2500);
  });

  it('says how long a reply that began has sent nothing, past 3 s, and not while paused (audit R212-4)', () => {
    let now = 0;
    const tape = new LiveTape(() => now, { resample: false });
    tape.callStarted({ nodeId: 'generator', callIndex: 0, modelId: 'fake', messages: [] });
    tape.replyStarted();
    now = 10_000;
    // No piece yet: a first token may be seconds of prefill away, which the stage says itself.
    expect(tape.silentMs()).toBeNull();
    for (const piece of ['def', ' f', '():']) {
      now += 50;
      tape.token(piece);
    }
    now += 2_999;
    expect(tape.silentMs()).toBeNull();
    now += 5_001;
    expect(tape.silentMs()).toBe(8_000);
    tape.pause();
    expect(tape.silentMs()).toBeNull();
    tape.resume();
    tape.token(' pass');
    expect(tape.silentMs()).toBeNull();
  });

  it('leaves pauses out of the run time, and keeps the speed of pieces shown after a pause', () => {
    let now = 0;
    const tape = new LiveTape(() => now, { resample: false });
    tape.callStarted({ nodeId: 'generator', callIndex: 0, modelId: 'fake', messages: [] });
    tape.replyStarted();
    now = 1000;
    tape.pause();
    now = 61_000;
    expect(tape.elapsedMs()).toBe(1000);
    // Pieces that came at 10 a second during the pause, shown on resume.
    for (const [i, piece] of ['a', 'b', 'c', 'd', 'e'].entries()) tape.token(piece, 2000 + i * 100);
    tape.resume();
    now = 62_000;
    expect(tape.snapshot()).toMatchObject({ elapsedMs: 2000, pending: { text: 'abcde', tokensPerSecond: 10 } });
    // The endpoint goes silent and the run stops: the reply stays, cut off, and the clock with it.
    tape.stopped();
    now = 70_000;
    expect(tape.snapshot()).toMatchObject({ elapsedMs: 2000, pending: { kind: 'model', text: 'abcde', tokens: 5, cutOff: true } });
  });
});

describe('presenter links', () => {
  it('read a problem, a preset, a source and autostart', () => {
    const { link, problems } = readPresenterLink(new URLSearchParams('problem=HumanEval/0&preset=llama-self-refine&source=demo&autostart=1&speed=2'));
    expect(problems).toEqual([]);
    expect(link).toMatchObject({ problemId: 'HumanEval/0', presetId: 'llama-self-refine', source: 'demo', autostart: true, speed: 2 });
    expect(readPresenterLink(new URLSearchParams(new URLSearchParams(presenterLinkQuery(link))))).toEqual({ link, problems: [] });
  });

  it('name every parameter they cannot use, and refuse credentials in an endpoint', () => {
    const { link, problems } = readPresenterLink(
      new URLSearchParams('problem=Task 9&preset=nope&source=gpu&speed=3&endpoint=http://me:secret@localhost:11434/v1&mode=fast'),
    );
    expect(problems).toHaveLength(6);
    expect(problems.join(' ')).toMatch(/password/);
    expect(link).toMatchObject({ problemId: null, presetId: null, source: null, speed: null, endpoint: null, mode: null, autostart: false });
  });

  it('carry the scene a replay was on, and name a scene that is not a number', () => {
    const { link, problems } = readPresenterLink(new URLSearchParams('source=demo&demo=name-error&speed=step&autostart=1&scene=4'));
    expect(problems).toEqual([]);
    expect(link.scene).toBe(4);
    expect(readPresenterLink(new URLSearchParams(presenterLinkQuery(link)))).toEqual({ link, problems: [] });
    for (const bad of ['0', '-2', 'two', '1.5']) {
      const reading = readPresenterLink(new URLSearchParams(`scene=${bad}`));
      expect(reading.link.scene, bad).toBeNull();
      expect(reading.problems, bad).toEqual([`scene=${bad} is not a scene number (1 is the problem).`]);
    }
  });

  it('accept MBPP ids and step-by-step speed', () => {
    expect(readPresenterLink(new URLSearchParams('problem=Mbpp/2&speed=step')).link).toMatchObject({ problemId: 'Mbpp/2', speed: 'step' });
  });
});
