/**
 * The search driver: the state machine of search.ts run for real, the way the study runner runs
 * a study. Each generation's evaluations go through the pipeline interpreter, several in flight
 * (model calls queued per engine while Python runs in the sandbox pool); each is written to the
 * store before it is counted, so a reload or a crash never runs a finished evaluation again; the
 * state is snapshotted at every generation boundary. The search stops when a budget is spent
 * (generations, tokens, active wall time) or when it is cancelled, and resumes from the store.
 *
 * Given the same model replies, a resumed search ends in exactly the state an uninterrupted one
 * reaches: all randomness comes from the seeded stream kept in the state, and results are keyed,
 * so their arrival order does not matter. (Active time is the one figure that differs; and the
 * tokens, when an evaluation cut short had calls above temperature 0 answered: they are never
 * cached, so its rerun pays for them again, and the totals count both. So do they when the tab
 * closed in the middle of an evaluation: what it had stored as it went is counted, and its rerun
 * pays for every call again.)
 */
import type { Problem } from '../benchmarks/problem.ts';
import type { SearchStatus, SearchStore, StoredSearch } from '../ports.ts';
import { PauseSwitch } from '../study/pause-switch.ts';
import { PausedUnit, runPool } from './evaluation-pool.ts';
import { isAbortError } from '../llm/abort.ts';
import { addActiveTime, advanceGeneration, cutShortRuns, missingEvaluations, nextEvaluations, recordCutShort, recordEvaluation } from './search.ts';
import { SearchEvaluator, type EvaluatorOptions, type EvaluatorPorts } from './search-evaluator.ts';
import { CostLedger, searchProgress, type SearchPhase, type SearchProgress } from './search-progress.ts';
import { cutShortKey, type CutShortRecord, type EvaluationCost, type SearchEvaluationRecord } from './search-record.ts';
import { assertRunnableSetup, type SearchSetup } from './search-setup.ts';
import type { EvaluationRequest, SearchState } from './search-state.ts';
import { currentState, storeInterrupted } from './stored-search.ts';

export interface SearchPorts extends EvaluatorPorts {
  searchStore: SearchStore;
}

export interface RunSearchOptions extends EvaluatorOptions {
  /** Evaluations in flight at once: the sandbox workers plus one keeps a GPU busy. Default 3. */
  concurrency?: number;
  /** Aborting cancels the search: evaluations in flight stop, the finished ones stay stored. */
  signal?: AbortSignal;
  /**
   * Pausing lets the evaluations in flight finish and starts no new ones. One waiting to retry
   * (its model failed) stops at once, its spend stored, and runs again from the start on resume.
   */
  pause?: PauseSwitch;
  onProgress?: (progress: SearchProgress) => void;
  /** The state after each recorded evaluation and each new generation, for live charts. */
  onState?: (state: SearchState) => void;
  onEvaluation?: (record: SearchEvaluationRecord) => void;
  /** The search's state is stored: at each new generation and when it comes to rest paused (lists that read the store). */
  onStored?: () => void;
  /** Mid-generation snapshots (they keep the active time across a reload) at most this often. Default 10 s. */
  snapshotEveryMs?: number;
}

export interface SearchEnd {
  /** `done`: a budget ended the search. `cancelled`: it can be resumed. */
  status: 'done' | 'cancelled';
  state: SearchState;
  progress: SearchProgress;
}

export async function runSearch(setup: SearchSetup, problems: readonly Problem[], ports: SearchPorts, options: RunSearchOptions = {}): Promise<SearchEnd> {
  // A setup from a store or a file may be hand-edited: refuse it before any work starts.
  assertRunnableSetup(setup);
  const evaluator = new SearchEvaluator(setup, problems, ports, options);
  await ports.searchStore.putSearch(setup);
  const stored = await ports.searchStore.loadSearch(setup.id);
  if (!stored) throw new Error(`The store lost the search "${setup.id}" right after storing it.`);
  await storeInterrupted(ports.searchStore, setup.id, stored.evaluations);
  return new SearchRun(setup, evaluator, ports, options, stored).run();
}

/** Active time: the clock runs while the search works, not while it sits paused. */
class ActiveClock {
  readonly #now: () => number;
  #since: number | null = null;

  constructor(now: () => number) {
    this.#now = now;
  }

  start(): void {
    this.#since ??= this.#now();
  }

  get running(): boolean {
    return this.#since !== null;
  }

  /** Time since the last take, restarting the count. */
  take(): number {
    if (this.#since === null) return 0;
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#since);
    this.#since = now;
    return elapsed;
  }

  stop(): number {
    const elapsed = this.take();
    this.#since = null;
    return elapsed;
  }
}

class SearchRun {
  readonly #setup: SearchSetup;
  readonly #evaluator: SearchEvaluator;
  readonly #store: SearchStore;
  readonly #ports: SearchPorts;
  readonly #options: RunSearchOptions;
  readonly #pause: PauseSwitch;
  readonly #clock: ActiveClock;
  readonly #ledger: CostLedger;
  readonly #hadSnapshot: boolean;
  #state: SearchState;
  #inFlight = 0;
  #final: SearchPhase | null = null;
  #lastSnapshotAt: number;
  /** Snapshot and status writes in order; a failure is thrown at the next generation boundary. */
  #writes: Promise<void> = Promise.resolve();
  #writeError: { error: unknown } | null = null;

