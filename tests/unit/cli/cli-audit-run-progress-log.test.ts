/**
 * `feedback-lab run`'s progress in a log: a unit finished within 5 s of the last line is printed
 * once those 5 s are up, not only at the next update, which may be minutes away (the next reply
 * slow to start). Before, a log said "0/2 done" for two minutes with one unit done.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStudyProgressView } from '../../../cli/run/run-progress.ts';
import type { StudyProgress } from '../../../src/core/study/progress.ts';

function progress(doneUnits: number): StudyProgress {
  return {
    state: 'running',
    totalUnits: 2,
    doneUnits,
    erroredUnits: 0,
    inFlight: 2 - doneUnits,
    arms: [{ armId: 'llama-solo', label: 'solo', total: 2, done: doneUnits, passed: doneUnits, errored: 0 }],
    elapsedMs: 0,
    etaMs: null,
    tokensPerSecond: null,
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('study progress in a log', () => {
  it('prints a unit finished soon after the last line once 5 s are up, with no update after it', () => {
    const writes: string[] = [];
    const view = createStudyProgressView({ write: (text) => void writes.push(text), isTTY: false }, () => Date.now());
    view.update(progress(0));
    vi.advanceTimersByTime(1_000);
    view.update(progress(1));
    expect(writes).toEqual(['0/2 done, 2 running | llama-solo 0/0 passed\n']);
    vi.advanceTimersByTime(3_999);
    expect(writes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['0/2 done, 2 running | llama-solo 0/0 passed\n', '1/2 done, 1 running | llama-solo 1/1 passed\n']);
    // Nothing new: no line, however long it waits; and finish() does not repeat it.
    vi.advanceTimersByTime(60_000);
    view.finish();
    expect(writes).toHaveLength(2);
  });

  it('prints the waiting line once, with the latest figures, and none after finish()', () => {
    const writes: string[] = [];
    const view = createStudyProgressView({ write: (text) => void writes.push(text), isTTY: false }, () => Date.now());
    view.update(progress(0));
    view.update(progress(1));
    view.update(progress(2));
    view.finish();
    vi.advanceTimersByTime(10_000);
    expect(writes.map((w) => w.slice(0, 3))).toEqual(['0/2', '2/2']);
  });
});
