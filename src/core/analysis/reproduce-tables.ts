/**
 * The paper's tables in the paper's shape, computed from its released files by the shared
 * stats code (reproduce/paper-tables.ts), and the printed-vs-computed ledger as a table.
 */
import { countText, listText } from '../count-text.ts';
import type { Comparison, ComparisonStatus } from '../reproduce/comparison.ts';
import { championIterations, championNodeCount, impliedSearchPasses, type ReleasedChampion } from '../reproduce/champions.ts';
import type { ReleasedErrorTaxonomy } from '../reproduce/error-taxonomy.ts';
import { armNamed, runsAdjective, summarizeArm, type ReleasedMainResults } from '../reproduce/main-results.ts';
import {
  PAPER_ARM_LABEL,
  PRINTED_TABLE1,
  PRINTED_TABLE2,
  PRINTED_TABLE3,
  PRINTED_TABLE6,
  PRINTED_TABLE7,
  PRINTED_TABLE8,
  RELEASED_ARM_NAME,
  type PaperArm,
} from '../reproduce/paper-printed.ts';
import { pairedFromTaxonomy, sigmaBetween, table1, type IterationArmTables, type UncountedProblem } from '../reproduce/paper-tables.ts';
import { formatPrinted } from '../reproduce/printed-number.ts';
import type { SelfCheck } from '../reproduce/released-self-check.ts';
import type { UnfixableReport } from '../reproduce/unfixable.ts';
import type { ReleasedIterationAnalysis } from '../reproduce/iteration-analysis.ts';
import { singleVsMean } from '../stats/single-vs-mean.ts';
import { bonferroniLevel, EXACT_DIFFERENCE_NOTE, multipleTestsNote, pCell, sigmaCell } from './pair-tables.ts';
import { formatNumber, maybeNumberCell, numberCell, textCell, type Cell, type CellTone, type Table } from './table.ts';

const PAPER_ARM_BY_RELEASED = new Map(
  (Object.entries(RELEASED_ARM_NAME) as [PaperArm, string][]).map(([arm, name]) => [name, arm]),
);

/**
 * `items` in the order `order` lists their keys, so a computed table reads row for row beside the
 * printed one and its ledger; an item `order` does not name keeps its place in the file, after them.
 */
