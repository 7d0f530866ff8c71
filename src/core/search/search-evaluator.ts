/**
 * One evaluation of a search: a genome's pipeline on one problem, through the same interpreter
 * and with the same engine queues as a study (model calls take turns per engine while other
 * evaluations' code runs in the sandbox pool), counting what it cost. Temperature-0 calls go
 * through the call cache.
 *
 * A model that keeps failing is retried a few times and then stops the search: an evaluation
 * that could not run is not a failed one, and counting it as failed would bias fitness. A pause
 * ends the wait before a retry, as it does a study unit's: the evaluation stops without a verdict
 * and runs again from its first attempt on resume.
 */
import type { Problem } from '../benchmarks/problem.ts';
import { limitsFor } from '../harness/limits.ts';
import { isAbortError, sleep } from '../llm/abort.ts';
import type { RefinePipeline } from '../pipeline/genome.ts';
import { runProblem } from '../pipeline/interpret.ts';
import type { CallCache, ChatMessage, LanguageModel, Sandbox } from '../ports.ts';
import { withTopP, type ModelBinding } from '../study/config.ts';
import { sleepUnlessPaused, type PauseSwitch } from '../study/pause-switch.ts';
import type { UnitRetry } from '../study/runner.ts';
import { EngineQueues, engineKey } from '../study/queued-model.ts';
import { retryWait } from '../study/retry-wait.ts';
import { failingAsBroken, SandboxBroken } from '../harness/sandbox-broken.ts';
import { estimatePromptTokens } from '../llm/token-pieces.ts';
import { CachedCalls, type CallAnswer, type CallOwner } from './cached-calls.ts';
import { PausedUnit } from './evaluation-pool.ts';
import { verdictFields, type EvaluationCost, type SearchEvaluationRecord } from './search-record.ts';
import { searchPromptSet, type SearchSetup } from './search-setup.ts';

export interface EvaluatorPorts {
  /** The LanguageModel for a model key of the pool (bound in `setup.models`). */
  model: (modelKey: string) => LanguageModel;
  sandbox: Sandbox;
  /** Replies of temperature-0 calls; without one every call goes to the model. */
  callCache?: CallCache | null;
  /** Milliseconds on a monotonic clock. */
  now: () => number;
  /** How much time `now` has left out as the machine's suspension (awake-clock.ts); absent, none. */
  suspendedMs?: () => number;
}

export interface EvaluatorOptions {
  /** Runs of one evaluation before its model's failure stops the search. Default 3. */
  maxAttempts?: number;
  /** Wait before a retry, times the attempt number. Default 2000 ms. */
  retryDelayMs?: number;
  /** First wait after a rate limit the server gave no wait for (it doubles, up to 60 s). Default 30 s. */
  rateLimitDelayMs?: number;
  /** An evaluation whose model did not answer is tried again after `retry.delayMs`: the page says so meanwhile. */
  onRetry?: (unit: EvaluationUnit, retry: UnitRetry) => void;
  /** A model answered a call of `unit` (the cache's answers excluded): the page's note that a model did not answer no longer holds. */
  onModelReply?: (unit: EvaluationUnit) => void;
  /** Calls one engine serves at once. Default 1. */
  engineCapacity?: (engine: string, binding: ModelBinding) => number;
  /** While a reply streams, what the evaluation has spent so far is stored at most this often. Default 2000 ms. */
  spendEveryMs?: number;
}

/**
 * Stores what an evaluation has spent so far, replacing what it stored before; null once the
 * evaluation's own record (its verdict, or what a run cut short spent) is stored. A tab that
 * closes in the middle of an evaluation can store nothing more: this is what is left of it.
 */
export type SpendSoFar = (cost: EvaluationCost | null) => Promise<void>;

/** What to evaluate: a search request or a validation unit, in one shape. */
export interface EvaluationUnit {
  key: string;
  kind: SearchEvaluationRecord['kind'];
  generation: number | null;
  genomeId: string;
  pipeline: RefinePipeline;
  problemId: string;
  /** Evaluation index or validation repeat; passed to the model as the repeat. */
  index: number;
}

