/**
 * The Results page's report as data: its sections in order, each with the tables and figures the
 * page shows and the sentence it says when a section has nothing to show. The command line
 * (`feedback-lab report`) prints it and the page draws it (computed in its worker), so the two
 * never compose the report apart. The bootstrap's seed and resample count are the page's, so a
 * printed CI equals the one on screen.
 *
 * Figures whose numbers no table holds (the transition matrices, Fig. 3's two panels) are also
 * given as tables (`figureTables`), so a text report loses none of the page's numbers.
 */
import { armConsistency, armPassRates, armSummaryTable, consistencyTable, passRateTable, singleVsMeanTable } from './arm-tables.ts';
import { colorByArm, consistencyChart, cumulativeChart, fixRateChart, netChart, passRateChart, transitionChart, type BarChartData, type LineChartData } from './chart-data.ts';
import { armCutReplies, cutReplyNotes } from './cut-replies.ts';
import { armErrors, firstErrorTableView, transitionTableView } from './error-report.ts';
import { breakTableView, cumulativeSolvedSeries, forcedIterationTables, iterationTableView, netSeries, scaledRunNotes } from './iteration-report.ts';
import { armsWithoutVerdicts, comparePairs, defaultPairs, pairTable, type ArmPair } from './pair-tables.ts';
import { paperComparison } from './paper-comparison.ts';
import type { Figure } from './reproduce-report.ts';
import type { LoadedStudies } from './result-file-study.ts';
import type { AnalysisStudy, ErrorLabelling } from './study-runs.ts';
import { numberCell, tableId, textCell, type Table } from './table.ts';
import { armTimeCapped, timeCapNotes } from './time-capped.ts';
import { listText } from '../count-text.ts';

/** The Results page's bootstrap: a fixed seed and 10 000 resamples, so a report reads the same every time. */
export const RESULTS_SEED = 20_260_421;
export const RESULTS_REPLICATES = 10_000;

export interface ResultsReportOptions {
  /** Error types as Python named them, or folded as the study did. Default `exception`, as the page. */
  labelling?: ErrorLabelling;
  /** Arm pairs to compare; null or absent: every arm against the first that shares problems with it (the page's default). */
  pairs?: readonly ArmPair[] | null;
  seed?: number;
  replicates?: number;
}

export type ResultsSectionId = 'summary' | 'paper' | 'pairs' | 'consistency' | 'errors' | 'iterations' | 'single-vs-mean';

export interface ResultsSection {
  id: ResultsSectionId;
  title: string;
  /** Sentences said in place of tables that cannot be computed (one arm, no refinement, no forced iterations…). */
  messages: string[];
  tables: Table[];
  figures: Figure[];
  /** The numbers of figures that no table above holds, as tables (for text, CSV and JSON output). */
  figureTables: Table[];
}

export interface ResultsReport {
  /** The study's name, or the names of the studies side by side joined with " + ". */
  name: string;
  /** Said above the sections: how shards were merged, which arms have no verdict yet, which replies hit their token cap, which problem-runs the time cap ended. */
  notes: string[];
  /** False when no unit of any arm has a verdict: the page shows only a notice then. */
  hasVerdicts: boolean;
  /** The pairs compared, by arm id (the default ones unless chosen). */
  pairs: ArmPair[];
  sections: ResultsSection[];
}

export function resultsReport(loaded: LoadedStudies, options: ResultsReportOptions = {}): ResultsReport {
  return resultsReporter(loaded, options)(options);
}

/**
 * The report of these studies for any labelling and pairs, each section computed once: the page
 * asks again whenever its choices change, and a new labelling or pair must not redo the pass-rate
 * bootstrap (10,000 resamples per arm) that it does not touch. `seed` and `replicates` are fixed
 * here; later options give only `labelling` and `pairs`.
 */
