/**
 * Every chart offers its plotted values as a table under it: a chart is one image to a screen
 * reader, so the numbers must be readable somewhere else. Checked per kind of chart, and on the
 * rendered figure: named by its title alone, the values closed until asked for.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import type { BarChartData, LineChartData, MatrixChartData, StackedAreaChartData } from '../../../src/core/analysis/chart-data.ts';
import { tableToCsv } from '../../../src/core/analysis/table-csv.ts';
import type { Table } from '../../../src/core/analysis/table.ts';
import BarChart from '../../../src/ui/charts/BarChart.svelte';
import { barChartTable, lineChartTable, matrixChartTable, stackedAreaChartTable } from '../../../src/ui/charts/chart-table.ts';
import LineChart from '../../../src/ui/charts/LineChart.svelte';
import MatrixChart from '../../../src/ui/charts/MatrixChart.svelte';
import StackedAreaChart from '../../../src/ui/charts/StackedAreaChart.svelte';

const passRates: BarChartData = {
  title: 'Pass rate per arm with 95 % bootstrap CI',
  description: 'llama solo: 46.7 %; llama self-refine: 57.3 %',
  categories: ['llama solo', 'llama self-refine'],
  series: [{ label: 'Pass rate', values: [46.7, 57.32], low: [41.2, null], high: [52.1, null] }],
  xLabel: 'Arm',
  yLabel: 'Pass rate (%)',
  unit: ' %',
  decimals: 1,
  yDomain: [0, 100],
  hideLegend: true,
};

const fixRates: BarChartData = {
  title: 'Fix rate by first error type',
  description: 'Share fixed per error type, per arm.',
  categories: ['AssertionError', 'NameError'],
  series: [
    { label: 'llama self-refine', values: [40, null] },
    { label: 'qwen self-refine', values: [55, 100] },
  ],
  xLabel: 'First error type',
  yLabel: 'Fixed (%)',
  unit: ' %',
  decimals: 0,
};

const cumulative: LineChartData = {
  title: 'Cumulative solved with early stopping',
  description: 'Problems solved after at most k refinement iterations, per arm.',
  xTicks: ['0', '1', '2'],
  series: [
    { label: 'llama self-refine', values: [76.6, 88.2, 94] },
    { label: 'qwen self-refine', values: [133.6, 137, 139.6] },
  ],
  xLabel: 'Iterations',
  yLabel: 'Problems solved',
  decimals: 1,
};

const species: StackedAreaChartData = {
  title: 'Species sizes per generation',
  description: 'Members of each species per generation.',
  xTicks: ['1', '2'],
  series: [
    { label: 'species 1', values: [2, 1] },
    { label: 'species 2', values: [1, 3] },
  ],
  xLabel: 'Generation',
  yLabel: 'Genomes',
};

const labels = ['passed', 'AssertionError', 'NameError'];
const transitions: MatrixChartData = {
  title: 'Error-type transitions, iteration 0 → 1 (llama self-refine)',
  subtitle: 'llama self-refine',
  description: 'Problems by outcome at iteration 0 (rows) and at iteration 1 (columns).',
  rowLabels: labels,
  columnLabels: labels,
  counts: [
    [90, 3, 1],
    [12, 30, 2],
    [4, 0, 22],
  ],
  rowTitle: 'Iteration 0',
  columnTitle: 'Iteration 1',
};

/** The table as a reader meets it: header row, then each row's texts. */
function shown(table: Table): string[][] {
  return [table.columns.map((c) => c.label), ...table.rows.map((r) => r.map((c) => c.text))];
}

describe('the values under each kind of chart', () => {
  it('bar: a row per bar group, the interval as its own column, and no legend label where the chart has none', () => {
    expect(shown(barChartTable(passRates))).toEqual([
      ['Arm', 'Pass rate (%)', 'Pass rate (%): CI'],
      ['llama solo', '46.7 %', '41.2–52.1 %'],
      ['llama self-refine', '57.3 %', '–'],
    ]);
    // The CSV has the unrounded numbers, the interval's ends in columns of their own.
    expect(tableToCsv(barChartTable(passRates)).split('\r\n').slice(0, 3)).toEqual([
      'Arm,Pass rate (%),Pass rate (%): CI low,Pass rate (%): CI high',
      'llama solo,46.7,41.2,52.1',
      'llama self-refine,57.32,,',
    ]);
    expect(shown(barChartTable(fixRates))).toEqual([
      ['First error type', 'llama self-refine', 'qwen self-refine'],
      ['AssertionError', '40 %', '55 %'],
      ['NameError', '–', '100 %'],
    ]);
  });

  it("line: each arm's value at each iteration (the cumulative solved with early stopping)", () => {
    const table = lineChartTable(cumulative);
    expect(table.caption).toBe('Cumulative solved with early stopping: Problems solved');
    expect(shown(table)).toEqual([
      ['Iterations', 'llama self-refine', 'qwen self-refine'],
      ['0', '76.6', '133.6'],
      ['1', '88.2', '137.0'],
      ['2', '94.0', '139.6'],
    ]);
  });

  it('stacked area: each layer and the height of the stack', () => {
    expect(shown(stackedAreaChartTable(species))).toEqual([
      ['Generation', 'species 1', 'species 2', 'Total'],
      ['1', '2', '1', '3'],
      ['2', '1', '3', '4'],
    ]);
  });

  it('matrix: every count, rows and columns as drawn', () => {
    const table = matrixChartTable(transitions);
    expect(table.caption).toBe('Error-type transitions, iteration 0 → 1 (llama self-refine): rows Iteration 0, columns Iteration 1');
    expect(shown(table)).toEqual([
      ['Iteration 0 → Iteration 1', 'passed', 'AssertionError', 'NameError'],
      ['passed', '90', '3', '1'],
      ['AssertionError', '12', '30', '2'],
      ['NameError', '4', '0', '22'],
    ]);
  });

  it('gives each table an id of its own, safe in a file name', () => {
    expect(matrixChartTable(transitions).id).toBe('error-type-transitions-iteration-0-1-llama-self-refine-values');
  });
});

describe('a chart on the page', () => {
  const cases = [
    [BarChart, passRates],
    [LineChart, cumulative],
    [StackedAreaChart, species],
    [MatrixChart, transitions],
  ] as const;

  it('is named by its title only, not by its download buttons', () => {
    for (const [component, data] of cases) {
      const html = render(component as typeof BarChart, { props: { data: data as BarChartData } }).body;
      const id = /<figure class="chart[^"]*" aria-labelledby="([^"]+)"/.exec(html)?.[1];
      expect(id, data.title).toBeDefined();
      expect(new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1]).toBe(data.title);
    }
  });

  it('offers its values as a table, closed until asked for', () => {
    for (const [component, data] of cases) {
      const html = render(component as typeof BarChart, { props: { data: data as BarChartData } }).body;
      const details = /<details class="values[^"]*"[^>]*>([\s\S]*?)<\/details>/.exec(html);
      expect(details, data.title).not.toBeNull();
      expect(details![0]).not.toMatch(/<details[^>]* open/);
      expect(details![1]).toContain('<table');
    }
    const matrix = render(MatrixChart, { props: { data: transitions } }).body;
    const cells = [...matrix.slice(matrix.indexOf('<details')).matchAll(/<td[^>]*>(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(cells).toEqual(transitions.counts.flat());
  });
});
