/**
 * The Reproduce page as data: one section per paper table or figure, each built only from the
 * released files it needs, with the computed table, the printed-vs-computed ledger and the
 * figures the data allows. A section whose files are missing says which; one whose files
 * disagree with each other says how, and the other sections still render.
 */
import { bootstrapPassRate } from '../stats/bootstrap.ts';
import { compareIterationTables, compareTable3, compareUnfixable } from '../reproduce/compare-mechanism.ts';
import { compareTable1, compareTable2, compareTable7, compareTable8 } from '../reproduce/compare-results.ts';
import type { Comparison } from '../reproduce/comparison.ts';
import { runsAdjective, runsWord } from '../reproduce/main-results.ts';
import { PAPER_ARM_LABEL } from '../reproduce/paper-printed.ts';
import { iterationArmTables, taxonomyFixRates, taxonomyUncounted } from '../reproduce/paper-tables.ts';
import { iterationSelfChecks, mainResultsSelfChecks, taxonomySelfChecks } from '../reproduce/released-self-check.ts';
import { unfixableReport } from '../reproduce/unfixable.ts';
import { iterationTableView } from './iteration-report.ts';
import { passRateTable, type ArmConsistency, type ArmPassRate } from './arm-tables.ts';
import {
  colorByArm,
  consistencyChart,
  cumulativeChart,
  fixRateChart,
  netChart,
  passRateChart,
  percentInterval,
  transitionChart,
  type BarChartData,
  type LineChartData,
  type MatrixChartData,
} from './chart-data.ts';
import type { LoadedReleasedFiles, ReleasedKind } from './released-files.ts';
import {
  fixRatesView,
  inFirstErrorOrder,
  inTable1Order,
  ledgerTable,
  pairedTestsView,
  paperLabel,
  selfCheckView,
  table1View,
  table2View,
  table4View,
  table5View,
  table6View,
  table7View,
  table8View,
  unfixableView,
  uncountedSelfCheckNote,
} from './reproduce-tables.ts';
import { tableId, type Table } from './table.ts';

export type Figure =
  | { kind: 'bar'; data: BarChartData }
  | { kind: 'line'; data: LineChartData }
  | { kind: 'matrices'; label: string; matrices: MatrixChartData[] };

export interface ReportSection {
  id: string;
  title: string;
  /** Files this section is built from. */
  needs: ReleasedKind[];
  /** Needed files not loaded: the section shows only this. */
  missing: ReleasedKind[];
  /** The files disagree or a computation failed: the message, and nothing else. */
  error: string | null;
  tables: Table[];
  ledger: Table | null;
  /** Mismatches in the ledger, for the section's heading. */
  mismatches: number;
  figures: Figure[];
}

export interface ReproduceOptions {
  seed: number;
  replicates: number;
}

interface Built {
  tables?: Table[];
  comparisons?: Comparison[];
  figures?: Figure[];
}

function section(
  id: string,
  title: string,
  needs: ReleasedKind[],
  files: LoadedReleasedFiles,
  build: () => Built,
): ReportSection {
  const missing = needs.filter((k) => files.missing.includes(k));
  const base = { id, title, needs, missing, error: null, tables: [], ledger: null, mismatches: 0, figures: [] };
  if (missing.length > 0) return base;
  try {
    const built = build();
    const comparisons = built.comparisons ?? [];
    return {
      ...base,
      tables: built.tables ?? [],
      ledger: comparisons.length > 0 ? ledgerTable(`${id}-ledger`, `${title}: printed in the paper vs computed from the released files`, comparisons) : null,
      mismatches: comparisons.filter((c) => c.status === 'mismatch').length,
      figures: built.figures ?? [],
    };
  } catch (error) {
    return { ...base, error: (error as Error).message };
  }
}

/** The paper's arms in one order for every figure, so each keeps its colour from one to the next. */
const PAPER_ARM_LABELS = Object.values(PAPER_ARM_LABEL);

const inTable = (name: string) => (c: Comparison) => c.table === name;

