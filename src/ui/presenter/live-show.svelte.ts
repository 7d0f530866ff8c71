/**
 * A run happening now, as a show: runProblem with the presenter's own wrappers around the model
 * and the sandbox. The wrappers feed the live tape (the messages a call was sent, every token,
 * every run) and hold the run at the points a presenter needs: after a reply, while the tests
 * tick in, and on what a refiner is told, each for a moment or until → (space pauses there).
 *
 * The study's 120 s cap per problem is not applied: a presenter who pauses to talk would
 * otherwise fail the problem. Each program still has its own time limit.
 */
import { isAbortError, throwIfAborted } from '../../core/llm/abort.ts';
import { runProblem } from '../../core/pipeline/interpret.ts';
import type { LanguageModel, Sandbox } from '../../core/ports.ts';
import { LiveTape } from '../../core/presenter/live-tape.ts';
import { DEFAULT_PACING, type PlaybackPacing } from '../../core/presenter/playback.ts';
import { buildScenes, type Scene } from '../../core/presenter/scenes.ts';
import { readStrip, type StripReading } from '../../core/presenter/strip.ts';
import { EMPTY_TAPE, isBriefed, stepKindOfNode, type Tape } from '../../core/presenter/tape.ts';
import { testCode, testVerdicts, tickCount } from '../../core/presenter/test-verdicts.ts';
import type { PresenterShow, ShowSubject } from './show.ts';

/** Long enough for any talk, short enough for setTimeout (which overflows past 2^31 ms). */
const NO_PRACTICAL_CAP_MS = 6 * 60 * 60 * 1000;

export interface LivePorts {
  modelFor: (modelKey: string) => LanguageModel;
  sandbox: () => Promise<Sandbox>;
  /**
   * Runs before the first call (loading in-browser models); reports what it is doing, and what a
   * screen reader is told of it when that is said less often than it is shown (a percentage).
   */
  prepare?: (report: (text: string, spoken?: string) => void, signal: AbortSignal) => Promise<void>;
}

export class LiveShow implements PresenterShow {
  readonly kind = 'live';
  readonly subject: ShowSubject;
  readonly speed = null;
  /** Unknown: the model may pass on its first try or use every refinement. */
  readonly sceneTotal = null;
  tape = $state.raw<Tape>(EMPTY_TAPE);
  error = $state<string | null>(null);
  preparing = $state<string | null>(null);
  preparingSpoken = $state<string | null>(null);
  paused = $state(false);
  /** Scene index the presenter went back to, or null to follow the run. */
  cursor = $state<number | null>(null);

  scenes: Scene[] = $derived.by(() =>
    buildScenes({ problem: this.subject.problem, problemId: this.subject.problemId, pipeline: this.subject.pipeline, mode: this.subject.mode, tape: this.tape }),
  );
  shownIndex = $derived(this.cursor === null ? this.scenes.length - 1 : Math.min(this.cursor, this.scenes.length - 1));
  /** A failure is the front of the show: the scenes before it stay within reach of ←. */
  showingError = $derived(this.error !== null && this.cursor === null);
  strip: StripReading = $derived.by(() => readStrip(this.tape, this.subject.pipeline, this.error !== null));
  finished = $derived(this.tape.end !== null || this.error !== null);
  playing = $derived(!this.paused && !this.finished);

  readonly #ports: LivePorts;
  readonly #pacing: PlaybackPacing;
  #live: LiveTape | null = null;
  #controller: AbortController | null = null;
  #latestCode = '';
  /** Resolves the hold in progress early (→). */
  #skip: (() => void) | null = null;
  #resume: (() => void) | null = null;
  #tickTimer: ReturnType<typeof setInterval> | null = null;
  #ticking: Promise<void> = Promise.resolve();
  #tickingDone: (() => void) | null = null;

  constructor(subject: ShowSubject, ports: LivePorts, pacing: PlaybackPacing = DEFAULT_PACING) {
    this.subject = subject;
    this.#ports = ports;
    this.#pacing = pacing;
  }

  start(): void {
    void this.#run();
  }

  togglePause(): void {
    if (this.finished) return this.restart();
    this.paused = !this.paused;
    if (!this.paused) {
      this.#resume?.();
      this.#resume = null;
    }
  }

