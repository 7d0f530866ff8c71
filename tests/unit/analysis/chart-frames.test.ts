/**
 * The x/y charts share one frame (PlotFrame over ChartFrame). Rendered on the server here, so the
 * parts a reader or a screen reader meets are checked without a browser: the accessible name and
 * description, the legend, the axes, and what is drawn over what.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import type { BarChartData, LineChartData, StackedAreaChartData } from '../../../src/core/analysis/chart-data.ts';
import BarChart from '../../../src/ui/charts/BarChart.svelte';
import LineChart from '../../../src/ui/charts/LineChart.svelte';
import { plotBox } from '../../../src/ui/charts/plot-layout.ts';
import StackedAreaChart from '../../../src/ui/charts/StackedAreaChart.svelte';

const bars: BarChartData = {
  title: 'Passes per arm',
  description: 'Mean problems solved over 5 runs, with 95% intervals.',
  categories: ['llama solo', 'llama self-refine'],
  series: [{ label: 'HumanEval', values: [76.6, 94], low: [72, 91], high: [80, 97] }],
  xLabel: 'Arm',
  yLabel: 'Problems solved',
  unit: '',
  decimals: 1,
};

const lines: LineChartData = {
  title: 'Solved by iteration',
  description: 'Problems solved at or before each iteration.',
  xTicks: ['0', '1', '2', '3'],
  series: [{ label: 'llama self-refine', values: [76, 88, 92, 94] }],
  xLabel: 'Iteration',
  yLabel: 'Solved',
  decimals: 0,
};

const species: StackedAreaChartData = {
  title: 'Species sizes per generation',
  description: 'Members of each species per generation.',
  xTicks: ['1', '2', '3'],
  series: [
    { label: 'species 1', values: [2, 1, 1] },
    { label: 'species 2', values: [1, 2, 3] },
  ],
  xLabel: 'Generation',
  yLabel: 'Genomes',
};

function svgOf(html: string): string {
  const svg = /<svg[\s\S]*<\/svg>/.exec(html)?.[0];
  if (!svg) throw new Error(`No <svg> in:\n${html}`);
  return svg;
}

function texts(svg: string, className: string): string[] {
  return [...svg.matchAll(new RegExp(`<text class="${className}"[^>]*>([^<]*)`, 'g'))].map((m) => m[1]!);
}

/** The chart's accessible name and description, as a screen reader finds them through aria-labelledby. */
function accessibleText(svg: string): string[] {
  const ids = /aria-labelledby="([^"]+)"/.exec(svg)?.[1]?.split(' ') ?? [];
  return ids.map((id) => new RegExp(`id="${id}">([^<]*)<`).exec(svg)?.[1] ?? `(no element ${id})`);
}

describe('plot box', () => {
  it('moves the plot down and grows the figure by each legend row', () => {
    const short = plotBox(['solo'], { plotHeight: 240, right: 24, bottom: 52 });
    const wrapped = plotBox(Array.from({ length: 6 }, (_, i) => `a rather long pipeline label number ${i}`), { plotHeight: 240, right: 24, bottom: 52 });
    expect(wrapped.legend.height).toBeGreaterThan(short.legend.height);
    expect(wrapped.top - short.top).toBe(wrapped.legend.height - short.legend.height);
    expect(wrapped.height - short.height).toBe(wrapped.top - short.top);
    expect(wrapped.plotBottom).toBe(wrapped.top + 240);
  });

  it('leaves no room for a legend that is not drawn', () => {
    const box = plotBox([], { plotHeight: 240, right: 16, bottom: 52 });
    expect(box.legend.items).toEqual([]);
    // One legend row (18) and the space between title and legend (6).
    expect(box.top).toBe(plotBox(['x'], { plotHeight: 240, right: 16, bottom: 52 }).top - 24);
  });

  it("starts the legend clear of the title: its first row's swatch tops out below the title's descenders", () => {
    const box = plotBox(['solo', 'self-refine'], { plotHeight: 240, right: 16, bottom: 52 });
    const titleBaseline = 18;
    const titleDescent = 4; // 13-unit type
    const swatchTop = box.legend.items[0]!.y - 10;
    expect(swatchTop - (titleBaseline + titleDescent)).toBeGreaterThanOrEqual(4);
    expect(box.top).toBeGreaterThan(box.legend.items.at(-1)!.y);
  });
});