/** What an evaluation's model calls cost, over all its attempts. */
type CallCost = Pick<SearchEvaluationRecord, 'tokens' | 'modelCalls' | 'cachedCalls' | 'estimatedTokens'>;

/**
 * Tokens of a call the engine never reported usage for (aborted, or broken off mid-reply) that
 * had streamed `pieces` pieces of its reply: each piece one token (a streamed chunk is one token
 * on the engines this app drives), and the prompt, which the engine read before it streamed
 * anything, at about four characters a token. An estimate, and recorded as one.
 */
export function estimateCallTokens(messages: readonly ChatMessage[], pieces: number): number {
  if (pieces <= 0) return 0;
  return estimatePromptTokens(messages) + pieces;
}

function addEstimated(cost: CallCost, tokens: number): void {
  cost.tokens += tokens;
  if (tokens > 0) cost.estimatedTokens = (cost.estimatedTokens ?? 0) + tokens;
}

/** The spend-so-far writes of one evaluation, in order; a failed write loses only what a crash would have kept. */
class SpendJournal {
  readonly #write: SpendSoFar | undefined;
  #writes: Promise<void> = Promise.resolve();
  #wrote = false;

  constructor(write: SpendSoFar | undefined) {
    this.#write = write;
  }

  note(cost: EvaluationCost): void {
    const write = this.#write;
    if (!write || cost.modelCalls <= cost.cachedCalls) return;
    this.#wrote = true;
    const copy = { ...cost };
    this.#writes = this.#writes.then(() => write(copy)).catch(() => undefined);
  }

  /**
   * The evaluation's record is stored: what was noted is forgotten, after the writes still queued.
   * Not awaited: the evaluation is done, and a spend left uncleared by a closed tab is set aside
   * on load because its record is stored (stored-search.ts, interruptedSpends).
   */
  settle(): void {
    const write = this.#write;
    if (write && this.#wrote) this.#writes = this.#writes.then(() => write(null)).catch(() => undefined);
    this.#wrote = false;
  }
}

export class SearchEvaluator {
  readonly #setup: SearchSetup;
  readonly #problems: ReadonlyMap<string, Problem>;
  readonly #ports: EvaluatorPorts;
  readonly #options: EvaluatorOptions;
  readonly #queues: EngineQueues;
  readonly #calls: CachedCalls;
  readonly #sandbox: Sandbox;