function inListedOrder<T>(items: readonly T[], key: (item: T) => string, order: readonly string[]): T[] {
  const rank = (item: T) => {
    const i = order.indexOf(key(item));
    return i === -1 ? order.length : i;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

/** Released arms (by their released names) in the row order of the paper's Table 1. */
export function inTable1Order<T>(items: readonly T[], releasedName: (item: T) => string): T[] {
  return inListedOrder(items, releasedName, PRINTED_TABLE1.map((r) => RELEASED_ARM_NAME[r.arm]));
}

/**
 * Table 3's first errors in one order for every arm (the file gives each arm its own, by first
 * appearance): the paper's rows, then the bare asserts beside AssertionError, then the study's other families.
 */
const FIRST_ERROR_ORDER = [...PRINTED_TABLE3.map((r) => r.errorType), 'None', 'IndexError/KeyError', 'TimeoutError', 'Other'];

export function inFirstErrorOrder<T extends { category: string }>(rows: readonly T[]): T[] {
  return inListedOrder(rows, (r) => r.category, FIRST_ERROR_ORDER);
}

/** The paper's label for a released arm name, else the name as released. */
export function paperLabel(releasedName: string): string {
  const arm = PAPER_ARM_BY_RELEASED.get(releasedName);
  return arm ? PAPER_ARM_LABEL[arm] : releasedName;
}

const STATUS_TEXT: Record<ComparisonStatus, string> = {
  match: 'matches',
  rounding: 'rounding',
  mismatch: 'mismatch',
  'not-released': 'not released',
};

/** Printed beside computed, with the verdict flagged and every explanation. */
export function ledgerTable(id: string, caption: string, comparisons: readonly Comparison[]): Table {
  return {
    id,
    caption,
    columns: [
      { label: 'Row' },
      { label: 'Column' },
      { label: 'Printed' },
      { label: 'Computed' },
      { label: 'Verdict' },
      { label: 'Explanation' },
    ],
    rows: comparisons.map((c): Cell[] => {
      const tone: CellTone = c.status;
      return [
        textCell(c.table.startsWith('Table') ? c.row : `${c.table}: ${c.row}`),
        textCell(c.column),
        textCell(c.printed),
        textCell(c.computed ?? '–'),
        textCell(STATUS_TEXT[c.status], tone),
        textCell(c.explanation ?? ''),
      ];
    }),
  };
}

export function table1View(main: ReleasedMainResults): Table {
  return {
    id: 'paper-table-1',
    caption: `Table 1 (HumanEval): problems solved over ${main.runs} runs, computed from main_results.json`,
    columns: [
      { label: 'Arm' },
      // A spreadsheet gets each run's passes as a number of its own.
      { label: 'Passes per run', csvLabels: Array.from({ length: main.runs }, (_, k) => `Passes, run ${k + 1}`) },
      { label: 'Mean', numeric: true },
      { label: 'SD', numeric: true },
      { label: `% of ${main.totalProblems}`, numeric: true },
    ],
    rows: inTable1Order(table1(main), (r) => r.arm).map((r) => [
      textCell(paperLabel(r.arm)),
      { text: r.passCounts.join(', '), values: r.passCounts },
      numberCell(r.summary.mean, 1),
      maybeNumberCell(r.summary.sd, 3),
      numberCell(r.percent, 1, ' %'),
    ]),
    notes: ['SD is the sample SD (n − 1), as Python\'s statistics.stdev, shown to 3 decimals so rounding in the paper can be seen.'],
  };
}

export function table2View(main: ReleasedMainResults): Table {
  const rows = PRINTED_TABLE2.map(({ comparison, humaneval }) => ({
    comparison,
    humaneval,
    separation: sigmaBetween(main, RELEASED_ARM_NAME[humaneval.baseline], RELEASED_ARM_NAME[humaneval.treatment]),
  }));
  // Rows whose σ has no value (SD 0 in both) show no sign to explain.
  const negative = rows.filter((r) => Number.isFinite(r.separation.sigma) && r.separation.sigma < 0);
  return {
    id: 'paper-table-2',
    caption: 'Table 2 (HumanEval): Δ and σ = Δ / √(SD₁² + SD₂²) from the released runs',
    columns: [{ label: 'Comparison' }, { label: 'Treatment − baseline' }, { label: 'Δ', numeric: true }, { label: 'σ', numeric: true }],
    rows: rows.map(({ comparison, humaneval, separation: s }) => [
      textCell(comparison),
      textCell(`${PAPER_ARM_LABEL[humaneval.treatment]} − ${PAPER_ARM_LABEL[humaneval.baseline]}`),
      numberCell(s.delta, 1),
      sigmaCell(s.sigma),
    ]),
    // The paper prints σ without its sign (0.1σ beside Δ −0.4); the formula keeps Δ's, and so does this table.
    notes: [
      'σ keeps the sign of Δ (treatment − baseline), as the formula gives it. The paper prints σ without a sign' +
        (negative.length > 0
          ? ` (${negative.map((r) => `${r.comparison}: Δ ${formatNumber(r.separation.delta, 1)}, printed ${formatPrinted(r.humaneval.sigma)}σ`).join('; ')}), ` +
            'so the ledger below compares magnitudes.'
          : ', so the ledger below compares magnitudes.'),
    ],
  };
}

/** McNemar and bootstrap CIs for Table 2's HumanEval pairs, on error_taxonomy.json's per-problem verdicts. */
export function pairedTestsView(taxonomy: ReleasedErrorTaxonomy, options: { seed: number; replicates: number }): Table {
  const names = new Set(taxonomy.arms.map((a) => a.name));
  let exact = false;
  const pairs = PRINTED_TABLE2.flatMap(({ comparison, humaneval }) => {
    const base = RELEASED_ARM_NAME[humaneval.baseline];
    const treat = RELEASED_ARM_NAME[humaneval.treatment];
    return names.has(base) && names.has(treat) ? [{ comparison, base, treat }] : [];
  });
  // Each p is shown with enough digits to sit on the right side of the table's Bonferroni threshold.
  const levels = pairs.length > 1 ? [bonferroniLevel(pairs.length)] : [];
  const rows = pairs.map(({ comparison, base, treat }) => {
    const r = pairedFromTaxonomy(taxonomy, base, treat, options);
    exact ||= r.difference.method === 'exact-binomial';
    return [
      textCell(comparison),
      numberCell(r.counts.bothPassed),
      numberCell(r.counts.baselineOnly),
      numberCell(r.counts.treatmentOnly),
      numberCell(r.counts.bothFailed),
      pCell(r.mcnemar.exactP, levels),
      numberCell(100 * r.difference.estimate, 1, ' pp'),
      numberCell(100 * r.difference.lower, 1, ' pp'),
      numberCell(100 * r.difference.upper, 1, ' pp'),
    ];
  });
  return {
    id: 'paper-paired-tests',
    caption: 'Paired tests the study lacked: McNemar on the released per-problem verdicts (error_taxonomy.json, one run per arm)',
    columns: [
      { label: 'Comparison (treatment vs baseline)' },
      { label: 'Both solved', numeric: true },
      { label: 'Baseline only (b)', numeric: true },
      { label: 'Treatment only (c)', numeric: true },
      { label: 'Neither', numeric: true },
      { label: 'McNemar exact p', numeric: true },
      { label: 'Δ pass rate', numeric: true, unit: 'pp' },
      { label: '95 % CI low', numeric: true, unit: 'pp' },
      { label: '95 % CI high', numeric: true, unit: 'pp' },
    ],
    rows,
    notes: [
      'Only error_taxonomy.json keeps every arm\'s verdict per problem, from one run each: these compare single runs, not five-run means.',
      'b: problems only the baseline solved, c: only the treatment; McNemar\'s exact two-sided p = min(1, 2 · P(X ≤ min(b, c))), X ~ Binomial(b + c, ½). ' +
        'The CI of Δ pass rate is a 95 % percentile bootstrap over problems, both arms resampled together.',
      `Bootstrap over problems, ${countText(options.replicates)} resamples, seed ${options.seed}.`,
      ...multipleTestsNote(rows.length),
      ...(exact ? [EXACT_DIFFERENCE_NOTE] : []),
    ],
  };
}

type FixRateRow = { category: string; total: number; fixed: number; fixRate: number };

/**
 * What the study's "None" stands for. Its harness named an error by the last stderr line matching
 * `^(\w+(?:Error|Exception|Warning)): ` (code_executor.py), so whatever that misses is None: in
 * these runs mostly a bare assert, but not only.
 */
export const NONE_LABEL_NOTE =
  '"None" is the study\'s label for a failure its harness could not name: mostly a bare AssertionError (an assert with no message). ' +
  'The harness took the error type from the last line of stderr reading "Name: message" with a name ending in Error, Exception or Warning, ' +
  'so an exception raised without a message, one named otherwise (StopIteration, SystemExit) or with a dotted name, and a non-zero exit ' +
  'with nothing on stderr are None too.';

/** Marks a fix-rate row that has problems left out of it for want of an execution. */
export const UNCOUNTED_MARK = '†';

/**
 * Table 3 as computed, per refining arm. Problems with no execution recorded (the 120 s cap,
 * `uncounted`) are in no row, as in the study's fix rates; the row their logged first error
 * would have gone to is marked, a column counts them (so the CSV says it too) and a note names them.
 */
export function fixRatesView(
  rates: readonly { arm: string; rows: readonly FixRateRow[] }[],
  uncounted: readonly UncountedProblem[] = [],
): Table {
  const leftOut = (arm: string, category: string) => uncounted.filter((u) => u.arm === arm && u.category === category);
  const rows = rates.flatMap(({ arm, rows: counted }) => {
    // A category only the uncounted problems have still gets its line, with nothing counted.
    const extra = [...new Set(uncounted.filter((u) => u.arm === arm).map((u) => u.category))]
      .filter((category) => !counted.some((r) => r.category === category))
      .map((category): FixRateRow => ({ category, total: 0, fixed: 0, fixRate: Number.NaN }));
    return inFirstErrorOrder([...counted, ...extra]).map((r) => {
      const out = leftOut(arm, r.category).length;
      const cells = [
        textCell(`${paperLabel(arm)} · ${r.category}${out > 0 ? ` ${UNCOUNTED_MARK}` : ''}`),
        numberCell(r.total),
        numberCell(r.fixed),
        r.total > 0 ? numberCell(100 * r.fixRate, 0, ' %') : maybeNumberCell(null),
      ];
      return uncounted.length > 0 ? [...cells, numberCell(out)] : cells;
    });
  });
  return {
    id: 'paper-table-3',
    caption: 'Table 3 (HumanEval): fix rate by first error type per refining arm, from error_taxonomy.json',
    columns: [
      { label: 'Arm · first error' },
      { label: 'Problems', numeric: true },
      { label: 'Fixed', numeric: true },
      { label: 'Fix rate', numeric: true, unit: '%' },
      ...(uncounted.length > 0 ? [{ label: 'Not counted: no execution recorded', numeric: true }] : []),
    ],
    rows,
    notes: [NONE_LABEL_NOTE, ...uncountedNotes(uncounted)],
  };
}

/**
 * For the file's own fix_rates beside ours: "The counts on both sides leave out HumanEval/32 of
 * NEAT champion (TimeoutError) …", or nothing when every problem has an execution.
 */
export function uncountedSelfCheckNote(uncounted: readonly UncountedProblem[]): string[] {
  if (uncounted.length === 0) return [];
  const named = uncounted.map((u) => `${u.taskId} of ${paperLabel(u.arm)} (${u.category})`);
  const list = listText(named);
  return [`The fix_rates counts on both sides leave out ${list}: no execution recorded (${UNCOUNTED_MARK} in Table 3).`];
}

/** "† Not counted: HumanEval/32 of NEAT champion (first error logged as TimeoutError) …", one per arm and row. */
function uncountedNotes(uncounted: readonly UncountedProblem[]): string[] {
  const groups = new Map<string, UncountedProblem[]>();
  for (const u of uncounted) {
    const key = JSON.stringify([u.arm, u.category]);
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  return [...groups.values()].map((group) => {
    const { arm, category } = group[0]!;
    const ids = group.map((u) => u.taskId);
    const named = listText(ids);
    const one = ids.length === 1;
    return (
      `${UNCOUNTED_MARK} Not counted: ${named} of ${paperLabel(arm)} (first error logged as ${category}) ${one ? 'has' : 'have'} no execution ` +
      `recorded in error_taxonomy.json (trajectory_length 0: the study's 120 s cap on a whole pipeline struck). The study left ` +
      `${one ? 'it' : 'them'} out of its fix rates, and so does this table; ${one ? 'it counts' : 'they count'} as failed in the arm's passes.`
    );
  });
}

export function table4View(arms: readonly IterationArmTables[]): Table {
  const k = Math.max(1, ...arms.map((a) => a.table.iterations)) - 1;
  const ks = Array.from({ length: k }, (_, i) => i + 1);
  return {
    id: 'paper-table-4',
    caption: 'Table 4: net per forced iteration (new fixes − regressions) beside the symmetric raw Δ, from iteration_analysis.json',
    columns: [
      { label: 'Arm' },
      ...ks.map((i) => ({ label: `Net iter ${i}`, numeric: true })),
      ...ks.map((i) => ({ label: `Raw Δ iter ${i}`, numeric: true })),
    ],
    rows: arms.map((a) => [
      textCell(paperLabel(a.arm)),
      ...ks.map((i) => numberCell(a.table.net[i] ?? 0)),
      ...ks.map((i) => numberCell(a.table.rawDelta[i] ?? 0)),
    ]),
  };
}

export function table5View(arms: readonly IterationArmTables[]): Table {
  const n = Math.max(1, ...arms.map((a) => a.table.iterations));
  const ks = Array.from({ length: n }, (_, i) => i);
  return {
    id: 'paper-table-5',
    caption: 'Table 5: cumulative problems solved with early stopping after k iterations (effective), from iteration_analysis.json',
    columns: [{ label: 'Arm' }, ...ks.map((i) => ({ label: `iters=${i}`, numeric: true }))],
    rows: arms.map((a) => [textCell(paperLabel(a.arm)), ...ks.map((i) => numberCell(a.table.effective[i] ?? 0))]),
  };
}

export function table6View(arms: readonly IterationArmTables[]): Table {
  return {
    id: 'paper-table-6',
    caption: 'Table 6: initial passes broken by forced refinement, from iteration_analysis.json',
    columns: [
      { label: 'Arm' },
      { label: 'Initial passes', numeric: true },
      { label: 'Broke', numeric: true },
      { label: 'Break rate', numeric: true, unit: '%' },
      { label: 'Share of fixes at iteration 1', numeric: true, unit: '%' },
    ],
    // As printed: by break rate.
    rows: inListedOrder(arms, (a) => a.arm, PRINTED_TABLE6.map((r) => RELEASED_ARM_NAME[r.arm])).map((a) => [
      textCell(paperLabel(a.arm)),
      numberCell(a.table.initialPasses),
      numberCell(a.table.broke),
      maybeNumberCell(a.table.breakRate === null ? null : 100 * a.table.breakRate, 1, ' %'),
      maybeNumberCell(a.table.shareOfFixesAtIteration1 === null ? null : 100 * a.table.shareOfFixesAtIteration1, 0, ' %'),
    ]),
  };
}

export function table7View(main: ReleasedMainResults): Table {
  return {
    id: 'paper-table-7',
    caption: `Table 7: an earlier single run (printed; not released) against the released ${runsAdjective(main)} mean`,
    columns: [
      { label: 'Arm' },
      { label: 'Single run (printed)', numeric: true },
      { label: `${main.runs}-run mean`, numeric: true },
      { label: 'Difference', numeric: true },
      { label: 'Inflation over mean', numeric: true },
      { label: 'Drop from single', numeric: true },
    ],
    rows: PRINTED_TABLE7.map((row) => {
      const gap = singleVsMean(row.single, summarizeArm(armNamed(main, RELEASED_ARM_NAME[row.arm])).mean);
      return [
        textCell(PAPER_ARM_LABEL[row.arm]),
        numberCell(row.single),
        numberCell(gap.mean, 1),
        numberCell(gap.difference, 1),
        numberCell(gap.inflationPercent, 1, ' %'),
        numberCell(gap.dropPercent, 1, ' %'),
      ];
    }),
  };
}

export function table8View(champions: readonly ReleasedChampion[]): Table {
  return {
    id: 'paper-table-8',
    caption: 'Table 8: the NEAT-inspired search champions, from neat_runs/*_champion.json',
    columns: [
      { label: 'Run' },
      { label: 'Topology' },
      { label: 'Fitness', numeric: true },
      { label: 'Nodes', numeric: true },
      { label: 'Iterations', numeric: true },
      { label: 'Search passes (of 25)', numeric: true },
    ],
    rows: inListedOrder(champions, (c) => c.run, PRINTED_TABLE8.map((r) => r.run)).map((c) => [
      textCell(c.run),
      textCell(c.topology),
      numberCell(c.fitness, 2),
      numberCell(championNodeCount(c)),
      numberCell(championIterations(c)),
      numberCell(impliedSearchPasses(c)),
    ]),
  };
}

/**
 * `iterations`, when loaded, holds the forced-iteration runs of three more configurations: the
 * §4.8 count rests on the error-taxonomy run alone, and some of its unsolved problems passed there
 * (HumanEval/50 at the NEAT champion's iteration 0), so a column says where (audit R208-2).
 */
export function unfixableView(report: UnfixableReport, iterations: ReleasedIterationAnalysis | null = null): Table {
  const dropped = new Map(report.droppedByBareAssert.map((d) => [d.taskId, d.armsEndingOnBareAssert]));
  const listed = new Set(report.releasedUnfixable);
  const passedInForced = new Map<string, string[]>();
  for (const arm of iterations?.arms ?? []) {
    for (const trajectory of arm.trajectories) {
      const first = trajectory.steps.findIndex((step) => step.passed);
      if (first < 0 || !report.unsolved.includes(trajectory.taskId)) continue;
      passedInForced.set(trajectory.taskId, [...(passedInForced.get(trajectory.taskId) ?? []), `${paperLabel(arm.name)} (iteration ${first})`]);
    }
  }
  const neverSolved = report.unsolved.filter((id) => !passedInForced.has(id));
  const solved = report.unsolved.filter((id) => passedInForced.has(id));
  const solvedListed = solved.filter((id) => listed.has(id));
  const onList =
    solvedListed.length === 0
      ? ''
      : solvedListed.length === solved.length
        ? solved.length === 1
          ? ", which is on the study's unfixable list"
          : `, ${solved.length === 2 ? 'both' : 'all'} on the study's unfixable list`
        : `, ${solvedListed.length} of them on the study's unfixable list (${solvedListed.join(', ')})`;
  return {
    id: 'paper-unfixable',
    caption: `§4.8: the ${report.unsolved.length} HumanEval problems no arm solved in the released run, against the study's list of ${report.releasedUnfixable.length}`,
    columns: [
      { label: 'Problem' },
      { label: "In the study's unfixable list" },
      { label: 'Arms ending on None (mostly a bare assert)' },
      ...(iterations ? [{ label: 'Passed in the forced-iteration runs' }] : []),
    ],
    rows: report.unsolved.map((id) => [
      textCell(id),
      textCell(listed.has(id) ? 'yes' : 'no', listed.has(id) ? 'match' : 'mismatch'),
      textCell((dropped.get(id) ?? []).map(paperLabel).join(', ')),
      ...(iterations ? [textCell((passedInForced.get(id) ?? []).join(', '))] : []),
    ]),
    notes: [
      report.explanation,
      NONE_LABEL_NOTE,
      ...(iterations && passedInForced.size > 0
        ? [
            `The forced-iteration runs (iteration_analysis.json) solved ${solved.length} of these (${solved.join(', ')})${onList}` +
              `: across both files ${neverSolved.length} of ${report.totalProblems} were never solved. Iteration 0 is the generator's own code, which an early-stopping pipeline would have returned.`,
          ]
        : []),
    ],
  };
}

/**
 * A released file's own summaries against ours from its raw data, one row per quantity; `notes`:
 * what else a reader of these counts should know (problems both sides leave out).
 */
export function selfCheckView(id: string, file: string, checks: readonly SelfCheck[], notes: readonly string[] = []): Table {
  const differing = checks.filter((c) => !c.agrees).length;
  return {
    id,
    caption: `${file}: the study's own summaries against ours, recomputed from the file's raw data`,
    columns: [{ label: 'Arm' }, { label: 'Quantity' }, { label: 'In the file' }, { label: 'Recomputed' }, { label: 'Verdict' }],
    rows: checks.map((c) => [
      textCell(paperLabel(c.arm)),
      textCell(c.quantity),
      textCell(c.released),
      textCell(c.recomputed),
      c.agrees ? textCell('agrees', 'match') : textCell('differs', 'mismatch'),
    ]),
    notes: [
      differing === 0
        ? `All ${checks.length} agree: the tables above were computed from the same data the study summarised.`
        : `${differing} of ${checks.length} differ: the file's summaries do not follow from its own raw data (edited, or from another version of the study's scripts). The tables above are computed from the raw data.`,
      ...notes,
    ],
  };
}
