import { describe, expect, it } from 'vitest';
import { armConsistency, armPassRates, armSummaryTable, consistencyTable, passRateTable, singleVsMeanTable } from '../../../src/core/analysis/arm-tables.ts';
import { passRateChart, transitionChart } from '../../../src/core/analysis/chart-data.ts';
import { armErrors, firstErrorTableView, transitionTableView } from '../../../src/core/analysis/error-report.ts';
import { breakTableView, cumulativeSolvedSeries, forcedIterationTables, iterationTableView, netSeries } from '../../../src/core/analysis/iteration-report.ts';
import { armsWithoutVerdicts, comparePairs, defaultPairs, formatP, pairTable } from '../../../src/core/analysis/pair-tables.ts';
import { tableToCsv } from '../../../src/core/analysis/table-csv.ts';
import { tableToMarkdown } from '../../../src/core/analysis/table-markdown.ts';
import { groupTrajectories, type PlacedTrajectory } from '../../../src/core/analysis/study-runs.ts';
import { trajectory, type Verdict } from './trajectory-fixtures.ts';

const PROBLEMS = ['P/0', 'P/1', 'P/2', 'P/3'];

/** verdicts[repeat][problem] = that problem-run's verdicts per version of the code. */
function place(armId: string, verdicts: Verdict[][][]): PlacedTrajectory[] {
  return verdicts.flatMap((run, repeat) =>
    run.flatMap((v, p) => (v.length === 0 ? [] : [{ armId, repeat, trajectory: trajectory(PROBLEMS[p]!, v, { repeat }) }])),
  );
}

// Solo: one version per problem. Repeat 0 solves P/0, P/1; repeat 1 solves P/0; repeat 2 solves P/0, P/1, P/2.
const solo = place('solo', [
  [['pass'], ['pass'], ['NameError'], ['AssertionError']],
  [['pass'], ['AssertionError'], ['NameError'], ['AssertionError']],
  [['pass'], ['pass'], ['pass'], ['TypeError']],
]);
// Self-refine with early stopping: fixes NameErrors, never the P/3 assert.
const refine = place('refine', [
  [['pass'], ['pass'], ['NameError', 'pass'], ['AssertionError', 'AssertionError', 'AssertionError', 'AssertionError']],
  [['pass'], ['AssertionError', 'pass'], ['NameError', 'pass'], ['AssertionError', 'TypeError', 'AssertionError', 'AssertionError']],
  [['pass'], ['pass'], ['NameError', 'NameError', 'pass'], ['timeout', 'timeout', 'timeout', 'timeout']],
]);
// Forced 2 iterations, one repeat: P/0 passes then breaks; P/1 passes, breaks, recovers; P/2 fixed at 1; P/3 fixed at 2.
const forced = place('forced', [
  [
    ['pass', 'AssertionError', 'AssertionError'],
    ['pass', 'NameError', 'pass'],
    ['NameError', 'pass', 'pass'],
    ['AssertionError', 'AssertionError', 'pass'],
  ],
]);

const study = groupTrajectories(
  'hand-made',
  PROBLEMS,
  [
    { id: 'solo', label: 'Solo', forcedIterations: false },
    { id: 'refine', label: 'Self-refine', forcedIterations: false },
    { id: 'forced', label: 'Forced', forcedIterations: true },
  ],
  3,
  [...solo, ...refine, ...forced],
);

// The same study with one unit of self-refine's second repeat errored (no verdict for P/2).
const withGap = groupTrajectories(
  'with a gap',
  PROBLEMS,
  study.arms,
  3,
  [...solo, ...refine.filter((u) => !(u.repeat === 1 && u.trajectory.problemId === 'P/2')), ...forced],
);

describe('Table 1 style summary', () => {
  it('gives per-run counts, mean ± SD and the mean as a share of the problems', () => {
    const table = armSummaryTable(study);
    const solo = table.rows[0]!.map((c) => c.text);
    expect(solo).toEqual(['Solo', '3', '2, 1, 3', '2.0', '1.0', '50.0 %', '1', '3', '0']);
    const refine = table.rows[1]!.map((c) => c.text);
    expect(refine.slice(2, 6)).toEqual(['3, 3, 3', '3.0', '0.0', '75.0 %']);
  });

  it('counts units without a verdict as missing, not as failures', () => {
    const forcedRow = armSummaryTable(study).rows[2]!.map((c) => c.text);
    // Forced ran one repeat of the three planned: the two that never ran are not runs of zero passes.
    expect(forcedRow.slice(1, 5)).toEqual(['1', '3', '3.0', '–']);
    expect(forcedRow[8]).toBe('8');
  });
});

