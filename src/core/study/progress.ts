/**
 * Progress of a running study as people read it: units done of the total, passes so far per
 * arm, an ETA from the recent rate of finished units, and the token throughput. Time is the
 * study's active time: paused stretches do not count, so the rate after a pause is not diluted.
 *
 * The ETA follows the pace of real work, so the time an endpoint spends failing is left out of it:
 * - The rate counts only units that finished with a result. An errored unit is not work done at
 *   the study's pace (one refused at once would speed the estimate up; one that failed after
 *   minutes of retries would slow it down), so it counts as done but not towards the rate.
 * - Trouble is found when a unit waits to be tried again (its model did not answer) and ends when
 *   a unit next finishes with a result. The stretch from the last result before it to the last
 *   time a unit was tried again (or ended errored) during it is taken out of the rate's clock,
 *   like a pause: an outage of ten minutes says nothing of how fast the study goes once the
 *   server answers again, and a failing request may have hung for minutes before its first wait.
 *   While the trouble lasts the ETA is null ("unknown"). One failed request while other units
 *   keep finishing ends before its unit is tried again, and leaves the estimate as it was.
 * - A wait after a rate limit is no trouble: a quota per minute that keeps the study waiting is
 *   the pace it will keep.
 * So after an outage the time left follows the pace the study had, and has again. Tokens per
 * second are read on the same clock.
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
   * Time left at the recent rate of units finished with a result, the endpoint's failing spells
   * left out; null until one has finished in this session, and while a spell lasts.
   */
  etaMs: number | null;
  /** Completion tokens generated in this session per second of active time; null before any. */
  tokensPerSecond: number | null;
}

/** Units finished in this window set the rate behind the ETA: recent enough to follow a change of pace. */
const RATE_WINDOW_UNITS = 20;
/**
 * …and at least this long, where more units finished in it: against a fast endpoint 20 units came
 * in under a second, and one checkpoint's write or a pause for garbage collection inside it swung
 * the ETA from 3 min to 1 h 27 min within a minute (audit R169-3).
 */
const RATE_WINDOW_MS = 60_000;

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
  /** Readings of the rate's clock (active time less trouble) at which units finished with a result. */
  readonly #finishTimes: number[] = [];
  /** Active time at which the latest unit finished with a result: the endpoint answered then. */
  #lastResultAt = 0;
  /** Active time from which the trouble counts (the last result before it); null with none. */
  #troubleFrom: number | null = null;
  /** Active time at which a unit was last tried again during the trouble. */
  #lastTriedAgain: number | null = null;
  /** Trouble so far, taken out of the rate's clock. */
  #troubleMs = 0;
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
    if (unit.result.status === 'errored') {
      // During trouble, the endpoint was still failing until now.
      this.#markTriedAgain();
      return;
    }
    this.#endTrouble();
    this.#lastResultAt = this.#activeMs();
    this.#finishTimes.push(this.#rateClock());
  }

  /** A unit's model did not answer and the unit waits to be tried again. */
  waitingToRetry(wait: RetryWait): void {
    if (!wait.rateLimit) this.#troubleFrom ??= this.#lastResultAt;
  }

  /** The wait is over: the unit is tried again. */
  triedAgain(wait: RetryWait): void {
    if (!wait.rateLimit) this.#markTriedAgain();
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
    // A pause ends every wait, and its units start again from here.
    this.#markTriedAgain();
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
      tokensPerSecond: this.#tokensPerSecond(),
    };
  }

  /**
   * Tokens over the rate's clock, as the ETA: an outage is no part of the model's speed (ten
   * minutes down read as a third of the speed for the rest of the study). None while the trouble
   * lasts: no tokens come then, and the figure would only fall.
   */
  #tokensPerSecond(): number | null {
    if (this.#troubleFrom !== null || this.#completionTokens === 0) return null;
    const rateMs = this.#rateClock();
    return rateMs > 0 ? (1000 * this.#completionTokens) / rateMs : null;
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
    if (times.length === 0 || this.#troubleFrom !== null) return null;
    const rateNow = nowMs - this.#troubleMs;
    const recent = Math.min(times.length, Math.max(RATE_WINDOW_UNITS, finishedSince(times, rateNow - RATE_WINDOW_MS)));
    // The window opens at the finish just before it, or at the session's start.
    const from = times.length > recent ? (times[times.length - recent - 1] as number) : 0;
    // Only the window's finishes are ever read again: the older ones go (one number per unit, else).
    if (times.length - recent > 1_000) times.splice(0, times.length - recent - 1);
    const spanMs = rateNow - from;
    if (spanMs <= 0) return null;
    return (remaining * spanMs) / recent;
  }

  #markTriedAgain(): void {
    if (this.#troubleFrom !== null) this.#lastTriedAgain = this.#activeMs();
  }

  /** A unit finished with a result: the endpoint answers again. */
  #endTrouble(): void {
    if (this.#troubleFrom === null) return;
    // From the last result to the last retry the endpoint was failing: none of it is the study's pace.
    if (this.#lastTriedAgain !== null) this.#troubleMs += Math.max(0, this.#lastTriedAgain - this.#troubleFrom);
    this.#troubleFrom = null;
    this.#lastTriedAgain = null;
  }

  /** Active time less the trouble: the clock the rate is read on. */
  #rateClock(): number {
    return this.#activeMs() - this.#troubleMs;
  }

  #activeMs(): number {
    const now = this.#now();
    const pausedNow = this.#pausedSince === null ? 0 : now - this.#pausedSince;
    return Math.max(0, now - this.#startedAt - this.#pausedMs - pausedNow);
  }
}

/** How many of `times` (in order) are after `cutoff`, by binary search: a fast study asks this after every unit. */
function finishedSince(times: readonly number[], cutoff: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) > cutoff) hi = mid;
    else lo = mid + 1;
  }
  return times.length - lo;
}