  constructor(setup: SearchSetup, problems: readonly Problem[], ports: EvaluatorPorts, options: EvaluatorOptions = {}) {
    this.#setup = setup;
    this.#problems = new Map(problems.map((p) => [p.id, p]));
    const missing = setup.config.problemIds.filter((id) => !this.#problems.has(id));
    if (missing.length > 0) {
      throw new Error(`The search needs problems that are not loaded: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}.`);
    }
    this.#ports = ports;
    this.#options = options;
    this.#queues = new EngineQueues(setup.models, options.engineCapacity);
    this.#calls = new CachedCalls(setup.cacheCalls ? (ports.callCache ?? null) : null);
    this.#sandbox = failingAsBroken(ports.sandbox);
  }

  /**
   * Runs the unit to a verdict, stores its record with `keep` and returns it. Rejects with an
   * AbortError when `signal` aborts, with SandboxBroken at once, with the model's error after the
   * last retry, with PausedUnit when `pause` is on while it waits to retry, and with `keep`'s error.
   *
   * The replies the model gave this evaluation join the call cache only after `keep` has stored
   * the record: a reload or a failed write in between must not leave replies in the cache whose
   * cost no stored record counts (the rerun would take them for free).
   */
  async evaluate(
    unit: EvaluationUnit,
    signal: AbortSignal,
    keep?: (record: SearchEvaluationRecord) => Promise<void>,
    spent?: (cost: EvaluationCost) => Promise<void>,
    soFar?: SpendSoFar,
    pause?: PauseSwitch,
  ): Promise<SearchEvaluationRecord> {
    const maxAttempts = Math.max(1, this.#options.maxAttempts ?? 3);
    const startedAt = this.#ports.now();
    const journal = new SpendJournal(soFar);
    // Shared by every attempt: a retry runs the problem again from the start, and the calls an
    // attempt made before its model failed were answered and paid for all the same. Counting
    // only the last attempt let a failing endpoint spend past the token budget unseen (and at
    // temperature 0 the retry's repeats come from the cache, so their first cost was never counted).
    const cost: CallCost = { tokens: 0, modelCalls: 0, cachedCalls: 0 };
    // The replies this evaluation paid for reach the call cache only with its record (cached-calls.ts).
    const owner = this.#calls.owner();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const record = await this.#attempt(unit, signal, cost, owner, journal, startedAt);
          try {
            await keep?.(record);
          } catch (error) {
            // Not stored, so not a model failure to retry: the caller hears of it.
            throw new RecordNotKept(error);
          }
          await this.#calls.commit(owner);
          journal.settle();
          return record;
        } catch (error) {
          if (error instanceof RecordNotKept) throw error.cause;
          if (signal.aborted || isAbortError(error) || error instanceof SandboxBroken || attempt >= maxAttempts) throw error;
          // As a study's units (core/study/retry-wait.ts): a lasting refusal is not tried again, a rate limit later.
          const wait = retryWait(error, attempt, this.#options);
          if (!wait) throw error;
          this.#options.onRetry?.(unit, { attempt, maxAttempts, ...wait, error });
          await waitToRetry(wait.delayMs, signal, pause);
        }
      }
    } catch (error) {
      const stored = await this.#cutShort(owner, { ...cost, ms: Math.max(0, this.#ports.now() - startedAt) }, spent);
      // What was stored as it went stays when nothing took its place: it is the best record of the spend.
      if (stored) journal.settle();
      throw error;
    }
  }

  /**
   * The evaluation stops without a verdict. What its answered calls cost is handed to `spent` to
   * store, and once stored their replies join the call cache (the stored spend counts them, so a
   * rerun may take them for free). Without `spent`, or when storing fails, the replies are
   * forgotten, so a rerun pays for them again and counts them then.
   */
  async #cutShort(owner: CallOwner, cost: EvaluationCost, spent: ((cost: EvaluationCost) => Promise<void>) | undefined): Promise<boolean> {
    const paid = cost.modelCalls > cost.cachedCalls;
    if (spent && paid) {
      try {
        await spent(cost);
        await this.#calls.commit(owner);
        return true;
      } catch {
        // Not stored: as if nothing had been spent, the rerun pays again (the error that stopped the evaluation is what the caller hears).
      }
    }
    this.#calls.discard(owner);
    return !paid;
  }

