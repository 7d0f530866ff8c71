/**
 * The study runner: every arm × repeat × problem through the interpreter, written to the store
 * step by step, so a study survives a reload, a crash, a pause or a cancel without losing or
 * doubling a step.
 *
 * Several units run at once. Their model calls take turns per engine (one request at a time on
 * a WebLLM GPU) while the others' programs run in the sandbox pool, so the GPU does not wait for
 * Python. Resuming skips finished units and continues partial ones from their recorded steps.
 * A unit whose model keeps failing is retried a few times (not at all when the refusal is
 * lasting; after a rate limit, later: core/study/retry-wait.ts), then recorded as errored, and
 * the study goes on; a broken sandbox or store stops the study (nothing after it could be trusted).
 */
import { anySignal } from '../any-signal.ts';
import type { Problem } from '../benchmarks/problem.ts';
import { limitsFor } from '../harness/limits.ts';
import { failingAsBroken, SandboxBroken } from '../harness/sandbox-broken.ts';
import { isAbortError } from '../llm/abort.ts';
import { runProblem, type ReplayDivergence } from '../pipeline/interpret.ts';
import type { Step, Trajectory } from '../pipeline/trajectory.ts';
import type { ChatContext, LanguageModel, Sandbox, SamplingOptions, StoredStudy, StudyStatus, StudyStore } from '../ports.ts';
import { deriveSeed } from '../random.ts';
import { studyPromptSet, validateStudyConfig, withTopP, type ModelBinding, type StudyConfig } from './config.ts';
import { PauseSwitch, sleepUnlessPaused } from './pause-switch.ts';
import { ProgressTracker, type StudyProgress } from './progress.ts';
import { EngineQueues } from './queued-model.ts';
import { retryWait } from './retry-wait.ts';
import { summarizeTrajectory, type FinishedUnit } from './unit-record.ts';
import { workPlan, type StudyUnit } from './work-plan.ts';

export interface StudyPorts {
  /** The LanguageModel for a model key of the study (bound in `config.models`). */
  model: (modelKey: string) => LanguageModel;
  sandbox: Sandbox;
  store: StudyStore;
  /** Milliseconds on a monotonic clock (`performance.now`). */
  now: () => number;
  /** How much time `now` has left out as the machine's suspension (awake-clock.ts); absent, none. */
  suspendedMs?: () => number;
}

/** A run of one unit (or search evaluation) failed and will be tried again after `delayMs`. */
export interface UnitRetry {
  /** The attempt that failed, from 1. */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  error: unknown;
  /**
   * Present when the server limits requests (HTTP 429): `server-asked` when `delayMs` is the
   * wait it asked for, `backoff` when it gave none this app could read (core/study/retry-wait.ts).
   */
  rateLimit?: 'server-asked' | 'backoff';
  /** Not a rate limit, but `delayMs` is the wait the server asked for (a 503 with Retry-After). */
  serverAsked?: true;
}

export interface RunStudyOptions {
  /** Units in flight at once: the sandbox workers plus one keeps a GPU busy. Default 3. */
  concurrency?: number;
  /** Aborting cancels the study: units in flight stop, their finished steps stay stored. */
  signal?: AbortSignal;
  pause?: PauseSwitch;
  onProgress?: (progress: StudyProgress) => void;
  /** Each new step, once its write to the store has been started. */
  onStep?: (unit: StudyUnit, step: Step) => void;
  onToken?: (unit: StudyUnit, delta: string) => void;
  /** A piece of reasoning streamed apart from the reply: no text, but the model is at work. */
  onReasoning?: (unit: StudyUnit) => void;
  /**
   * A unit whose recorded steps no longer fit what this version of the app sends (it was updated
   * since they were recorded): the steps before `fromIndex` are kept, the rest dropped from the
   * store, and the unit goes on live from there.
   */
  onReplayDiverged?: (unit: StudyUnit, divergence: ReplayDivergence) => void;
  /** Each finished unit; for an errored one, `error` is what its last attempt ended with (the record keeps only its message). */
  onUnitFinished?: (unit: StudyUnit, record: FinishedUnit, error?: unknown) => void;
  /**
   * A unit's run failed (its model did not answer) and is tried again after `delayMs`: attempt
   * `attempt` of `maxAttempts` failed with `error`. Without it the page sat on "Running" while an
   * endpoint that went away was tried again and again.
   */
  onRetry?: (unit: StudyUnit, retry: UnitRetry) => void;
  /** Runs of one unit before it is recorded as errored (model or engine failures). Default 3. */
  maxAttempts?: number;
  /** Wait before a retry, times the attempt number. Default 2000 ms. */
  retryDelayMs?: number;
  /** First wait after a rate limit the server gave no wait for (it doubles, up to 60 s). Default 30 s. */
  rateLimitDelayMs?: number;
  /** Run again the units an earlier session recorded as errored. Default false. */
  retryErrored?: boolean;
  /** Calls one engine serves at once. Default 1 for every engine. */
  engineCapacity?: (engine: string, binding: ModelBinding) => number;
}

