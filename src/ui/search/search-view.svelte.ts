/**
 * One search as the page shows it: its state (for the charts), progress and cost, its champion
 * re-validation, and — while it runs in this tab — pause, resume and stop. The driver writes
 * everything to the store itself; this class only shows and steers. A stored search that is not
 * running is shown from the same fields, read back from the store; one that another tab holds is
 * read back again as that tab stores more (`follow`).
 */
import type { Problem } from '../../core/benchmarks/problem.ts';
import { isAbortError } from '../../core/llm/abort.ts';
import type { StoredSearch } from '../../core/ports.ts';
import { runSearch, type SearchPorts } from '../../core/search/run-search.ts';
import { runValidation } from '../../core/search/run-validation.ts';
import { estimateSearchEta, type SearchEta } from '../../core/search/search-eta.ts';
import { CostLedger, searchProgress, type SearchPhase, type SearchProgress } from '../../core/search/search-progress.ts';
import { validationCost, type ValidationCost, type ValidationRequest } from '../../core/search/search-record.ts';
import type { SearchSetup } from '../../core/search/search-setup.ts';
import type { SearchState } from '../../core/search/search-state.ts';
import { currentState, validationStatus, type ValidationStatus } from '../../core/search/stored-search.ts';
import { listenToModels } from '../../core/study/model-silence.ts';
import { PauseSwitch } from '../../core/study/pause-switch.ts';
import { DatabaseTerminated } from '../../store/database.ts';
import { failureMessage, retryNote } from '../shared/run-failure.ts';
import { startSilenceNotice, type SilenceNotice } from '../shared/silence-notice.ts';
import { failureAdvice } from './search-failure.ts';

export type ViewPhase = SearchPhase | 'failed' | 'stored';

export interface ValidationProgress {
  done: number;
  total: number;
  inFlight: number;
}

/** How often the charts are redrawn while evaluations stream in. */
const PUBLISH_EVERY_MS = 250;

export class SearchView {
  readonly setup: SearchSetup;
  state = $state.raw<SearchState>(null as unknown as SearchState);
  progress = $state.raw<SearchProgress | null>(null);
  phase = $state<ViewPhase>('stored');
  /** A search not running here was left paused (not cut off by a closed tab or a crash): the panel says "Paused", as its card does. */
  storedPaused = $state(false);
  failure = $state<string | null>(null);
  /** What the person can do about `failure` (resuming cannot change a search's models). */
  failureAdvice = $state<string | null>(null);
  validation = $state.raw<ValidationStatus | null>(null);
  /** The last re-validation asked for (stored with the search), so the panel shows its repeats and scope. */
  validationRequest = $state.raw<ValidationRequest | null>(null);
  validating = $state(false);
  validationProgress = $state.raw<ValidationProgress | null>(null);
  /** What champion re-validation has cost (stored runs, and this tab's as they finish); shown beside the search's own cost. */
  validationCost = $state.raw<ValidationCost | null>(null);
  validationFailure = $state<string | null>(null);
  /**
   * Another tab holds this search (it runs it, carries it on or re-validates its champions): this
   * tab only follows what that tab stores, and offers nothing to start on it.
   */
  heldElsewhere = $state(false);
  /** Evaluations this tab ran in its current session. */
  evaluatedHere = $state(0);
  /** While an evaluation whose model did not answer waits to be tried again: which, why, and when; null once one is stored again. */
  retrying = $state<string | null>(null);
  /** The time-left estimate as of the last recorded evaluation, and when (performance.now()) it was made; null until enough has run. */
  eta = $state.raw<(SearchEta & { at: number }) | null>(null);
  /**
   * Whole seconds no model has said a word while the search runs here, once that has lasted
   * SILENT_AFTER_MS; else null. An endpoint that holds a request (a model loading, a queue) gets
   * up to 2 minutes before its first-token limit ends the call, three times over: the panel held
   * still all that while, its time left counting down as if evaluations went on (model-silence.ts,
   * as on the Study page).
   */
  silentSeconds = $state<number | null>(null);
  /** The same while champion re-validation runs here (it has no time left to replace: shown beside its progress). */
  validationSilentSeconds = $state<number | null>(null);
  #silence: SilenceNotice | null = null;
  /**
   * Calls (and model loads) a model has in hand now: silence counts only while there is one. A
   * generation answered from the call cache asks no model, and its code alone (a run into its
   * 10 s time limit, several times over) could take half a minute between two evaluations: the
   * panel then said "no word from the model" with no model asked anything (audit R184-1).
   */
  readonly #models = listenToModels(() => this.#heard());

