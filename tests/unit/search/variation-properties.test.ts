/**
 * Property-style checks of the variation operators: thousands of seeded mutations and
 * crossovers, over populations that keep evolving, each child checked against everything a
 * runner relies on (the study's limits, the pools, innovation numbers that stay unique and in
 * order). A failure names the seed and the step, so it can be replayed.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ITERATIONS, nodeCount, type RefinePipeline } from '../../../src/core/pipeline/genome.ts';
import { validatePipeline } from '../../../src/core/pipeline/validate-pipeline.ts';
import { createRng, type Rng } from '../../../src/core/random.ts';
import { crossover } from '../../../src/core/search/crossover.ts';
import { InnovationTracker } from '../../../src/core/search/innovation.ts';
import { mutate, type MutationContext } from '../../../src/core/search/mutation.ts';
import { STUDY_MUTATION_RATES, studySearchConfig, type MutationRates, type SearchConfig } from '../../../src/core/search/search-config.ts';
import { initialPipeline } from '../../../src/core/search/search-genome.ts';

const HEAVY: MutationRates = { addStage: 0.5, addAnalyzer: 0.5, removeNode: 0.3, swapModel: 0.5, mutatePrompt: 0.5, adjustTemperature: 0.8, adjustIterations: 0.5 };

function contextOf(config: SearchConfig, innovations: InnovationTracker): MutationContext {
  return { modelPool: config.modelPool, promptPools: config.promptPools, limits: config.limits, temperature: config.temperature, maxTokens: config.maxTokens, innovations };
}

/** Every reason the pipeline is not one the search may hand to a runner; empty when it is fine. */
function problemsOf(p: RefinePipeline, config: SearchConfig): string[] {
  const out: string[] = [];
  const valid = validatePipeline(p);
  if (!valid.ok) out.push(...valid.errors);
  const { limits, temperature, modelPool, promptPools } = config;
  if (p.stages.length < limits.minStages || p.stages.length > limits.maxStages) out.push(`${p.stages.length} stages`);
  if (nodeCount(p) > limits.maxNodes) out.push(`${nodeCount(p)} nodes`);
  const innovations = p.stages.map((s) => s.innovation);
  if (innovations.some((n, i) => i > 0 && n <= (innovations[i - 1] as number))) out.push(`innovations not increasing: ${innovations.join(',')}`);
  const nodes = [
    { role: 'generator' as const, node: p.generator },
    ...p.stages.flatMap((s) => [...(s.analyzer ? [{ role: 'analyzer' as const, node: s.analyzer }] : []), { role: 'refiner' as const, node: s.refiner }]),
  ];
  for (const { role, node } of nodes) {
    if (!(node.temperature >= temperature.min && node.temperature <= temperature.max)) out.push(`${role} T=${node.temperature}`);
    if (Math.round(node.temperature * 100) / 100 !== node.temperature) out.push(`${role} T=${node.temperature} has more than two decimals`);
    if (!modelPool.includes(node.model)) out.push(`${role} model ${node.model}`);
    if (!('id' in node.prompt) || !promptPools[role].includes(node.prompt.id)) out.push(`${role} prompt ${JSON.stringify(node.prompt)}`);
    if (node.maxTokens !== config.maxTokens) out.push(`${role} maxTokens ${node.maxTokens}`);
  }
  for (const s of p.stages) if (!(Number.isInteger(s.maxIterations) && s.maxIterations >= 1 && s.maxIterations <= MAX_ITERATIONS)) out.push(`iterations ${s.maxIterations}`);
  return out;
}

/**
 * Evolves a population of `size` for `generations` rounds without fitness: each child is a
 * crossover of two random members (either may be "fitter") or a copy, then mutated. Returns how
 * many children were checked and how often the limits were reached.
 */
function evolve(seed: number, config: SearchConfig, rates: MutationRates, size: number, generations: number) {
  const rng: Rng = createRng(seed);
  const innovations = new InnovationTracker();
  const ctx = contextOf(config, innovations);
  let population = Array.from({ length: size }, (_, i) => initialPipeline(`g0-${i}`, rng, ctx));
  const seen = { children: 0, crossovers: 0, maxStages: 0, maxNodes: 0, hottest: 0, coldest: Infinity };
  for (const p of population) expect(problemsOf(p, config), `seed ${seed}, initial ${p.id}`).toEqual([]);
  for (let g = 1; g <= generations; g++) {
    const next: RefinePipeline[] = [];
    for (let i = 0; i < size; i++) {
      const id = `g${g}-${i}`;
      const a = population[rng.int(size)] as RefinePipeline;
      const b = population[rng.int(size)] as RefinePipeline;
      let child: RefinePipeline;
      if (rng.next() < config.crossoverRate) {
        child = crossover(a, b, rng, id, { weakerStageRate: config.weakerStageRate, limits: config.limits }).pipeline;
        expect(problemsOf(child, config), `seed ${seed}, generation ${g}, crossover ${id}`).toEqual([]);
        seen.crossovers++;
      } else {
        child = { ...a, id };
      }
      child = mutate(child, rng, ctx, rates).pipeline;
      expect(problemsOf(child, config), `seed ${seed}, generation ${g}, child ${id}`).toEqual([]);
      expect(child.id).toBe(id);
      seen.children++;
      if (child.stages.length === config.limits.maxStages) seen.maxStages++;
      if (nodeCount(child) === config.limits.maxNodes) seen.maxNodes++;
      for (const t of [child.generator.temperature, ...child.stages.map((s) => s.refiner.temperature)]) {
        seen.hottest = Math.max(seen.hottest, t);
        seen.coldest = Math.min(seen.coldest, t);
      }
      next.push(child);
    }
    population = next;
  }
  return seen;
}

// Thousands of validated children per test: seconds each on a loaded machine, hence the time limits.
describe('mutation and crossover, thousands of times over evolving populations', { timeout: 60_000 }, () => {
  const config = studySearchConfig(Array.from({ length: 164 }, (_, i) => `HumanEval/${i}`));

  it('always give valid pipelines within the study limits at the study rates', () => {
    let children = 0;
    for (const seed of [1, 2, 3]) children += evolve(seed, config, STUDY_MUTATION_RATES, 20, 60).children;
    expect(children).toBe(3 * 20 * 60);
  });

  it('always give valid pipelines at high rates, reaching the limits (3 stages, 8 nodes, the lower temperature clip)', () => {
    const seen = evolve(11, config, HEAVY, 40, 100);
    expect(seen.children).toBe(4000);
    expect(seen.crossovers).toBeGreaterThan(2000);
    // The limits were really met, so they were really tested.
    expect(seen.maxStages).toBeGreaterThan(100);
    expect(seen.maxNodes).toBeGreaterThan(100);
    expect(seen.hottest).toBeGreaterThan(0.9);
    expect(seen.coldest).toBe(config.temperature.min);
  });

  it('respect narrower limits a user sets (at most 2 stages and 5 nodes, at least 1 stage)', () => {
    const narrow = studySearchConfig(config.problemIds, { limits: { minStages: 1, maxStages: 2, maxNodes: 5 } });
    const seen = evolve(21, narrow, HEAVY, 30, 60);
    expect(seen.maxStages).toBeGreaterThan(0);
  });

  it('respect a narrower temperature clip than the starting ranges', () => {
    const clipped = studySearchConfig(config.problemIds, { temperature: { sigma: 0.08, min: 0.3, max: 0.5 } });
    evolve(31, clipped, HEAVY, 20, 30);
  });
});
