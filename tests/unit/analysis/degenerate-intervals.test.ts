import { describe, expect, it } from 'vitest';
import { armPassRates, passRateTable } from '../../../src/core/analysis/arm-tables.ts';
import { passRateChart } from '../../../src/core/analysis/chart-data.ts';
import { comparePairs, pairTable } from '../../../src/core/analysis/pair-tables.ts';
import { groupTrajectories, type PlacedTrajectory } from '../../../src/core/analysis/study-runs.ts';
import { tableToCsv } from '../../../src/core/analysis/table-csv.ts';
import { trajectory, type Verdict } from './trajectory-fixtures.ts';

// A study of one problem, three repeats: solo solves it in repeats 1 and 3, refine in all three.
const runs: Record<string, Verdict[]> = { solo: ['pass', 'AssertionError', 'pass'], refine: ['pass', 'pass', 'pass'] };
const placed: PlacedTrajectory[] = Object.entries(runs).flatMap(([armId, verdicts]) =>
  verdicts.map((v, repeat) => ({ armId, repeat, trajectory: trajectory('P/0', [v], { repeat }) })),
);
const study = groupTrajectories(
  'one problem',
  ['P/0'],
  [
    { id: 'solo', label: 'Solo', forcedIterations: false },
    { id: 'refine', label: 'Refine', forcedIterations: false },
  ],
  3,
  placed,
);

describe('intervals over a single problem', () => {
  it('shows no CI of a pass rate of 2 of 3 repeats, instead of "66.7 % – 66.7 %"', () => {
    const rates = armPassRates(study, 1, 500);
    const table = passRateTable(rates);
    expect(table.rows[0]!.map((c) => c.text)).toEqual(['Solo', '1', '66.7 %', '–', '–']);
    // Solved in every repeat: the exact binomial bound over one problem, 2.5 % – 100 %.
    expect(table.rows[1]!.map((c) => c.text)).toEqual(['Refine', '1', '100.0 %', '2.5 %', '100.0 %']);
    expect(table.notes!.join(' ')).toMatch(/CI reads "–" where every problem scored the same share/);
    expect(tableToCsv(table).split('\r\n')[1]).toMatch(/^Solo,1,66\.6666+\d*,,$/);
    const chart = passRateChart(rates);
    expect(chart.series[0]!.low![0]).toBeNull();
    expect(chart.description).toContain('Solo: 66.7 % (no CI: every problem scored the same)');
  });

  it('shows no CI of Δ pass rate when the one problem differs by a share of repeats', () => {
    const results = comparePairs(study, [{ baselineId: 'solo', treatmentId: 'refine' }], { seed: 1, replicates: 500 });
    const row = pairTable(results, { seed: 1, replicates: 500 }).rows[0]!.map((c) => c.text);
    // Δ = 1 − 2/3 = 33.3 pp, with no interval rather than "33.3 pp – 33.3 pp".
    expect(row.slice(5, 8)).toEqual(['33.3 pp', '–', '–']);
  });
});