  async #attempt(
    unit: EvaluationUnit,
    signal: AbortSignal,
    cost: CallCost,
    owner: CallOwner,
    journal: SpendJournal,
    evaluationStartedAt: number,
  ): Promise<SearchEvaluationRecord> {
    const problem = this.#problems.get(unit.problemId);
    if (!problem) throw new Error(`The search has no problem ${unit.problemId}.`);
    const { mode, limits } = this.#setup;
    const startedAt = this.#ports.now();
    const trajectory = await runProblem(
      problem,
      unit.pipeline,
      {
        model: (key) => this.#countingModel(key, cost, unit, owner, journal, evaluationStartedAt),
        sandbox: this.#sandbox,
        modelTurn: (key, turnSignal) => this.#queues.turn(key, turnSignal),
      },
      {
        mode,
        limits: limitsFor(problem, mode, { timeoutMs: limits.timeoutMs, maxOutputChars: limits.maxOutputChars, slowTaskFloors: limits.slowTaskFloors }),
        problemTimeCapMs: limits.problemTimeCapMs,
        repeat: unit.index,
        signal,
        now: this.#ports.now,
        ...(this.#ports.suspendedMs ? { suspendedMs: this.#ports.suspendedMs } : {}),
        promptSet: searchPromptSet(this.#setup),
      },
    );
    return {
      key: unit.key,
      kind: unit.kind,
      generation: unit.generation,
      genomeId: unit.genomeId,
      problemId: unit.problemId,
      index: unit.index,
      ...verdictFields(trajectory),
      ...cost,
      ms: Math.max(0, this.#ports.now() - startedAt),
    };
  }

  /**
   * The model for a key, counting calls, cache hits and the tokens the model spent. A call that
   * streamed part of its reply and then was aborted or broke off reports no usage, yet the engine
   * read its prompt and generated those pieces: they count, as an estimate (estimateCallTokens).
   * What the evaluation has spent goes to `journal` after every answered call and, while a reply
   * streams, every `spendEveryMs`.
   */
  #countingModel(key: string, cost: CallCost, unit: EvaluationUnit, owner: CallOwner, journal: SpendJournal, startedAt: number): LanguageModel {
    const model = this.#ports.model(key);
    const binding = this.#setup.models[key];
    if (!binding) throw new Error(`The search binds no model to the key "${key}".`);
    const identity = `${engineKey(binding)}|${binding.id}`;
    const now = this.#ports.now;
    const every = this.#options.spendEveryMs ?? 2000;
    const note = (extra: number) => {
      const so = { ...cost, modelCalls: cost.modelCalls + (extra > 0 ? 1 : 0), ms: Math.max(0, now() - startedAt) };
      addEstimated(so, extra);
      journal.note(so);
    };
    return {
      id: model.id,
      chat: async (messages, sampling, call) => {
        let pieces = 0;
        let notedAt = now();
        const onToken = (delta: string) => {
          pieces++;
          call?.onToken?.(delta);
          if (now() - notedAt >= every) {
            notedAt = now();
            note(estimateCallTokens(messages, pieces));
          }
        };
        let answer: CallAnswer;
        try {
          answer = await this.#calls.chat(identity, model, messages, withTopP(sampling, this.#setup.config.topP), { ...call, onToken }, owner);
        } catch (error) {
          if (pieces > 0) {
            cost.modelCalls++;
            addEstimated(cost, estimateCallTokens(messages, pieces));
          }
          throw error;
        }
        cost.modelCalls++;
        if (answer.cached) cost.cachedCalls++;
        else {
          const tokens = answer.reply.usage.promptTokens + answer.reply.usage.completionTokens;
          if (answer.reply.usage.tokensEstimated) addEstimated(cost, tokens);
          else cost.tokens += tokens;
          this.#options.onModelReply?.(unit);
          note(0);
        }
        return answer.reply;
      },
      // Passed on, so a first download or a swap stays off the problem's time cap; only for a
      // call the cache will not answer.
      // The request as `chat` will send it, top-p included, so the cache lookup sees the same key.
      ...(model.prepare
        ? { prepare: (signal, request) => this.#calls.prepare(identity, model, signal, request && { ...request, options: withTopP(request.options, this.#setup.config.topP) }) }
        : {}),
    };
  }
}

/**
 * The wait before an evaluation's next attempt. A stop ends it with an AbortError, and a pause with
 * PausedUnit: as a study's unit (study/runner.ts), the evaluation then starts its attempts afresh
 * on resume.
 */
async function waitToRetry(delayMs: number, signal: AbortSignal, pause: PauseSwitch | undefined): Promise<void> {
  if (!pause) return sleep(delayMs, signal);
  if ((await sleepUnlessPaused(delayMs, signal, pause)) === 'paused') throw new PausedUnit();
}

/** `keep` failed: passed on as it is, never retried as a model failure. */
class RecordNotKept extends Error {
  constructor(cause: unknown) {
    super('The evaluation record was not stored.', { cause });
  }
}
