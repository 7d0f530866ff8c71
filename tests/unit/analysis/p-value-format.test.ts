import { describe, expect, it } from 'vitest';
import { comparePairs, formatLevel, formatP, multipleTestsNote, pairTable } from '../../../src/core/analysis/pair-tables.ts';
import { groupTrajectories, type PlacedTrajectory } from '../../../src/core/analysis/study-runs.ts';
import { mcnemar } from '../../../src/core/stats/mcnemar.ts';
import { trajectory } from './trajectory-fixtures.ts';

describe('p-values as shown', () => {
  it('keep their usual precision away from the thresholds', () => {
    expect(formatP(0.123456)).toBe('0.123');
    expect(formatP(0.720100131817162)).toBe('0.720');
    expect(formatP(0.002315700054168701)).toBe('0.0023');
    expect(formatP(0.00012)).toBe('0.00012');
    expect(formatP(0.00001)).toBe('< 0.0001');
    expect(formatP(1)).toBe('1.000');
    expect(formatP(0.05)).toBe('0.050');
  });

  it('never round onto or across 0.05 or 0.01', () => {
    // McNemar b = 10, c = 22: 2 · Σ_{i≤10} C(32, i) / 2³² = 0.0501024597… (Fractions, by hand): not significant at 0.05.
    expect(mcnemar(10, 22).exactP).toBeCloseTo(0.050102459732443094, 14);
    expect(formatP(mcnemar(10, 22).exactP)).toBe('0.0501');
    // b = 25, c = 42: 0.0498001142…, just below 0.05.
    expect(formatP(mcnemar(25, 42).exactP)).toBe('0.0498');
    expect(formatP(0.0504)).toBe('0.0504');
    expect(formatP(0.04996)).toBe('0.04996');
    expect(formatP(0.0104)).toBe('0.0104');
    // toPrecision(2) showed 0.00996 as "0.010".
    expect(formatP(0.00996)).toBe('0.00996');
  });

  it('never round onto or across a Bonferroni threshold given', () => {
    // 0.05 / 3 = 0.016667: 0.0166 is below it and 0.0168 above, both "0.017" at 3 decimals.
    expect(formatP(0.0166, [0.05 / 3])).toBe('0.0166');
    expect(formatP(0.0168, [0.05 / 3])).toBe('0.017');
    expect(formatLevel(0.05 / 3)).toBe('0.0167');
    expect(formatLevel(0.05 / 5)).toBe('0.01');
    expect(formatLevel(0.05 / 6)).toBe('0.00833');
    expect(multipleTestsNote(3).join(' ')).toContain('compare each with 0.05 / 3 = 0.0167 (Bonferroni)');
  });

  it('in the pair table, sit on the right side of the table\'s own Bonferroni threshold', () => {
    // Two repeats of 58 problems, b = 20, c = 38 in each: exact p = 2 · Σ_{i≤20} C(58, i) / 2⁵⁸ = 0.0247460…
    // (Fractions, by hand), below the table's Bonferroni threshold 0.05 / 2 = 0.025; 3 decimals showed "0.025".
    const ids = Array.from({ length: 58 }, (_, i) => `P/${i}`);
    const placed: PlacedTrajectory[] = [0, 1].flatMap((repeat) =>
      ids.flatMap((id, i) => [
        { armId: 'base', repeat, trajectory: trajectory(id, [i < 20 ? 'pass' : 'AssertionError'], { repeat }) },
        { armId: 'treat', repeat, trajectory: trajectory(id, [i >= 20 ? 'pass' : 'AssertionError'], { repeat }) },
      ]),
    );
    const arms = [
      { id: 'base', label: 'Base', forcedIterations: false },
      { id: 'treat', label: 'Treat', forcedIterations: false },
    ];
    const study = groupTrajectories('edge', ids, arms, 2, placed);
    const results = comparePairs(study, [{ baselineId: 'base', treatmentId: 'treat' }], { seed: 1, replicates: 200 });
    expect(results[0]!.perRepeat.map((m) => [m.b, m.c])).toEqual([[20, 38], [20, 38]]);
    const table = pairTable(results, { seed: 1, replicates: 200 });
    expect(results[0]!.perRepeat[0]!.exactP).toBeCloseTo(0.024746035842440797, 14);
    expect(table.rows[0]![4]!.text).toBe('0.0247; 0.0247');
    expect(table.notes!.join(' ')).toContain('0.05 / 2 = 0.025 (Bonferroni)');
  });
});