describe('MBPP tasks that MBPP+ removed as broken', () => {
  it('are flagged under the totals, named, with what each arm made of them, and still counted', () => {
    // Mbpp/83 and Mbpp/115 are among them, Mbpp/2 is not.
    const ids = ['Mbpp/2', 'Mbpp/83', 'Mbpp/115'];
    const placed = [0, 1].flatMap((repeat) =>
      ids.map((id, p) => ({ armId: 'solo', repeat, trajectory: trajectory(id, [p === 1 || (p === 2 && repeat === 0) ? 'pass' : 'AssertionError'], { repeat }) })),
    );
    const mbpp = groupTrajectories('mbpp', ids, [{ id: 'solo', label: 'Solo', forcedIterations: false }], 2, placed);
    const table = armSummaryTable(mbpp);
    expect(table.rows[0]![2]!.text).toBe('2, 1');
    expect(table.notes!.at(-1)).toBe(
      '2 problems here (Mbpp/83, Mbpp/115) are among the 21 that MBPP+ removed from sanitized MBPP as broken (wrong or ambiguous tests). ' +
        'They are scored like every other problem, so totals stay comparable with other results on the same problems; mean passes on them per run: Solo 1.5.',
    );
    // HumanEval, or MBPP tasks that are fine: no such note.
    expect(armSummaryTable(study).notes!.join(' ')).not.toMatch(/MBPP\+/);
    // A HumanEval study beside it never ran them: not credited with 0.0 (audit R222-4).
    const beside = { ...mbpp, problemIds: [...study.problemIds, ...ids], arms: [...study.arms.slice(0, 1), { ...mbpp.arms[0]!, id: '2:solo', label: 'Solo (MBPP)' }] };
    expect(armSummaryTable(beside).notes!.at(-1)).toMatch(/mean passes on them per run: Solo \(MBPP\) 1\.5\.$/);
  });
});

describe('partial runs (a stopped study, a shard not loaded, an errored unit)', () => {
  it('shows a run missing verdicts apart and leaves it out of the mean, SD and Δ instead of counting its gaps as failures', () => {
    // Self-refine's second repeat has no verdict for P/2: 2 passes of the 3 verdicts it has, listed in its place.
    const refine = armSummaryTable(withGap).rows[1]!.map((c) => c.text);
    expect(refine.slice(1, 8)).toEqual(['2', '3, (2 passed of 3 scored), 3', '3.0', '0.0', '75.0 %', '3', '3']);
    expect(refine[8]).toBe('1');
    const [pair] = comparePairs(withGap, [{ baselineId: 'solo', treatmentId: 'refine' }], { seed: 1, replicates: 100 });
    expect(pair!.delta).toBeCloseTo(1, 10);
  });

  it('names the repeat of each run when a repeat before it has no verdict at all (a shard of the later repeats)', () => {
    const arms = [
      { id: 'solo', label: 'Solo', forcedIterations: false },
      { id: 'refine', label: 'Refine', forcedIterations: false },
    ];
    const later = groupTrajectories('later', PROBLEMS, arms, 3, [...solo, ...refine].filter((u) => u.repeat > 0));
    const row = armSummaryTable(later).rows[0]!.map((c) => c.text);
    expect(row[2]).toMatch(/^run 2: \d+, run 3: \d+$/);
    // The pair table's per-repeat b / c and p, likewise.
    const pairRow = pairTable(comparePairs(later, [{ baselineId: 'solo', treatmentId: 'refine' }], { seed: 1, replicates: 50 }), { seed: 1, replicates: 50 }).rows[0]!.map((c) => c.text);
    expect(pairRow[3]).toMatch(/^repeat 2: \d+ \/ \d+; repeat 3: \d+ \/ \d+$/);
    expect(pairRow[4]).toMatch(/^repeat 2: .+; repeat 3: .+$/);
    // Runs 1, 2, 3 all there: no labels.
    expect(armSummaryTable(study).rows[0]![2]!.text).not.toMatch(/run/);
  });

  it('gives an arm with no complete run no mean, and each side-by-side study its own problem count', () => {
    const started = groupTrajectories('started', PROBLEMS, [{ id: 'solo', label: 'Solo', forcedIterations: false }], 2, solo.slice(0, 2));
    expect(armSummaryTable(started).rows[0]!.map((c) => c.text).slice(1, 8)).toEqual(['0', '(2 passed of 2 scored)', '–', '–', '–', '–', '–']);

    const small = groupTrajectories('small', ['P/0', 'P/1'], [{ id: 'solo', label: 'Solo', forcedIterations: false }], 1, solo.filter((u) => u.repeat === 0).slice(0, 2));
    const sideBySide = { name: 'two', problemIds: PROBLEMS, arms: [...study.arms.slice(0, 1), { ...small.arms[0]!, id: '2:solo', label: 'Solo (small)' }] };
    const rows = armSummaryTable(sideBySide).rows.map((r) => r.map((c) => c.text));
    expect(rows[0]!.slice(3, 6)).toEqual(['2.0', '1.0', '50.0 %']);
    // Two of its own two problems: 100 %, not 2 of the four problems of both studies.
    expect(rows[1]!.slice(3, 6)).toEqual(['2.0', '–', '100.0 %']);
    expect(armSummaryTable(sideBySide).caption).toContain("of each arm's study");
  });
});