  constructor(setup: SearchSetup, evaluator: SearchEvaluator, ports: SearchPorts, options: RunSearchOptions, stored: StoredSearch) {
    this.#setup = setup;
    this.#evaluator = evaluator;
    this.#store = ports.searchStore;
    this.#ports = ports;
    this.#options = options;
    this.#pause = options.pause ?? new PauseSwitch();
    this.#clock = new ActiveClock(ports.now);
    this.#ledger = new CostLedger(stored.evaluations);
    this.#hadSnapshot = stored.state !== null;
    this.#state = currentState(stored);
    this.#lastSnapshotAt = ports.now();
  }

  async run(): Promise<SearchEnd> {
    const signal = this.#options.signal;
    const stopListening = this.#pause.onChange((paused) => this.#onPauseChange(paused));
    // Snapshots after evaluations alone left the active time of a long wait unstored: a model that
    // held a call for two minutes, then a crash, and the search came back two minutes short of
    // active time (its wall-time budget outrun by as much) (audit R184-3).
    // Looked at four times a period: a timer as long as the period itself, firing a hair early,
    // found it not yet over and waited a whole second period.
    const timer = setInterval(() => this.#maybeSnapshot(), (this.#options.snapshotEveryMs ?? 10_000) / 4);
    try {
      if (!this.#hadSnapshot) await this.#store.saveState(this.#setup.id, this.#state);
      if (!signal?.aborted) {
        await this.#setStatus(this.#state.status === 'done' ? 'done' : this.#pause.paused ? 'paused' : 'running');
        if (!this.#pause.paused) this.#clock.start();
        this.#emit();
        await this.#loop(signal);
      }
      this.#tick(true);
      await this.#flushWrites();
      const cancelled = this.#state.status !== 'done';
      this.#final = cancelled ? 'cancelled' : 'done';
      await this.#store.saveState(this.#setup.id, this.#state);
      await this.#setStatus(cancelled ? 'cancelled' : 'done');
      await this.#flushWrites();
      return { status: cancelled ? 'cancelled' : 'done', state: this.#state, progress: this.#emit() };
    } catch (error) {
      // Keep the active time counted so far; the evaluations are stored already.
      await this.#store.saveState(this.#setup.id, this.#state).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(timer);
      stopListening();
    }
  }

  async #loop(signal: AbortSignal | undefined): Promise<void> {
    while (!signal?.aborted) {
      // A generation completed by the evaluation that spent a budget is still scored.
      if (missingEvaluations(this.#state) === 0) {
        this.#tick(false);
        this.#state = advanceGeneration(this.#state);
        this.#options.onState?.(this.#state);
        this.#emit();
        await this.#flushWrites();
        await this.#store.saveState(this.#setup.id, this.#state);
        this.#lastSnapshotAt = this.#ports.now();
        this.#options.onStored?.();
        continue;
      }
      if (this.#state.status === 'done') return;
      await runPool(nextEvaluations(this.#state), (request, poolSignal) => this.#evaluate(request, poolSignal), {
        concurrency: this.#options.concurrency ?? 3,
        ...(signal ? { signal } : {}),
        pause: this.#pause,
        stopTaking: () => this.#state.status === 'done',
      });
      if (!signal?.aborted && this.#state.status === 'evaluating' && missingEvaluations(this.#state) > 0) {
        throw new Error(`Generation ${this.#state.generation} ended with evaluations missing; this is a bug in the search driver.`);
      }
    }
  }

  async #evaluate(request: EvaluationRequest, signal: AbortSignal): Promise<void> {
    this.#inFlight++;
    this.#emit();
    // This run's cut-short record, if it comes to one, and what it stores as it goes, share a key.
    const cutKey = cutShortKey(request.key, cutShortRuns(this.#state, request.key));
    try {
      const record = await this.#evaluator.evaluate(
        {
          key: request.key,
          kind: 'search',
          generation: request.generation,
          genomeId: request.genomeId,
          pipeline: request.pipeline,
          problemId: request.problemId,
          index: request.evaluationIndex,
        },
        signal,
        // Durable first: an evaluation counts only once a reload would find it.
        (record) => this.#store.putEvaluation(this.#setup.id, record),
        (cost) => this.#spent(request, cutKey, cost),
        (cost) => this.#spendSoFar(request, cutKey, cost),
        // A pause ends a wait before a retry: the pool runs the evaluation again on resume.
        this.#pause,
      );
      this.#ledger.add(record);
      this.#state = recordEvaluation(this.#state, { key: record.key, passed: record.passed, tokens: record.tokens, executions: record.executions });
      this.#tick(false);
      this.#options.onEvaluation?.(record);
      this.#options.onState?.(this.#state);
      this.#maybeSnapshot();
    } catch (error) {
      // A budget another evaluation spent has ended the search: this one's failure (a model that
      // kept failing through its retries) stops nothing more. Its spend is stored and counted by
      // #spent already; rethrown, it turned a search that ended on its budget into "Stopped by an
      // error" whose Resume only marked it done (audit R207-2).
      if (this.#state.status === 'done' && !(error instanceof PausedUnit) && !isAbortError(error)) return;
      throw error;
    } finally {
      this.#inFlight--;
      if (this.#pause.paused && this.#inFlight === 0) this.#restPaused();
      this.#emit();
    }
  }

  /**
   * An evaluation stopped without a verdict after some of its calls were paid for (cancelled,
   * paused while it waited to retry, or its model kept failing): stored, then counted, like an
   * evaluation, so the totals and the token budget include it, and a reload finds it.
   */
  async #spent(request: EvaluationRequest, key: string, cost: EvaluationCost): Promise<void> {
    const record = cutShortRecord(request, key, cost);
    await this.#store.putEvaluation(this.#setup.id, record);
    this.#ledger.add(record);
    this.#state = recordCutShort(this.#state, { key: record.key, evaluation: record.evaluation, tokens: record.tokens });
    this.#options.onState?.(this.#state);
  }

  /** What the evaluation has spent so far, stored as it goes (not counted: its own record will be), or forgotten (null). */
  async #spendSoFar(request: EvaluationRequest, key: string, cost: EvaluationCost | null): Promise<void> {
    if (cost) await this.#store.putSpendSoFar?.(this.#setup.id, cutShortRecord(request, key, cost));
    else await this.#store.clearSpendSoFar?.(this.#setup.id, key);
  }

  /** Adds the active time since the last tick; `stop` also stops the clock (paused or ending). */
  #tick(stop: boolean): void {
    const ms = stop ? this.#clock.stop() : this.#clock.take();
    if (ms > 0) this.#state = addActiveTime(this.#state, ms);
  }

  #onPauseChange(paused: boolean): void {
    if (this.#final !== null) return;
    if (paused) {
      void this.#setStatus('paused').catch(() => undefined);
      if (this.#inFlight === 0) this.#restPaused();
    } else {
      this.#clock.start();
      void this.#setStatus('running').catch(() => undefined);
    }
    this.#emit();
  }

  /**
   * Paused with nothing in flight: stop the clock and snapshot, since a paused page is one people
   * close. Without it a reload lost the active time since the last timed snapshot (a search paused
   * after a few seconds came back with "0 s active", and a wall-time budget could be outrun).
   */
  #restPaused(): void {
    this.#tick(true);
    if (this.#final !== null) return;
    const state = this.#state;
    this.#lastSnapshotAt = this.#ports.now();
    // A failed write is the search's to report (#flushWrites), not this listener's.
    void this.#queueWrite(() => this.#store.saveState(this.#setup.id, state)).then(() => this.#options.onStored?.(), () => undefined);
  }

  /** After an evaluation, and now and then while evaluations run (or wait on a model): the active time so far is stored. */
  #maybeSnapshot(): void {
    // Paused (its clock stopped, its snapshot taken) or ending: nothing to add.
    if (this.#final !== null || !this.#clock.running) return;
    const now = this.#ports.now();
    if (now - this.#lastSnapshotAt < (this.#options.snapshotEveryMs ?? 10_000)) return;
    this.#lastSnapshotAt = now;
    // The panel's active time moves on with it, though no evaluation ended.
    this.#tick(false);
    this.#emit();
    const state = this.#state;
    this.#queueWrite(() => this.#store.saveState(this.#setup.id, state));
  }

  #setStatus(status: SearchStatus): Promise<void> {
    return this.#queueWrite(() => this.#store.setStatus(this.#setup.id, status));
  }

  #queueWrite(write: () => Promise<void>): Promise<void> {
    const done = this.#writes.then(write);
    this.#writes = done.catch((error: unknown) => {
      this.#writeError ??= { error };
    });
    return done;
  }

  async #flushWrites(): Promise<void> {
    await this.#writes;
    if (this.#writeError) throw this.#writeError.error;
  }

  #phase(): SearchPhase {
    if (this.#final) return this.#final;
    if (this.#pause.paused) return this.#inFlight > 0 ? 'pausing' : 'paused';
    return 'running';
  }

  #emit(): SearchProgress {
    const progress = searchProgress(this.#state, this.#ledger, this.#phase(), this.#inFlight);
    this.#options.onProgress?.(progress);
    return progress;
  }
}

function cutShortRecord(request: EvaluationRequest, key: string, cost: EvaluationCost): CutShortRecord {
  return {
    key,
    kind: 'cut-short',
    evaluation: request.key,
    generation: request.generation,
    genomeId: request.genomeId,
    problemId: request.problemId,
    index: request.evaluationIndex,
    ...cost,
  };
}