export interface StudyEnd {
  status: 'done' | 'cancelled';
  progress: StudyProgress;
}

type UnitEnd = 'finished' | 'paused' | 'cancelled';

export async function runStudy(
  config: StudyConfig,
  problems: readonly Problem[],
  ports: StudyPorts,
  options: RunStudyOptions = {},
): Promise<StudyEnd> {
  // A config from a store or a file may be older or hand-edited: refuse it before any work starts.
  const checked = validateStudyConfig(config);
  if (!checked.ok) throw new Error(`This study cannot run: ${checked.errors.slice(0, 5).join(' ')}`);
  const byId = new Map(problems.map((p) => [p.id, p]));
  const missing = config.problemIds.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new Error(`The study needs problems that are not loaded: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}.`);
  }
  await ports.store.putStudy(config);
  const stored = await ports.store.loadStudy(config.id);
  if (!stored) throw new Error(`The store lost the study "${config.id}" right after storing it.`);
  return new StudyRun(config, byId, ports, options, stored).run();
}

class StudyRun {
  readonly #config: StudyConfig;
  readonly #problems: Map<string, Problem>;
  readonly #ports: StudyPorts;
  readonly #options: RunStudyOptions;
  readonly #pause: PauseSwitch;
  readonly #progress: ProgressTracker;
  readonly #queues: EngineQueues;
  readonly #models = new Map<string, LanguageModel>();
  readonly #sandbox: Sandbox;
  /** Steps stored so far per unit, in index order: a unit resumes from these. */
  readonly #steps = new Map<string, Step[]>();
  /** Units still to run, in plan order; stopped units go back to their place. */
  readonly #todo: StudyUnit[];
  /** Aborts every unit at once when the store or the sandbox breaks. */
  readonly #fatal = new AbortController();
  #fatalError: unknown = null;
  #wake: (() => void) | null = null;
  /** Status writes in the order they were made, so a late "paused" cannot land after "done". */
  #statusWrites: Promise<void> = Promise.resolve();

  constructor(config: StudyConfig, problems: Map<string, Problem>, ports: StudyPorts, options: RunStudyOptions, stored: StoredStudy) {
    this.#config = config;
    this.#problems = problems;
    this.#ports = ports;
    this.#options = options;
    this.#pause = options.pause ?? new PauseSwitch();
    this.#progress = new ProgressTracker(config, ports.now);
    this.#queues = new EngineQueues(config.models, options.engineCapacity);
    this.#sandbox = failingAsBroken(ports.sandbox);

    for (const { unitId, step } of stored.steps) {
      let steps = this.#steps.get(unitId);
      if (!steps) this.#steps.set(unitId, (steps = []));
      // Only an unbroken run of steps from index 0 can be replayed; anything after a gap is redone.
      if (step.index === steps.length) steps.push(step);
    }
    const finished = new Map(stored.finished.map((f) => [f.unitId, f]));
    this.#todo = [];
    for (const unit of workPlan(config)) {
      const record = finished.get(unit.id);
      if (record && !(options.retryErrored && record.result.status === 'errored')) this.#progress.countEarlier(record);
      else this.#todo.push(unit);
    }
  }