describe('pairs of arms', () => {
  it('computes Δ, σ, McNemar per matched repeat and a bootstrap CI of Δ pass rate', () => {
    const [pair] = comparePairs(study, [{ baselineId: 'solo', treatmentId: 'refine' }], { seed: 7, replicates: 2000 });
    expect(pair!.delta).toBeCloseTo(1, 10);
    // SDs 1 and 0: σ = 1 / √(1² + 0²) = 1.
    expect(pair!.sigma).toBeCloseTo(1, 10);
    // Repeat 1: solo solves {0,1}, refine {0,1,2}: b = 0, c = 1. Repeat 2: solo {0}, refine {0,1,2}: c = 2. Repeat 3: solo {0,1,2}, refine {0,1,2}.
    expect(pair!.perRepeat.map((m) => [m.b, m.c])).toEqual([[0, 1], [0, 2], [0, 0]]);
    expect(pair!.perRepeat[1]!.exactP).toBeCloseTo(0.5, 10);
    // Three tests in one table: the note names the Bonferroni threshold 0.05 / 3.
    expect(pairTable([pair!], { seed: 7, replicates: 2000 }).notes!.join(' ')).toContain('compare each with 0.05 / 3 = 0.0167 (Bonferroni)');
    // Per-problem shares: solo [1, 2/3, 1/3, 0], refine [1, 1, 1, 0]: Δ = (0 + 1/3 + 2/3 + 0) / 4 = 25 pp.
    expect(pair!.difference!.estimate).toBeCloseTo(25, 10);
    expect(pair!.difference!.lower).toBeGreaterThanOrEqual(0);
    expect(pair!.difference!.upper).toBeLessThanOrEqual(100 * (2 / 3 + 1 / 3) / 2 + 1e-9);
    expect(pair!.problems).toBe(4);
  });

  it('pairs McNemar by repeat number when one arm lacks a whole repeat', () => {
    // Self-refine's second repeat has no verdict at all (every unit errored, or its shard is not loaded).
    const noSecond = groupTrajectories('no second repeat', PROBLEMS, study.arms, 3, [...solo, ...refine.filter((u) => u.repeat !== 1)]);
    const [pair] = comparePairs(noSecond, [{ baselineId: 'solo', treatmentId: 'refine' }], { seed: 1, replicates: 100 });
    // Repeat 1 against repeat 1 and repeat 3 against repeat 3: solo's repeat 2 has nothing to pair with.
    expect(pair!.perRepeat.map((m) => [m.b, m.c])).toEqual([[0, 1], [0, 0]]);
  });

  it('says there is no spread to compare against, not ∞σ, when both arms solve the same number in every repeat', () => {
    // A deterministic model (temperature 0): every repeat the same. Solo solves P/0, P/1; refine also P/2.
    const same = (armId: string, run: Verdict[][]) => place(armId, [run, run, run]);
    const deterministic = groupTrajectories('deterministic', PROBLEMS, study.arms.slice(0, 2), 3, [
      ...same('solo', [['pass'], ['pass'], ['NameError'], ['AssertionError']]),
      ...same('refine', [['pass'], ['pass'], ['NameError', 'pass'], ['AssertionError', 'AssertionError']]),
    ]);
    const pairs = comparePairs(deterministic, [{ baselineId: 'solo', treatmentId: 'refine' }], { seed: 1, replicates: 100 });
    expect(pairs[0]!.delta).toBeCloseTo(1, 10);
    const table = pairTable(pairs, { seed: 1, replicates: 100 });
    const sigma = table.rows[0]![2]!;
    expect(sigma.text).toBe('no spread (SD 0 in both)');
    expect(sigma.value).toBeUndefined();
    expect(table.notes!.join(' ')).toContain('no run-to-run spread');
    for (const written of [tableToCsv(table), tableToMarkdown(table)]) {
      expect(written).not.toMatch(/∞|Infinity/);
      expect(written).toContain('no spread (SD 0 in both)');
    }
  });

  it('pairs each repeat on the problems both of its runs judged, and scores the CI over the runs that judged each problem', () => {
    const [pair] = comparePairs(withGap, [{ baselineId: 'solo', treatmentId: 'refine' }], { seed: 1, replicates: 100 });
    // P/2 lacks a verdict only in self-refine's second repeat: the other repeats still pair it.
    expect(pair!.perRepeat.map((m) => [m.repeat, m.problems, m.b, m.c])).toEqual([[0, 4, 0, 1], [1, 3, 0, 1], [2, 4, 0, 0]]);
    expect(pair!.problems).toBe(4);
    const table = pairTable([pair!], { seed: 1, replicates: 100 });
    expect(table.rows[0]![3]!.text).toBe('0 / 1; 0 / 1 (of 3); 0 / 0');
  });

  it('writes each repeat\'s b, c, problems paired and unrounded McNemar p as numbers of their own in CSV', () => {
    const [pair] = comparePairs(withGap, [{ baselineId: 'solo', treatmentId: 'refine' }], { seed: 1, replicates: 100 });
    const table = pairTable([pair!], { seed: 1, replicates: 100 });
    // On the page: one text per column, p rounded.
    expect(table.rows[0]![4]!.text).toBe('1.000; 1.000; 1.000');
    const [header, row] = tableToCsv(table).split('\r\n').map((line) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/));
    const column = (label: string) => row![header!.indexOf(label)];
    expect(header).toContain('"McNemar exact p, repeat 1"');
    expect([1, 2, 3].map((k) => column(`"McNemar exact p, repeat ${k}"`))).toEqual(['1', '1', '1']);
    expect([1, 2, 3].map((k) => [column(`"b, repeat ${k}"`), column(`"c, repeat ${k}"`), column(`"Problems paired, repeat ${k}"`)])).toEqual([
      ['0', '1', '4'],
      ['0', '1', '3'],
      ['0', '0', '4'],
    ]);
    expect(header).not.toContain('McNemar exact p per repeat');
  });

  it('writes the p the page rounds to 0.063 as 0.0625 in CSV', () => {
    // Five problems only self-refine solves: b = 0, c = 5, exact p = 2 · ½⁵ = 0.0625.
    const five = ['Q/0', 'Q/1', 'Q/2', 'Q/3', 'Q/4'];
    const units = (armId: string, verdict: Verdict): PlacedTrajectory[] => five.map((id) => ({ armId, repeat: 0, trajectory: trajectory(id, [verdict]) }));
    const lopsided = groupTrajectories('lopsided', five, study.arms.slice(0, 2), 1, [...units('solo', 'AssertionError'), ...units('refine', 'pass')]);
    const table = pairTable(comparePairs(lopsided, defaultPairs(lopsided), { seed: 1, replicates: 100 }), { seed: 1, replicates: 100 });
    expect(table.rows[0]![4]!.text).toBe('0.063');
    expect(tableToCsv(table).split('\r\n')[1]).toMatch(/,0,5,5,0\.0625,/);
  });

  it('gives two arms that agree on every problem an exact bound on Δ, not "0.0 – 0.0 pp"', () => {
    const run: Verdict[][] = [['pass'], ['pass'], ['NameError'], ['AssertionError']];
    const agreeing = groupTrajectories('agreeing', PROBLEMS, study.arms.slice(0, 2), 2, [...place('solo', [run, run]), ...place('refine', [run, run])]);
    const pairs = comparePairs(agreeing, defaultPairs(agreeing), { seed: 1, replicates: 100 });
    const table = pairTable(pairs, { seed: 1, replicates: 100 });
    // 0 of 4 problems discordant: |Δ| ≤ 1 − 0.025^(1/4) = 60.2 pp.
    expect(table.rows[0]!.slice(5, 8).map((c) => c.text)).toEqual(['0.0 pp', '-60.2 pp', '60.2 pp']);
    expect(table.notes!.join(' ')).toContain('Clopper–Pearson');
    expect(pairTable(comparePairs(study, defaultPairs(study), { seed: 1, replicates: 100 }), { seed: 1, replicates: 100 }).notes!.join(' ')).not.toContain(
      'Clopper–Pearson',
    );
  });

  it('keeps the complete repeats whole when the last repeat was stopped after one problem', () => {
    // A study runs repeat by repeat: stopped in repeat 3 after P/0, both arms have 2 complete runs and 1 problem of the third.
    const stopped = groupTrajectories('stopped', PROBLEMS, study.arms.slice(0, 2), 3, [
      ...solo.filter((u) => u.repeat < 2 || u.trajectory.problemId === 'P/0'),
      ...refine.filter((u) => u.repeat < 2 || u.trajectory.problemId === 'P/0'),
    ]);
    const [pair] = comparePairs(stopped, [{ baselineId: 'solo', treatmentId: 'refine' }], { seed: 1, replicates: 100 });
    // Not the single problem of the stopped repeat: repeat 1 is b = 0, c = 1 and repeat 2 is c = 2 over all four problems.
    expect(pair!.perRepeat.map((m) => [m.problems, m.b, m.c])).toEqual([[4, 0, 1], [4, 0, 2], [1, 0, 0]]);
    expect(pair!.problems).toBe(4);
    // Shares over the runs that judged each problem: solo [1, 1/2, 0, 0], refine [1, 1, 1, 0] → Δ = (1/2 + 1) / 4 = 37.5 pp.
    expect(pair!.difference!.estimate).toBeCloseTo(37.5, 10);
  });

  it('does not subtract pass counts of studies with different problems, and says when two arms share none', () => {
    const other = (ids: string[], name: string) =>
      groupTrajectories(name, ids, [{ id: 'solo', label: 'Solo', forcedIterations: false }], 3, [0, 1, 2].flatMap((repeat) =>
        ids.map((id, p) => ({ armId: 'solo', repeat, trajectory: trajectory(id, [p < 2 + repeat ? 'pass' : 'NameError'], { repeat }) })),
      ));
    const sideBySide = (second: ReturnType<typeof other>) => ({
      name: 'two',
      problemIds: [...new Set([...PROBLEMS, ...second.problemIds])],
      arms: [study.arms[0]!, { ...second.arms[0]!, id: '2:solo', label: `Solo (${second.name})` }],
    });
    // An MBPP study beside a HumanEval-like one: no problem in common.
    const mbpp = sideBySide(other(['Mbpp/2', 'Mbpp/3', 'Mbpp/4', 'Mbpp/6', 'Mbpp/7', 'Mbpp/8'], 'mbpp'));
    // By default each study's arms are compared within it, not against an arm they share nothing with…
    expect(defaultPairs(mbpp)).toEqual([]);
    // …but a pair a user picks says why it has no numbers.
    const [disjoint] = comparePairs(mbpp, [{ baselineId: 'solo', treatmentId: '2:solo' }], { seed: 1, replicates: 100 });
    expect(disjoint).toMatchObject({ delta: null, sigma: null, perRepeat: [], difference: null, problems: 0, differentProblems: true });
    const table = pairTable([disjoint!], { seed: 1, replicates: 100 });
    expect(table.rows[0]!.slice(1).map((c) => c.text)).toEqual(['–', '–', '–', '–', '–', '–', '–', '0']);
    expect(table.notes!.join(' ')).toContain('no problem judged in common');

    // Two subsets that overlap on P/0 and P/1 only: tests over those two, but no Δ of pass counts.
    const overlap = sideBySide(other(['P/0', 'P/1', 'Q/2', 'Q/3'], 'overlap'));
    expect(defaultPairs(overlap)).toEqual([{ baselineId: 'solo', treatmentId: '2:solo' }]);
    const [partly] = comparePairs(overlap, defaultPairs(overlap), { seed: 1, replicates: 100 });
    expect(partly).toMatchObject({ delta: null, sigma: null, problems: 2, differentProblems: true });
    expect(partly!.perRepeat.map((m) => m.problems)).toEqual([2, 2, 2]);
    expect(pairTable([partly!], { seed: 1, replicates: 100 }).notes!.join(' ')).toContain('different problems');
  });

  it('compares every arm with the first by default', () => {
    expect(defaultPairs(study)).toEqual([
      { baselineId: 'solo', treatmentId: 'refine' },
      { baselineId: 'solo', treatmentId: 'forced' },
    ]);
  });

  it("compares a second study's arms with its own baseline, not with the first study's over the few problems they share (audit R222-1)", () => {
    const later = groupTrajectories('later', ['P/2', 'P/3', 'Q/4', 'Q/5'], study.arms.slice(0, 2), 3, [0, 1, 2].flatMap((repeat) =>
      ['P/2', 'P/3', 'Q/4', 'Q/5'].flatMap((id) => ['solo', 'refine'].map((armId) => ({ armId, repeat, trajectory: trajectory(id, ['pass'], { repeat }) }))),
    ));
    const sideBySide = {
      name: 'two',
      problemIds: [...new Set([...PROBLEMS, ...later.problemIds])],
      arms: [
        ...study.arms.map((arm) => ({ ...arm, studyIndex: 0 })),
        ...later.arms.map((arm) => ({ ...arm, id: `2:${arm.id}`, label: `${arm.label} (later)`, studyIndex: 1 })),
      ],
    };
    expect(defaultPairs(sideBySide)).toEqual([
      { baselineId: 'solo', treatmentId: 'refine' },
      { baselineId: 'solo', treatmentId: 'forced' },
      // The later study's first arm meets the first study where they overlap; its others meet it.
      { baselineId: 'solo', treatmentId: '2:solo' },
      { baselineId: '2:solo', treatmentId: '2:refine' },
    ]);
  });

  it('takes no arm without a verdict as a baseline, and names it beside the table (audit R222-2)', () => {
    // Every unit of the first arm errored (a model that never loaded): no runs.
    const noSolo = { ...study, arms: study.arms.map((arm, i) => (i === 0 ? { ...arm, runs: [], runRepeats: [] } : arm)) };
    expect(defaultPairs(noSolo)).toEqual([{ baselineId: 'refine', treatmentId: 'forced' }]);
    expect(armsWithoutVerdicts(noSolo, [{ baselineId: 'solo', treatmentId: 'refine' }])).toEqual(['Solo']);
    expect(armsWithoutVerdicts(noSolo, [{ baselineId: 'refine', treatmentId: 'forced' }])).toEqual([]);
  });

  it('prints p-values as people read them', () => {
    expect(formatP(0.5)).toBe('0.500');
    expect(formatP(0.0023)).toBe('0.0023');
    expect(formatP(1e-7)).toBe('< 0.0001');
  });
});

