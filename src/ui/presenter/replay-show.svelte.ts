/**
 * A recorded trajectory played back as a show: the clock (in 1× milliseconds) moves at the
 * chosen speed, and the tape, scenes and strip are whatever the timeline says at that point.
 * Nothing runs: no model, no sandbox, so it works offline and without a GPU.
 */
import { buildTimeline, nextStopMs, previousStopMs, tapeAt, type Timeline } from '../../core/presenter/playback.ts';
import type { PlaybackSpeed } from '../../core/presenter/link.ts';
import { buildScenes, recordedTaskOf, type Scene } from '../../core/presenter/scenes.ts';
import { readStrip, type StripReading } from '../../core/presenter/strip.ts';
import type { Tape } from '../../core/presenter/tape.ts';
import type { Trajectory } from '../../core/pipeline/trajectory.ts';
import type { PresenterShow, ShowSubject } from './show.ts';

const FRAME_MS = 40;

export interface ReplayClock {
  now(): number;
  every(ms: number, tick: () => void): () => void;
}

export const browserClock: ReplayClock = {
  now: () => performance.now(),
  every: (ms, tick) => {
    const id = setInterval(tick, ms);
    return () => clearInterval(id);
  },
};

export class ReplayShow implements PresenterShow {
  readonly kind = 'replay';
  readonly subject: ShowSubject;
  readonly trajectory: Trajectory;
  readonly timeline: Timeline;
  /** The scenes at the end of the recording: the counter reads "3/7" from the first scene on, not "3/3". */
  readonly sceneTotal: number;
  /** Position in the timeline, in milliseconds at 1×. */
  atMs = $state(0);
  speed = $state<PlaybackSpeed>(1);
  #running = $state(false);
  readonly error = null;
  readonly showingError = false;
  readonly preparing = null;
  readonly preparingSpoken = null;

  // Closures: the fields they read are set in the constructor, after field initialisers run.
  tape: Tape = $derived.by(() => tapeAt(this.trajectory, this.timeline, this.atMs));
  scenes: Scene[] = $derived.by(() => this.#scenesOf(this.tape));
  shownIndex = $derived(this.scenes.length - 1);
  strip: StripReading = $derived.by(() => readStrip(this.tape, this.subject.pipeline));
  finished = $derived.by(() => this.atMs >= this.timeline.totalMs);
  playing = $derived(this.#running && this.speed !== 'step' && !this.finished);

  readonly #clock: ReplayClock;
  #stopTimer: (() => void) | null = null;
  #lastTick = 0;

  constructor(subject: ShowSubject, trajectory: Trajectory, speed: PlaybackSpeed, clock: ReplayClock = browserClock) {
    this.subject = subject;
    this.trajectory = trajectory;
    this.timeline = buildTimeline(trajectory, subject.problem);
    this.sceneTotal = this.#scenesOf(tapeAt(trajectory, this.timeline, this.timeline.totalMs)).length;
    this.speed = speed;
    this.#clock = clock;
  }

  start(): void {
    this.#running = true;
    this.#ensureTimer();
  }

  togglePause(): void {
    if (this.speed === 'step') {
      this.next();
      return;
    }
    if (this.finished) {
      this.restart();
      return;
    }
    this.#running = !this.#running;
    this.#ensureTimer();
  }

  next(): void {
    this.atMs = Math.min(this.timeline.totalMs, nextStopMs(this.timeline, this.atMs, this.speed === 'step'));
  }

  /** Back one scene, paused there: the presenter went back to talk about it. */
  previous(): void {
    this.atMs = previousStopMs(this.timeline, this.atMs);
    this.#running = false;
  }

  restart(): void {
    this.atMs = 0;
    this.#running = true;
    this.#ensureTimer();
  }

  setSpeed(speed: PlaybackSpeed): void {
    this.speed = speed;
    this.#ensureTimer();
  }

  seekScene(sceneNumber: number): void {
    this.atMs = 0;
    // Step by step, each stop is the next scene complete: as far as the recording has scenes.
    while (this.scenes.length < sceneNumber && this.atMs < this.timeline.totalMs) {
      this.atMs = Math.min(this.timeline.totalMs, nextStopMs(this.timeline, this.atMs, true));
    }
    this.#running = false;
  }

  stop(): void {
    this.#running = false;
    this.#stopTimer?.();
    this.#stopTimer = null;
  }

  #scenesOf(tape: Tape): Scene[] {
    return buildScenes({
      problem: this.subject.problem,
      problemId: this.subject.problemId,
      pipeline: this.subject.pipeline,
      mode: this.subject.mode,
      tape,
      // Without the benchmark file, the problem on stage is the task as the recording's model saw it.
      recordedTask: recordedTaskOf(this.trajectory.steps),
    });
  }

  #ensureTimer(): void {
    if (this.#stopTimer) return;
    this.#lastTick = this.#clock.now();
    this.#stopTimer = this.#clock.every(FRAME_MS, () => this.#tick());
  }

  #tick(): void {
    const now = this.#clock.now();
    const elapsed = now - this.#lastTick;
    this.#lastTick = now;
    if (!this.playing || typeof this.speed !== 'number') return;
    this.atMs = Math.min(this.timeline.totalMs, this.atMs + elapsed * this.speed);
  }
}
