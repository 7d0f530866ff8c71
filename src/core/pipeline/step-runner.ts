/**
 * Runs the steps of one trajectory: each model call or execution goes through here, which
 * timestamps it, enforces the per-problem time cap and the caller's AbortSignal, reports it
 * through `onStep`, and on resume replays steps already recorded instead of running them again.
 */
import { anySignal } from '../any-signal.ts';
import type { Problem } from '../benchmarks/problem.ts';
import { assembleProgram } from '../harness/assemble-program.ts';
import { locateCode } from '../harness/extract-code.ts';
import { limitsFor } from '../harness/limits.ts';
import { runAsFor } from '../harness/run-as.ts';
import type { HarnessMode } from '../harness/outcome.ts';
import { toOutcome } from '../harness/to-outcome.ts';
import type { ChatMessage, LanguageModel, ModelRequest, Sandbox, SandboxLimits } from '../ports.ts';
import type { LlmNode } from './genome.ts';
import type { ExecuteStep, ModelStep, ModelStepKind, Step } from './trajectory.ts';

export interface InterpreterPorts {
  /** The LanguageModel for a model key (`llama3.2:3b`, a WebLLM id, an endpoint model). */
  model: (modelKey: string) => LanguageModel;
  sandbox: Sandbox;
  /**
   * Optional: waits until the model's engine is free for this call and resolves to a function
   * that frees it again. A study runner with several problems in flight queues their calls per
   * engine here, before the call's clock and the problem's time cap start, so time spent queued
   * behind other problems is not charged to this one (a browser GPU serves one call at a time,
   * where the study's runner sent five problems at once to a server that batched them).
   * Rejects with an AbortError when `signal` aborts while waiting.
   */
  modelTurn?: (modelKey: string, signal: AbortSignal | undefined) => Promise<() => void>;
}

export interface StepRunnerOptions {
  mode: HarnessMode;
  limits?: SandboxLimits;
  problemTimeCapMs: number;
  repeat?: number;
  signal?: AbortSignal;
  now: () => number;
  suspendedMs?: () => number;
  onStep?: (step: Step) => void;
  onToken?: (delta: string, at: { nodeId: string; iteration: number }) => void;
  onReasoning?: () => void;
  priorSteps: readonly Step[];
  /**
   * Called when a recorded step no longer fits what the pipeline does now (an update of the app
   * words a message differently, or runs or ends its loop otherwise). The steps
   * before it stay (they are what was sent and received, and the pipeline still asks for exactly
   * them); that step and every later one are dropped, and the run goes on live from it. Without
   * this option, such a step throws instead.
   */
  onReplayDiverged?: (divergence: ReplayDivergence) => void;
}

/** Where and why replaying recorded steps stopped early. */
export interface ReplayDivergence {
  /** Index of the first recorded step dropped: the steps kept are those before it. */
  fromIndex: number;
  /** Recorded steps dropped. */
  dropped: number;
  /** What no longer fits, in words. */
  reason: string;
}

export interface ModelCall {
  kind: ModelStepKind;
  nodeId: string;
  stage: number | null;
  iteration: number;
  /** The port's ChatContext.iteration: 0 for this node's first call on the problem, then 1, 2… */
  callIndex: number;
  node: LlmNode;
  promptId: string | null;
  messages: ChatMessage[];
  /** Generators, refiners, planners and revisers answer with code; analyzers and critics in prose. */
  extractCode: boolean;
}

export interface ExecuteCall {
  nodeId: string;
  stage: number | null;
  iteration: number;
  attempt: number;
  final: boolean;
  code: string;
}

/** Thrown inside the interpreter when the per-problem time cap runs out; never escapes runProblem. */
export class TimeCapReached extends Error {
  constructor() {
    super('The per-problem time cap ran out.');
    this.name = 'TimeCapReached';
  }
}

export class StepRunner {
  readonly steps: Step[] = [];
  readonly #problem: Problem;
  readonly #ports: InterpreterPorts;
  readonly #options: StepRunnerOptions;
  readonly #startedAt: number;
  /** Time the recorded steps already used, so a resumed problem does not get a fresh cap. */
  #spentBeforeMs: number;
  /** Recorded steps still usable: all of them, until one no longer fits (see `onReplayDiverged`). */
  #replayable: number;
  /**
   * Time spent waiting for a model's turn (see `modelTurn`), for it to get ready, or for a free
   * sandbox worker: not charged to the cap.
   */
  #queuedMs = 0;

