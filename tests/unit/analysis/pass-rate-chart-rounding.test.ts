import { describe, expect, it } from 'vitest';
import { armPassRates, passRateTable } from '../../../src/core/analysis/arm-tables.ts';
import { passRateChart } from '../../../src/core/analysis/chart-data.ts';
import { groupTrajectories, type PlacedTrajectory } from '../../../src/core/analysis/study-runs.ts';
import { trajectory } from './trajectory-fixtures.ts';

// One run over 80 problems, 41 solved: 100 · 41 / 80 is 51.24999… in binary, 51.25 by hand.
const ids = Array.from({ length: 80 }, (_, i) => `P/${i}`);
const placed: PlacedTrajectory[] = ids.map((id, i) => ({
  armId: 'solo',
  repeat: 0,
  trajectory: trajectory(id, [i < 41 ? 'pass' : 'AssertionError']),
}));
const study = groupTrajectories('forty-one of eighty', ids, [{ id: 'solo', label: 'Solo', forcedIterations: false }], 1, placed);

describe('the pass-rate chart says the numbers the table shows', () => {
  it('rounds the rate and its CI in the description as the table does (51.3 %, not 51.2 %)', () => {
    const rates = armPassRates(study, 1, 500);
    const row = passRateTable(rates).rows[0]!.map((c) => c.text);
    expect(row[2]).toBe('51.3 %');
    const chart = passRateChart(rates);
    // The screen reader's <desc> (and the SVG download's) must read every number the table shows beside it.
    expect(chart.description).toContain(`Solo: ${row[2]} (95 % CI ${row[3]!.replace(' %', '')}–${row[4]}`);
  });
});
