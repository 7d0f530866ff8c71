import { describe, expect, it } from 'vitest';
import { createStudyProgressView, fitProgress, formatDuration, formatProgress } from '../../../cli/run/run-progress.ts';
import type { StudyProgress } from '../../../src/core/study/progress.ts';

function progress(overrides: Partial<StudyProgress> = {}): StudyProgress {
  return {
    state: 'running',
    totalUnits: 64,
    doneUnits: 21,
    erroredUnits: 0,
    inFlight: 3,
    arms: [
      { armId: 'llama-solo', label: 'solo', total: 32, done: 11, passed: 8, errored: 0 },
      { armId: 'llama-self-refine', label: 'self-refine', total: 32, done: 10, passed: 9, errored: 0 },
    ],
    elapsedMs: 60_000,
    etaMs: 125_000,
    tokensPerSecond: 84.6,
    ...overrides,
  };
}

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 200, write: (text: string) => void writes.push(text) };
}

describe('study progress on stderr', () => {
  it('says units done of the total, passes per arm so far, token rate and ETA', () => {
    expect(formatProgress(progress())).toBe('21/64 done, 3 running | llama-solo 8/11 passed | llama-self-refine 9/10 passed | 85 tok/s | ETA 2m 05s');
  });

  it('counts errored units, and leaves out what is not known yet', () => {
    expect(formatProgress(progress({ doneUnits: 0, inFlight: 0, erroredUnits: 0, etaMs: null, tokensPerSecond: null }))).toBe(
      '0/64 done | llama-solo 8/11 passed | llama-self-refine 9/10 passed',
    );
    expect(formatProgress(progress({ erroredUnits: 2 }))).toMatch(/^21\/64 done, 3 running, 2 errored \|/);
  });

  it('writes durations as people read them', () => {
    expect([0, 44_600, 185_000, 7_620_000].map(formatDuration)).toEqual(['0s', '45s', '3m 05s', '2h 07m']);
  });

  it('on a terminal redraws one line in place, and prints notes above it', () => {
    let now = 0;
    const out = sink(true);
    const view = createStudyProgressView(out, () => now);
    view.update(progress());
    view.update(progress({ doneUnits: 22 })); // too soon after the last draw
    now = 1000;
    view.update(progress({ doneUnits: 23 }));
    view.note('llama-solo/0/HumanEval/3 errored: the server failed');
    view.finish();
    expect(out.writes.filter((w) => w.startsWith('\r2')).map((w) => w.slice(1, 6))).toEqual(['21/64', '23/64', '23/64', '23/64']);
    expect(out.writes).toContain('\r\x1b[Kllama-solo/0/HumanEval/3 errored: the server failed\n');
    expect(out.writes.at(-1)).toBe('\n');
  });

  it('in a log writes plain lines, only when units finished, and never carriage returns', () => {
    let now = 0;
    const out = sink(false);
    const view = createStudyProgressView(out, () => now);
    view.update(progress());
    now = 10_000;
    view.update(progress()); // nothing new finished
    now = 20_000;
    view.update(progress({ doneUnits: 30 }));
    view.update(progress({ doneUnits: 31 })); // too soon
    view.finish();
    expect(out.writes.map((w) => w.slice(0, 5))).toEqual(['21/64', '30/64', '31/64']);
    expect(out.writes.join('')).not.toMatch(/\r/);
  });

  it('on a terminal that says it has 0 columns (script, some CI consoles), takes 80, not 20', () => {
    const writes: string[] = [];
    const view = createStudyProgressView({ write: (text) => void writes.push(text), isTTY: true, columns: 0 }, () => 0);
    view.update(progress());
    expect(writes[0]).toBe('\r21/64 done, 3 running | llama-solo 8/11 passed | +1 arm | 85 tok/s | ETA 2m 05s\x1b[K');
  });

  it('fits a narrow terminal by leaving out arms from the last, then the token rate, and keeps the ETA', () => {
    expect(fitProgress(progress(), null, 120)).toBe(formatProgress(progress()));
    expect(fitProgress(progress(), null, 90)).toBe('21/64 done, 3 running | llama-solo 8/11 passed | +1 arm | 85 tok/s | ETA 2m 05s');
    expect(fitProgress(progress(), null, 60)).toBe('21/64 done, 3 running | +2 arms | 85 tok/s | ETA 2m 05s');
    const writes: string[] = [];
    const view = createStudyProgressView({ write: (text) => void writes.push(text), isTTY: true, columns: 40 }, () => 0);
    view.update(progress());
    expect(writes[0]).toBe('\r21/64 done, 3 running | ETA 2m 05s\x1b[K');
    // Narrower than that, the line is cut at the end, ending in …
    expect(fitProgress(progress({ erroredUnits: 12 }), null, 30)).toBe('21/64 done, 3 running, 12 er…');
  });

  it('says how long no model has said a word instead of an ETA made before the silence, and gives the ETA back', () => {
    expect(formatProgress(progress(), 95)).toBe(
      '21/64 done, 3 running | llama-solo 8/11 passed | llama-self-refine 9/10 passed | 85 tok/s | no word from the model for 1m 35s',
    );
    const writes: string[] = [];
    const view = createStudyProgressView({ write: (text) => void writes.push(text), isTTY: true, columns: 200 }, () => 0);
    view.update(progress());
    view.silence(30);
    view.silence(31);
    view.silence(null);
    expect(writes.map((w) => w.replace(/^[\s\S]* \| /, '').replace('\x1b[K', ''))).toEqual([
      'ETA 2m 05s',
      'no word from the model for 30s',
      'no word from the model for 31s',
      'ETA 2m 05s',
    ]);
  });

  it('on a narrow terminal leaves out the units running before it cuts off the time left', () => {
    // A big study's head left no room for it at 50 columns: "12345/49200 done, 16 running, 12 errored | ETA 2…".
    const big = progress({ totalUnits: 49_200, doneUnits: 12_345, inFlight: 16, erroredUnits: 12, etaMs: 7_620_000 });
    expect(fitProgress(big, null, 50)).toBe('12345/49200 done, 12 errored | ETA 2h 07m');
    expect(fitProgress(big, 125, 50)).toBe('12345/49200 done, 12 errored | silent 2m 05s');
    // Where the units running fit, they stay.
    expect(fitProgress(big, null, 60)).toBe('12345/49200 done, 16 running, 12 errored | ETA 2h 07m');
  });

  it('on a narrow terminal says a silence in short rather than cutting off how long it has lasted', () => {
    // At 40 columns the long form was cut to "no word from th…": the time, all it is there for, was gone.
    expect(fitProgress(progress(), 95, 40)).toBe('21/64 done, 3 running | silent 1m 35s');
    expect(fitProgress(progress(), 95, 60)).toBe('21/64 done, 3 running | no word from the model for 1m 35s');
  });

  it('in a log says a long silence once a minute, not every second', () => {
    const writes: string[] = [];
    const view = createStudyProgressView({ write: (text) => void writes.push(text), isTTY: false }, () => 0);
    view.update(progress());
    for (let s = 30; s <= 100; s++) view.silence(s);
    view.silence(null);
    view.silence(30);
    expect(writes.map((w) => w.replace(/^[\s\S]* \| /, '').trim())).toEqual([
      'ETA 2m 05s',
      'no word from the model for 30s',
      'no word from the model for 1m 30s',
      'no word from the model for 30s',
    ]);
  });
});
