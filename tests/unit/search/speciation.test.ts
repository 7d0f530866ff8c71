import { describe, expect, it } from 'vitest';
import type { RefinePipeline } from '../../../src/core/pipeline/genome.ts';
import { createRng } from '../../../src/core/random.ts';
import { mutate } from '../../../src/core/search/mutation.ts';
import { defaultPromptPools } from '../../../src/core/search/search-config.ts';
import { initialPipeline } from '../../../src/core/search/search-genome.ts';
import { adaptThreshold, sharedFitness, speciate, speciateGeneration, updateSpeciesFitness, type Species } from '../../../src/core/search/speciation.ts';
import { config, context, node, pipeline, stage } from './fixtures.ts';

const genomes = (...pipelines: RefinePipeline[]) => pipelines.map((p, i) => ({ id: `g${i}`, pipeline: p }));

/** A varied population: random first-generation genomes after a few rounds of mutation, prompts from every built-in one. */
function variedPopulation(seed: number, size = 20): { id: string; pipeline: RefinePipeline }[] {
  const rng = createRng(seed);
  const ctx = { ...context(), promptPools: defaultPromptPools(undefined, 'every-built-in') };
  const rates = { ...config.mutationRates, addStage: 0.3, addAnalyzer: 0.3 };
  return Array.from({ length: size }, (_, i) => {
    let p = initialPipeline(`g${i}`, rng, ctx);
    for (let r = 0; r < 4; r++) p = mutate(p, rng, ctx, rates).pipeline;
    return { id: `g${i}`, pipeline: p };
  });
}

describe('speciate', () => {
  const one = pipeline([stage(1)]);
  const far = pipeline([stage(1, { analyzer: true }), stage(2), stage(3)], node('gemma3:1b', 'generator.careful', 1.0));

  it('puts close genomes together and founds a new species for a distant one', () => {
    const { species, nextSpeciesId } = speciate(genomes(one, one, far), [], 2.0, 1, createRng(1));
    expect(species.map((s) => s.members)).toEqual([['g0', 'g1'], ['g2']]);
    expect(species.map((s) => s.id)).toEqual([1, 2]);
    expect(nextSpeciesId).toBe(3);
  });

  it('keeps species ids across generations through their representatives, and drops empty species', () => {
    const first = speciate(genomes(one, far), [], 2.0, 1, createRng(1));
    const second = speciate(genomes(far, far), first.species, 2.0, first.nextSpeciesId, createRng(2));
    expect(second.species.map((s) => ({ id: s.id, members: s.members }))).toEqual([{ id: 2, members: ['g0', 'g1'] }]);
    expect(second.nextSpeciesId).toBe(3);
  });

  it('moves the threshold until the species count is in the target band (3-5), from either side', () => {
    const population = variedPopulation(7);
    const target = config.speciation.targetSpecies;
    for (const start of [4, 0.1]) {
      let threshold = start;
      let species: Species[] = [];
      let next = 1;
      const counts: number[] = [];
      for (let generation = 0; generation < 40; generation++) {
        const result = speciate(population, species, threshold, next, createRng(generation));
        species = result.species;
        next = result.nextSpeciesId;
        counts.push(species.length);
        threshold = adaptThreshold(threshold, species.length, config.speciation);
      }
      const settled = counts.slice(-10);
      // It started outside the band: one species with a huge threshold, too many with a tiny one.
      if (start > 1) expect(counts[0]).toBeLessThan(target.min);
      else expect(counts[0]).toBeGreaterThan(target.max);
      for (const c of settled) {
        expect(c).toBeGreaterThanOrEqual(target.min);
        expect(c).toBeLessThanOrEqual(target.max);
      }
    }
  });

  it('adapts one step at a time and never below the floor', () => {
    const s = config.speciation;
    expect(adaptThreshold(2.0, 1, s)).toBeCloseTo(1.7, 12);
    expect(adaptThreshold(2.0, 9, s)).toBeCloseTo(2.3, 12);
    expect(adaptThreshold(2.0, 4, s)).toBe(2.0);
    expect(adaptThreshold(0.2, 1, s)).toBe(s.minThreshold);
  });
});

