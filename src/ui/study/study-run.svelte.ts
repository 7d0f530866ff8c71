/**
 * One study running in this tab, as the page watches it: progress (done/total, ETA, tokens/s,
 * passes per arm), the reply streaming for the unit that spoke last, and pause, resume and
 * cancel. The runner writes every step to the store itself; this class only shows and steers.
 *
 * Streamed text is buffered and published a few times a second, so a fast endpoint costs the
 * page a handful of renders, not one per token.
 */
import type { Problem } from '../../core/benchmarks/problem.ts';
import { countReply, cutRepliesByArm, cutReplyNotes, noCutReplies, type CutReplies } from '../../core/analysis/cut-replies.ts';
import { countTimeCapped, noTimeCapped, timeCapNotes, timeCappedByArm, type TimeCapped } from '../../core/analysis/time-capped.ts';
import { isAbortError } from '../../core/llm/abort.ts';
import { isReplayStudy, type StudyConfig } from '../../core/study/config.ts';
import { listenToModels } from '../../core/study/model-silence.ts';
import { PauseSwitch } from '../../core/study/pause-switch.ts';
import type { StudyProgress } from '../../core/study/progress.ts';
import { runStudy, type StudyEnd, type StudyPorts } from '../../core/study/runner.ts';
import type { StudyUnit } from '../../core/study/work-plan.ts';
import { countMessage, describeErroredReasons, reasonsOf, type ErroredReason } from '../../core/study/errored-reasons.ts';
import { startSilenceNotice, type SilenceNotice } from '../shared/silence-notice.ts';
import { DatabaseTerminated } from '../../store/database.ts';
import { formatDuration } from '../models/format.ts';
import { failureMessage, retryNote } from '../shared/run-failure.ts';
import { studyFailureAdvice } from './study-failure.ts';

export type RunPhase = 'running' | 'pausing' | 'paused' | 'done' | 'cancelled' | 'failed';

/** The unit whose reply is streaming (or streamed last). */
export interface LiveUnit {
  unitId: string;
  armLabel: string;
  problemId: string;
  repeat: number;
  /** The reply so far; only its last few thousand characters are kept. */
  text: string;
}

const PUBLISH_EVERY_MS = 150;
const LIVE_TEXT_CHARS = 4000;

export interface RunOptions {
  /** Units in flight: sandbox workers plus one, so the engine always has a request waiting. */
  concurrency: number;
  /** Run again the units an earlier session recorded as errored (what resuming a study is for). */
  retryErrored?: boolean;
  /** Wait before retrying a failed model call, times the attempt (the runner's default when absent). */
  retryDelayMs?: number;
  /** Called after every finished unit (the page refreshes its list of studies). */
  onUnitFinished?: () => void;
  /** How long running without a word from any model before the panel says so instead of an estimate (default 30 s). */
  silentAfterMs?: number;
  /**
   * Called once the study is paused: the steps in flight have been stored, though no unit ended
   * (the page refreshes its list, whose card counted steps only as units ended).
   */
  onPaused?: () => void;
  /**
   * Whether the browser closed the store's database by itself (site data cleared): then the
   * error that stopped the study says so, whatever write happened to fail first.
   */
  storeTerminated?: () => boolean;
}

/**
 * Errored units in a row after which the study stops: an endpoint that went away fails every
 * unit after a few retries each, and grinding on would mark the whole rest of the study errored.
 */
export function erroredInARowLimit(concurrency: number): number {
  return Math.max(5, concurrency);
}

export class StudyRun {
  readonly config: StudyConfig;
  progress = $state.raw<StudyProgress | null>(null);
  phase = $state<RunPhase>('running');
  failure = $state<string | null>(null);
  /** What the person can do about `failure`: resuming helps some causes and not others. */
  failureAdvice = $state<string | null>(null);
  live = $state.raw<LiveUnit | null>(null);
  /** Steps stored in this session. */
  stepsStored = $state(0);
  /** This session's errored units by error message: what the panel says they ended with. */
  erroredReasons = $state.raw<ErroredReason[]>([]);
  /** While a unit whose model did not answer waits to be tried again: which, why, and when; null once a step is stored again. */
  retrying = $state<string | null>(null);
  /**
   * Units of this session whose recorded steps no longer fit what this version of the app sends
   * (it was updated since they were recorded): each kept the steps that still fit and went on from there.
   */
  continuedAfterUpdate = $state(0);
  /** This run took the study up by itself after its page closed or reloaded mid-run (no Resume pressed): the panel says so. */
  pickedUp = $state(false);
  /** The study's model replies per arm id, with those that hit their token cap: the stored ones counted when the study is loaded, then each as it is stored. */
  cutReplies = $state.raw<ReadonlyMap<string, CutReplies>>(new Map());
  /** The study's problem-runs per arm id, with those the time cap per problem ended: the stored ones counted when the study is loaded, then each as its unit finishes. */
  timeCapped = $state.raw<ReadonlyMap<string, TimeCapped>>(new Map());

