import { describe, expect, it } from 'vitest';
import { armSummaryTable, singleVsMeanTable } from '../../../src/core/analysis/arm-tables.ts';
import { groupTrajectories, type PlacedTrajectory } from '../../../src/core/analysis/study-runs.ts';
import { trajectory, type Verdict } from './trajectory-fixtures.ts';

const ids = ['P/0', 'P/1', 'P/2'];
// Repeat 1 lost P/2 (its unit errored); repeat 2 solves 3, repeat 3 solves 1.
const runs: (Verdict | null)[][] = [
  ['pass', 'pass', null],
  ['pass', 'pass', 'pass'],
  ['pass', 'AssertionError', 'AssertionError'],
];
const placed: PlacedTrajectory[] = runs.flatMap((run, repeat) =>
  run.flatMap((v, p) => (v === null ? [] : [{ armId: 'solo', repeat, trajectory: trajectory(ids[p]!, [v], { repeat }) }])),
);
const study = groupTrajectories('errored unit', ids, [{ id: 'solo', label: 'Solo', forcedIterations: false }], 3, placed);

describe('single run vs mean', () => {
  it('names the run it uses when run 1 misses a verdict, rather than calling run 2 "Run 1"', () => {
    const table = singleVsMeanTable(study);
    // Complete runs 2 and 3: mean (3 + 1) / 2 = 2; the first complete run is run 2 with 3 passes,
    // 100 · (3 − 2) / 2 = 50.0 % over the mean.
    expect(table.rows[0]!.map((c) => c.text)).toEqual(['Solo', '3 (run 2)', '2.0', '-1.0', '50.0 %', '3', '50.0 %']);
    expect(table.rows[0]![1]!.value).toBe(3);
    expect(table.notes!.join(' ')).toContain('there the first complete run is used, and named');
  });

  it('lists the passes per run in repeat order, the partial run 1 first', () => {
    expect(armSummaryTable(study).rows[0]!.slice(1, 4).map((c) => c.text)).toEqual(['2', '(2 of 2 so far), 3, 1', '2.0']);
  });
});

describe('the note under single run vs mean', () => {
  it("quotes the study's gap in the measure the table uses, and its 5–7 % as the drop from the single run", () => {
    const note = singleVsMeanTable(study).notes![0]!;
    expect(note).toContain('Inflation = 100 · (single − mean) / mean');
    // Table 7: 82 vs 76.6, 101 vs 93.6, 99 vs 94.0, 106 vs 98.2.
    expect(note).toContain("the study's single runs (its Table 7) were 5.3–7.9 % above their five-run means");
    expect(note).toContain('the paper\'s "5–7 %" is the drop measured from the single run, 100 · (single − mean) / single (5.1–7.4 %)');
  });
});