describe('fitness sharing and stagnation', () => {
  const species: Species[] = [
    { id: 1, representative: pipeline([stage(1)]), members: ['a', 'b', 'c', 'd'], bestFitness: null, stagnation: 0 },
    { id: 2, representative: pipeline([stage(1)]), members: ['e'], bestFitness: null, stagnation: 0 },
  ];
  const fitness = { a: 0.8, b: 0.4, c: 0.4, d: 0.4, e: 0.5 };

  it("divides each genome's fitness by its species' size", () => {
    expect(sharedFitness(species, fitness)).toEqual({ a: 0.2, b: 0.1, c: 0.1, d: 0.1, e: 0.5 });
  });

  it('counts generations since a species last improved its best', () => {
    const scored = updateSpeciesFitness(species, fitness);
    expect(scored.map((s) => [s.bestFitness, s.stagnation])).toEqual([[0.8, 0], [0.5, 0]]);
    const again = updateSpeciesFitness(scored, { ...fitness, a: 0.7, e: 0.6 });
    expect(again.map((s) => [s.bestFitness, s.stagnation])).toEqual([[0.8, 1], [0.6, 0]]);
  });

  it('takes a best stored before fitness was rounded as equal to its rounded self, not as beaten by it (audit R224-3)', () => {
    const stored = species.map((s) => ({ ...s, bestFitness: 0.09999999999999998, stagnation: 7 }));
    const next = updateSpeciesFitness(stored, { a: 0.1, b: 0.1, c: 0.1, d: 0.1, e: 0.1 });
    expect(next.map((s) => s.stagnation)).toEqual([8, 8]);
  });
});

describe('speciateGeneration: the two threshold rules', () => {
  const one = pipeline([stage(1)]);
  const far = pipeline([stage(1, { analyzer: true }), stage(2), stage(3)], node('gemma3:1b', 'generator.careful', 1.0));
  const band = { ...config.speciation, thresholdRule: 'band' as const };
  const collapse = { ...config.speciation, thresholdRule: 'collapse' as const };

  it('band (the paper): speciates at the threshold and steps it toward 3-5 species for the next generation', () => {
    const result = speciateGeneration(genomes(one, one, far), [], 2.0, 1, 5, createRng(1), band);
    expect(result.species).toHaveLength(2);
    expect(result.threshold).toBe(2.0);
    expect(result.nextThreshold).toBe(adaptThreshold(2.0, 2, band));
    // Searches saved before the rule existed have none, and ran with the band.
    const { thresholdRule: _unset, ...before } = band;
    expect(speciateGeneration(genomes(one, one, far), [], 2.0, 1, 5, createRng(1), before)).toEqual(result);
  });

  it('collapse (the released code): from the third generation, one species cuts the threshold by 0.6 and places the generation afresh', () => {
    // `one` and `mid` are 1.5 apart: one species at 2.0, two at 1.2.
    const mid = pipeline([stage(1, { analyzer: true }), stage(2)]);
    const population = genomes(one, mid, one);
    const previous = speciate(population, [], 2.0, 1, createRng(3)).species;
    expect(previous).toHaveLength(1);
    const cut = speciateGeneration(population, previous, 2.0, 2, 2, createRng(4), collapse);
    expect(cut.threshold).toBeCloseTo(1.2, 12);
    expect(cut.nextThreshold).toBe(cut.threshold);
    expect(cut.species.map((s) => s.members)).toEqual([['g0', 'g2'], ['g1']]);
    // The one species (id 1) is dropped; the fresh ones take new ids.
    expect(cut.species.map((s) => s.id)).toEqual([2, 3]);
    expect(cut.species.every((s) => s.bestFitness === null && s.stagnation === 0)).toBe(true);
  });

  it('collapse: leaves the threshold alone before the third generation, with several species, and never raises it', () => {
    const collapsed = genomes(one, one, one);
    for (const generation of [0, 1]) {
      const early = speciateGeneration(collapsed, [], 2.0, 1, generation, createRng(5), collapse);
      expect([early.species.length, early.threshold, early.nextThreshold]).toEqual([1, 2.0, 2.0]);
    }
    const many = variedPopulation(7);
    const crowded = speciateGeneration(many, [], 0.1, 1, 9, createRng(6), collapse);
    expect(crowded.species.length).toBeGreaterThan(config.speciation.targetSpecies.max);
    expect([crowded.threshold, crowded.nextThreshold]).toEqual([0.1, 0.1]);
  });

  it('collapse: keeps cutting, generation after generation, while the population stays one species', () => {
    const same = genomes(one, one, one);
    let threshold = 2.0;
    let species: Species[] = [];
    let next = 1;
    const used: number[] = [];
    for (let generation = 0; generation < 6; generation++) {
      const r = speciateGeneration(same, species, threshold, next, generation, createRng(generation), collapse);
      used.push(r.threshold);
      ({ species, nextSpeciesId: next } = r);
      threshold = r.nextThreshold;
    }
    const expected = [2, 2, 1.2, 0.72, 0.432, 0.2592];
    used.forEach((t, i) => expect(t).toBeCloseTo(expected[i]!, 12));
  });
});
