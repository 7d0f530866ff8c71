import { describe, expect, it } from 'vitest';
import { formatDuration as formatModelsDuration } from '../../../src/ui/models/format.ts';
import { formatDuration, formatElapsed, pace, runQueue } from '../../../src/ui/scoring/run-queue.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('runQueue', () => {
  it('runs every job once and reports each result', async () => {
    const seen: string[] = [];
    await runQueue({
      jobs: [1, 2, 3, 4, 5],
      concurrency: 2,
      run: async (n) => {
        await tick();
        return n * 10;
      },
      onResult: (n, result) => seen.push(`${n}:${result}`),
    });
    expect(seen.sort()).toEqual(['1:10', '2:20', '3:30', '4:40', '5:50']);
  });

  it('never has more jobs in flight than the worker count', async () => {
    let inFlight = 0;
    let most = 0;
    await runQueue({
      jobs: Array.from({ length: 20 }, (_, i) => i),
      concurrency: 3,
      run: async () => {
        most = Math.max(most, ++inFlight);
        await tick();
        inFlight--;
      },
      onResult: () => undefined,
    });
    expect(most).toBe(3);
  });

  it('starts nothing new after a cancel, but finishes what is running', async () => {
    const controller = new AbortController();
    const finished: number[] = [];
    await runQueue({
      jobs: Array.from({ length: 50 }, (_, i) => i),
      concurrency: 2,
      run: async (n) => {
        if (n === 3) controller.abort();
        await tick();
        return n;
      },
      onResult: (n) => finished.push(n),
      signal: controller.signal,
    });
    expect(finished.length).toBeGreaterThanOrEqual(4);
    expect(finished.length).toBeLessThan(6);
    expect(finished).toContain(3);
  });
});

describe('pace', () => {
  it('gives programs per second and the time left', () => {
    expect(pace(50, 150, 10_000)).toEqual({ perSecond: 5, etaSeconds: 20 });
  });
  it('has no pace before the first result', () => {
    expect(pace(0, 150, 2_000)).toEqual({ perSecond: null, etaSeconds: null });
  });
  it('waits for a few programs and a second before promising a time left', () => {
    // One quick pass then fifteen programs that run into their limit: "about 2 s left" was wrong by 7 s.
    expect(pace(1, 16, 75)).toEqual({ perSecond: null, etaSeconds: null });
    expect(pace(2, 16, 5_000)).toEqual({ perSecond: null, etaSeconds: null });
    expect(pace(40, 164, 500)).toEqual({ perSecond: null, etaSeconds: null });
    expect(pace(3, 16, 1_000)).toEqual({ perSecond: 3, etaSeconds: 13 / 3 });
  });
  it('gives the pace of a finished run, however short', () => {
    expect(pace(1, 1, 250)).toEqual({ perSecond: 4, etaSeconds: 0 });
  });
});

describe('formatDuration', () => {
  it('never shows 60 seconds past a minute', () => {
    expect(formatDuration(119.4)).toBe('2 min 0 s');
    expect(formatDuration(59.2)).toBe('1 min 0 s');
    expect(formatDuration(61)).toBe('1 min 1 s');
    expect(formatDuration(7)).toBe('7 s');
    expect(formatDuration(null)).toBe('…');
  });

  it('gives the Study, Search and Models pages the same whole-second count, up to hours (audit R220-2)', () => {
    // The pages' own copy rounded the seconds part alone: 119.6 s read "1 min 60 s", 3599.7 s "59 min 60 s".
    expect(formatModelsDuration(119.6)).toBe('2 min 0 s');
    expect(formatModelsDuration(3599.7)).toBe('1 h 0 min');
    expect(formatModelsDuration(59.5)).toBe('1 min 0 s');
    expect(formatModelsDuration(3725)).toBe('1 h 2 min');
    expect(formatDuration(3725)).toBe('1 h 2 min');
  });
});

describe('formatElapsed', () => {
  it('gives a short run in tenths, so it agrees with the pace beside it, and a long one in whole seconds', () => {
    // 164 programs at 132.2 per second took 1.24 s: "in 2 s" contradicted the pace.
    expect(formatElapsed(164 / 132.2)).toBe('1.2 s');
    expect(formatElapsed(0.042)).toBe('0.04 s');
    expect(formatElapsed(0.996)).toBe('1.0 s');
    expect(formatElapsed(9.94)).toBe('9.9 s');
    expect(formatElapsed(9.96)).toBe('10 s');
    expect(formatElapsed(125.4)).toBe('2 min 5 s');
  });
});
