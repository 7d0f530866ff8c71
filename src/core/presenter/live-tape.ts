/**
 * The tape of a run happening now: fed by the presenter's wrappers around the model and sandbox
 * ports and by runProblem's `onStep`, read as plain snapshots the scenes are drawn from.
 */
import type { ChatMessage } from '../ports.ts';
import type { Step, Trajectory } from '../pipeline/trajectory.ts';
import { stageOfNode, stepKindOfNode, type PendingModelCall, type Tape } from './tape.ts';

export interface CallStart {
  nodeId: string;
  /** The chat context's iteration: 0 for the node's first call on the problem, then 1, 2… */
  callIndex: number;
  modelId: string;
  messages: ChatMessage[];
}

/** Past this long without a piece of a reply that has begun, the strip says so instead of a speed. */
export const SILENT_AFTER_MS = 3000;

export class LiveTape {
  readonly #now: () => number;
  readonly #resample: boolean;
  readonly #startedAt: number;
  #steps: Step[] = [];
  #pending: Tape['pending'] = null;
  #ticked: number | null = null;
  #end: Tape['end'] = null;
  #endedAt: number | null = null;
  /** Time spent paused, and when the pause under way began: the run's clock stands still with the show. */
  #pausedMs = 0;
  #pausedAt: number | null = null;
  #firstTokenAt: number | null = null;
  #lastTokenAt: number | null = null;

  /** `resample`: the pipeline draws independent samples, whose generator calls are numbered from 1. */
  constructor(now: () => number, options: { resample: boolean }) {
    this.#now = now;
    this.#resample = options.resample;
    this.#startedAt = now();
  }

  /** A model call was made; its reply has not started (the presenter may still be showing the briefing). */
  callStarted(call: CallStart): void {
    const stepKind = stepKindOfNode(call.nodeId);
    const numberedFromOne = stepKind !== 'plan' && (stepKind !== 'generate' || this.#resample);
    const pending: PendingModelCall = {
      kind: 'model',
      stepKind,
      nodeId: call.nodeId,
      stage: stageOfNode(call.nodeId),
      iteration: numberedFromOne ? call.callIndex + 1 : 0,
      modelId: call.modelId,
      messages: call.messages,
      text: '',
      streaming: false,
      tokensPerSecond: null,
      tokens: 0,
    };
    this.#pending = pending;
    this.#ticked = null;
    this.#firstTokenAt = null;
    this.#lastTokenAt = null;
  }

  /** The request went to the model: from now on the reply scene shows, waiting for tokens. */
  replyStarted(): void {
    if (this.#pending?.kind === 'model') this.#pending = { ...this.#pending, streaming: true };
  }

  /**
   * The model has begun to answer with reasoning sent apart from its reply (`reasoning_content`),
   * which the presenter does not show: until its reply begins, the scene says it is thinking, not
   * waiting for a first token that may be seconds of reasoning away.
   */
  thinking(): void {
    const pending = this.#pending;
    if (pending?.kind === 'model' && pending.text === '' && !pending.thinking) this.#pending = { ...pending, thinking: true };
  }

  /** A piece of the reply; `at`: when it arrived, if it is shown later (it arrived while paused). */
  token(delta: string, at: number = this.#now()): void {
    const pending = this.#pending;
    if (pending?.kind !== 'model') return;
    this.#firstTokenAt ??= at;
    this.#lastTokenAt = at;
    const tokens = pending.tokens + 1;
    const spanMs = this.#lastTokenAt - this.#firstTokenAt;
    // Decode speed after the first token, as the engines report it.
    const tokensPerSecond = tokens >= 3 && spanMs > 0 ? ((tokens - 1) * 1000) / spanMs : pending.tokensPerSecond;
    this.#pending = { ...pending, streaming: true, text: pending.text + delta, tokens, tokensPerSecond };
  }

  executionStarted(nodeId: string, code: string): void {
    this.#pending = { kind: 'execute', nodeId, code };
    this.#ticked = null;
  }

  /** A step finished. An execution's verdicts then tick in, from 0, as `setTicked` says. */
  stepRecorded(step: Step): void {
    this.#steps = [...this.#steps, step];
    this.#pending = null;
    this.#ticked = step.kind === 'execute' ? 0 : null;
  }

  setTicked(ticked: number | null): void {
    this.#ticked = ticked;
  }

  get ticked(): number | null {
    return this.#ticked;
  }

  finished(trajectory: Trajectory): void {
    this.#pending = null;
    this.#end = { passed: trajectory.passed, stopReason: trajectory.stopReason };
    this.#endedAt = this.#now();
  }

  /**
   * The run stopped without a verdict (aborted or failed). A reply under way stays as far as it
   * came, marked as cut off: it is what the room saw before the failure, and ← shows it again.
   * A reply that had not started leaves only what its node was told (if anything); a run in the
   * sandbox leaves nothing.
   */
  stopped(): void {
    const pending = this.#pending;
    this.#pending = pending?.kind === 'model' ? { ...pending, streaming: pending.streaming && pending.text !== '', cutOff: true } : null;
    this.#endedAt ??= this.#now();
  }

  /** The show paused: the run's clock stops until `resume` (the model may go on writing meanwhile). */
  pause(): void {
    if (this.#endedAt === null) this.#pausedAt ??= this.#now();
  }

  resume(): void {
    if (this.#pausedAt === null) return;
    this.#pausedMs += (this.#endedAt ?? this.#now()) - this.#pausedAt;
    this.#pausedAt = null;
  }

  /**
   * How long a reply that has begun has sent nothing, once that is past SILENT_AFTER_MS; null
   * otherwise (no reply streaming, its text still coming, the show paused or ended). A stalled
   * stream kept showing its last speed while the clock ran (audit R212-4).
   */
  silentMs(): number | null {
    const pending = this.#pending;
    if (pending?.kind !== 'model' || !pending.streaming || pending.cutOff || this.#lastTokenAt === null) return null;
    if (this.#pausedAt !== null || this.#endedAt !== null) return null;
    const silent = this.#now() - this.#lastTokenAt;
    return silent >= SILENT_AFTER_MS ? silent : null;
  }

  /** The run's time so far, its pauses left out. */
  elapsedMs(): number {
    return (this.#pausedAt ?? this.#endedAt ?? this.#now()) - this.#startedAt - this.#pausedMs;
  }

  snapshot(): Tape {
    return {
      steps: this.#steps,
      pending: this.#pending,
      ticked: this.#ticked,
      end: this.#end,
      elapsedMs: this.elapsedMs(),
    };
  }
}