export function resultsReporter(loaded: LoadedStudies, base: Pick<ResultsReportOptions, 'seed' | 'replicates'> = {}): (options?: ResultsReportOptions) => ResultsReport {
  const { study } = loaded;
  const stats = { seed: base.seed ?? RESULTS_SEED, replicates: base.replicates ?? RESULTS_REPLICATES };
  const hasVerdicts = study.arms.some((a) => a.runs.length > 0);
  const waiting = study.arms.filter((a) => a.runs.length === 0).map((a) => a.label);
  const notes = [
    ...loaded.notes,
    ...(waiting.length > 0 ? [`No verdict yet for ${waiting.join('; ')}: ${waiting.length === 1 ? 'it is' : 'they are'} left out below.`] : []),
    // Replies that hit their token cap (a reasoning model that thought through all 512): a pass
    // count of 0 says nothing of why.
    ...cutReplyNotes(armCutReplies(study)),
    // Problem-runs the time cap per problem ended: counted as failed, as the study did, they read
    // as the model's failures (listed under their last error type) unless said.
    ...timeCapNotes(armTimeCapped(loaded)),
  ];
  const memo = new Map<string, ResultsSection[]>();
  const once = (key: string, make: () => ResultsSection[]): ResultsSection[] => {
    let sections = memo.get(key);
    if (!sections) memo.set(key, (sections = make()));
    return sections;
  };
  return (options = {}) => {
    const labelling = options.labelling ?? 'exception';
    const chosen = options.pairs != null;
    const pairs = options.pairs ? [...options.pairs] : defaultPairs(study);
    if (!hasVerdicts) return { name: study.name, notes, hasVerdicts, pairs, sections: [] };
    const pairsKey = `pairs:${chosen}:${pairs.map((p) => `${p.baselineId}\u0000${p.treatmentId}`).join('\u0001')}`;
    return {
      name: study.name,
      notes,
      hasVerdicts,
      pairs,
      sections: [
        ...once('summary', () => [summarySection(study, stats), ...paperSection(loaded)]),
        ...once(pairsKey, () => [pairsSection(study, pairs, chosen, stats)]),
        ...once('consistency', () => [consistencySection(study)]),
        ...once(`errors:${labelling}`, () => [errorsSection(study, labelling)]),
        ...once('rest', () => [
          iterationsSection(study),
          { ...emptySection('single-vs-mean', 'Single run vs mean'), tables: [singleVsMeanTable(study)] },
        ]),
      ],
    };
  };
}

/** The study's arms in its order: each keeps its colour from figure to figure (colorByArm). */
function armLabels(study: AnalysisStudy): string[] {
  return study.arms.map((a) => a.label);
}

function emptySection(id: ResultsSectionId, title: string): ResultsSection {
  return { id, title, messages: [], tables: [], figures: [], figureTables: [] };
}

function summarySection(study: AnalysisStudy, stats: { seed: number; replicates: number }): ResultsSection {
  const section = emptySection('summary', 'Problems solved per arm');
  const rates = armPassRates(study, stats.seed, stats.replicates);
  section.tables.push(armSummaryTable(study));
  if (rates.length > 0) {
    section.tables.push(passRateTable(rates));
    section.figures.push({ kind: 'bar', data: passRateChart(rates) });
  }
  return section;
}

/** Shown only when some arm is one of the paper's Table 1 arms (compared, or said why not). */
function paperSection(loaded: LoadedStudies): ResultsSection[] {
  const paper = paperComparison(loaded);
  if (!paper.table && paper.notes.length === 0) return [];
  return [{ ...emptySection('paper', 'Beside the paper'), tables: paper.table ? [paper.table] : [], messages: paper.notes }];
}

function pairsSection(study: AnalysisStudy, pairs: readonly ArmPair[], chosen: boolean, stats: { seed: number; replicates: number }): ResultsSection {
  const section = emptySection('pairs', 'Comparing arms');
  // An arm with no verdict cannot be in the table: say so, or a chosen pair reads "No rows."
  const silent = chosen ? armsWithoutVerdicts(study, pairs) : study.arms.filter((arm) => arm.runs.length === 0).map((arm) => arm.label);
  if (silent.length > 0) section.messages.push(`${listText(silent)} ${silent.length === 1 ? 'has' : 'have'} no verdict yet, so ${silent.length === 1 ? 'it is' : 'they are'} compared with nothing.`);
  if (pairs.length > 0) section.tables.push(pairTable(comparePairs(study, pairs, stats), stats));
  else if (study.arms.length < 2) section.messages.push('A study with one arm has nothing to compare.');
  else if (!chosen) {
    if (silent.length > 0) return section;
    section.messages.push(
      'The open studies share no problems (another benchmark or subset) and each has one arm, so nothing is compared by default: choose a baseline and a treatment.',
    );
  } else section.messages.push('No pair is chosen: choose a baseline and a treatment.');
  return section;
}

