/**
 * A line chart's points name their series, x position and value in their tooltips (an SVG
 * <title>, also what a screen reader reads for the point). Svelte drops a text node that is only
 * whitespace between two expressions inside SVG: "Iteration {tick}" rendered as "Iteration2".
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import LineChart from '../../../src/ui/charts/LineChart.svelte';
import type { LineChartData } from '../../../src/core/analysis/chart-data.ts';

const data: LineChartData = {
  title: 'Cumulative solved with early stopping',
  description: 'Problems solved by each iteration.',
  xTicks: ['0', '1', '2'],
  series: [{ label: 'self-refine', values: [70.2, 74.5, 76.1] }],
  xLabel: 'Iteration',
  yLabel: 'Solved',
  decimals: 1,
};

describe('a line chart', () => {
  it('keeps the space between the x label and its tick in every point title', () => {
    const titles = [...render(LineChart, { props: { data } }).body.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => (m[1] ?? '').replace(/\s+/g, ' ').trim());
    expect(titles).toContain('self-refine · Iteration 2: 76.1');
    expect(titles).toContain('self-refine · Iteration 0: 70.2');
  });
});
