/**
 * Replaying a recorded trajectory as a show: a timeline with one segment per scene (the problem,
 * each briefing, each reply typed out at the recorded decode speed, each run with its tests
 * ticking in), and the tape at any point of it. Seeking is free in both directions, which is
 * what ← and → need, and speed is just how fast the caller moves the clock.
 *
 * Times here are at 1×. Replies are paced from their recorded usage (time to first token, tokens
 * per second), clamped so that a slow recording stays watchable and a fast one stays readable.
 */
import type { Problem } from '../benchmarks/problem.ts';
import { splitIntoPieces } from '../llm/token-pieces.ts';
import type { ModelStep, Trajectory } from '../pipeline/trajectory.ts';
import { isBriefed, type Tape } from './tape.ts';
import { testCode, testVerdicts, tickCount } from './test-verdicts.ts';

export interface PlaybackPacing {
  /** How long the problem stays up before the generation starts. */
  problemMs: number;
  /** How long what a refiner is told stays up before its reply starts. */
  briefingMs: number;
  /** Longest wait for the first token (the recorded one, capped). */
  firstTokenMaxMs: number;
  /** Decode speed for replies recorded without one. */
  defaultTokensPerSecond: number;
  minReplyMs: number;
  maxReplyMs: number;
  /** A finished reply stays up this long. */
  afterReplyMs: number;
  /** A run shows as running for its recorded time, within these bounds. */
  runMinMs: number;
  runMaxMs: number;
  /** Between two test verdicts ticking in. */
  tickMs: number;
  afterPassMs: number;
  /** A failure stays up longer: the traceback is the point. */
  afterFailMs: number;
}

export const DEFAULT_PACING: PlaybackPacing = {
  problemMs: 4000,
  briefingMs: 5000,
  firstTokenMaxMs: 1500,
  defaultTokensPerSecond: 25,
  minReplyMs: 1200,
  maxReplyMs: 20_000,
  afterReplyMs: 1500,
  runMinMs: 700,
  runMaxMs: 3000,
  tickMs: 350,
  afterPassMs: 2000,
  afterFailMs: 4000,
};

export type SegmentKind = 'problem' | 'briefing' | 'reply' | 'run' | 'verdict';

/** One scene's time on screen: it animates from `startMs` to `animEndMs`, then holds until `endMs`. */
export interface Segment {
  kind: SegmentKind;
  /** The step the scene belongs to; -1 for the problem and the verdict. */
  stepIndex: number;
  startMs: number;
  animEndMs: number;
  endMs: number;
  /** Reply segments: the first token's wait. Run segments: how long it shows as running. */
  leadMs: number;
  /** Reply segments: the reply in as many pieces as it had tokens. */
  pieces: string[];
  /** Run segments: verdicts that tick in one by one. */
  ticks: number;
}

export interface Timeline {
  segments: Segment[];
  totalMs: number;
}

export function buildTimeline(trajectory: Trajectory, problem: Problem | null, pacing: PlaybackPacing = DEFAULT_PACING): Timeline {
  const segments: Segment[] = [];
  let at = 0;
  const push = (kind: SegmentKind, stepIndex: number, leadMs: number, animMs: number, holdMs: number, extra: Partial<Segment> = {}) => {
    segments.push({ kind, stepIndex, startMs: at, animEndMs: at + animMs, endMs: at + animMs + holdMs, leadMs, pieces: [], ticks: 0, ...extra });
    at += animMs + holdMs;
  };
  push('problem', -1, 0, 0, pacing.problemMs);
  const tests = problem ? testCode(problem) : null;
  for (const step of trajectory.steps) {
    if (step.kind === 'execute') {
      const ticks = tests ? tickCount(testVerdicts(tests, step.outcome)) : 0;
      const runMs = clamp(step.endedAt - step.startedAt, pacing.runMinMs, pacing.runMaxMs);
      const hold = step.outcome.kind === 'passed' ? pacing.afterPassMs : pacing.afterFailMs;
      push('run', step.index, runMs, runMs + ticks * pacing.tickMs, hold, { ticks });
      continue;
    }
    if (isBriefed(step.kind)) push('briefing', step.index, 0, 0, pacing.briefingMs);
    const { firstMs, streamMs, pieces } = replyPace(step, pacing);
    push('reply', step.index, firstMs, firstMs + streamMs, pacing.afterReplyMs, { pieces });
  }
  push('verdict', -1, 0, 0, 0);
  return { segments, totalMs: at };
}

function replyPace(step: ModelStep, pacing: PlaybackPacing): { firstMs: number; streamMs: number; pieces: string[] } {
  const tokens = Math.max(1, step.usage.completionTokens || Math.ceil(step.reply.length / 4));
  const rate = step.usage.decodeTokensPerSecond > 0 ? step.usage.decodeTokensPerSecond : pacing.defaultTokensPerSecond;
  const firstMs = Math.min(Math.max(0, step.usage.timeToFirstTokenMs), pacing.firstTokenMaxMs);
  const streamMs = clamp((tokens * 1000) / rate, pacing.minReplyMs, pacing.maxReplyMs);
  return { firstMs, streamMs, pieces: splitIntoPieces(step.reply, tokens) };
}

