/**
 * A run happening now, as a show: runProblem with the presenter's own wrappers around the model
 * and the sandbox. The wrappers feed the live tape (the messages a call was sent, every token,
 * every run) and hold the run at the points a presenter needs: after a reply, while the tests
 * tick in, and on what a refiner is told, each for a moment or until → (space pauses there).
 *
 * Pausing holds the screen still: the model goes on writing, and what it wrote meanwhile shows on
 * resume. The strip's clock stands still too, and leaves the pause out of the run's time.
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

/** How often the strip's clock moves while the run plays: it shows tenths of a second. */
const CLOCK_TICK_MS = 100;

export interface LivePorts {
  modelFor: (modelKey: string) => LanguageModel;
  sandbox: () => Promise<Sandbox>;
  /**
   * Runs before the first call (loading in-browser models); reports what it is doing, and what a
   * screen reader is told of it when that is said less often than it is shown (a percentage).
   */
  prepare?: (report: (text: string, spoken?: string) => void, signal: AbortSignal) => Promise<void>;
  /**
   * Ends the sandbox's workers, so the next `sandbox()` starts afresh. A show stopped (R, Setup)
   * while one of its programs runs calls it: nothing can stop that program but its time limit, and
   * the next run's first program would wait behind it, "Running the tests" for up to 10 s.
   */
  dropSandbox?: () => void;
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
  /**
   * The run's time, read again every tick while it plays: the tape changes only when something
   * happens, and a slow first token or a program that hangs must not look like a frozen screen.
   */
  #elapsedMs = $state(0);
  /** Read with the clock too: a stream that stalls changes no tape, yet its speed is no longer true. */
  #silentMs = $state<number | null>(null);
  #reading: StripReading = $derived.by(() => readStrip(this.tape, this.subject.pipeline, this.error !== null));
  strip: StripReading = $derived(
    this.#silentMs === null ? { ...this.#reading, elapsedMs: this.#elapsedMs } : { ...this.#reading, elapsedMs: this.#elapsedMs, tokensPerSecond: null, silentMs: this.#silentMs },
  );
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
  #clockTimer: ReturnType<typeof setInterval> | null = null;
  /** Pieces of the reply that arrived while paused, with when they came: they show on resume. */
  #held: { delta: string; at: number }[] = [];
  /** A program of this run that a Python worker has taken and not finished. */
  #inSandbox: object | null = null;

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
    if (this.paused) this.#live?.pause();
    else {
      this.#live?.resume();
      this.#releaseHeld();
      this.#resume?.();
      this.#resume = null;
    }
    this.#syncClock();
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
    // Paused, the run waits where it is, but → brings the screen up to what the model wrote meanwhile.
    else if (this.paused) this.#releaseHeld();
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
    this.#held = [];
    if (this.#inSandbox !== null) {
      this.#inSandbox = null;
      this.#ports.dropSandbox?.();
    }
    // Nothing of this run is shown any more: the clock stops, and no late event starts it again.
    this.#live = null;
    this.#syncClock();
  }

  async #run(): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    const signal = controller.signal;
    this.#live = null;
    this.#held = [];
    this.#latestCode = '';
    this.tape = EMPTY_TAPE;
    this.#elapsedMs = 0;
    try {
      if (this.#ports.prepare) {
        this.preparing = this.preparingSpoken = 'Preparing…';
        await this.#ports.prepare((text, spoken = text) => {
          this.preparing = text;
          this.preparingSpoken = spoken;
        }, signal);
        this.preparing = this.preparingSpoken = null;
      }
      // The run's clock starts once the models are ready: loading one is not the run's time.
      const live = new LiveTape(() => performance.now(), { resample: this.subject.pipeline.kind === 'resample' });
      if (this.paused) live.pause();
      this.#live = live;
      this.#publish();
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
      // What the model wrote while paused is part of what it wrote before the failure.
      this.#releaseHeld();
      this.#live?.stopped();
      this.#publish();
      this.error = error instanceof Error ? error.message : String(error);
      this.#syncClock();
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
        const reply = await inner.chat(messages, options, {
          ...call,
          onToken: (delta) => {
            call.onToken?.(delta);
            if (signal.aborted) return;
            // Paused, the screen holds still: the piece waits for resume.
            if (this.paused) {
              this.#held.push({ delta, at: performance.now() });
              return;
            }
            live.token(delta);
            this.#publish();
          },
          // Reasoning sent apart from the reply: the scene says the model is thinking, not waiting for a first token.
          onAnswering: () => {
            call.onAnswering?.();
            if (signal.aborted || this.paused) return;
            live.thinking();
            this.#publish();
          },
        });
        // A reply finished while paused shows, whole, once the show resumes.
        await this.#hold(0, signal);
        return reply;
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
        const ready = await sandbox;
        // Stopped while Python was starting: the program is not sent (it would hold the next run's).
        throwIfAborted(signal);
        const running = {};
        try {
          return await ready.run(program, limits, {
            ...call,
            onStart: () => {
              if (!signal.aborted) this.#inSandbox = running;
              call?.onStart?.();
            },
          });
        } finally {
          if (this.#inSandbox === running) this.#inSandbox = null;
        }
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

  /** Shows the pieces of the reply that arrived while paused, timed as they arrived. */
  #releaseHeld(): void {
    if (this.#held.length === 0) return;
    for (const { delta, at } of this.#held) this.#live?.token(delta, at);
    this.#held = [];
    this.#publish();
  }

  /** The strip's clock moves while the run plays; it stands still while paused and once the run has ended. */
  #syncClock(): void {
    const tick = this.#live !== null && !this.paused && !this.finished;
    if (tick && this.#clockTimer === null) {
      this.#clockTimer = setInterval(() => {
        if (!this.#live) return;
        this.#elapsedMs = this.#live.elapsedMs();
        this.#silentMs = this.#live.silentMs();
      }, CLOCK_TICK_MS);
    } else if (!tick && this.#clockTimer !== null) {
      clearInterval(this.#clockTimer);
      this.#clockTimer = null;
    }
    // Paused or ended, the silence is the show's, not the model's.
    if (!tick) this.#silentMs = null;
  }

  #publish(): void {
    if (!this.#live) return;
    this.tape = this.#live.snapshot();
    this.#elapsedMs = this.tape.elapsedMs;
    this.#silentMs = this.#live.silentMs();
    this.#syncClock();
  }
}
