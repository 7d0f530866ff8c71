import { describe, expect, it } from 'vitest';
import { separation } from '../../../src/core/stats/sigma.ts';

describe('σ separation between two arms', () => {
  it('divides Δ by the root of the summed variances', () => {
    // llama solo 76.6, s² = 13.3; llama self-refine [98, 92, 95, 91, 94]: mean 94,
    // deviations 4, −2, 1, −3, 0 → squares 30 → s² = 30 / 4 = 7.5.
    // Δ = 94 − 76.6 = 17.4; σ = 17.4 / √(13.3 + 7.5) = 17.4 / √20.8 = 3.8152…
    const solo = { mean: 76.6, sd: Math.sqrt(13.3) };
    const selfRefine = { mean: 94, sd: Math.sqrt(7.5) };
    const s = separation(solo, selfRefine);
    expect(s.delta).toBeCloseTo(17.4, 12);
    expect(s.sigma).toBeCloseTo(17.4 / Math.sqrt(20.8), 12);
    expect(s.sigma).toBeCloseTo(3.8152, 4);
  });

  it('is negative when the treatment solves fewer problems', () => {
    // Δ = 10 − 13 = −3; σ = −3 / √(3² + 4²) = −3 / 5 = −0.6
    expect(separation({ mean: 13, sd: 3 }, { mean: 10, sd: 4 })).toEqual({ delta: -3, sigma: -0.6 });
  });

  it('is infinite for a difference between arms with no spread at all', () => {
    expect(separation({ mean: 1, sd: 0 }, { mean: 2, sd: 0 }).sigma).toBe(Number.POSITIVE_INFINITY);
  });
});