describe('consistency and single runs', () => {
  it('histograms problems by the number of runs that solved them', () => {
    const [soloRows] = armConsistency(study);
    expect(soloRows).toEqual({ label: 'Solo', histogram: [1, 1, 1, 1], problems: 4 });
  });

  it('leaves out the run a study was stopped in, not every problem that run never reached', () => {
    const stopped = groupTrajectories('stopped', PROBLEMS, study.arms.slice(0, 1), 3, solo.filter((u) => u.repeat < 2 || u.trajectory.problemId === 'P/0'));
    const [row] = armConsistency(stopped);
    // Repeats 1 and 2 over all four problems (solo: P/0 twice, P/1 once), not three runs of P/0 alone.
    expect(row).toMatchObject({ histogram: [2, 1, 1], problems: 4, ofProblems: 4, ofRuns: 3 });
    expect(consistencyTable([row!]).notes!.join(' ')).toContain('Solo: over 4 of its 4 problems and 2 of its 3 runs');
    expect(armConsistency(study)[0]).not.toHaveProperty('ofRuns');
  });

  it('leaves out problems missing from some run', () => {
    expect(armConsistency(withGap).map((r) => [r.label, r.problems])).toEqual([
      ['Solo', 4],
      ['Self-refine', 3],
      ['Forced', 4],
    ]);
  });

  it('shows the first and the best run against the mean', () => {
    const solo = singleVsMeanTable(study).rows[0]!.map((c) => c.text);
    // Runs 2, 1, 3. Run 1 (2) equals the mean of the others, (1 + 3) / 2: no inflation; the best
    // run (3) is 100 % over the mean of the other two, (2 + 1) / 2 = 1.5.
    expect(solo).toEqual(['Solo', '2', '2.0', '0.0', '0.0 %', '3', '1.5', '100.0 %']);
  });

  it('says which arms the single-run table leaves out, and why, instead of an unexplained empty table', () => {
    const oneRun = groupTrajectories('one run', PROBLEMS, study.arms.slice(0, 2), 1, [...solo.filter((u) => u.repeat === 0), ...refine.filter((u) => u.repeat === 0)]);
    const single = singleVsMeanTable(oneRun);
    expect(single.rows).toEqual([]);
    expect(single.notes!.join(' ')).toContain('fewer than two complete runs (no mean of repeats to set a single run against): Solo; Self-refine.');
    const failing = groupTrajectories('failing', PROBLEMS, study.arms.slice(0, 1), 2, place('solo', [PROBLEMS.map(() => ['NameError']), PROBLEMS.map(() => ['NameError'])]));
    expect(singleVsMeanTable(failing).notes!.join(' ')).toContain('solving nothing in any run (inflation over a mean of 0 is undefined): Solo.');
    expect(singleVsMeanTable(study).notes).toHaveLength(2);
  });

  it('gives each arm a pass rate with a bootstrap CI around it', () => {
    const [soloRate] = armPassRates(study, 3, 1000);
    expect(soloRate!.interval.estimate).toBeCloseTo(50, 10);
    expect(soloRate!.interval.lower).toBeLessThan(50);
    expect(soloRate!.interval.upper).toBeGreaterThan(50);
  });

  it('gives an arm that solved everything (or nothing) a real interval, and says how', () => {
    const arms = study.arms.slice(0, 2);
    const flawless = groupTrajectories('flawless', PROBLEMS, arms, 1, [
      ...place('solo', [[['NameError'], ['NameError'], ['AssertionError'], ['TypeError']]]),
      ...place('refine', [[['pass'], ['pass'], ['pass'], ['pass']]]),
    ]);
    const table = passRateTable(armPassRates(flawless, 3, 1000));
    // 0 of 4 and 4 of 4: Clopper–Pearson 0–60.2 % and 39.8–100 %, not "0.0 % – 0.0 %" and "100.0 % – 100.0 %".
    expect(table.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['Solo', '4', '0.0 %', '0.0 %', '60.2 %'],
      ['Self-refine', '4', '100.0 %', '39.8 %', '100.0 %'],
    ]);
    expect(table.notes!.join(' ')).toContain('Clopper–Pearson');
    expect(passRateTable(armPassRates(study, 3, 1000)).notes!.join(' ')).not.toContain('Clopper–Pearson');
    expect(passRateChart(armPassRates(flawless, 3, 1000)).description).toBe(
      'Solo: 0.0 % (95 % exact binomial CI 0.0–60.2 %); Self-refine: 100.0 % (95 % exact binomial CI 39.8–100.0 %)',
    );
  });
});