  /** Forward through scenes already shown; at the front, cut the current hold short. */
  next(): void {
    if (this.cursor !== null) {
      // After a failure the last scene is a stop of its own; the failure is the front.
      const front = this.error !== null ? this.scenes.length : this.scenes.length - 1;
      this.cursor = this.cursor + 1 >= front ? null : this.cursor + 1;
      return;
    }
    if (this.#tickTimer !== null) this.#endTicking();
    else this.#skip?.();
  }

  /** Back to an earlier scene; the run goes on, and → comes forward again. */
  previous(): void {
    this.cursor = this.showingError ? this.scenes.length - 1 : Math.max(0, this.shownIndex - 1);
  }

  restart(): void {
    this.stop();
    this.error = null;
    this.paused = false;
    this.cursor = null;
    this.start();
  }

  setSpeed(): void {
    // A live run goes at the model's speed.
  }

  seekScene(): void {
    // The scenes of a live run do not exist until the model writes them: it starts over.
  }

  stop(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.#skip?.();
    this.#resume?.();
    this.#endTicking();
  }

  async #run(): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    const signal = controller.signal;
    const live = new LiveTape(() => performance.now(), { resample: this.subject.pipeline.kind === 'resample' });
    this.#live = live;
    this.#latestCode = '';
    this.#publish();
    try {
      if (this.#ports.prepare) {
        this.preparing = this.preparingSpoken = 'Preparing…';
        await this.#ports.prepare((text, spoken = text) => {
          this.preparing = text;
          this.preparingSpoken = spoken;
        }, signal);
        this.preparing = this.preparingSpoken = null;
      }
      // Python starts while the model writes: the first run needs it only after the first reply.
      const sandbox = this.#ports.sandbox();
      sandbox.catch(() => undefined);
      const trajectory = await runProblem(
        this.#problem(),
        this.subject.pipeline,
        { model: (key) => this.#presentedModel(this.#ports.modelFor(key), signal), sandbox: this.#presentedSandbox(sandbox, signal) },
        {
          mode: this.subject.mode,
          signal,
          problemTimeCapMs: NO_PRACTICAL_CAP_MS,
          onStep: (step) => {
            if (signal.aborted) return;
            if (step.kind !== 'execute' && step.code !== null) this.#latestCode = step.code;
            live.stepRecorded(step);
            if (step.kind === 'execute') this.#startTicking(live, tickCount(this.#verdictsOf(step.outcome)));
            this.#publish();
          },
        },
      );
      await this.#ticking;
      await this.#hold(trajectory.passed ? this.#pacing.afterPassMs : this.#pacing.afterFailMs, signal);
      live.finished(trajectory);
      this.#publish();
    } catch (error) {
      if (signal.aborted || isAbortError(error)) return;
      live.stopped();
      this.#publish();
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (this.#controller === controller) this.preparing = this.preparingSpoken = null;
    }
  }

  #problem() {
    const problem = this.subject.problem;
    if (!problem) throw new Error(`A live run needs the benchmark file for ${this.subject.problemId}; it could not be loaded.`);
    return problem;
  }

  #verdictsOf(outcome: Parameters<typeof testVerdicts>[1]) {
    return this.subject.problem ? testVerdicts(testCode(this.subject.problem), outcome) : { verdicts: [], stoppedAt: null, beforeTests: false };
  }

  #presentedModel(inner: LanguageModel, signal: AbortSignal): LanguageModel {
    return {
      id: inner.id,
      chat: async (messages, options, call = {}) => {
        const live = this.#live;
        const context = call.context;
        if (!live || !context) return inner.chat(messages, options, call);
        // The tests of the previous run finish ticking in, and stay up a moment, before the next call shows.
        await this.#ticking;
        throwIfAborted(signal);
        const after = live.snapshot().steps.at(-1);
        if (after?.kind === 'execute') await this.#hold(after.outcome.kind === 'passed' ? this.#pacing.afterPassMs : this.#pacing.afterFailMs, signal);
        live.callStarted({ nodeId: context.nodeId, callIndex: context.iteration, modelId: inner.id, messages });
        this.#publish();
        if (isBriefed(stepKindOfNode(context.nodeId))) await this.#hold(this.#pacing.briefingMs, signal);
        live.replyStarted();
        this.#publish();
        return inner.chat(messages, options, {
          ...call,
          onToken: (delta) => {
            call.onToken?.(delta);
            if (signal.aborted) return;
            live.token(delta);
            this.#publish();
          },
        });
      },
    };
  }

  #presentedSandbox(sandbox: Promise<Sandbox>, signal: AbortSignal): Sandbox {
    return {
      run: async (program, limits, call) => {
        // The finished reply stays up a moment before the run replaces it.
        await this.#hold(this.#pacing.afterReplyMs, signal);
        this.#live?.executionStarted('executor', this.#latestCode);
        this.#publish();
        return (await sandbox).run(program, limits, call);
      },
      // The page's sandbox holder owns the workers.
      close: () => Promise.resolve(),
    };
  }

  /** Waits `ms` (less if → is pressed), and for as long as the show is paused. */
  async #hold(ms: number, signal: AbortSignal): Promise<void> {
    if (ms > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#skip = done;
        signal.addEventListener('abort', done, { once: true });
      });
      this.#skip = null;
    }
    while (this.paused && !signal.aborted) {
      await new Promise<void>((resolve) => {
        this.#resume = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    if (signal.aborted) throw new DOMException('The presenter run was stopped.', 'AbortError');
  }

  #startTicking(live: LiveTape, count: number): void {
    this.#endTicking();
    if (count === 0) {
      live.setTicked(null);
      return;
    }
    let ticked = 0;
    this.#ticking = new Promise<void>((resolve) => (this.#tickingDone = resolve));
    this.#tickTimer = setInterval(() => {
      if (this.paused) return;
      ticked++;
      // The last verdict ticks in together with the result.
      if (ticked >= count) return this.#endTicking();
      live.setTicked(ticked);
      this.#publish();
    }, this.#pacing.tickMs);
  }

  /** Shows every verdict at once and lets the run go on. */
  #endTicking(): void {
    if (this.#tickTimer === null) return;
    clearInterval(this.#tickTimer);
    this.#tickTimer = null;
    this.#live?.setTicked(null);
    this.#publish();
    this.#tickingDone?.();
    this.#tickingDone = null;
  }

  #publish(): void {
    if (this.#live) this.tape = this.#live.snapshot();
  }
}