/** The segment on screen at `atMs`: the last one that has started. */
export function segmentIndexAt(timeline: Timeline, atMs: number): number {
  let index = 0;
  for (let i = 0; i < timeline.segments.length; i++) if ((timeline.segments[i]?.startMs ?? Infinity) <= atMs) index = i;
  return index;
}

/** What has happened by `atMs` of the timeline. */
export function tapeAt(trajectory: Trajectory, timeline: Timeline, atMs: number): Tape {
  const index = segmentIndexAt(timeline, atMs);
  const segment = timeline.segments[index];
  const steps = trajectory.steps;
  if (!segment || segment.kind === 'problem') return { steps: [], pending: null, ticked: null, end: null, elapsedMs: 0 };
  if (segment.kind === 'verdict') {
    return {
      steps,
      pending: null,
      ticked: null,
      end: { passed: trajectory.passed, stopReason: trajectory.stopReason },
      elapsedMs: spentMs(trajectory, steps.length, 0),
    };
  }
  const step = steps[segment.stepIndex];
  if (!step) throw new Error(`The timeline names step ${segment.stepIndex}, which the trajectory does not have.`);
  const before = steps.slice(0, segment.stepIndex);
  const into = atMs - segment.startMs;
  const animMs = segment.animEndMs - segment.startMs;
  const done = atMs >= segment.animEndMs;

  if (step.kind === 'execute') {
    if (into < segment.leadMs) {
      return { steps: before, pending: { kind: 'execute', nodeId: step.nodeId, code: step.code }, ticked: null, end: null, elapsedMs: spentMs(trajectory, segment.stepIndex, into / segment.leadMs) };
    }
    const tickMs = segment.ticks > 0 ? (animMs - segment.leadMs) / segment.ticks : 1;
    const ticked = done ? null : Math.min(segment.ticks, Math.floor((into - segment.leadMs) / tickMs) + 1);
    return { steps: [...before, step], pending: null, ticked, end: null, elapsedMs: spentMs(trajectory, segment.stepIndex + 1, 0) };
  }

  if (segment.kind === 'briefing' || (segment.kind === 'reply' && !done)) {
    const streaming = segment.kind === 'reply';
    const streamMs = animMs - segment.leadMs;
    const progress = streaming && into >= segment.leadMs ? (streamMs > 0 ? (into - segment.leadMs) / streamMs : 1) : 0;
    const count = streaming && into >= segment.leadMs ? Math.min(segment.pieces.length, Math.floor(progress * segment.pieces.length) + 1) : 0;
    return {
      steps: before,
      pending: {
        kind: 'model',
        stepKind: step.kind,
        nodeId: step.nodeId,
        stage: step.stage,
        iteration: step.iteration,
        modelId: step.modelId,
        messages: step.messages,
        text: segment.pieces.slice(0, count).join(''),
        streaming,
        tokensPerSecond: step.usage.decodeTokensPerSecond > 0 ? step.usage.decodeTokensPerSecond : null,
        tokens: count,
      },
      ticked: null,
      end: null,
      elapsedMs: spentMs(trajectory, segment.stepIndex, streaming ? Math.min(1, into / Math.max(1, animMs)) : 0),
    };
  }
  return { steps: [...before, step], pending: null, ticked: null, end: null, elapsedMs: spentMs(trajectory, segment.stepIndex + 1, 0) };
}

/** Where → goes: the end of the current scene's animation if it is still playing, else the next scene. */
export function nextStopMs(timeline: Timeline, atMs: number, stepByStep: boolean): number {
  const index = segmentIndexAt(timeline, atMs);
  const current = timeline.segments[index];
  const next = timeline.segments[index + 1];
  if (!current) return atMs;
  if (stepByStep) return next ? next.animEndMs : current.animEndMs;
  if (atMs < current.animEndMs) return current.animEndMs;
  return next ? next.startMs : timeline.totalMs;
}

/** Where ← goes: the previous scene, complete. */
export function previousStopMs(timeline: Timeline, atMs: number): number {
  const index = segmentIndexAt(timeline, atMs);
  const previous = timeline.segments[index - 1];
  return previous ? previous.animEndMs : 0;
}

/** Recorded run time of the first `count` steps plus a fraction of the next one. */
function spentMs(trajectory: Trajectory, count: number, fraction: number): number {
  let ms = 0;
  for (const step of trajectory.steps.slice(0, count)) ms += Math.max(0, step.endedAt - step.startedAt);
  const next = trajectory.steps[count];
  if (next && fraction > 0) ms += Math.max(0, next.endedAt - next.startedAt) * Math.min(1, fraction);
  return ms;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number.isFinite(value) ? value : min));
}