describe('charts drawn in the shared frame', () => {
  it('name and describe themselves for screen readers, in every kind of chart', () => {
    for (const [component, data] of [
      [BarChart, bars],
      [LineChart, lines],
      [StackedAreaChart, species],
    ] as const) {
      // Each component takes its own data type; the union is fine for rendering.
      const svg = svgOf(render(component as typeof BarChart, { props: { data: data as BarChartData } }).body);
      expect(svg).toContain('role="img"');
      expect(accessibleText(svg)).toEqual([data.title, data.description]);
      expect(texts(svg, 'chart-title')).toEqual([data.title]);
      expect(texts(svg, 'axis-label')).toEqual([data.xLabel, data.yLabel]);
    }
  });

  it('lists every series in the legend, unless the chart asks for none', () => {
    const shown = svgOf(render(BarChart, { props: { data: bars } }).body);
    expect(texts(shown, 'legend-label')).toEqual(['HumanEval']);
    const hidden = svgOf(render(BarChart, { props: { data: { ...bars, hideLegend: true } } }).body);
    expect(texts(hidden, 'legend-label')).toEqual([]);
    expect(texts(svgOf(render(StackedAreaChart, { props: { data: species } }).body), 'legend-label')).toEqual(['species 1', 'species 2']);
  });

  it('labels the y axis with round ticks from zero, and the x axis with the data’s own ticks', () => {
    const svg = svgOf(render(LineChart, { props: { data: lines } }).body);
    const labels = texts(svg, 'tick-label');
    expect(labels.slice(0, 6)).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(labels.slice(6)).toEqual(['0', '1', '2', '3']);
  });

  it('counts genomes in whole numbers and keeps the zero line visible over the stacked layers', () => {
    const svg = svgOf(render(StackedAreaChart, { props: { data: species } }).body);
    expect(texts(svg, 'tick-label').every((t) => /^\d+$/.test(t))).toBe(true);
    expect(svg.indexOf('class="axis-line"')).toBeGreaterThan(svg.lastIndexOf('<polygon'));
  });

  it('slants long arm names under the bars over whole lines, each name whole in its tooltip, with room below for the extra lines', () => {
    const long = { ...bars, categories: ['llama3.2:3b solo', 'llama → exec → llama (self-refine)'] };
    const svg = svgOf(render(BarChart, { props: { data: long } }).body);
    const ticks = [...svg.matchAll(/<text class="tick-label" text-anchor="end"[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1]!);
    const linesOf = (tick: string) => [...tick.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
    expect(ticks.map(linesOf)).toEqual([['llama3.2:3b solo'], ['llama → exec → llama', '(self-refine)']]);
    expect(ticks[1]).toContain('<title>llama → exec → llama (self-refine)</title>');
    const height = (svgText: string) => Number(/viewBox="0 0 [\d.]+ ([\d.]+)"/.exec(svgText)?.[1]);
    const oneLine = svgOf(render(BarChart, { props: { data: { ...bars, categories: ['llama3.2:3b solo', 'qwen2.5-coder:3b solo'] } } }).body);
    expect(height(svg)).toBeGreaterThan(height(oneLine));
  });

  it('gives slanted labels fewer lines as bars crowd, so one label does not run into the next (audit R224-1)', () => {
    const lineCounts = (n: number) => {
      const categories = Array.from({ length: n }, (_, i) => `llama → exec → llama (self-refine) (Study ${i}, HumanEval)`);
      const svg = svgOf(render(BarChart, { props: { data: { ...bars, categories, series: [{ label: 'HumanEval', values: categories.map(() => 50) }] } } }).body);
      return [...svg.matchAll(/<text class="tick-label" text-anchor="end"[^>]*>([\s\S]*?)<\/text>/g)].map((m) => (m[1]!.match(/<tspan/g) ?? []).length);
    };
    expect(Math.max(...lineCounts(6))).toBe(3);
    expect(Math.max(...lineCounts(12))).toBe(2);
    // Twenty bars: one line each, cut in the middle as before the wrapping.
    expect(lineCounts(20).every((count) => count === 1)).toBe(true);
  });

  it('draws bars over the zero line, with their interval whiskers', () => {
    const svg = svgOf(render(BarChart, { props: { data: bars } }).body);
    expect(svg.indexOf('class="axis-line"')).toBeLessThan(svg.indexOf('<rect x='));
    expect(svg.match(/class="whisker"/g)).toHaveLength(6);
    expect(texts(svg, 'value-label')).toEqual(['76.6', '94.0']);
  });
});
