/**
 * What the Search page draws, computed from a search state: fitness per generation (best, and
 * mean ± SD of the population), species sizes per generation (a stacked area: species are born,
 * grow, shrink and die), the genome table of a generation and a champion's lineage. Plain data,
 * so the charts stay dumb and this is tested without a DOM.
 */
import type { StackedAreaChartData } from '../analysis/chart-data.ts';
import { nodeCount } from '../pipeline/genome.ts';
import { subsetEase } from './fitness.ts';
import { lineage } from './search.ts';
import { describeTopology, type GenomeOrigin } from './search-genome.ts';
import type { SearchState } from './search-state.ts';

export interface FitnessChartData {
  title: string;
  description: string;
  generations: number[];
  best: number[];
  mean: number[];
  /**
   * mean − SD and mean + SD; the mean itself where the SD is unknown (a population of one). The
   * upper edge stops at the generation's best: a skewed population (one strong genome, many weak
   * ones) has mean + SD above anything that was measured, and a band over the best line reads as
   * fitness nobody reached. The lower edge stops at 0 for the same reason: fitness is floored there
   * (audit R207-4).
   */
  low: number[];
  high: number[];
  /** The population's SD per generation (null for a population of one), as a point's title says it. */
  sd: (number | null)[];
  /**
   * A stratified search's subset difficulty per generation: the mean earlier pass rate of the
   * subset's problems (of those the ranking has one for). Null for a rotating search (no ranking,
   * and random subsets do not drift). With the study's column order it falls generation after
   * generation, and a best fitness that falls with it says the test got harder, not the genomes worse.
   */
  ease: (number | null)[] | null;
}

export function fitnessChartData(state: SearchState): FitnessChartData {
  const h = state.history;
  const rule = state.config.subset;
  const ease = rule.kind === 'stratified' ? h.map((g) => subsetEase(g.subset, rule.passRates)) : null;
  const easeSaid = ease
    ? ` The dashed line is each generation's subset difficulty: its problems' mean pass rate in the earlier runs they were ranked by (${rule.kind === 'stratified' && rule.columnOrder === 'balanced' ? 'columns balanced' : "the study's columns, easiest first, so later subsets are harder"}).`
    : '';
  return {
    title: 'Fitness per generation',
    description: `Best fitness and the population's mean ± SD (capped at 0 and at the best) over ${h.length} generation${h.length === 1 ? '' : 's'} (pass rate on the generation's subset minus ${state.config.parsimony} per node, floored at 0: genomes at 0 rank by fewer executions per problem, as in the study).${easeSaid}`,
    generations: h.map((g) => g.generation),
    best: h.map((g) => g.best),
    mean: h.map((g) => g.mean),
    low: h.map((g) => Math.max(0, g.mean - (g.sd ?? 0))),
    high: h.map((g) => Math.min(g.best, g.mean + (g.sd ?? 0))),
    sd: h.map((g) => g.sd ?? null),
    ease,
  };
}

/** Species sizes per generation, oldest species at the bottom (0 where a species is absent). */
export function speciesChartData(state: SearchState): StackedAreaChartData {
  const ids = [...new Set(state.history.flatMap((g) => g.speciesSizes.map((s) => s.id)))].sort((a, b) => a - b);
  return {
    title: 'Species sizes per generation',
    description: `Members of each species per generation; ${ids.length} species appeared over ${state.history.length} generations.`,
    xTicks: state.history.map((g) => String(g.generation)),
    series: ids.map((id) => ({
      label: `species ${id}`,
      values: state.history.map((g) => g.speciesSizes.find((s) => s.id === id)?.size ?? 0),
    })),
    xLabel: 'Generation',
    yLabel: 'Genomes',
  };
}

export interface GenomeRow {
  id: string;
  shape: string;
  nodes: number;
  fitness: number;
  passRate: number;
  species: number;
  origin: GenomeOrigin;
  parents: string[];
}

/** The scored genomes of one generation, fittest first. */
export function genomeRows(state: SearchState, generation: number): GenomeRow[] {
  const stats = state.history.find((h) => h.generation === generation);
  if (!stats) return [];
  return [...stats.scores]
    .sort((a, b) => b.fitness - a.fitness || a.iterations - b.iterations)
    .map((s) => {
      const genome = state.genomes[s.id];
      return {
        id: s.id,
        shape: genome ? describeTopology(genome.pipeline) : '',
        nodes: s.nodes,
        fitness: s.fitness,
        passRate: s.passRate,
        species: s.species,
        origin: s.origin,
        parents: genome?.parents ?? [],
      };
    });
}

export interface LineageRow {
  id: string;
  bornIn: number;
  origin: GenomeOrigin;
  parents: string[];
  shape: string;
  nodes: number;
  /** Its best search-time fitness in any generation it was scored in; null if never scored. */
  bestFitness: number | null;
}

/** The genome and its ancestors, nearest first. */
export function lineageRows(state: SearchState, genomeId: string): LineageRow[] {
  const genome = state.genomes[genomeId];
  if (!genome) return [];
  const fitness = new Map<string, number>();
  for (const h of state.history) for (const s of h.scores) fitness.set(s.id, Math.max(fitness.get(s.id) ?? -Infinity, s.fitness));
  return [genome, ...lineage(state, genomeId)].map((g) => ({
    id: g.id,
    bornIn: g.bornIn,
    origin: g.origin,
    parents: g.parents,
    shape: describeTopology(g.pipeline),
    nodes: nodeCount(g.pipeline),
    bestFitness: fitness.get(g.id) ?? null,
  }));
}
