/** What the Search page draws, computed from a finished search over the fakes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../../src/core/search/run-search.ts';
import { fitnessChartData, genomeRows, lineageRows, speciesChartData } from '../../../src/core/search/search-charts.ts';
import type { SearchState } from '../../../src/core/search/search-state.ts';
import { PROBLEMS, fakeWorld, searchSetup } from './run-search-fixtures.ts';

let state: SearchState;

beforeAll(async () => {
  const world = fakeWorld();
  const end = await runSearch(searchSetup({ budget: { maxGenerations: 4, maxWallMs: null, maxTokens: null } }), PROBLEMS, {
    model: world.model,
    sandbox: world.sandbox,
    searchStore: new MemorySearchStore(),
    now: () => 0,
  });
  state = end.state;
});

describe('search charts', () => {
  it('plot best and mean ± SD per generation, the band around the mean', () => {
    const data = fitnessChartData(state);
    expect(data.generations).toEqual([0, 1, 2, 3]);
    data.generations.forEach((_, i) => {
      expect(data.best[i]).toBeGreaterThanOrEqual(data.mean[i]!);
      expect(data.low[i]).toBeLessThanOrEqual(data.mean[i]!);
      const sd = state.history[i]!.sd ?? 0;
      expect(data.high[i]).toBeCloseTo(Math.min(data.best[i]!, data.mean[i]! + sd), 12);
      expect(data.mean[i]! - data.low[i]!).toBeCloseTo(sd, 12);
    });
  });

  it("give a stratified search's subset difficulty per generation beside its fitness, and none for a rotating one", () => {
    expect(fitnessChartData(state).ease).toBeNull();
    const ids = state.config.problemIds;
    const passRates = Object.fromEntries(ids.map((id, i) => [id, 1 - i / ids.length]));
    const stratified: SearchState = {
      ...state,
      config: { ...state.config, subset: { kind: 'stratified', passRates } },
      history: state.history.map((h, g) => ({ ...h, subset: g === 0 ? ids.slice(0, 2) : ids.slice(-2) })),
    };
    const data = fitnessChartData(stratified);
    expect(data.ease?.[0]).toBeCloseTo((passRates[ids[0]!]! + passRates[ids[1]!]!) / 2, 12);
    expect(data.ease?.[1]).toBeCloseTo((passRates[ids.at(-1)!]! + passRates[ids.at(-2)!]!) / 2, 12);
    expect(data.ease).toHaveLength(4);
    expect(data.description).toMatch(/subset difficulty.*easiest first, so later subsets are harder/);
  });

  it('stop the band at the best fitness when one strong genome lifts the SD above it', () => {
    // Five genomes at 1.0 and one at 0.4: mean 0.9, sample SD 0.245, so mean + SD = 1.145,
    // above anything measured.
    const skewed: SearchState = {
      ...state,
      history: [{ ...state.history[0]!, best: 1, mean: 0.9, sd: 0.245 }],
    };
    const data = fitnessChartData(skewed);
    expect(data.high).toEqual([1]);
    expect(data.low[0]).toBeCloseTo(0.655, 12);
  });

  it('stop the band at 0, where fitness is floored, when many genomes score nothing (audit R207-4)', () => {
    // One genome at 0.94 and nine at 0: mean 0.094, SD 0.297, so mean − SD is below any fitness there can be.
    const floored: SearchState = {
      ...state,
      history: [{ ...state.history[0]!, best: 0.94, mean: 0.094, sd: 0.297 }],
    };
    const data = fitnessChartData(floored);
    expect(data.low).toEqual([0]);
    expect(data.sd).toEqual([0.297]);
    expect(data.description).toContain('mean ± SD (capped at 0 and at the best)');
  });

  it('stack species sizes to the population in every generation', () => {
    const data = speciesChartData(state);
    expect(data.xTicks).toEqual(['0', '1', '2', '3']);
    for (let g = 0; g < 4; g++) expect(data.series.reduce((n, s) => n + (s.values[g] ?? 0), 0)).toBe(6);
  });

  it('list a generation fittest first with shapes, species and parents', () => {
    const rows = genomeRows(state, 3);
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.fitness)).toEqual([...rows.map((r) => r.fitness)].sort((a, b) => b - a));
    expect(rows.every((r) => r.shape.startsWith('gen('))).toBe(true);
    expect(rows.filter((r) => r.origin !== 'elite').every((r) => r.parents.length > 0)).toBe(true);
    expect(genomeRows(state, 99)).toEqual([]);
  });

  it('trace the champion back to the first generation', () => {
    const rows = lineageRows(state, state.champion!.genomeId);
    expect(rows[0]?.id).toBe(state.champion!.genomeId);
    expect(rows.at(-1)?.bornIn).toBe(0);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });
});
