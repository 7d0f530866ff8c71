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
    // Complete runs 2 and 3: the first complete run is run 2 with 3 passes, set against the other
    // complete run (1 pass): 100 · (3 − 1) / 1 = 200 %. It is also the best run.
    expect(table.rows[0]!.map((c) => c.text)).toEqual(['Solo', '3 (run 2)', '1.0', '-2.0', '200.0 %', '3', '1.0', '200.0 %']);
    expect(table.rows[0]![1]!.value).toBe(3);
    expect(table.notes!.join(' ')).toContain('there the first complete run is used, and named');
  });

  it('lists the passes per run in repeat order, the partial run 1 first', () => {
    expect(armSummaryTable(study).rows[0]!.slice(1, 4).map((c) => c.text)).toEqual(['2', '(2 passed of 2 scored), 3, 1', '2.0']);
  });
});

// Five complete runs of 80 problems solving 73, 69, 70, 74 and 72 (the auditor's synthetic file).
const soloPasses = [73, 69, 70, 74, 72];
const manyIds = Array.from({ length: 80 }, (_, i) => `P/${i}`);
const fiveRuns = groupTrajectories(
  'five runs',
  manyIds,
  [{ id: 'solo', label: 'Solo', forcedIterations: false }],
  5,
  soloPasses.flatMap((passes, repeat) =>
    manyIds.map((id, p) => ({ armId: 'solo', repeat, trajectory: trajectory(id, [p < passes ? 'pass' : 'AssertionError'], { repeat }) })),
  ),
);

describe('single run vs the mean of the other runs', () => {
  it('sets each single run against the mean of the other repeats, not a mean that counts it', () => {
    const row = singleVsMeanTable(fiveRuns).rows[0]!;
    // Run 1: 73 against (69 + 70 + 74 + 72) / 4 = 71.25 → +2.46 %, where the mean of all five (71.6) gave +2.0 %.
    // Best run: 74 against (73 + 69 + 70 + 72) / 4 = 71 → +4.23 %, where the mean of all five gave +3.4 %.
    expect(row.map((c) => c.text)).toEqual(['Solo', '73', '71.3', '-1.8', '2.5 %', '74', '71.0', '4.2 %']);
    expect(row[2]!.value).toBe(71.25);
    expect(row[4]!.value).toBeCloseTo(2.4561, 4);
    expect(row[7]!.value).toBeCloseTo(4.2254, 4);
  });

  it('gives the difference when run 1 solved nothing, where inflation (a ratio to nothing) has none', () => {
    const threeIds = ['Q/0', 'Q/1'];
    const zeroFirst = groupTrajectories(
      'run 1 solved nothing',
      threeIds,
      [{ id: 'solo', label: 'Solo', forcedIterations: false }],
      3,
      [0, 1, 1].flatMap((passes, repeat) =>
        threeIds.map((id, p) => ({ armId: 'solo', repeat, trajectory: trajectory(id, [p < passes ? 'pass' : 'AssertionError'], { repeat }) })),
      ),
    );
    const row = singleVsMeanTable(zeroFirst).rows[0]!;
    expect(row.slice(1, 5).map((c) => c.text)).toEqual(['0', '1.0', '1.0', '–']);
  });

  it('says in its headings and note that the run is left out of the mean', () => {
    const table = singleVsMeanTable(fiveRuns);
    expect(table.columns.map((c) => c.label)).toContain('Mean of the other runs');
    expect(table.columns.map((c) => c.label)).toContain('Mean without the best run');
    expect(table.notes![0]).toContain("set against the mean of the arm's other complete runs, leaving it out");
  });
});

describe('the note under single run vs mean', () => {
  it("quotes the study's gap in the measure the table uses, and its 5–7 % as the drop from the single run", () => {
    const note = singleVsMeanTable(study).notes![0]!;
    expect(note).toContain('Inflation = 100 · (single − mean of the others) / mean of the others');
    // Table 7: 82 vs 76.6, 101 vs 93.6, 99 vs 94.0, 106 vs 98.2.
    expect(note).toContain("the study's single runs (its Table 7) were 5.3–7.9 % above their five-run means");
    expect(note).toContain('the paper\'s "5–7 %" is the drop measured from the single run, 100 · (single − mean) / single (5.1–7.4 %)');
  });
});
