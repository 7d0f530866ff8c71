import { describe, expect, it } from 'vitest';
import { RunAnnouncer, type RunNews } from '../../../src/ui/shared/run-announcement.ts';

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

  it('announces a large run every 5 %, not every unit, and still its last unit', () => {
    const states = Array.from({ length: 1641 }, (_, done) => running(done, 1640));
    const said = heard(states);
    expect(said.length).toBe(21);
    expect(said[1]).toBe('Running: 82 of 1640 units done.');
    expect(said.at(-1)).toBe('Running: 1640 of 1640 units done.');
  });
});
