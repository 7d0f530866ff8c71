import { describe, expect, it } from 'vitest';
import { LAST_UNIT_WAIT_MS, RunAnnouncer, spokenRunPhase, type AnnouncerOptions, type RunNews } from '../../../src/ui/shared/run-announcement.ts';

const describeNews = (n: RunNews) => `${n.phase}: ${n.done} of ${n.total} units done${n.errored > 0 ? `, ${n.errored} errored` : ''}.`;

/**
 * An announcer as a run panel holds it (the last unit waiting for the phase that ends the run),
 * on a clock the test moves: `hear` gives it a state, `wait` lets time pass (and its wake-ups,
 * which ask again with the latest state, as the panels do). `said` is each sentence once.
 */
function panel(options: AnnouncerOptions = {}) {
  let clock = 0;
  let latest: RunNews | null = null;
  const timers: { at: number; callback: () => void }[] = [];
  const said: string[] = [];
  const announcer: RunAnnouncer = new RunAnnouncer(describeNews, {
    lastUnitWaitMs: LAST_UNIT_WAIT_MS,
    now: () => clock,
    setTimer: (callback, ms) => void timers.push({ at: clock + ms, callback }),
    onDue: () => latest && hear(latest),
    ...options,
  });
  function hear(state: RunNews): void {
    latest = state;
    const text = announcer.next(state);
    if (text !== said.at(-1)) said.push(text);
  }
  function wait(ms: number): void {
    const until = clock + ms;
    for (let timer = timers.find((t) => t.at <= until); timer; timer = timers.find((t) => t.at <= until)) {
      timers.splice(timers.indexOf(timer), 1);
      clock = timer.at;
      timer.callback();
    }
    clock = until;
  }
  return { hear, wait, said, timers };
}

/** Feeds a run panel's announcer every state a run passes through, `everyMs` apart, and keeps the sentences a screen reader would hear. */
function heard(states: RunNews[], everyMs = 100): string[] {
  const { hear, wait, said } = panel();
  for (const state of states) {
    hear(state);
    wait(everyMs);
  }
  return said;
}

const running = (done: number, total: number, errored = 0): RunNews => ({ phase: 'Running', done, total, errored });

