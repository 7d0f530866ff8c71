import { describe, expect, it } from 'vitest';
import { RunAnnouncer, spokenRunPhase, type RunNews } from '../../../src/ui/shared/run-announcement.ts';

const describeNews = (n: RunNews) => `${n.phase}: ${n.done} of ${n.total} units done${n.errored > 0 ? `, ${n.errored} errored` : ''}.`;

/** Feeds the announcer every state a run passes through and keeps the sentences a screen reader would hear. */
function heard(states: RunNews[]): string[] {
  const announcer = new RunAnnouncer(describeNews);
  const said: string[] = [];
  for (const state of states) {
    const text = announcer.next(state);
    if (text !== said.at(-1)) said.push(text);
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
    expect(heard(states)).toEqual([
      'Running: 0 of 4 units done.',
      'Running: 1 of 4 units done.',
      'Running: 1 of 4 units done, 1 errored.',
      'Paused: 1 of 4 units done, 1 errored.',
      'Running: 2 of 4 units done, 1 errored.',
      'Running: 4 of 4 units done, 1 errored.',
      'Done: 4 of 4 units done, 1 errored.',
    ]);
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
    const states = Array.from({ length: 1641 }, (_, done) => running(done, 1640));
    const said = heard(states);
    expect(said.length).toBe(21);
    expect(said[1]).toBe('Running: 82 of 1640 units done.');
    expect(said.at(-1)).toBe('Running: 1640 of 1640 units done.');
  });

  it('says a fast run\'s progress and errors at most once per gap, its phase changes and its end at once', () => {
    // A replay finishing ten units a second, every other one errored, paused at the 25th unit and resumed at once.
    let clock = 0;
    const announcer = new RunAnnouncer(describeNews, { minGapMs: 4000, now: () => clock });
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
      'Running: 30 of 30 units done, 15 errored.',
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
