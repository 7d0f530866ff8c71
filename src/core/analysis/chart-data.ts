/**
 * What each figure plots, as plain data built from the analysis tables, so both analysis
 * pages draw the same figures from our own runs and from the study's released files.
 */
import type { ConfidenceInterval } from '../stats/bootstrap.ts';
import { PASSED_LABEL, type FirstErrorRow } from '../stats/error-tables.ts';
import type { ArmConsistency, ArmPassRate } from './arm-tables.ts';
import type { IterationSeries } from './iteration-report.ts';
import { formatNumber } from './table.ts';
import { countText } from '../count-text.ts';

export interface BarSeries {
  label: string;
  /** One value per category; null draws no bar. */
  values: (number | null)[];
  /** Whisker ends per category (a confidence interval), when the chart has them. */
  low?: (number | null)[];
  high?: (number | null)[];
  /** Palette slot (colorByArm); the series' own place in the chart when absent. */
  color?: number;
}

export interface BarChartData {
  title: string;
  /** Says in words what the chart shows, for screen readers and the SVG's <desc>. */
  description: string;
  categories: string[];
  series: BarSeries[];
  xLabel: string;
  yLabel: string;
  /** Appended to values in labels and tooltips (`' %'`). */
  unit: string;
  decimals: number;
  /** Fixed y range, e.g. [0, 100] for percentages; otherwise from the data (and always including 0). */
  yDomain?: [number, number];
  /** No legend: the categories already name what each bar is. */
  hideLegend?: boolean;
}

export interface LineChartData {
  title: string;
  description: string;
  /** x positions are the indices 0…n−1, labelled with these. */
  xTicks: string[];
  series: { label: string; values: number[]; color?: number }[];
  xLabel: string;
  yLabel: string;
  decimals: number;
}

/** Layers stacked bottom-up over x positions 0…n−1 (e.g. species sizes per generation). */
export interface StackedAreaChartData {
  title: string;
  description: string;
  xTicks: string[];
  /** One series per layer, bottom first. */
  series: { label: string; values: number[] }[];
  xLabel: string;
  yLabel: string;
}

export interface MatrixChartData {
  title: string;
  /** A second title line (the arm), so long labels need not squeeze into one line. */
  subtitle: string;
  description: string;
  rowLabels: string[];
  columnLabels: string[];
  counts: number[][];
  rowTitle: string;
  columnTitle: string;
}

/**
 * Gives every series named after an arm that arm's palette slot, its place in `arms`, so one arm
 * has one colour in every figure of a report: by its place in each chart, the cross-model arm was
 * orange in one figure and blue in the next, and a reader matching figures paired the wrong arms.
 * A consistency chart's " (n = k)" after the name is allowed; a series named after no arm takes
 * the next slot after the arms'.
 */
export function colorByArm<T extends { series: readonly { label: string; color?: number }[] }>(data: T, arms: readonly string[]): T {
  let next = arms.length;
  const series = data.series.map((s) => {
    const slot = arms.indexOf(s.label.replace(/ \(n = \d+\)$/, ''));
    return { ...s, color: slot >= 0 ? slot : next++ };
  });
  return { ...data, series };
}

