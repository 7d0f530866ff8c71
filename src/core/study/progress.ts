/**
 * Progress of a running study as people read it: units done of the total, passes so far per
 * arm, an ETA from the recent rate of finished units, and the token throughput. Time is the
 * study's active time: paused stretches do not count, so the rate after a pause is not diluted.
 *
 * The ETA follows the pace of real work, so trouble restarts the window its rate is read from:
 * - The rate counts only units that finished with a result. An errored unit is not work done at
 *   the study's pace (one refused at once would speed the estimate up; one that failed after
 *   minutes of retries would slow it down), so it counts as done but not towards the rate.
 * - A unit about to wait before it is tried again (its model did not answer), and one that
 *   ended errored after being tried more than once, open a new window: the time the endpoint was
 *   failing says nothing of how fast the study goes once it answers again. Until a unit finishes
 *   with a result after that, the ETA is null ("unknown") rather than a figure from before the
 *   trouble. A unit refused at its first attempt (a lasting refusal, such as a prompt too long
 *   for the model) opens none: the study's pace is unchanged, and the estimate stays on show.
 * - A wait after a rate limit opens none: a quota per minute that keeps the study waiting is the
 *   pace it will keep, and restarting at each wait would read the rate from the bursts between.
 * So after an outage the time left follows the units since the server came back.
 */
import type { StudyConfig } from './config.ts';
import type { RetryWait } from './retry-wait.ts';
import type { FinishedUnit } from './unit-record.ts';

export type StudyRunState = 'running' | 'pausing' | 'paused' | 'cancelled' | 'done';

export interface ArmProgress {
  armId: string;
  label: string;
  /** Units of this arm the study has (repeats × problems). */
  total: number;
  /** Units finished, errored ones included. */
  done: number;
  passed: number;
  errored: number;
}

export interface StudyProgress {
  state: StudyRunState;
  totalUnits: number;
  /** Finished units, errored ones included, those finished in earlier sessions too. */
  doneUnits: number;
  erroredUnits: number;
  /** Units running now. */
  inFlight: number;
  arms: ArmProgress[];
  /** Active time of this session (pauses excluded). */
  elapsedMs: number;
  /**
   * Time left at the recent rate of units finished with a result; null until one has finished in
   * this session, and again after a retry (or a unit errored after retries) until one has finished since.
   */
  etaMs: number | null;
  /** Completion tokens generated in this session per second of active time; null before any. */
  tokensPerSecond: number | null;
}

/** Units finished in this window set the rate behind the ETA: recent enough to follow a change of pace. */
const RATE_WINDOW_UNITS = 20;

export class ProgressTracker {
  state: StudyRunState = 'running';
  inFlight = 0;
  readonly #arms: ArmProgress[];
  readonly #byArm: Map<string, ArmProgress>;
  readonly #totalUnits: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  #pausedMs = 0;
  #pausedSince: number | null = null;
  /** Active-time reading at which the rate's window opens: the session's start, or the latest trouble. */
  #windowFrom = 0;
  /** Active-time readings at which units finished with a result since the window opened. */
  readonly #finishTimes: number[] = [];
  #completionTokens = 0;

  constructor(config: StudyConfig, now: () => number) {
    const perArm = config.repeats * config.problemIds.length;
    this.#arms = config.arms.map((arm) => ({ armId: arm.id, label: arm.label, total: perArm, done: 0, passed: 0, errored: 0 }));
    this.#byArm = new Map(this.#arms.map((a) => [a.armId, a]));
    this.#totalUnits = perArm * config.arms.length;
    this.#now = now;
    this.#startedAt = now();
  }

  /** A unit finished in an earlier session: it counts as done but not towards the rate. */
  countEarlier(unit: FinishedUnit): void {
    this.#count(unit);
  }

  unitFinished(unit: FinishedUnit): void {
    this.#count(unit);
    if (unit.result.status !== 'errored') this.#finishTimes.push(this.#activeMs());
    // Refused outright (a prompt too long): no trouble with the endpoint, and the estimate stays.
    else if (unit.result.attempts > 1) this.#restartWindow();
  }

  /** A unit's model did not answer and the unit waits to be tried again. */
  retrying(wait: RetryWait): void {
    if (!wait.rateLimit) this.#restartWindow();
  }

  tokens(completionTokens: number): void {
    this.#completionTokens += completionTokens;
  }

  pausedAt(): void {
    this.#pausedSince ??= this.#now();
  }

  resumedAt(): void {
    if (this.#pausedSince === null) return;
    this.#pausedMs += this.#now() - this.#pausedSince;
    this.#pausedSince = null;
  }

  snapshot(): StudyProgress {
    const doneUnits = this.#arms.reduce((n, a) => n + a.done, 0);
    const elapsedMs = this.#activeMs();
    return {
      state: this.state,
      totalUnits: this.#totalUnits,
      doneUnits,
      erroredUnits: this.#arms.reduce((n, a) => n + a.errored, 0),
      inFlight: this.inFlight,
      arms: this.#arms.map((a) => ({ ...a })),
      elapsedMs,
      etaMs: this.#eta(this.#totalUnits - doneUnits, elapsedMs),
      tokensPerSecond: this.#completionTokens > 0 && elapsedMs > 0 ? (1000 * this.#completionTokens) / elapsedMs : null,
    };
  }

  #count(unit: FinishedUnit): void {
    const arm = this.#byArm.get(unit.armId);
    if (!arm) return;
    arm.done++;
    if (unit.result.status === 'errored') arm.errored++;
    else if (unit.result.trajectory.passed) arm.passed++;
  }

  #eta(remaining: number, nowMs: number): number | null {
    if (remaining === 0) return 0;
    const times = this.#finishTimes;
    if (times.length === 0) return null;
    const recent = Math.min(times.length, RATE_WINDOW_UNITS);
    // The window opens at the finish just before it, or where it was last (re)started.
    const from = times.length > recent ? (times[times.length - recent - 1] as number) : this.#windowFrom;
    const spanMs = nowMs - from;
    if (spanMs <= 0) return null;
    return (remaining * spanMs) / recent;
  }

  #restartWindow(): void {
    this.#windowFrom = this.#activeMs();
    this.#finishTimes.length = 0;
  }

  #activeMs(): number {
    const now = this.#now();
    const pausedNow = this.#pausedSince === null ? 0 : now - this.#pausedSince;
    return Math.max(0, now - this.#startedAt - this.#pausedMs - pausedNow);
  }
}