describe('error taxonomy', () => {
  it('counts first error → fixed per type, pooled over repeats, for arms that refine', () => {
    const arms = armErrors(study, 'exception');
    expect(arms.map((a) => a.label)).toEqual(['Self-refine', 'Forced']);
    const refine = arms[0]!;
    const nameError = refine.firstErrors.find((r) => r.category === 'NameError')!;
    expect([nameError.total, nameError.fixed, nameError.fixedAtIteration]).toEqual([3, 3, [0, 2, 1, 0]]);
    const assertion = refine.firstErrors.find((r) => r.category === 'AssertionError')!;
    expect([assertion.total, assertion.fixed, assertion.fixRate]).toEqual([3, 1, 1 / 3]);
    const timeout = refine.firstErrors.find((r) => r.category === 'Timeout')!;
    expect([timeout.total, timeout.fixed]).toEqual([1, 0]);
  });

  it('leaves the passed row out of an early-stopping arm\'s transitions and says why; a forced arm keeps it', () => {
    const [refine, forcedArm] = armErrors(study, 'exception');
    const early = transitionChart(refine!.label, refine!.transitions.labels, refine!.transitions.counts[0]!, 1, refine!.stopsAtPass);
    // 5 of Self-refine's 12 problem-runs passed at once and stopped; the other 7 go on to iteration 1.
    expect(early.rowLabels).not.toContain('passed');
    expect(early.columnLabels[0]).toBe('passed');
    expect(early.counts.flat().reduce((a, b) => a + b, 0)).toBe(7);
    expect(early.title).toBe('Error-type transitions, iteration 0 → 1 (Self-refine): failing code only, as a pass ends the run');
    expect(early.rowTitle).toBe('Iteration 0, failing');
    const table = transitionTableView(refine!, 1);
    expect(table.rows.map((r) => r[0]!.text)).not.toContain('passed');
    expect(table.notes).toEqual(['A problem whose code passes stops there, so only those still failing at iteration 0 have a row.']);
    // Forced: P/0 and P/1 passed at 0 and both broke at 1, which the passed row shows.
    const forcedChart = transitionChart(forcedArm!.label, forcedArm!.transitions.labels, forcedArm!.transitions.counts[0]!, 1, forcedArm!.stopsAtPass);
    expect(forcedChart.rowLabels[0]).toBe('passed');
    expect(forcedChart.counts[0]!.reduce((a, b) => a + b, 0)).toBe(2);
    expect(forcedChart.title).toBe('Error-type transitions, iteration 0 → 1 (Forced)');
    expect(transitionTableView(forcedArm!, 1).notes).toBeUndefined();
  });

  it("folds error types into the study's families on request (bare asserts are None)", () => {
    const arms = armErrors(
      groupTrajectories('bare', ['P/0'], [{ id: 'a', label: 'A', forcedIterations: false }], 1, [
        { armId: 'a', repeat: 0, trajectory: trajectory('P/0', ['bare-assert', 'KeyError', 'pass']) },
      ]),
      'study',
    );
    expect(arms[0]!.firstErrors.map((r) => r.category)).toEqual(['None']);
    expect(arms[0]!.transitions.labels).toEqual(['passed', 'None', 'IndexError/KeyError']);
  });

  it('leaves runs the time cap cut short out of the study-style fix rates, as the study had no record of them', () => {
    const capped = groupTrajectories('capped', ['P/0', 'P/1'], [{ id: 'a', label: 'A', forcedIterations: false }], 1, [
      { armId: 'a', repeat: 0, trajectory: trajectory('P/0', ['NameError', 'NameError'], { timeCap: true }) },
      { armId: 'a', repeat: 0, trajectory: trajectory('P/1', ['NameError', 'pass']) },
    ]);
    const studyRow = armErrors(capped, 'study')[0]!.firstErrors.find((r) => r.category === 'NameError')!;
    expect([studyRow.total, studyRow.fixed]).toEqual([1, 1]);
    // Our own labelling keeps every run that reached a verdict.
    const ownRow = armErrors(capped, 'exception')[0]!.firstErrors.find((r) => r.category === 'NameError')!;
    expect([ownRow.total, ownRow.fixed]).toEqual([2, 1]);
    // And the table says so under the study's labelling only, with the count from the data.
    expect(firstErrorTableView(armErrors(capped, 'study')).notes).toContain(
      'A: 1 problem-run that the time cap on one problem cut short is left out, as the study left them out (its runner kept no record of them); with error types as Python named them, those that ran some code are counted.',
    );
    expect(firstErrorTableView(armErrors(capped, 'exception')).notes!.some((n) => n.includes('time cap'))).toBe(false);
  });

  it('says how many runs the time cap ended before any code ran, which have no first error and are in no matrix (audit R222-3)', () => {
    const placed = (forced: boolean) =>
      groupTrajectories('capped', ['P/0', 'P/1', 'P/2'], [{ id: 'a', label: 'A', forcedIterations: forced }], 1, [
        { armId: 'a', repeat: 0, trajectory: trajectory('P/0', [], { timeCap: true }) },
        { armId: 'a', repeat: 0, trajectory: trajectory('P/1', ['NameError', 'pass', 'pass', 'pass']) },
        { armId: 'a', repeat: 0, trajectory: trajectory('P/2', ['NameError', 'NameError', 'pass', 'pass']) },
      ]);
    const [own] = armErrors(placed(true), 'exception');
    expect(own!.firstErrors.reduce((n, r) => n + r.total, 0)).toBe(2);
    expect(firstErrorTableView([own!]).notes).toContain('A: 1 problem-run the time cap on one problem ended before any code ran has no first error and is not counted here.');
    expect(transitionTableView(own!, 1).notes).toEqual(['1 problem-run the time cap per problem ended before iteration 1 is not in this matrix.']);
    // The study's labelling leaves every capped run out, and says so once, under the first-error table.
    const [asStudy] = armErrors(placed(true), 'study');
    expect(firstErrorTableView([asStudy!]).notes!.filter((n) => n.includes('before any code ran'))).toEqual([]);
    expect(transitionTableView(asStudy!, 1).notes).toBeUndefined();
  });

  it('writes the taxonomy as a table with a column per iteration', () => {
    const table = firstErrorTableView(armErrors(study, 'exception'));
    expect(table.columns.map((c) => c.label).slice(-3)).toEqual(['Fixed at iteration 1', 'Fixed at iteration 2', 'Fixed at iteration 3']);
    expect(table.rows.map((r) => r[0]!.text)).toContain('Forced · NameError');
  });
});