export function consistencyChart(rows: readonly ArmConsistency[]): BarChartData {
  const runsOf = (r: ArmConsistency): number => r.histogram.length - 1;
  const n = Math.max(0, ...rows.map(runsOf));
  const categories = Array.from({ length: n + 1 }, (_, k) => k);
  const values = (r: ArmConsistency) => categories.map((k) => r.histogram[k] ?? null);
  if (rows.every((r) => runsOf(r) === n)) {
    return {
      title: 'Consistency: problems solved in k of n runs',
      description: `For each arm, how many problems were solved in exactly k of its ${n} runs, k = 0…${n}.`,
      categories: categories.map((k) => `${k} of ${n}`),
      series: rows.map((r) => ({ label: r.label, values: values(r) })),
      xLabel: 'Runs that solved the problem',
      yLabel: 'Problems',
      unit: '',
      decimals: 0,
    };
  }
  // Arms with different numbers of runs (studies side by side, a run left out where verdicts are
  // missing): "k of 5" would call an arm's every-run bar at k = 3 of 3 a "3 of 5". Each arm's own n
  // goes in its legend entry instead.
  return {
    title: 'Consistency: problems solved in k of n runs',
    description:
      'For each arm, how many problems were solved in exactly k of its runs: ' +
      `${rows.map((r) => `${r.label}, k = 0…${runsOf(r)} of ${runsOf(r)}`).join('; ')}.`,
    categories: categories.map(String),
    series: rows.map((r) => ({ label: `${r.label} (n = ${runsOf(r)})`, values: values(r) })),
    xLabel: "Runs that solved the problem, of each arm's n",
    yLabel: 'Problems',
    unit: '',
    decimals: 0,
  };
}

/** How a pass-rate CI was found, in the words under its table and in its figure's description. */
export function passRateMethod(ci: Pick<ConfidenceInterval, 'replicates' | 'seed'>): string {
  return `The CI resamples problems, each scored by the share of its runs that solved it: ${countText(ci.replicates)} resamples, seed ${ci.seed}.`;
}

export function passRateChart(rates: readonly ArmPassRate[]): BarChartData {
  // Rounded as the table and the bar labels round (formatNumber, half away from zero): toFixed
  // rounds the binary value, so 41 of 80 (51.24999… %) read 51.2 % here beside the table's 51.3 %.
  const percent = (value: number) => formatNumber(value, 1);
  const values = rates.map((r) =>
    r.interval.method === 'none'
      ? `${r.label}: ${percent(r.interval.estimate)} % (no CI: every problem scored the same)`
      : `${r.label}: ${percent(r.interval.estimate)} % (95 % ${r.interval.method === 'exact-binomial' ? 'exact binomial ' : ''}CI ` +
        `${percent(r.interval.lower)}–${percent(r.interval.upper)} %)`,
  );
  // Said only where some interval was resampled (an exact binomial bound is not).
  const resampled = rates.find((r) => r.interval.method === 'percentile-bootstrap')?.interval;
  return {
    title: 'Pass rate per arm with 95 % bootstrap CI',
    description: `${values.join('; ')}${resampled ? `. ${passRateMethod(resampled)}` : ''}`,
    categories: rates.map((r) => r.label),
    series: [
      {
        label: 'Pass rate',
        values: rates.map((r) => r.interval.estimate),
        // No whisker where there is no interval (NaN bounds).
        low: rates.map((r) => (Number.isFinite(r.interval.lower) ? r.interval.lower : null)),
        high: rates.map((r) => (Number.isFinite(r.interval.upper) ? r.interval.upper : null)),
      },
    ],
    xLabel: 'Arm',
    yLabel: 'Pass rate (%)',
    unit: ' %',
    decimals: 1,
    yDomain: [0, 100],
    hideLegend: true,
  };
}

/** Fix rate per first error type (the study's Fig. 2), one bar per arm within each error type. */
export function fixRateChart(arms: readonly { label: string; rows: readonly FirstErrorRow[] }[]): BarChartData {
  const categories = [...new Set(arms.flatMap((a) => a.rows.map((r) => r.category)))];
  return {
    title: 'Fix rate by first error type',
    description: 'For each error type of the first version of the code, the share of those problems that a later version fixed, per arm.',
    categories,
    series: arms.map((a) => ({
      label: a.label,
      values: categories.map((c) => {
        const row = a.rows.find((r) => r.category === c);
        return row ? 100 * row.fixRate : null;
      }),
    })),
    xLabel: 'First error type',
    yLabel: 'Fixed (%)',
    unit: ' %',
    decimals: 0,
    yDomain: [0, 100],
  };
}

