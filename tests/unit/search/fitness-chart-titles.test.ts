/**
 * The fitness chart's points name their generation, series and value in their tooltips (an SVG
 * <title>, also what a screen reader reads for the point). Svelte drops a text node that is only
 * whitespace between two expressions inside SVG, so "mean {value}" rendered as "mean0.690".
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import FitnessChart from '../../../src/ui/search/FitnessChart.svelte';
import type { FitnessChartData } from '../../../src/core/search/search-charts.ts';

const data: FitnessChartData = {
  title: 'Fitness per generation',
  description: 'Best and mean.',
  generations: [0, 1],
  best: [0.94, 0.69],
  mean: [0.69, 0.6],
  low: [0.532, 0.476],
  high: [0.848, 0.69],
  sd: [0.158, 0.124],
  ease: [0.7, 0.65],
};

function titles(html: string): string[] {
  return [...html.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => (m[1] ?? '').replace(/\s+/g, ' ').trim());
}

describe('the fitness chart', () => {
  it('keeps the space between the series and its value in every point title', () => {
    const shown = titles(render(FitnessChart, { props: { data } }).body);
    expect(shown).toContain('Generation 0: mean 0.690 (± 0.158)');
    expect(shown).toContain('Generation 1: best 0.690');
    expect(shown).toContain("Generation 0: subset's earlier pass rate 70.0 %");
  });
});