describe('what the run panel announces', () => {
  it('stays quiet while only the steps, time left and tokens/s change', () => {
    // Many steps per unit: the panel updates on each, the news does not change.
    const steps = Array.from({ length: 30 }, () => running(0, 10));
    expect(heard(steps)).toEqual(['Running: 0 of 10 units done.']);
  });

  it('announces each finished unit of a small run, each error, phase changes and the end', () => {
    const states = [running(0, 4), running(0, 4), running(1, 4), running(1, 4, 1), { ...running(1, 4, 1), phase: 'Paused' }, running(2, 4, 1), running(4, 4, 1), { ...running(4, 4, 1), phase: 'Done' }];
    // The last unit is not said as "Running: 4 of 4 …" a moment before "Done: 4 of 4 …" says the end (audit R199).
    expect(heard(states)).toEqual([
      'Running: 0 of 4 units done.',
      'Running: 1 of 4 units done.',
      'Running: 1 of 4 units done, 1 errored.',
      'Paused: 1 of 4 units done, 1 errored.',
      'Running: 2 of 4 units done, 1 errored.',
      'Done: 4 of 4 units done, 1 errored.',
    ]);
  });

  it('says the end once: with the phase that follows the last unit, or by itself when no phase follows it', () => {
    // A study: "Done" 12 ms after its last unit.
    const study = panel();
    study.hear(running(59, 60));
    study.wait(5000);
    study.hear(running(60, 60));
    study.wait(12);
    study.hear({ ...running(60, 60), phase: 'Done' });
    study.wait(10_000);
    expect(study.said).toEqual(['Running: 59 of 60 units done.', 'Done: 60 of 60 units done.']);

    // A run still at work after its last unit (the phase stays): the end is said once the wait is over, and once only.
    const stays = panel();
    stays.hear(running(2, 3));
    stays.wait(5000);
    stays.hear(running(3, 3));
    stays.wait(LAST_UNIT_WAIT_MS - 1);
    expect(stays.said).toEqual(['Running: 2 of 3 units done.']);
    stays.wait(1);
    expect(stays.said).toEqual(['Running: 2 of 3 units done.', 'Running: 3 of 3 units done.']);
    stays.hear(running(3, 3));
    stays.hear({ ...running(3, 3), phase: 'Done' });
    // The phase changed: that is said, as before.
    expect(stays.said.at(-1)).toBe('Done: 3 of 3 units done.');
    expect(stays.timers).toEqual([]);

    // A panel that sets no wait (the download panel's) says the last step at once, as it always did.
    const download = panel({ lastUnitWaitMs: 0 });
    download.hear(running(9, 10));
    download.hear(running(10, 10));
    expect(download.said.at(-1)).toBe('Running: 10 of 10 units done.');
  });

  it('says an endpoint outage once as it starts and once as it ends, however many attempts the units make meanwhile', () => {
    // Each retry of each unit changed the panel's retry note; the spoken phase changes only with the outage.
    const attempts = Array.from({ length: 11 }, () => ({ ...running(1, 16), phase: spokenRunPhase('Running', true) }));
    expect(heard([running(1, 16), ...attempts, running(2, 16)])).toEqual([
      'Running: 1 of 16 units done.',
      'Running, waiting for the model to answer: 1 of 16 units done.',
      'Running: 2 of 16 units done.',
    ]);
    // Paused or stopped, the phase says so, not the wait.
    expect(spokenRunPhase('Paused', true)).toBe('Paused');
    expect(spokenRunPhase('Running', false)).toBe('Running');
  });

  it('announces a large run every 5 %, not every unit, and still its last unit', () => {
    // No phase follows the last unit here: it is said by itself once the wait is over.
    const states = Array.from({ length: 1641 }, (_, done) => running(done, 1640));
    const said = heard(states, 5000);
    expect(said.length).toBe(21);
    expect(said[1]).toBe('Running: 82 of 1640 units done.');
    expect(said.at(-1)).toBe('Running: 1640 of 1640 units done.');
  });

  it('says a fast run\'s progress and errors at most once per gap, its phase changes at once and its end with the last', () => {
    // A replay finishing ten units a second, every other one errored, paused at the 25th unit and resumed at once.
    let clock = 0;
    const announcer = new RunAnnouncer(describeNews, { minGapMs: 4000, now: () => clock, lastUnitWaitMs: LAST_UNIT_WAIT_MS });
    const said: string[] = [];
    const hear = (state: RunNews) => {
      const text = announcer.next(state);
      if (text !== said.at(-1)) said.push(text);
    };
    for (let done = 0; done <= 30; done++) {
      clock = done * 100;
      hear(running(done, 30, Math.floor(done / 2)));
      if (done === 25) hear({ ...running(25, 30, 12), phase: 'Paused' });
    }
    hear({ ...running(30, 30, 15), phase: 'Done' });
    expect(said).toEqual([
      'Running: 0 of 30 units done.',
      'Paused: 25 of 30 units done, 12 errored.',
      'Running: 26 of 30 units done, 13 errored.',
      'Done: 30 of 30 units done, 15 errored.',
    ]);
  });

  it('says news it held back once the gap is over, though the run has not moved since', () => {
    // The units a fast run finished within the gap, then a long pause in progress (slow units, or none left to start).
    let clock = 0;
    const timers: { at: number; callback: () => void }[] = [];
    let said = '';
    const announcer: RunAnnouncer = new RunAnnouncer(describeNews, {
      minGapMs: 4000,
      now: () => clock,
      setTimer: (callback, ms) => void timers.push({ at: clock + ms, callback }),
      // What the panel does: asks again with the figures it shows now.
      onDue: () => (said = announcer.next(latest)),
    });
    let latest = running(0, 30);
    const finish = (done: number) => {
      latest = running(done, 30);
      said = announcer.next(latest);
    };
    finish(0);
    clock = 100;
    finish(1);
    clock = 200;
    finish(2);
    // Held back, and only one wake-up asked for.
    expect(said).toBe('Running: 0 of 30 units done.');
    expect(timers.map((t) => t.at)).toEqual([4000]);
    clock = 4000;
    timers.shift()!.callback();
    // The latest figures, not the first held back: it used to stay at "0 of 30" until the next unit.
    expect(said).toBe('Running: 2 of 30 units done.');
    expect(timers).toEqual([]);
  });
});