  readonly #pause = new PauseSwitch();
  readonly #abort = new AbortController();
  readonly #labels: Map<string, string>;
  /** Errored units by message: as many entries as distinct messages, not one per errored unit (audit R216). */
  readonly #erroredCounts = new Map<string, number>();
  /** The last errored unit's error: which cause, so which advice. */
  #lastError: unknown = null;
  #liveUnit: StudyUnit | null = null;
  #liveText = '';
  /** Units whose next token starts a new reply. */
  readonly #fresh = new Set<string>();
  /**
   * Whole seconds no model has said anything (a token, a reply stored) while running, once that is
   * long enough to say; else null. The estimate is made only as units end: an endpoint holding a
   * request for minutes left "about 10 s left" on the panel all that time.
   */
  silentSeconds = $state<number | null>(null);
  #silence: SilenceNotice | null = null;
  /**
   * Calls (and model loads) a model has in hand now: silence counts only while there is one. Code
   * alone can run past the threshold (Mbpp/123 has a 48-s limit; a slow laptop takes 47 s over its
   * canonical solution): the panel then said "no word from the model" with every reply already in
   * (audit R191-2, as R184-1 on the Search page).
   */
  readonly #models = listenToModels(() => this.#heard());
  readonly #continued = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(config: StudyConfig) {
    this.config = config;
    this.#labels = new Map(config.arms.map((arm) => [arm.id, arm.label]));
  }

  /**
   * What a study stopped by Cancel offers from here, said on its panel: nothing is lost, and its
   * card (not this panel, which has no buttons left) resumes or exports it. Null otherwise: a
   * finished study's panel says what comes next itself, and a failed one says why with its advice.
   */
  get endNote(): string | null {
    if (this.phase !== 'cancelled' || this.failure !== null) return null;
    return 'Every step stored so far stays in this browser: Resume it from its card under the form to go on where it stopped, or export what it has.';
  }

  /**
   * Why units errored in this session, said on the panel while it runs and once it ends, as the
   * command line prints it: the message and how many units got it, and what can help. Null with
   * none, and once `failure` says it (the study stopped for them).
   */
  get erroredNote(): string | null {
    const units = this.erroredReasons.reduce((n, reason) => n + reason.units, 0);
    if (units === 0 || this.failure !== null) return null;
    const they = units === 1 ? '1 unit errored, so it counts' : `${units.toLocaleString('en')} units errored, so they count`;
    const head = `${they} as not run: the model request kept failing with ${describeErroredReasons(this.erroredReasons)}.`;
    // A replay's errored units are calls its file never recorded, which its message says: nothing can help.
    return isReplayStudy(this.config) ? head : `${head} ${studyFailureAdvice(this.#lastError)}`;
  }

  /**
   * Once the run has ended, the arms whose replies hit their token cap (a reasoning model that
   * thought through all 512 tokens and answered nothing), one sentence each, and what to change;
   * null when none did. A pass count of 0 says nothing of why, and the replies are only in the file.
   */
  get cutRepliesNote(): string | null {
    if (this.busy) return null;
    const arms = this.config.arms.flatMap((arm) => {
      const counts = this.cutReplies.get(arm.id);
      return counts ? [{ label: arm.label, counts }] : [];
    });
    const notes = cutReplyNotes(arms);
    return notes.length > 0 ? notes.join(' ') : null;
  }

  /**
   * Once the run has ended, the arms whose problem-runs the time cap per problem ended, one
   * sentence each at the study's cap, and what the cap holds; null when it ended none. They count
   * as failed, as in the study, and are listed under their last error type: on a slow machine
   * many can end this way, and nothing else on the panel tells the cap from the model.
   */
  get timeCapNote(): string | null {
    if (this.busy) return null;
    const cap = this.config.limits.problemTimeCapMs;
    const arms = this.config.arms.flatMap((arm) => {
      const counts = this.timeCapped.get(arm.id);
      return counts ? [{ label: arm.label, counts, capMs: cap }] : [];
    });
    const notes = timeCapNotes(arms);
    return notes.length > 0 ? notes.join(' ') : null;
  }

  get busy(): boolean {
    return this.phase === 'running' || this.phase === 'pausing' || this.phase === 'paused';
  }

  /**
   * The panel's time left, or null for none. While a unit waits to be tried again its model is not
   * answering, and the rate of recent units (slowed by those waits) says nothing of when the study
   * ends: an estimate then only grew, so none is given until a model answers again.
   */
  get timeLeft(): string | null {
    if (!this.progress || !this.busy) return null;
    const { etaMs } = this.progress;
    if (this.phase === 'paused') return etaMs === null ? null : `about ${formatDuration(etaMs / 1000)} left once resumed`;
    if (this.retrying) return 'no estimate of time left while a unit waits to be tried again';
    if (this.silentSeconds !== null) return `no word from the model for ${formatDuration(this.silentSeconds)}: no estimate of time left until it answers`;
    return etaMs === null ? 'estimating time left…' : `about ${formatDuration(etaMs / 1000)} left`;
  }

  /** Runs to the end (done, cancelled or failed); never rejects. */
  async run(problems: readonly Problem[], ports: StudyPorts, options: RunOptions): Promise<StudyEnd | null> {
    // A replayed file has no endpoint to go away: its errored units are calls it never recorded.
    const live = !isReplayStudy(this.config);
    const limit = live ? erroredInARowLimit(options.concurrency) : Infinity;
    let erroredInARow = 0;
    // Silence counts only while running and a model has a call in hand: a pause, the start before any unit, or code running is no model's.
    const silence = startSilenceNotice(ports.now, () => this.phase === 'running' && this.#models.inHand(), (seconds) => (this.silentSeconds = seconds), options.silentAfterMs);
    this.#silence = silence;
    try {
      const end = await runStudy(this.config, problems, this.#listenedPorts(ports), {
        concurrency: options.concurrency,
        retryErrored: options.retryErrored ?? false,
        // A replay answers the same way every time: trying a unit again (after 2 s, then 4 s)
        // would only end it with the same error later.
        ...(live ? {} : { maxAttempts: 1 }),
        ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
        signal: this.#abort.signal,
        pause: this.#pause,
        onProgress: (progress) => {
          this.progress = progress;
          const pausedNow = progress.state === 'paused' && this.phase !== 'paused';
          if (this.phase !== 'failed') this.phase = progress.state;
          if (pausedNow) options.onPaused?.();
        },
        onRetry: (unit, retry) => {
          // Paused, the unit stops before its next attempt and waits for Resume: "trying it
          // again in 2 s" would stay on the panel, untrue, for as long as the pause lasts.
          if (!this.#pause.paused) this.retrying = retryNote(unit.problemId, retry);
          // The next attempt answers from its start: its text replaces the failed one's.
          this.#fresh.add(unit.id);
        },
        onStep: (unit, step) => {
          // A model's reply stored: the model answers again. An execution says nothing of that
          // (another unit running code it was given before), so the note stays.
          if (step.kind !== 'execute') {
            this.#heard();
            this.retrying = null;
            const counts = countReply({ ...(this.cutReplies.get(unit.armId) ?? noCutReplies()) }, step);
            this.cutReplies = new Map(this.cutReplies).set(unit.armId, counts);
          }
          this.stepsStored++;
          this.#fresh.add(unit.id);
        },
        onToken: (unit, delta) => {
          this.#heard();
          this.#token(unit, delta);
        },
        // A thinking model streams its reasoning apart from the reply, for minutes at times.
        onReasoning: () => this.#heard(),
        onReplayDiverged: (unit) => {
          if (!this.#continued.has(unit.id)) this.continuedAfterUpdate++;
          this.#continued.add(unit.id);
        },
        onUnitFinished: (unit, record, error) => {
          // Its last step marked it fresh for a next reply that never comes: one id kept per unit, else (R169).
          this.#fresh.delete(unit.id);
          erroredInARow = record.result.status === 'errored' ? erroredInARow + 1 : 0;
          if (record.result.status === 'finished') {
            const counts = countTimeCapped({ ...(this.timeCapped.get(unit.armId) ?? noTimeCapped()) }, record.result.trajectory.stopReason);
            this.timeCapped = new Map(this.timeCapped).set(unit.armId, counts);
          }
          if (record.result.status === 'errored') {
            countMessage(this.#erroredCounts, record.result.message);
            this.#lastError = error;
            this.erroredReasons = reasonsOf(this.#erroredCounts);
          }
          if (record.result.status === 'errored' && erroredInARow >= limit && !this.#abort.signal.aborted) {
            this.failure = `The model gave no answer for ${erroredInARow} units in a row (last: ${record.result.message}), so the study stopped rather than mark every remaining unit errored.`;
            // The last unit's own error says whether resuming (which runs the errored units again) can help.
            this.failureAdvice = studyFailureAdvice(error);
            this.cancel();
          }
          options.onUnitFinished?.();
        },
      });
      this.phase = this.failure === null ? end.status : 'failed';
      // Stopped here for its errors, not by the user: stored so, its card says so after a reload too.
      if (this.failure !== null) await ports.store.setStatus(this.config.id, 'failed').catch(() => undefined);
      return end;
    } catch (thrown) {
      const error = options.storeTerminated?.() ? new DatabaseTerminated(thrown) : thrown;
      this.phase = 'failed';
      this.failure = isAbortError(error) ? 'The study was stopped.' : failureMessage(error);
      this.failureAdvice = studyFailureAdvice(error);
      return null;
    } finally {
      silence.stop();
      this.retrying = null;
      this.#publish();
    }
  }

  /** A model said something: the panel's silence ends. */
  #heard(): void {
    this.#silence?.heard();
  }

  /** The ports with each model's calls counted (`#models`); its words end a silence. */
  #listenedPorts(ports: StudyPorts): StudyPorts {
    const { store } = ports;
    return {
      ...ports,
      model: (key) => this.#models.listen(ports.model(key)),
      store: {
        putStudy: (config) => store.putStudy(config),
        appendStep: (studyId, unitId, step) => store.appendStep(studyId, unitId, step),
        finishUnit: (studyId, unit) => store.finishUnit(studyId, unit),
        dropStepsFrom: (studyId, unitId, fromIndex) => store.dropStepsFrom(studyId, unitId, fromIndex),
        setStatus: (studyId, status) => store.setStatus(studyId, status),
        // The study as the runner reads it before its first unit: a resumed study's units with a
        // verdict count in the time cap's note too, as `feedback-lab run` counts them. Else a
        // session that ran one unit of an arm of thirty said "its only problem-run" (audit R204).
        // So do the replies stored before in the note on replies cut at their cap: a resumed unit
        // replays its recorded steps without telling `onStep`, and finished units are not run.
        loadStudy: async (studyId) => {
          const stored = await store.loadStudy(studyId);
          if (stored && studyId === this.config.id) {
            // Keyed by arm id: each arm is named by its id here, and the notes put labels on later.
            const byId = this.config.arms.map((arm) => ({ id: arm.id, name: arm.id }));
            const capMs = this.config.limits.problemTimeCapMs;
            this.timeCapped = new Map(timeCappedByArm(byId, capMs, stored.finished).map((arm) => [arm.label, arm.counts]));
            this.cutReplies = new Map(cutRepliesByArm(byId, stored.steps).map((arm) => [arm.label, arm.counts]));
          }
          return stored;
        },
      },
    };
  }

  pause(): void {
    this.#pause.pause();
    // A unit waiting to be tried again stops instead (see onRetry): its note no longer holds.
    this.retrying = null;
  }

  resume(): void {
    this.#pause.resume();
  }

  /** Stops the study; the steps already stored stay, and it can be resumed from the list. */
  cancel(): void {
    this.#pause.resume();
    this.#abort.abort();
  }

  #token(unit: StudyUnit, delta: string): void {
    if (this.#liveUnit?.id !== unit.id || this.#fresh.has(unit.id)) {
      this.#fresh.delete(unit.id);
      this.#liveUnit = unit;
      this.#liveText = '';
    }
    this.#liveText += delta;
    if (this.#liveText.length > 2 * LIVE_TEXT_CHARS) this.#liveText = this.#liveText.slice(-LIVE_TEXT_CHARS);
    this.#timer ??= setTimeout(() => this.#publish(), PUBLISH_EVERY_MS);
  }

  #publish(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const unit = this.#liveUnit;
    if (!unit) return;
    this.live = {
      unitId: unit.id,
      armLabel: this.#labels.get(unit.armId) ?? unit.armId,
      problemId: unit.problemId,
      repeat: unit.repeat,
      text: this.#liveText.slice(-LIVE_TEXT_CHARS),
    };
  }
}