/** Every section of the Reproduce page, in the paper's order. */
export function reproduceReport(files: LoadedReleasedFiles, options: ReproduceOptions): ReportSection[] {
  const { main, iterations, taxonomy, champions } = files;
  const iterationTables = () => iterationArmTables(iterations!);
  return [
    section('table-1', `Table 1 — HumanEval, ${runsWord(main)} runs per arm`, ['main-results'], files, () => {
      // In the paper's row order, as Table 1 above the figures.
      const consistency: ArmConsistency[] = inTable1Order(main!.arms, (a) => a.name).map((a) => ({
        label: paperLabel(a.name),
        histogram: a.consistency,
        problems: main!.totalProblems,
      }));
      // Each problem scored by the share of the runs that solved it, which the histogram gives.
      const rates: ArmPassRate[] = consistency.map((c) => {
        const n = c.histogram.length - 1;
        const scores = c.histogram.flatMap((count, k) => new Array<number>(count).fill(k / n));
        return { label: c.label, problems: scores.length, interval: percentInterval(bootstrapPassRate(scores, options)) };
      });
      return {
        tables: [
          table1View(main!),
          selfCheckView('table-1-self-check', 'main_results.json', mainResultsSelfChecks(main!)),
          // The figure's numbers with how they were found (what is resampled, how often, the seed), as on the Results page.
          { ...passRateTable(rates), id: 'paper-pass-rate-ci' },
        ],
        comparisons: compareTable1(main!),
        figures: [
          { kind: 'bar', data: passRateChart(rates) },
          { kind: 'bar', data: colorByArm(consistencyChart(consistency), PAPER_ARM_LABELS) },
        ],
      };
    }),
    section('table-2', 'Table 2 — separation of arms (Δ and σ)', ['main-results'], files, () => ({
      tables: [table2View(main!)],
      comparisons: compareTable2(main!),
    })),
    section('paired', 'Paired per-problem tests (McNemar, bootstrap CIs)', ['error-taxonomy'], files, () => ({
      tables: [pairedTestsView(taxonomy!, options)],
    })),
    section('table-3', 'Table 3 — fix rate by error type', ['error-taxonomy', 'iteration-analysis'], files, () => {
      const rates = taxonomyFixRates(taxonomy!);
      const uncounted = taxonomyUncounted(taxonomy!);
      return {
        tables: [
          fixRatesView(rates, uncounted),
          selfCheckView('table-3-self-check', 'error_taxonomy.json', taxonomySelfChecks(taxonomy!), uncountedSelfCheckNote(uncounted)),
        ],
        comparisons: compareTable3(taxonomy!, iterations!),
        figures: [{ kind: 'bar', data: colorByArm(fixRateChart(rates.map((r) => ({ label: paperLabel(r.arm), rows: inFirstErrorOrder(r.rows) }))), PAPER_ARM_LABELS) }],
      };
    }),
    section('table-4', 'Table 4 — net per forced iteration', ['iteration-analysis'], files, () => ({
      tables: [
        table4View(iterationTables()),
        // Each arm's whole table (raw, new fixes, regressions, …), as the Results page shows one of your own.
        ...iterationTables().map((a) => ({
          ...iterationTableView({ label: paperLabel(a.arm), runs: 1, table: a.table, padded: 0, brokeByCap: 0 }),
          id: tableId('paper-iterations', a.arm),
        })),
        selfCheckView('table-4-self-check', 'iteration_analysis.json', iterationSelfChecks(iterations!)),
      ],
      comparisons: compareIterationTables(iterations!).filter(inTable('Table 4')),
    })),
    section('table-5', 'Table 5 — cumulative solved with early stopping', ['iteration-analysis'], files, () => ({
      tables: [table5View(iterationTables())],
      comparisons: compareIterationTables(iterations!).filter(inTable('Table 5')),
    })),
    section('table-6', 'Table 6 — initial passes broken by refinement', ['iteration-analysis'], files, () => ({
      tables: [table6View(iterationTables())],
      comparisons: compareIterationTables(iterations!).filter(inTable('Table 6')),
    })),
    section('figure-3', 'Figure 3 — what each iteration adds', ['iteration-analysis'], files, () => {
      const arms = iterationTables();
      return {
        figures: [
          { kind: 'line', data: colorByArm(cumulativeChart(arms.map((a) => ({ label: paperLabel(a.arm), values: a.table.effective })), 'counts'), PAPER_ARM_LABELS) },
          { kind: 'bar', data: colorByArm(netChart(arms.map((a) => ({ label: paperLabel(a.arm), values: a.table.net.slice(1) })), 'counts'), PAPER_ARM_LABELS) },
          ...arms.map((a): Figure => ({
            kind: 'matrices',
            label: paperLabel(a.arm),
            // The released trajectories ran every iteration (forced), so code that passed goes on.
            matrices: a.transitions.counts.map((_, i) =>
              transitionChart(paperLabel(a.arm), a.transitions.labels, a.transitions.counts[i] ?? [], i + 1, false),
            ),
          })),
        ],
      };
    }),
    section('table-7', `Table 7 — single run vs ${runsAdjective(main)} mean`, ['main-results'], files, () => ({
      tables: [table7View(main!)],
      comparisons: compareTable7(main!),
    })),
    section('table-8', 'Table 8 — the search champions', ['main-results', 'champion'], files, () => ({
      tables: [table8View(champions)],
      comparisons: compareTable8(main!, champions),
    })),
    section('unfixable', '§4.8 — problems no configuration solved', ['error-taxonomy'], files, () => ({
      tables: [unfixableView(unfixableReport(taxonomy!), iterations ?? null)],
      comparisons: compareUnfixable(taxonomy!),
    })),
  ];
}
