import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { spacedRefresh } from '../../../src/ui/study/spaced-refresh.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A read of the list that takes `costMs` of the fake clock, counting its calls. */
function list(costMs: number) {
  const reads: number[] = [];
  const refresh = async () => {
    reads.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, costMs));
  };
  return { reads, refresh };
}

describe('reading the list of studies again as units finish', () => {
  it('reads it once for a burst of finished units, not once per unit (audit R169)', async () => {
    const { reads, refresh } = list(10);
    const spaced = spacedRefresh(refresh, { minGapMs: 2000, now: () => Date.now() });
    // A fast endpoint: 50 units a second for 10 s.
    for (let i = 0; i < 500; i++) {
      spaced.request();
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(3000);
    // The first at once, then one every 2 s, and one after the last unit: not 500.
    expect(reads.length).toBeGreaterThanOrEqual(5);
    expect(reads.length).toBeLessThanOrEqual(7);
    // The last unit is in the last read: the card ends up with the right count.
    expect(reads.at(-1)).toBeGreaterThanOrEqual(10_000 - 20);
  });

  it('spaces the reads further as each takes longer, so they never take most of the tab', async () => {
    const { reads, refresh } = list(1500);
    const spaced = spacedRefresh(refresh, { minGapMs: 2000, costFactor: 4, now: () => Date.now() });
    for (let i = 0; i < 3000; i++) {
      spaced.request();
      await vi.advanceTimersByTimeAsync(20);
    }
    // 60 s of units: a read of 1.5 s every 1.5 + 4 × 1.5 s, about 8, not 60 s / 1.5 s = 40 back to back.
    expect(reads.length).toBeLessThanOrEqual(9);
    const gaps = reads.slice(1).map((at, i) => at - (reads[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1500 + 4 * 1500);
  });

  it('makes no read after cancel, and reads at once after a quiet spell', async () => {
    const { reads, refresh } = list(10);
    const spaced = spacedRefresh(refresh, { minGapMs: 2000, now: () => Date.now() });
    spaced.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(reads).toHaveLength(1);
    spaced.request();
    spaced.cancel();
    await vi.advanceTimersByTimeAsync(5000);
    expect(reads).toHaveLength(1);
    spaced.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(reads).toHaveLength(2);
  });

  it('goes on after a read that fails', async () => {
    let calls = 0;
    const spaced = spacedRefresh(async () => {
      calls++;
      throw new Error('the database went away');
    }, { minGapMs: 100, now: () => Date.now() });
    spaced.request();
    await vi.advanceTimersByTimeAsync(10);
    spaced.request();
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toBe(2);
  });
});