function consistencySection(study: AnalysisStudy): ResultsSection {
  const section = emptySection('consistency', 'Consistency over repeats');
  const consistency = armConsistency(study);
  if (consistency.length > 0) {
    section.tables.push(consistencyTable(consistency));
    section.figures.push({ kind: 'bar', data: colorByArm(consistencyChart(consistency), armLabels(study)) });
  } else section.messages.push('No arm has a verdict for every problem in every run yet.');
  return section;
}

function errorsSection(study: AnalysisStudy, labelling: ErrorLabelling): ResultsSection {
  const section = emptySection('errors', 'Error taxonomy');
  const errors = armErrors(study, labelling);
  if (errors.length === 0) {
    section.messages.push('No arm refines (every trajectory judged one version of the code), so there is nothing to fix.');
    return section;
  }
  section.tables.push(firstErrorTableView(errors));
  section.figures.push({ kind: 'bar', data: colorByArm(fixRateChart(errors.map((e) => ({ label: e.label, rows: e.firstErrors }))), armLabels(study)) });
  for (const arm of errors) {
    const matrices = arm.transitions.counts.map((counts, i) => transitionChart(arm.label, arm.transitions.labels, counts, i + 1, arm.stopsAtPass));
    section.figures.push({ kind: 'matrices', label: arm.label, matrices });
    arm.transitions.counts.forEach((_, i) => section.figureTables.push(transitionTableView(arm, i + 1)));
  }
  return section;
}

function iterationsSection(study: AnalysisStudy): ResultsSection {
  const section = emptySection('iterations', 'What each iteration does');
  const forced = forcedIterationTables(study);
  const cumulative = cumulativeSolvedSeries(study);
  if (forced.length > 0) {
    section.tables.push(...forced.map(iterationTableView), breakTableView(forced));
  } else if (study.arms.some((a) => a.forcedIterations && a.runs.length === 0)) {
    section.messages.push('The forced-iteration arms have no verdict yet, so regressions and break rates cannot be measured.');
  } else {
    section.messages.push('No arm ran with forced iterations, so regressions and break rates cannot be measured (early stopping hides them).');
  }
  section.messages.push(...scaledRunNotes(study, new Set([...cumulative.map((c) => c.label), ...forced.map((f) => f.label)])));
  if (cumulative.length > 0) {
    const chart = colorByArm(cumulativeChart(cumulative, 'mean per run'), armLabels(study));
    section.figures.push({ kind: 'line', data: chart });
    section.figureTables.push(lineChartTable(chart));
  }
  if (forced.length > 0) {
    const chart = colorByArm(netChart(netSeries(forced), 'mean per run'), armLabels(study));
    section.figures.push({ kind: 'bar', data: chart });
    section.figureTables.push(barChartTable(chart));
  }
  return section;
}

/** A line chart's numbers: one row per series, one column per x position. */
export function lineChartTable(chart: LineChartData): Table {
  return {
    id: tableId('figure', chart.title),
    caption: `${chart.title} (figure data): ${chart.description}`,
    columns: [{ label: 'Arm' }, ...chart.xTicks.map((tick) => ({ label: `≤ ${tick} ${chart.xLabel.toLowerCase()}`, numeric: true }))],
    rows: chart.series.map((s) => [textCell(s.label), ...chart.xTicks.map((_, i) => cellOf(s.values[i] ?? null, chart.decimals))]),
  };
}

/** A bar chart's numbers: one row per series, one column per category. */
export function barChartTable(chart: BarChartData): Table {
  return {
    id: tableId('figure', chart.title),
    caption: `${chart.title} (figure data): ${chart.description}`,
    columns: [{ label: 'Arm' }, ...chart.categories.map((c) => ({ label: c, numeric: true }))],
    rows: chart.series.map((s) => [textCell(s.label), ...chart.categories.map((_, i) => cellOf(s.values[i] ?? null, chart.decimals, chart.unit))]),
  };
}

function cellOf(value: number | null, decimals: number, unit = '') {
  return value === null ? textCell('–') : numberCell(value, decimals, unit);
}

/** Every table of the report in order, the figures' own after each section's: what a text report prints. */
export function reportTables(report: ResultsReport): Table[] {
  return report.sections.flatMap((s) => [...s.tables, ...s.figureTables]);
}
