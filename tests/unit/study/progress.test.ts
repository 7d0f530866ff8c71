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
  it('after a 10-minute outage follows the pace of the units since the server came back', () => {
    const s = study();
    s.finish(10, MINUTE); // a unit a minute
    expect(s.eta()).toBe(s.left() * MINUTE);

    // The endpoint goes away: units fail, wait 2 s, 4 s, fail again, and some end errored, for 10 minutes.
    for (let t = 0; t < 5; t++) {
      s.clock.now += MINUTE;
      s.tracker.retrying({ delayMs: 2000 });
      expect(s.eta()).toBeNull();
      s.clock.now += MINUTE;
      s.tracker.retrying({ delayMs: 4000 });
    }
    s.error();
    s.error();
    expect(s.eta()).toBeNull();

    // The server is back, and now a unit takes two minutes.
    s.finish(3, 2 * MINUTE);
    expect(s.eta()).toBe(s.left() * 2 * MINUTE);
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

  it('does not let units that errored after long retries slow the estimate down', () => {
    const s = study();
    s.finish(5, MINUTE);
    s.error(20 * MINUTE);
    s.finish(2, MINUTE);
    expect(s.eta()).toBe(s.left() * MINUTE);
  });

  it('counts the waits a rate limit imposes, since a quota per minute is the pace the study keeps', () => {
    const s = study();
    // Four quick units, then the quota is spent and the next unit waits 52 s: 4 units a minute.
    for (let minute = 0; minute < 3; minute++) {
      s.finish(4, 2000);
      s.tracker.retrying({ delayMs: 52_000, rateLimit: 'server-asked' });
      s.clock.now += 52_000;
    }
    expect(s.eta()).toBe((s.left() * MINUTE) / 4);
  });

  it('still leaves paused time out of the rate', () => {
    const s = study();
    s.finish(4, MINUTE);
    s.tracker.retrying({ delayMs: 2000 });
    s.finish(2, MINUTE);
    s.tracker.pausedAt();
    s.clock.now += 60 * MINUTE; // an hour's lunch
    s.tracker.resumedAt();
    s.finish(1, MINUTE);
    expect(s.eta()).toBe(s.left() * MINUTE);
  });

  it('reads the rate from the last 20 units, so it follows a change of pace', () => {
    const s = study();
    s.finish(30, 5 * MINUTE);
    s.finish(20, MINUTE);
    expect(s.eta()).toBe(s.left() * MINUTE);
  });
});
