/**
 * Series told apart without colour: printed in black and white, projected washed out, or read with
 * a colour-vision deficiency, a figure's series must still differ. A line chart's series each get a
 * marker shape and a dash, the legend showing the same; bars and stacked layers a texture, whose
 * pattern the chart itself defines (an exported SVG carries it).
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import BarChart from '../../../src/ui/charts/BarChart.svelte';
import LineChart from '../../../src/ui/charts/LineChart.svelte';
import StackedAreaChart from '../../../src/ui/charts/StackedAreaChart.svelte';
import { lineDash, markerPath, markerShape, texture } from '../../../src/ui/charts/series-marks.ts';
import type { BarChartData, LineChartData, StackedAreaChartData } from '../../../src/core/analysis/chart-data.ts';

/** The opening tags of `tag` elements in `html`, with their attributes. */
function tags(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b[^>]*>`, 'g'))].map((m) => m[0]);
}
function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
}
function styleOf(tag: string, property: string): string | undefined {
  return new RegExp(`${property}:\\s*([^;"]+)`).exec(attribute(tag, 'style') ?? '')?.[1]?.trim();
}

describe('series marks', () => {
  it('gives each of the eight palette slots its own marker, and slots four apart their own dash or marker', () => {
    const shapes = Array.from({ length: 8 }, (_, slot) => markerShape(slot));
    expect(new Set(shapes).size).toBe(8);
    expect(new Set(Array.from({ length: 8 }, (_, slot) => texture(slot))).size).toBe(8);
    expect(lineDash(0)).toBe('none');
    expect(new Set([0, 1, 2, 3].map(lineDash)).size).toBe(4);
    // Slots wrap like the colours do: the ninth series looks like the first.
    expect(markerShape(8)).toBe(markerShape(0));
    expect(lineDash(9)).toBe(lineDash(1));
  });

  it('draws every marker shape as a closed path around its centre', () => {
    for (let slot = 0; slot < 8; slot++) {
      const d = markerPath(markerShape(slot), 100, 50, 4);
      const numbers = [...d.matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0]));
      expect(numbers.every(Number.isFinite), d).toBe(true);
      expect(d.startsWith('M'), d).toBe(true);
    }
  });

  it('draws a line chart’s series with different dashes and markers, and its legend with the same', () => {
    const data: LineChartData = {
      title: 'Cumulative solved',
      description: 'Problems solved by each iteration.',
      xTicks: ['0', '1'],
      series: [
        { label: 'solo', values: [60, 60] },
        { label: 'self-refine', values: [60, 70] },
        { label: 'cross-model', values: [55, 72] },
      ],
      xLabel: 'Iteration',
      yLabel: 'Solved',
      decimals: 0,
    };
    const html = render(LineChart, { props: { data } }).body;
    const dashes = tags(html, 'polyline').map((t) => styleOf(t, 'stroke-dasharray'));
    expect(dashes).toHaveLength(3);
    expect(new Set(dashes).size).toBe(3);
    // Legend: a line sample per series, dashed like its series.
    const legendDashes = tags(html, 'line').map((t) => styleOf(t, 'stroke-dasharray')).filter((d) => d !== undefined);
    expect(legendDashes).toEqual(dashes);
    // Points: 2 per series plus one legend marker per series; the marker shapes differ by series.
    const markers = tags(html, 'path').filter((t) => attribute(t, 'class')?.includes('marker'));
    expect(markers).toHaveLength(9);
    const outline = (t: string) => (attribute(t, 'd') ?? '').replace(/-?\d+(\.\d+)?/g, '#');
    expect(new Set(markers.map(outline)).size).toBe(3);
  });

  it('keeps an arm’s marks with its colour slot from figure to figure', () => {
    const data: LineChartData = {
      title: 'One arm',
      description: 'd',
      xTicks: ['0'],
      series: [{ label: 'cross-model', values: [1], color: 2 }],
      xLabel: 'Iteration',
      yLabel: 'Solved',
      decimals: 0,
    };
    const html = render(LineChart, { props: { data } }).body;
    expect(styleOf(tags(html, 'polyline')[0] ?? '', 'stroke-dasharray')).toBe(lineDash(2));
  });

  it('textures every bar series after the first with a pattern the chart defines', () => {
    const data: BarChartData = {
      title: 'Pass rate by arm',
      description: 'd',
      categories: ['HumanEval', 'MBPP'],
      series: [
        { label: 'solo', values: [40, 50] },
        { label: 'self-refine', values: [45, 55] },
        { label: 'cross-model', values: [47, 56] },
      ],
      xLabel: 'Benchmark',
      yLabel: 'Pass rate',
      unit: ' %',
      decimals: 1,
    };
    const html = render(BarChart, { props: { data } }).body;
    const patterns = new Set(tags(html, 'pattern').map((t) => attribute(t, 'id')));
    const overlays = tags(html, 'rect').filter((t) => attribute(t, 'class')?.includes('textured'));
    // Two textured series × two categories, plus their two legend squares.
    expect(overlays).toHaveLength(6);
    const used = new Set(overlays.map((t) => /url\(#([^)]+)\)/.exec(attribute(t, 'fill') ?? '')?.[1]));
    expect(used.size).toBe(2);
    for (const id of used) expect(patterns.has(id), `pattern ${id} defined`).toBe(true);
  });

  it('textures stacked layers too', () => {
    const data: StackedAreaChartData = {
      title: 'Errors by type',
      description: 'd',
      xTicks: ['0', '1'],
      series: [
        { label: 'AssertionError', values: [3, 2] },
        { label: 'NameError', values: [1, 1] },
      ],
      xLabel: 'Generation',
      yLabel: 'Programs',
    };
    const html = render(StackedAreaChart, { props: { data } }).body;
    const overlays = tags(html, 'polygon').filter((t) => attribute(t, 'class')?.includes('textured'));
    expect(overlays).toHaveLength(1);
    const id = /url\(#([^)]+)\)/.exec(attribute(overlays[0] ?? '', 'fill') ?? '')?.[1];
    expect(tags(html, 'pattern').some((t) => attribute(t, 'id') === id)).toBe(true);
  });
});