  async run(): Promise<StudyEnd> {
    const signal = this.#options.signal;
    const wake = () => this.#wake?.();
    const stopListening = this.#pause.onChange((paused) => this.#onPauseChange(paused));
    signal?.addEventListener('abort', wake);
    this.#fatal.signal.addEventListener('abort', wake);
    try {
      if (this.#todo.length > 0 && !signal?.aborted) {
        await this.#setStatus(this.#pause.paused ? 'paused' : 'running');
        if (this.#pause.paused) this.#setPaused();
        this.#emit();
        const workers = Math.max(1, Math.min(this.#options.concurrency ?? 3, this.#todo.length));
        await Promise.all(Array.from({ length: workers }, () => this.#worker()));
      }
      if (this.#fatalError !== null) {
        // Stopped, not interrupted: left 'running', the study would be listed as cut off by a
        // closed tab, and a link that runs it would resume it by itself into the same error.
        // (When the store itself is what failed, this write fails too and changes nothing.)
        // Stored as failed, not cancelled: after a reload the card must not say the user stopped it.
        await this.#ports.store.setStatus(this.#config.id, 'failed').catch(() => undefined);
        throw this.#fatalError;
      }
      const cancelled = this.#todo.length > 0;
      this.#progress.state = cancelled ? 'cancelled' : 'done';
      await this.#setStatus(cancelled ? 'cancelled' : 'done');
      const progress = this.#emit();
      return { status: cancelled ? 'cancelled' : 'done', progress };
    } finally {
      stopListening();
      signal?.removeEventListener('abort', wake);
    }
  }

  #stopped(): boolean {
    return this.#options.signal?.aborted === true || this.#fatal.signal.aborted;
  }

  async #worker(): Promise<void> {
    for (;;) {
      while (this.#pause.paused && !this.#stopped()) await new Promise<void>((resolve) => this.#waitForWake(resolve));
      if (this.#stopped()) return;
      const unit = this.#todo.shift();
      if (!unit) return;
      const end = await this.#runUnit(unit);
      if (end === 'paused' || end === 'cancelled') this.#putBack(unit);
      if (end === 'cancelled') return;
    }
  }

  /** A stopped unit goes back to its place in the plan, so resuming keeps the plan's order. */
  #putBack(unit: StudyUnit): void {
    const at = this.#todo.findIndex((u) => u.order > unit.order);
    this.#todo.splice(at < 0 ? this.#todo.length : at, 0, unit);
  }

  /** Several workers may wait at once; one wake-up releases them all. */
  #waitForWake(resolve: () => void): void {
    const previous = this.#wake;
    this.#wake = () => {
      this.#wake = null;
      previous?.();
      resolve();
    };
  }

  async #runUnit(unit: StudyUnit): Promise<UnitEnd> {
    const maxAttempts = Math.max(1, this.#options.maxAttempts ?? 3);
    const steps = this.#steps.get(unit.id) ?? [];
    this.#steps.set(unit.id, steps);
    const record = (result: FinishedUnit['result']): FinishedUnit => ({
      unitId: unit.id,
      armId: unit.armId,
      repeat: unit.repeat,
      problemId: unit.problemId,
      result,
    });
    this.#progress.inFlight++;
    this.#emit();
    try {
      for (let attempt = 1; ; attempt++) {
        const controller = new AbortController();
        const ran = await this.#attempt(unit, steps, controller);
        if (ran.ok) {
          await this.#finish(unit, record({ status: 'finished', trajectory: summarizeTrajectory(ran.trajectory) }));
          return 'finished';
        }
        const error = ran.error;
        if (this.#fatal.signal.aborted || error instanceof SandboxBroken) throw this.#fatalError ?? error;
        if (this.#options.signal?.aborted) return 'cancelled';
        if (controller.signal.aborted && isAbortError(error)) return 'paused';
        // A lasting refusal (a key, a model name, a prompt too long) would only fail again, later.
        const wait = attempt < maxAttempts ? retryWait(error, attempt, this.#options) : null;
        if (!wait) {
          const message = error instanceof Error ? error.message : String(error);
          await this.#finish(unit, record({ status: 'errored', message, attempts: attempt, stepCount: steps.length }), error);
          return 'finished';
        }
        this.#progress.waitingToRetry(wait);
        this.#options.onRetry?.(unit, { attempt, maxAttempts, ...wait, error });
        this.#emit(); // the estimate from before the failure is no longer shown
        const waited = await this.#waitToRetry(wait.delayMs);
        if (waited !== 'waited') return waited;
        this.#progress.triedAgain(wait);
      }
    } catch (error) {
      this.#fail(error);
      return 'cancelled';
    } finally {
      this.#progress.inFlight--;
      if (this.#pause.paused && this.#progress.inFlight === 0 && !this.#stopped()) this.#setPaused();
      this.#emit();
    }
  }

  /**
   * The wait before a unit's next attempt. A stop ends it at once, and so does a pause: after a
   * rate limit the wait may be minutes, and "pausing" must not last that long. The paused unit
   * goes back to the plan and starts its attempts afresh on resume.
   */
  async #waitToRetry(delayMs: number): Promise<'waited' | 'paused' | 'cancelled'> {
    try {
      return (await sleepUnlessPaused(delayMs, this.#stopSignal(), this.#pause)) === 'slept' ? 'waited' : 'paused';
    } catch {
      return this.#stopped() ? 'cancelled' : 'paused';
    }
  }

  /** Aborts on cancel and on a fatal error. */
  #stopSignal(): AbortSignal {
    return this.#options.signal ? anySignal([this.#options.signal, this.#fatal.signal]) : this.#fatal.signal;
  }

  /**
   * One run of the unit's pipeline from its stored steps. Resolves with the trajectory or the
   * error the run ended with; rejects only when a step could not be stored (the store is broken).
   */
  async #attempt(
    unit: StudyUnit,
    steps: Step[],
    controller: AbortController,
  ): Promise<{ ok: true; trajectory: Trajectory } | { ok: false; error: unknown }> {
    const arm = this.#config.arms[unit.armIndex];
    const problem = this.#problems.get(unit.problemId);
    if (!arm || !problem) throw new Error(`Unit ${unit.id} names no arm or problem of the study.`);
    const limits = this.#config.limits;
    let writes: Promise<void> = Promise.resolve();
    try {
      const trajectory = await runProblem(
        problem,
        arm.pipeline,
        {
          model: (key) => this.#model(key),
          sandbox: this.#sandbox,
          modelTurn: async (key, signal) => {
            const release = await this.#queues.turn(key, signal);
            // Paused while waiting for the engine: give the turn back and stop before the step starts.
            if (this.#pause.paused) {
              release();
              controller.abort();
            }
            return release;
          },
        },
        {
          mode: this.#config.mode,
          limits: limitsFor(problem, this.#config.mode, {
            timeoutMs: limits.timeoutMs,
            maxOutputChars: limits.maxOutputChars,
            slowTaskFloors: limits.slowTaskFloors,
          }),
          forcedIterations: arm.forcedIterations,
          problemTimeCapMs: limits.problemTimeCapMs,
          repeat: unit.repeat,
          signal: anySignal([controller.signal, this.#stopSignal()]),
          now: this.#ports.now,
          ...(this.#ports.suspendedMs ? { suspendedMs: this.#ports.suspendedMs } : {}),
          priorSteps: steps.slice(),
          promptSet: studyPromptSet(this.#config),
          // Recorded by an older version of the app that words a message (or extracts code)
          // otherwise: replaying them would fail the same way on every attempt and every "run
          // errored units again". The steps before the first misfit are still what was sent and
          // received, so they stay; it and the rest go, from memory and from the store (with an
          // errored record, whose step count no longer holds), before any new step is written.
          onReplayDiverged: (divergence) => {
            steps.length = divergence.fromIndex;
            writes = writes.then(() => this.#ports.store.dropStepsFrom(this.#config.id, unit.id, divergence.fromIndex));
            writes.catch((error: unknown) => this.#fail(error));
            this.#options.onReplayDiverged?.(unit, divergence);
          },
          onStep: (step) => {
            steps.push(step);
            writes = writes.then(() => this.#ports.store.appendStep(this.#config.id, unit.id, step));
            // A failed write stops the whole study at once, not just this unit.
            writes.catch((error: unknown) => this.#fail(error));
            if (step.kind !== 'execute') this.#progress.tokens(step.usage.completionTokens);
            this.#options.onStep?.(unit, step);
            this.#emit();
            // Pausing lets the step in flight finish, then stops the unit before its next step.
            if (this.#pause.paused) controller.abort();
          },
          ...(this.#options.onToken ? { onToken: (delta: string) => this.#options.onToken?.(unit, delta) } : {}),
          ...(this.#options.onReasoning ? { onReasoning: () => this.#options.onReasoning?.(unit) } : {}),
        },
      );
      await writes;
      return { ok: true, trajectory };
    } catch (error) {
      await writes;
      return { ok: false, error };
    }
  }

  async #finish(unit: StudyUnit, record: FinishedUnit, error?: unknown): Promise<void> {
    await this.#ports.store.finishUnit(this.#config.id, record);
    this.#steps.delete(unit.id);
    this.#progress.unitFinished(record);
    this.#options.onUnitFinished?.(unit, record, error);
  }

  /**
   * The study's model for a key, with the study's sampling defaults added to every call, and,
   * when the study has a sampling seed, a seed of the call's own: derived from the study's seed
   * and the call's repeat, problem, node and call index. One seed for every call made each repeat
   * a copy of the first on an engine that honours seeds, and a resample arm's draws copies of its
   * first. Arms are not among the parts: two arms that send the same first request get the same
   * first reply (common random numbers, which sharpen a paired comparison).
   */
  #model(key: string): LanguageModel {
    let model = this.#models.get(key);
    if (model) return model;
    const inner = this.#ports.model(key);
    const { topP } = this.#config.sampling;
    const seed = this.#config.seeds.sampling;
    const prepare = inner.prepare?.bind(inner);
    const withStudy = (sampling: SamplingOptions, context?: ChatContext): SamplingOptions => ({
      ...withTopP(sampling, topP),
      ...(seed !== null ? { seed: context ? deriveSeed(seed, context.repeat ?? 0, context.problemId, context.nodeId, context.iteration) : seed } : {}),
    });
    model = {
      id: inner.id,
      chat: (messages, sampling, call) => inner.chat(messages, withStudy(sampling, call?.context), call),
      // Passed on, so a model's download or load stays off the per-problem time cap; the request
      // it is told about is the one chat will send.
      ...(prepare ? { prepare: (signal, request) => prepare(signal, request && { ...request, options: withStudy(request.options) }) } : {}),
    };
    this.#models.set(key, model);
    return model;
  }

  #onPauseChange(paused: boolean): void {
    if (this.#stopped()) return;
    if (paused) {
      // The clock stops once the steps in flight have finished (#setPaused), not at the press:
      // their tokens count towards the rate, so their time must too (audit R186-1).
      if (this.#progress.inFlight === 0) this.#setPaused();
      else this.#progress.state = 'pausing';
      void this.#setStatus('paused').catch(() => undefined);
    } else {
      this.#progress.resumedAt();
      this.#progress.state = 'running';
      void this.#setStatus('running').catch(() => undefined);
      this.#wake?.();
    }
    this.#emit();
  }

  /** Writes a status after every earlier one; a failed write stops the study. */
  #setStatus(status: StudyStatus): Promise<void> {
    const write = this.#statusWrites.then(() => this.#ports.store.setStatus(this.#config.id, status));
    this.#statusWrites = write.catch((error: unknown) => this.#fail(error));
    return write;
  }

  #setPaused(): void {
    this.#progress.pausedAt();
    this.#progress.state = 'paused';
  }

  #fail(error: unknown): void {
    if (this.#fatalError === null) this.#fatalError = error;
    this.#fatal.abort();
  }

  #emit(): StudyProgress {
    const progress = this.#progress.snapshot();
    this.#options.onProgress?.(progress);
    return progress;
  }
}
