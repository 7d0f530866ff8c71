/**
 * Each chart's plotted values as a table, shown under the chart in a "values" disclosure. A chart
 * is one image to a screen reader, and its numbers live in the drawing (bar labels, tooltips):
 * the table is where someone who cannot see them reads them, and its CSV is the data behind the
 * picture. Built from the same data the chart draws, so the two cannot disagree.
 */
import type { BarChartData, LineChartData, MatrixChartData, StackedAreaChartData } from '../../core/analysis/chart-data.ts';
import { formatNumber, maybeNumberCell, numberCell, tableId, textCell, type Cell, type Column, type Table } from '../../core/analysis/table.ts';

function valuesId(title: string): string {
  return `${tableId(title)}-values`;
}

/** 0 decimals when every value is whole (counts), else 1: stacked layers carry no `decimals`. */
function decimalsOf(values: readonly number[]): number {
  return values.every(Number.isInteger) ? 0 : 1;
}

/** One row per category, one column per series; a series with whiskers gets a column for their range. */
export function barChartTable(data: BarChartData): Table {
  // A chart without a legend has one series whose bars the categories name: its column is the y axis.
  const named = (label: string) => (data.hideLegend && data.series.length === 1 ? data.yLabel : label);
  const columns: Column[] = [{ label: data.xLabel }];
  for (const series of data.series) {
    const label = named(series.label);
    columns.push({ label, numeric: true });
    if (series.low && series.high) columns.push({ label: `${label}: CI`, numeric: true, csvLabels: [`${label}: CI low`, `${label}: CI high`] });
  }
  const rows = data.categories.map((category, c) => {
    const row: Cell[] = [textCell(category)];
    for (const series of data.series) {
      row.push(maybeNumberCell(series.values[c] ?? null, data.decimals, data.unit));
      if (series.low && series.high) row.push(rangeCell(series.low[c] ?? null, series.high[c] ?? null, data.decimals, data.unit));
    }
    return row;
  });
  return { id: valuesId(data.title), caption: `${data.title}: ${data.yLabel}`, columns, rows };
}

function rangeCell(low: number | null, high: number | null, decimals: number, unit: string): Cell {
  if (low === null || high === null) return { text: '–', values: [low, high] };
  return { text: `${formatNumber(low, decimals)}–${formatNumber(high, decimals)}${unit}`, values: [low, high] };
}

/** One row per x position, one column per line. */
export function lineChartTable(data: LineChartData): Table {
  return {
    id: valuesId(data.title),
    caption: `${data.title}: ${data.yLabel}`,
    columns: [{ label: data.xLabel }, ...data.series.map((s) => ({ label: s.label, numeric: true }))],
    rows: data.xTicks.map((tick, i) => [textCell(tick), ...data.series.map((s) => pointCell(s.values[i], data.decimals))]),
  };
}

function pointCell(value: number | undefined, decimals: number): Cell {
  return value === undefined || !Number.isFinite(value) ? { text: '–' } : numberCell(value, decimals);
}

/** One row per x position, one column per layer, bottom layer first, and the stack's height. */
export function stackedAreaChartTable(data: StackedAreaChartData): Table {
  const decimals = decimalsOf(data.series.flatMap((s) => s.values.filter(Number.isFinite)));
  // The stack's top, as the chart draws it: a missing or non-finite layer adds nothing.
  const total = (i: number) => data.series.reduce((sum, s) => sum + (Number.isFinite(s.values[i]) ? (s.values[i] ?? 0) : 0), 0);
  return {
    id: valuesId(data.title),
    caption: `${data.title}: ${data.yLabel}`,
    columns: [{ label: data.xLabel }, ...data.series.map((s) => ({ label: s.label, numeric: true })), { label: 'Total', numeric: true }],
    rows: data.xTicks.map((tick, i) => [
      textCell(tick),
      ...data.series.map((s) => pointCell(s.values[i], decimals)),
      numberCell(total(i), decimals),
    ]),
  };
}

/** The matrix as it is drawn: a row per row label, a column per column label, the counts in the cells. */
export function matrixChartTable(data: MatrixChartData): Table {
  return {
    id: valuesId(data.title),
    caption: `${data.title}: rows ${data.rowTitle}, columns ${data.columnTitle}`,
    columns: [{ label: `${data.rowTitle} → ${data.columnTitle}` }, ...data.columnLabels.map((label) => ({ label, numeric: true }))],
    rows: data.rowLabels.map((label, i) => [textCell(label), ...data.columnLabels.map((_, j) => numberCell(data.counts[i]?.[j] ?? 0))]),
  };
}