describe('forced iterations', () => {
  it('builds the iteration table with the study net beside the raw delta', () => {
    const [arm] = forcedIterationTables(study);
    const t = arm!.table;
    expect(t.raw).toEqual([2, 1, 3]);
    expect(t.newFixes).toEqual([2, 1, 1]);
    expect(t.regressions).toEqual([0, 2, 0]);
    expect(t.recoveries).toEqual([0, 0, 1]);
    expect(t.net).toEqual([2, -1, 1]);
    expect(t.rawDelta).toEqual([2, -1, 2]);
    expect(t.effective).toEqual([2, 3, 4]);
    expect([t.initialPasses, t.broke, t.breakRate]).toEqual([2, 2, 1]);
    expect(t.shareOfFixesAtIteration1).toBe(0.5);
  });

  it('plots cumulative solved for every refining arm and net for forced arms, per run', () => {
    const cumulative = cumulativeSolvedSeries(study);
    expect(cumulative.map((s) => s.label)).toEqual(['Self-refine', 'Forced']);
    // Self-refine: after 0 iterations 5 of 12 problem-runs, after 1: 8, after 2: 9, after 3: 9 → per run ÷ 3.
    expect(cumulative[0]!.values).toEqual([5 / 3, 8 / 3, 3, 3]);
    expect(netSeries(forcedIterationTables(study))).toEqual([{ label: 'Forced', values: [-1, 1] }]);
  });

  it('plots per run over the problem-runs a partial run has, not counting its missing problems as unsolved', () => {
    // Self-refine's second repeat lacks P/2: 11 problem-runs of 4 problems are 2.75 runs' worth.
    const [refine] = cumulativeSolvedSeries(withGap);
    expect(refine!.values).toEqual([5 / 2.75, 7 / 2.75, 8 / 2.75, 8 / 2.75]);
  });

  it("runs the figure to the pipeline's last iteration when no run got that far", () => {
    // Self-refine with 3 iterations (4 versions of the code) whose runs all ended by iteration 1:
    // at most 3 iterations it solved what it solved by 1, not "–"; an arm that solved all at once is still a line.
    const arms = [
      { id: 'early', label: 'Early', forcedIterations: false, plannedAttempts: 4 },
      { id: 'at-once', label: 'At once', forcedIterations: false, plannedAttempts: 4 },
    ];
    const early = groupTrajectories('planned', PROBLEMS, arms, 1, [
      ...place('early', [[['pass'], ['NameError', 'pass'], ['pass'], ['timeout', 'timeout']]]),
      ...place('at-once', [[['pass'], ['pass'], ['pass'], ['pass']]]),
    ]);
    expect(cumulativeSolvedSeries(early)).toEqual([
      { label: 'Early', values: [2, 3, 3, 3] },
      { label: 'At once', values: [4, 4, 4, 4] },
    ]);
    // A forced arm whose every run the time cap cut short still has a row per planned iteration.
    const capped = groupTrajectories('cut', ['P/0'], [{ id: 'f', label: 'F', forcedIterations: true, plannedAttempts: 4 }], 1, [
      { armId: 'f', repeat: 0, trajectory: trajectory('P/0', ['pass', 'pass'], { timeCap: true }) },
    ]);
    expect(forcedIterationTables(capped)[0]!.table.raw).toEqual([1, 1, 0, 0]);
  });

  it('pads a run the time cap cut short with failures', () => {
    const capped = groupTrajectories('cap', ['P/0', 'P/1'], [{ id: 'f', label: 'F', forcedIterations: true }], 1, [
      { armId: 'f', repeat: 0, trajectory: trajectory('P/0', ['pass', 'pass', 'pass']) },
      { armId: 'f', repeat: 0, trajectory: trajectory('P/1', ['pass'], { timeCap: true }) },
    ]);
    const [arm] = forcedIterationTables(capped);
    expect(arm!.padded).toBe(1);
    expect(arm!.table.raw).toEqual([2, 1, 1]);
  });

  it('says which breaks are the time cap, in the break table, the iteration table and the transition matrices (audit R208-1)', () => {
    // P/0 runs its three versions and passes each; P/1 and P/2 passed at every version they reached
    // before the cap; P/3 broke for real at iteration 1, then the cap came.
    const capped = groupTrajectories('cap', ['P/0', 'P/1', 'P/2', 'P/3'], [{ id: 'f', label: 'F', forcedIterations: true }], 1, [
      { armId: 'f', repeat: 0, trajectory: trajectory('P/0', ['pass', 'pass', 'pass']) },
      { armId: 'f', repeat: 0, trajectory: trajectory('P/1', ['pass', 'pass'], { timeCap: true }) },
      { armId: 'f', repeat: 0, trajectory: trajectory('P/2', ['pass'], { timeCap: true }) },
      { armId: 'f', repeat: 0, trajectory: trajectory('P/3', ['pass', 'NameError'], { timeCap: true }) },
    ]);
    const arms = forcedIterationTables(capped);
    expect(arms[0]!.table.broke).toBe(3);
    expect(arms[0]!.brokeByCap).toBe(2);
    expect(breakTableView(arms).notes).toEqual([
      'F: 2 of its 3 breaks are problem-runs the time cap per problem ended while they still passed; counted as failing at the iterations never reached, as in the iteration table, not broken by refinement.',
    ]);
    expect(iterationTableView(arms[0]!).notes![1]).toBe(
      '3 problem-runs hit the time cap early and count as failing at the iterations they never reached; 2 of them still passed when the cap came, so each adds a regression refinement did not make.',
    );
    const [errors] = armErrors(capped, 'exception');
    expect(transitionTableView(errors!, 1).notes).toEqual(['1 problem-run the time cap per problem ended before iteration 1 is not in this matrix.']);
    expect(transitionTableView(errors!, 2).notes).toEqual(['3 problem-runs the time cap per problem ended before iteration 2 are not in this matrix.']);
    // Without a cap there is nothing to say.
    const whole = groupTrajectories('whole', ['P/0'], [{ id: 'f', label: 'F', forcedIterations: true }], 1, [
      { armId: 'f', repeat: 0, trajectory: trajectory('P/0', ['pass', 'NameError']) },
    ]);
    expect(breakTableView(forcedIterationTables(whole)).notes).toEqual([]);
  });
});