  constructor(problem: Problem, ports: InterpreterPorts, options: StepRunnerOptions) {
    this.#problem = problem;
    this.#ports = ports;
    this.#options = options;
    this.#startedAt = options.now();
    // The sum of the steps' own durations: recorded steps may come from several sessions whose
    // clocks have different origins, and the gaps between steps may be time queued for a model
    // or for a sandbox worker.
    this.#replayable = options.priorSteps.length;
    this.#spentBeforeMs = spentMs(options.priorSteps);
  }

  async model(call: ModelCall): Promise<ModelStep> {
    const recorded = this.#nextRecorded(call.nodeId, call.kind, call.iteration);
    if (recorded) {
      const step = recorded as ModelStep;
      const sameMessages = JSON.stringify(step.messages) === JSON.stringify(call.messages);
      // A step recorded before an extraction rule changed keeps its rule name, but only while the
      // rule in force (the study's, in study mode) finds the same code in its reply.
      const sameCode = !call.extractCode || locateCode(step.reply, this.#options.mode).code === step.code;
      if (sameMessages && sameCode) {
        this.steps.push(step);
        return step;
      }
      this.#diverge(
        step,
        sameMessages ? 'the code this version of the app takes from its reply differs' : 'the messages it sent differ from what this version of the app sends',
      );
    }
    const model = this.#ports.model(call.node.model);
    const release = await this.#modelTurn(call.node.model);
    const request: ModelRequest = { messages: call.messages, options: { temperature: call.node.temperature, max_tokens: call.node.maxTokens } };
    // The model's first text (or, from an engine that says so, its first reasoning) tells the
    // cap the model has begun to answer: before that the cap does not end the call (see `#withinCap`).
    const chat = (signal: AbortSignal, clock: StepClock) =>
      model.chat(
        request.messages,
        request.options,
        {
          signal,
          onToken: (delta: string) => {
            clock.answering();
            this.#options.onToken?.(delta, { nodeId: call.nodeId, iteration: call.iteration });
          },
          onAnswering: clock.answering,
          ...(this.#options.onReasoning ? { onReasoning: this.#options.onReasoning } : {}),
          context: {
            problemId: this.#problem.id,
            nodeId: call.nodeId,
            iteration: call.callIndex,
            ...(this.#options.repeat !== undefined ? { repeat: this.#options.repeat } : {}),
          },
        },
      );
    const prepared = model.prepare ? this.#prepare(model, model.prepare, request) : null;
    const capped = () => this.#withinCap(chat, { waitsForAnswer: true });
    const reply = await (prepared ? prepared.then(capped) : capped()).finally(release);
    const extracted = call.extractCode ? locateCode(reply.value.text, this.#options.mode) : null;
    const step: ModelStep = {
      index: this.steps.length,
      kind: call.kind,
      nodeId: call.nodeId,
      stage: call.stage,
      iteration: call.iteration,
      startedAt: reply.startedAt,
      endedAt: reply.endedAt,
      modelKey: call.node.model,
      modelId: model.id,
      temperature: call.node.temperature,
      maxTokens: call.node.maxTokens,
      promptId: call.promptId,
      messages: call.messages,
      reply: reply.value.text,
      finishReason: reply.value.finishReason,
      code: extracted ? extracted.code : null,
      extraction: extracted ? extracted.rule : null,
      ...(extracted?.thinkingRemoved ? { thinkingRemoved: true as const } : {}),
      usage: reply.value.usage,
    };
    return this.#record(step);
  }

  async execute(call: ExecuteCall): Promise<ExecuteStep> {
    const recorded = this.#nextRecorded(call.nodeId, 'execute', call.iteration);
    if (recorded) {
      const step = recorded as ExecuteStep;
      if (step.code === call.code && step.mode === this.#options.mode) {
        this.steps.push(step);
        return step;
      }
      this.#diverge(step, 'it ran other code than this version of the app takes from the reply, or in another harness mode');
    }
    const mode = this.#options.mode;
    const limits = this.#options.limits ?? limitsFor(this.#problem, mode);
    const program = assembleProgram(this.#problem, call.code, mode);
    // The pool says when the program waits for a worker and when one takes it: the step is the run.
    const run = await this.#withinCap((_signal, clock) =>
      this.#ports.sandbox.run(program.text, limits, { runAs: runAsFor(mode), onQueued: clock.queued, onStart: clock.started }),
    );
    const step: ExecuteStep = {
      index: this.steps.length,
      kind: 'execute',
      nodeId: call.nodeId,
      stage: call.stage,
      iteration: call.iteration,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      attempt: call.attempt,
      final: call.final,
      code: call.code,
      mode,
      limits,
      outcome: toOutcome(run.value, program),
    };
    return this.#record(step);
  }

  /** Recorded steps the pipeline never reached: this version of the app ends the run sooner. */
  assertReplayFinished(): void {
    const step = this.#options.priorSteps[this.steps.length];
    if (step && this.steps.length < this.#replayable) this.#diverge(step, 'this version of the app ends the run before it');
  }

  #record<S extends Step>(step: S): S {
    this.steps.push(step);
    this.#options.onStep?.(step);
    return step;
  }

  #nextRecorded(nodeId: string, kind: Step['kind'], iteration: number): Step | null {
    if (this.steps.length >= this.#replayable) return null;
    const step = this.#options.priorSteps[this.steps.length];
    if (!step) return null;
    if (step.nodeId !== nodeId || step.kind !== kind || step.iteration !== iteration || step.index !== this.steps.length) {
      this.#diverge(step, `this version of the app asks for a ${kind} of ${nodeId} (iteration ${iteration}) at that point`);
      return null;
    }
    return step;
  }

  /**
   * A recorded step no longer fits: the runner drops it and the steps after it and goes on live,
   * or, when the caller did not ask for that, the run stops with the reason.
   */
  #diverge(step: Step, why: string): void {
    const fromIndex = this.steps.length;
    const dropped = this.#replayable - fromIndex;
    const handle = this.#options.onReplayDiverged;
    if (!handle) {
      throw new Error(
        `Cannot resume ${this.#problem.id} from its recorded steps: step ${step.index} (${step.kind} of ${step.nodeId}, iteration ${step.iteration}) no longer fits, because ${why}. ` +
          `The app was probably updated since the step was recorded; run the problem afresh, or from its first ${fromIndex} step(s).`,
      );
    }
    this.#replayable = fromIndex;
    // Time the dropped steps took is not part of this run any more; the kept steps' time still counts.
    this.#spentBeforeMs = spentMs(this.#options.priorSteps.slice(0, fromIndex));
    handle({ fromIndex, dropped, reason: `step ${step.index} (${step.kind} of ${step.nodeId}, iteration ${step.iteration}) no longer fits, because ${why}` });
  }

  #elapsedMs(): number {
    return this.#spentBeforeMs + (this.#options.now() - this.#startedAt) - this.#queuedMs;
  }

  /** Waits for the model's turn when the ports queue calls; the wait is kept off the cap. */
  async #modelTurn(modelKey: string): Promise<() => void> {
    const turn = this.#ports.modelTurn;
    if (!turn) return () => undefined;
    throwIfAborted(this.#options.signal);
    const waitFrom = this.#options.now();
    try {
      return await turn(modelKey, this.#options.signal);
    } catch (error) {
      if (this.#options.signal?.aborted) throw abortError();
      throw error;
    } finally {
      this.#queuedMs += this.#options.now() - waitFrom;
    }
  }

  /**
   * Lets the model get ready (a first download, a load or a swap) during the call's turn, before
   * the cap's clock runs: like a wait for the engine, that time is not charged to the problem.
   */
  async #prepare(model: LanguageModel, prepare: NonNullable<LanguageModel['prepare']>, request: ModelRequest): Promise<void> {
    const signal = this.#options.signal;
    throwIfAborted(signal);
    const from = this.#options.now();
    try {
      await prepare.call(model, signal, request);
    } catch (error) {
      if (signal?.aborted) throw abortError();
      throw error;
    } finally {
      this.#queuedMs += this.#options.now() - from;
    }
  }

  /**
   * Runs one step under the caller's signal and the time cap. The cap is checked before the step
   * and enforced during it: a model call is aborted, a sandbox run is abandoned (it ends on its
   * own timeout; its result is dropped). A step whose work may wait first (a program queued for a
   * free worker) tells `clock`: while it waits the cap's clock stops, and on `started` the wait
   * joins the time queued for models and the step's span begins. A step that never says
   * `started` is timed, and charged, from the call.
   *
   * With `waitsForAnswer` (a model call), the cap does not end the call before `clock.answering`:
   * a server that accepted the request and then sent nothing, or only keep-alives, is broken, not
   * slow, and cutting it there recorded the engine's failure as the pipeline's (a finished unit,
   * failed by the time cap, never retried or resumed). The engine's own first-token limit ends
   * such a call with an error instead, and the unit is retried and errors as any unit whose model
   * did not answer. The wait still counts: a cap that ran out meanwhile ends the call at its
   * first text (or at its reply, from an engine that streams nothing), so a model that is slow to
   * read its prompt is charged as the study charged it.
   */
  async #withinCap<T>(
    work: (signal: AbortSignal, clock: StepClock) => Promise<T>,
    { waitsForAnswer = false }: { waitsForAnswer?: boolean } = {},
  ): Promise<{ value: T; startedAt: number; endedAt: number }> {
    const userSignal = this.#options.signal;
    throwIfAborted(userSignal);
    if (this.#remainingMs() <= 0) throw new TimeCapReached();

    const cap = new AbortController();
    const signal = userSignal ? anySignal([userSignal, cap.signal]) : cap.signal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    let capRanOut = (): void => {};
    let silent = waitsForAnswer;
    /** The cap ran out while the call was silent: it ends the call once the model says anything. */
    let capDue = false;
    const interrupted = new Promise<never>((_, reject) => {
      capRanOut = () => {
        // Fired with time left after a suspension the clock leaves out (awake-clock.ts), which a
        // timer's delay cannot: the rest is waited out, so a laptop's sleep does not spend the problem's time.
        const left = this.#remainingMs();
        if (left > 0 && (this.#options.suspendedMs?.() ?? 0) > suspendedAtArm) {
          armCap();
          return;
        }
        if (silent) {
          capDue = true;
          return;
        }
        cap.abort();
        reject(new TimeCapReached());
      };
      onAbort = () => reject(userSignal?.reason instanceof Error ? userSignal.reason : abortError());
      userSignal?.addEventListener('abort', onAbort, { once: true });
    });
    let suspendedAtArm = 0;
    const armCap = (): void => {
      clearTimeout(timer);
      suspendedAtArm = this.#options.suspendedMs?.() ?? 0;
      timer = setTimeout(capRanOut, Math.max(0, this.#remainingMs()));
    };
    let startedAt = this.#options.now();
    let phase: 'called' | 'queued' | 'started' | 'over' = 'called';
    const clock: StepClock = {
      queued: () => {
        if (phase !== 'called') return;
        phase = 'queued';
        clearTimeout(timer);
      },
      started: () => {
        if (phase !== 'called' && phase !== 'queued') return;
        phase = 'started';
        const now = this.#options.now();
        this.#queuedMs += Math.max(0, now - startedAt);
        startedAt = now;
        armCap();
      },
      answering: () => {
        if (!silent || phase === 'over') return;
        silent = false;
        if (capDue) capRanOut();
      },
    };
    armCap();
    try {
      const running = work(signal, clock);
      // The losing side of the race must not surface as an unhandled rejection.
      running.catch(() => undefined);
      const value = await Promise.race([running, interrupted]);
      // A reply that came whole, with no text streamed before it, after the cap ran out.
      if (capDue) throw new TimeCapReached();
      return { value, startedAt, endedAt: this.#options.now() };
    } catch (error) {
      if (userSignal?.aborted) throw abortError();
      if (cap.signal.aborted) throw new TimeCapReached();
      throw error;
    } finally {
      phase = 'over';
      clearTimeout(timer);
      if (onAbort) userSignal?.removeEventListener('abort', onAbort);
    }
  }

  #remainingMs(): number {
    return this.#options.problemTimeCapMs - this.#elapsedMs();
  }
}

/** What a step's work tells `#withinCap` about its own start (see there). */
interface StepClock {
  queued: () => void;
  started: () => void;
  /** The model has begun to answer: from now on the cap may end the call. */
  answering: () => void;
}

/** The sum of the steps' own durations (see the constructor). */
function spentMs(steps: readonly Step[]): number {
  return steps.reduce((ms, step) => ms + Math.max(0, step.endedAt - step.startedAt), 0);
}

function abortError(): DOMException {
  return new DOMException('The pipeline run was aborted.', 'AbortError');
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}
