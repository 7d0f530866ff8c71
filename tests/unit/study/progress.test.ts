import { describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../../src/core/study/progress.ts';
import type { FinishedUnit, TrajectorySummary } from '../../../src/core/study/unit-record.ts';
import { studyConfig, studyDraft } from './study-fixtures.ts';

const MINUTE = 60_000;

const trajectory: TrajectorySummary = {
  problemId: 'HumanEval/900',
  pipelineId: 'solo',
  repeat: 0,
  mode: 'study',
  verdict: null,
  passed: false,
  finalCode: null,
  stopReason: 'completed',
  stepCount: 2,
};

/** A study of 150 units (3 arms × 10 repeats × 5 problems) on a clock the test moves by hand. */
function study() {
  const clock = { now: 0 };
  const tracker = new ProgressTracker(studyConfig({ ...studyDraft(), repeats: 10 }), () => clock.now);
  let n = 0;
  const unit = (result: FinishedUnit['result']): FinishedUnit => ({ unitId: `solo/0/${n++}`, armId: 'solo', repeat: 0, problemId: 'HumanEval/900', result });
  const left = () => 150 - tracker.snapshot().doneUnits;
  return {
    clock,
    tracker,
    left,
    /** `count` units finish with a result, one every `everyMs`. */
    finish(count: number, everyMs: number) {
      for (let i = 0; i < count; i++) {
        clock.now += everyMs;
        tracker.unitFinished(unit({ status: 'finished', trajectory }));
      }
    },
    /** A unit ends errored after `afterMs`: its model kept failing (3 attempts), or refused it outright (1). */
    error(afterMs = 0, attempts = 3) {
      clock.now += afterMs;
      tracker.unitFinished(unit({ status: 'errored', message: attempts > 1 ? 'Failed to fetch' : 'prompt too long', attempts, stepCount: 0 }));
    },
    eta: () => tracker.snapshot().etaMs,
  };
}

describe('the study\'s time left', () => {
  const BACKOFF = { delayMs: 2000 };

  it('is the same after a 10-minute outage as before it, once the server is back at the same pace', () => {
    const s = study();
    s.finish(10, MINUTE); // a unit a minute
    expect(s.eta()).toBe(s.left() * MINUTE);

    // Half a minute on, the endpoint goes away: units fail, wait, are tried again and fail, and two
    // end errored, for ten minutes. No estimate is given meanwhile.
    s.clock.now += MINUTE / 2;
    for (let t = 0; t < 10; t++) {
      s.tracker.waitingToRetry(BACKOFF);
      expect(s.eta()).toBeNull();
      s.clock.now += MINUTE;
      s.tracker.triedAgain(BACKOFF);
    }
    s.error();
    s.error();
    expect(s.eta()).toBeNull();

    // Back: the unit tried last finishes a minute later, and then one a minute as before.
    s.finish(4, MINUTE);
    expect(s.eta()).toBe(s.left() * MINUTE);
  });

  it('is left as it was by one failed request while other units keep finishing', () => {
    const s = study();
    s.finish(5, MINUTE);
    s.clock.now += MINUTE / 2;
    s.tracker.waitingToRetry(BACKOFF);
    // Another unit finishes before the failed one is tried again: the endpoint answers.
    s.finish(1, MINUTE / 2);
    expect(s.eta()).toBe(s.left() * MINUTE);
    s.clock.now += 2000;
    s.tracker.triedAgain(BACKOFF);
    s.finish(1, MINUTE - 2000);
    expect(s.eta()).toBe(s.left() * MINUTE);
  });

  it('does not let units refused outright speed up the estimate, nor hide it', () => {
    const s = study();
    s.finish(5, MINUTE);
    // Five units refused at once (a prompt too long for the model): done, but no work at the study's pace.
    for (let i = 0; i < 5; i++) s.error(0, 1);
    expect(s.eta()).toBe(s.left() * MINUTE);
    s.finish(3, MINUTE);
    expect(s.eta()).toBe(s.left() * MINUTE);
  });

  it('does not let a unit that errored after long retries slow the estimate down', () => {
    const s = study();
    s.finish(5, MINUTE);
    s.clock.now += MINUTE / 2;
    s.tracker.waitingToRetry(BACKOFF);
    s.clock.now += 10 * MINUTE;
    s.tracker.triedAgain(BACKOFF);
    s.error(10 * MINUTE);
    // The unit started in its place finishes a minute later.
    s.finish(2, MINUTE);
    expect(s.eta()).toBe(s.left() * MINUTE);
  });

  it('counts the waits a rate limit imposes, since a quota per minute is the pace the study keeps', () => {
    const s = study();
    const limited = { delayMs: 52_000, rateLimit: 'server-asked' } as const;
    // Four quick units, then the quota is spent and the next unit waits 52 s: 4 units a minute.
    for (let minute = 0; minute < 3; minute++) {
      s.finish(4, 2000);
      s.tracker.waitingToRetry(limited);
      expect(s.eta()).not.toBeNull();
      s.clock.now += 52_000;
      s.tracker.triedAgain(limited);
    }
    expect(s.eta()).toBe((s.left() * MINUTE) / 4);
  });

  it('still leaves paused time out of the rate, and takes a pause as the end of a wait', () => {
    const s = study();
    s.finish(4, MINUTE);
    s.clock.now += MINUTE / 2;
    s.tracker.waitingToRetry(BACKOFF);
    s.clock.now += 5 * MINUTE;
    s.tracker.pausedAt();
    s.clock.now += 60 * MINUTE; // an hour's lunch; the pause ended the wait
    s.tracker.resumedAt();
    s.finish(2, MINUTE);
    expect(s.eta()).toBe(s.left() * MINUTE);
  });

  it('reads the rate over the last minute when more than 20 units finished in it, so one pause does not swing it', () => {
    const s = study();
    s.finish(100, 500);
    // A checkpoint's write or a garbage collection: 5 s for one unit. Over the last 20 units it
    // read 0.73 s a unit, not 0.5; over the minute's 101 units it stays near the pace.
    s.finish(1, 5_000);
    expect(s.eta()).toBeCloseTo((s.left() * 55_000) / 101, 6);
  });

  it('reads the rate from the last 20 units, so it follows a change of pace', () => {
    const s = study();
    s.finish(30, 5 * MINUTE);
    s.finish(20, MINUTE);
    expect(s.eta()).toBe(s.left() * MINUTE);
  });
});