/**
 * What Fig. 3's values count: a released file's problems (one run), or a study's problems per
 * run, averaged over its repeats. Results sets the figures beside tables that total every
 * problem-run, so the y axis itself says when a value is a mean per run.
 */
export type IterationScale = 'counts' | 'mean per run';

/** 0 decimals when every value is a whole number (released counts), else 1 (means per run). */
function decimalsFor(series: readonly IterationSeries[]): number {
  return series.every((s) => s.values.every(Number.isInteger)) ? 0 : 1;
}

/** Fig. 3, left: cumulative problems solved with early stopping after k iterations. */
export function cumulativeChart(series: readonly IterationSeries[], scale: IterationScale): LineChartData {
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const perRun = scale === 'mean per run';
  return {
    title: 'Cumulative solved with early stopping',
    description: `Problems solved after at most k refinement iterations, per arm${perRun ? ', as a mean per run' : ''}.`,
    xTicks: Array.from({ length: n }, (_, k) => String(k)),
    series: series.map((s) => ({ label: s.label, values: s.values })),
    xLabel: 'Iterations',
    yLabel: perRun ? 'Problems solved, mean per run' : 'Problems solved',
    decimals: decimalsFor(series),
  };
}

/** Fig. 3, right: the study's net (new fixes − regressions) per forced iteration. */
export function netChart(series: readonly IterationSeries[], scale: IterationScale): BarChartData {
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const perRun = scale === 'mean per run';
  return {
    title: 'Net per iteration without early stopping',
    description: `New fixes minus regressions at each forced iteration, per arm (the study's definition${perRun ? '), as a mean per run' : ')'}.`,
    categories: Array.from({ length: n }, (_, i) => `Iteration ${i + 1}`),
    series: series.map((s) => ({ label: s.label, values: s.values })),
    xLabel: 'Iteration',
    yLabel: perRun ? 'Net problems, mean per run' : 'Net problems',
    unit: '',
    decimals: decimalsFor(series),
  };
}

/**
 * The rows of a transition matrix. When a pass ends the run (early stopping, resampling), code
 * that passed at k − 1 has no iteration k, so its row would be zeros that read as "every pass
 * was lost"; it is left out and the titles say the rows are failing code.
 */
export function transitionRows(labels: readonly string[], stopsAtPass: boolean): number[] {
  return labels.flatMap((label, i) => (stopsAtPass && label === PASSED_LABEL ? [] : [i]));
}

export function transitionChart(
  label: string,
  labels: readonly string[],
  counts: readonly (readonly number[])[],
  k: number,
  stopsAtPass: boolean,
): MatrixChartData {
  const rows = transitionRows(labels, stopsAtPass);
  return {
    title: stopsAtPass
      ? `Error-type transitions, iteration ${k - 1} → ${k} (${label}): failing code only, as a pass ends the run`
      : `Error-type transitions, iteration ${k - 1} → ${k} (${label})`,
    subtitle: label,
    description: stopsAtPass
      ? `Problems by error type at iteration ${k - 1} (rows) and by outcome at iteration ${k} (columns) for ${label}. ` +
        `A problem whose code passes stops there, so only those still failing at iteration ${k - 1} reach iteration ${k}.`
      : `Problems by outcome at iteration ${k - 1} (rows) and at iteration ${k} (columns) for ${label}.`,
    rowLabels: rows.map((i) => labels[i]!),
    columnLabels: [...labels],
    counts: rows.map((i) => [...(counts[i] ?? labels.map(() => 0))]),
    rowTitle: stopsAtPass ? `Iteration ${k - 1}, failing` : `Iteration ${k - 1}`,
    columnTitle: `Iteration ${k}`,
  };
}

/** A CI in percent from one in shares. */
export function percentInterval(ci: ConfidenceInterval): ConfidenceInterval {
  return { ...ci, estimate: 100 * ci.estimate, lower: 100 * ci.lower, upper: 100 * ci.upper };
}