  /** The evaluation `retrying` is about. */
  #retryingKey: string | null = null;
  #pause = new PauseSwitch();
  #abort: AbortController | null = null;
  #pending: SearchState | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(stored: StoredSearch) {
    this.setup = stored.setup;
    this.load(stored);
  }

  get busy(): boolean {
    return this.phase === 'running' || this.phase === 'pausing' || this.phase === 'paused' || this.validating;
  }

  /** Shows what the store holds (a search that is not running here). */
  load(stored: StoredSearch): void {
    const state = currentState(stored);
    this.state = state;
    const done = stored.status === 'done' || state.status === 'done';
    this.progress = searchProgress(state, new CostLedger(stored.evaluations), done ? 'done' : 'cancelled', 0);
    // Paused or interrupted elsewhere, it is not running in this tab: nothing here can pause it.
    this.phase = done ? 'done' : stored.status === 'cancelled' || stored.status === 'failed' ? stored.status : 'stored';
    this.storedPaused = this.phase === 'stored' && stored.status === 'paused';
    this.validation = validationStatus(stored, state);
    this.validationRequest = stored.validation;
    this.validationCost = this.validation?.cost ?? validationCost(stored.evaluations);
  }

  /**
   * Shows the search as stored now, and whether another tab still holds it. Once that tab lets go
   * this is what it left: done, or interrupted (the store still says running) with Resume.
   * Ignored while the search runs or validates here: this tab's own figures are newer.
   */
  follow(stored: StoredSearch, heldElsewhere: boolean): void {
    if (this.busy) return;
    this.load(stored);
    this.heldElsewhere = heldElsewhere;
  }

  /** Runs the search to its end (done, stopped or failed); never rejects. */
  async run(
    problems: readonly Problem[],
    ports: SearchPorts,
    options: {
      concurrency: number;
      /** The search's state is stored (a new generation, a pause): the list of searches may read it again. */
      onStored?: () => void;
      /** Whether the browser closed the store's database by itself (site data cleared): the failure then says so. */
      storeTerminated?: () => boolean;
      /** Wait before retrying an evaluation whose model did not answer, times the attempt (the runner's default when absent). */
      retryDelayMs?: number;
      /** How long no model may say a word before the panel says so (SILENT_AFTER_MS when absent). */
      silentAfterMs?: number;
    },
  ): Promise<void> {
    this.#pause = new PauseSwitch();
    const abort = new AbortController();
    this.#abort = abort;
    this.phase = 'running';
    // Running here, this tab holds its lock: no other tab does.
    this.heldElsewhere = false;
    this.eta = null;
    this.failure = null;
    this.failureAdvice = null;
    const silence = startSilenceNotice(ports.now, () => this.phase === 'running' && this.#models.inHand(), (seconds) => (this.silentSeconds = seconds), options.silentAfterMs);
    this.#silence = silence;
    try {
      const end = await runSearch(this.setup, problems, this.#listenedPorts(ports), {
        concurrency: options.concurrency,
        ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
        signal: abort.signal,
        pause: this.#pause,
        onProgress: (progress) => {
          this.progress = progress;
          if (this.phase !== 'failed') this.phase = progress.phase;
        },
        onState: (state) => {
          const eta = estimateSearchEta(state);
          this.eta = eta ? { ...eta, at: performance.now() } : null;
          this.#publish(state);
        },
        onEvaluation: (record) => {
          // Only the retried evaluation's end clears the note: another evaluation may finish on
          // replies it got before, or from the cache, while the model still does not answer.
          if (record.key === this.#retryingKey) this.#clearRetrying();
          this.evaluatedHere++;
          // Its replies came from the model (heard as they streamed) or from the call cache: the search is not waiting on a model.
          this.#heard();
        },
        onModelReply: () => {
          this.#clearRetrying();
          this.#heard();
        },
        ...(options.onStored ? { onStored: options.onStored } : {}),
        onRetry: (unit, retry) => {
          // Paused, the evaluation does not wait: it goes back to start afresh on Resume.
          if (this.#pause.paused) return;
          this.#retryingKey = unit.key;
          this.retrying = retryNote(unit.problemId, retry);
        },
      });
      this.#publish(end.state, true);
      this.phase = end.status;
    } catch (thrown) {
      const error = options.storeTerminated?.() ? new DatabaseTerminated(thrown) : thrown;
      this.phase = 'failed';
      this.failure = isAbortError(error) ? 'The search was stopped.' : failureMessage(error);
      this.failureAdvice = failureAdvice(error);
    } finally {
      silence.stop();
      this.#silence = null;
      this.#clearRetrying();
      this.eta = null;
      this.#abort = null;
    }
  }

  /** A model said something (or the cache answered for it): the panel's silence ends. */
  #heard(): void {
    this.#silence?.heard();
  }

  /** The ports with each model listened to: its words end a silence, and its calls are counted (`#models`). */
  #listenedPorts(ports: SearchPorts): SearchPorts {
    return { ...ports, model: (key) => this.#models.listen(ports.model(key)) };
  }

  /** Re-validates the champions; never rejects. */
  async validate(
    problems: readonly Problem[],
    ports: SearchPorts,
    request: ValidationRequest,
    options: {
      concurrency: number;
      /** How long no model may say a word before the panel says so (SILENT_AFTER_MS when absent). */
      silentAfterMs?: number;
    },
  ): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    this.validating = true;
    this.heldElsewhere = false;
    this.validationRequest = request;
    this.validationFailure = null;
    // As while the search runs: a model gone silent showed only a progress bar standing still.
    const silence = startSilenceNotice(ports.now, () => this.validating && this.#models.inHand(), (seconds) => (this.validationSilentSeconds = seconds), options.silentAfterMs);
    this.#silence = silence;
    try {
      const end = await runValidation(this.setup, problems, this.#listenedPorts(ports), request, {
        concurrency: options.concurrency,
        signal: abort.signal,
        onModelReply: () => this.#heard(),
        onProgress: (done, total, inFlight, cost) => {
          this.validationProgress = { done, total, inFlight };
          this.validationCost = cost;
        },
      });
      this.validation = end.validation;
      this.validationCost = end.validation.cost;
    } catch (error) {
      this.validationFailure = failureMessage(error);
    } finally {
      silence.stop();
      this.#silence = null;
      this.validating = false;
      this.#abort = null;
    }
  }

  /** Active time still needed as of `now` (performance.now()): the estimate counted down; null when none is shown (paused shows none). */
  etaLeftMs(now: number): number | null {
    // No model has said a word for a while: nothing says when it will, so no estimate counts down meanwhile.
    if (!this.eta || this.phase !== 'running' || this.silentSeconds !== null) return null;
    return Math.max(0, this.eta.remainingMs - Math.max(0, now - this.eta.at));
  }

  pause(): void {
    // The countdown stops where it is: time spent paused is not active time.
    const left = this.etaLeftMs(performance.now());
    if (this.eta && left !== null) this.eta = { ...this.eta, remainingMs: left, at: performance.now() };
    // The pause ends any wait to try an evaluation again (it starts afresh on Resume): no note of one.
    this.#clearRetrying();
    this.#pause.pause();
  }

  resume(): void {
    if (this.eta) this.eta = { ...this.eta, at: performance.now() };
    this.#pause.resume();
  }

  /** Stops the search (or the validation); what is stored stays, and it can be resumed. */
  stop(): void {
    this.#pause.resume();
    this.#abort?.abort();
  }

  #clearRetrying(): void {
    this.retrying = null;
    this.#retryingKey = null;
  }

  /** Charts redraw a few times a second at most, however fast evaluations arrive. */
  #publish(state: SearchState, now = false): void {
    this.#pending = state;
    const flush = () => {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = null;
      if (this.#pending) this.state = this.#pending;
      this.#pending = null;
    };
    if (now || this.state.history.length !== state.history.length) flush();
    else this.#timer ??= setTimeout(flush, PUBLISH_EVERY_MS);
  }
}
