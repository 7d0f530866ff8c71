import { describe, expect, it } from 'vitest';
import { mean, percentOf, sampleSd, summarize } from '../../../src/core/stats/summary.ts';

describe('summary of repeated runs', () => {
  // llama3.2:3b solo on HumanEval, five runs (main_results.json).
  const llamaSolo = [81, 77, 79, 74, 72];

  it('gives the mean and the n − 1 sample SD that Python statistics.stdev gives', () => {
    // mean = 383 / 5 = 76.6
    // deviations 4.4, 0.4, 2.4, −2.6, −4.6 → squares 19.36 + 0.16 + 5.76 + 6.76 + 21.16 = 53.2
    // s = √(53.2 / 4) = √13.3 = 3.646916505762094
    expect(mean(llamaSolo)).toBeCloseTo(76.6, 12);
    expect(sampleSd(llamaSolo)).toBeCloseTo(3.646916505762094, 12);
    expect(sampleSd(llamaSolo) ** 2).toBeCloseTo(13.3, 12);
  });

  it('reports n, min and max beside mean and SD', () => {
    expect(summarize(llamaSolo)).toEqual({
      n: 5,
      mean: expect.closeTo(76.6, 12) as number,
      sd: expect.closeTo(3.646916505762094, 12) as number,
      min: 72,
      max: 81,
    });
  });

  it('has no SD for a single run rather than a misleading 0', () => {
    expect(summarize([94]).sd).toBeNull();
    expect(() => sampleSd([94])).toThrow(/two values/);
  });

  it('refuses empty or non-finite input with a clear message', () => {
    expect(() => mean([])).toThrow(/at least one value/);
    expect(() => summarize([1, Number.NaN])).toThrow(/finite/);
  });

  it('gives percent of total: 76.6 of 164 HumanEval problems is 46.7 %', () => {
    // 100 · 76.6 / 164 = 46.7073…
    expect(percentOf(76.6, 164)).toBeCloseTo(46.70731707, 7);
    expect(() => percentOf(1, 0)).toThrow(/positive total/);
  });
});
