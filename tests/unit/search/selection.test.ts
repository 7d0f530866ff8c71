import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random.ts';
import {
  allocateOffspring,
  planNextGeneration,
  rankGenomes,
  selectElites,
  tournament,
  type ScoredGenome,
} from '../../../src/core/search/selection.ts';
import type { Species } from '../../../src/core/search/speciation.ts';
import { config, pipeline, stage } from './fixtures.ts';

const scored = (fitness: number[], shared = fitness, iterations = fitness.map(() => 1)): ScoredGenome[] =>
  fitness.map((f, i) => ({ id: `g${i}`, fitness: f, shared: shared[i] as number, iterations: iterations[i] as number }));

const twenty = scored(Array.from({ length: 20 }, (_, i) => i / 20));

describe('ranking and elitism', () => {
  it('ranks by fitness, then fewer iterations (the study tie-breaker), then population order', () => {
    const g = scored([0.5, 0.7, 0.7, 0.7], undefined, [1, 2, 1.5, 1.5]);
    expect(rankGenomes(g).map((x) => x.id)).toEqual(['g2', 'g3', 'g1', 'g0']);
  });

  it('keeps the best two as elites, whatever their species', () => {
    expect(selectElites(twenty, 2)).toEqual(['g19', 'g18']);
  });
});

describe('tournament selection (the paper)', () => {
  it('picks the best of three random genomes: the top genome wins 3/20 of tournaments', () => {
    const rng = createRng(1);
    const trials = 20_000;
    let top = 0;
    let bottomTwo = 0;
    for (let i = 0; i < trials; i++) {
      const winner = tournament(twenty, 3, rng, 'fitness').id;
      if (winner === 'g19') top++;
      if (winner === 'g0' || winner === 'g1') bottomTwo++;
    }
    expect(Math.abs(top / trials - 3 / 20)).toBeLessThan(0.012);
    // Three distinct genomes always include one better than the two worst.
    expect(bottomTwo).toBe(0);
  });

  it('with the whole population in the tournament, always the best; with one, anyone', () => {
    const rng = createRng(2);
    for (let i = 0; i < 50; i++) expect(tournament(twenty, 20, rng, 'fitness').id).toBe('g19');
    const seen = new Set(Array.from({ length: 2000 }, () => tournament(twenty, 1, rng, 'fitness').id));
    expect(seen.size).toBe(20);
  });

  it('compares shared fitness when fitness sharing is on', () => {
    const g = scored([0.9, 0.5], [0.9 / 6, 0.5]);
    const rng = createRng(3);
    expect(tournament(g, 2, rng, 'shared').id).toBe('g1');
    expect(tournament(g, 2, rng, 'fitness').id).toBe('g0');
  });

  it('plans elites plus crossovers (fitter parent first) and mutated copies for the other slots', () => {
    const plan = planNextGeneration(twenty, [], { ...config, stagnationLimit: 8 }, createRng(4));
    expect(plan.elites).toEqual(['g19', 'g18']);
    expect(plan.breeding).toHaveLength(18);
    const fitness = new Map(twenty.map((g) => [g.id, g.fitness]));
    for (const b of plan.breeding) {
      if (b.kind === 'crossover') {
        expect(b.fitter).not.toBe(b.weaker);
        expect(fitness.get(b.fitter)).toBeGreaterThanOrEqual(fitness.get(b.weaker) as number);
      }
    }
    const crossovers = plan.breeding.filter((b) => b.kind === 'crossover').length;
    expect(crossovers).toBeGreaterThan(8);
  });
});

describe('species-proportional allocation (the released code)', () => {
  it('allocates offspring in proportion to scores, at least one each, summing to the slots', () => {
    expect(allocateOffspring([3, 1], 8)).toEqual([6, 2]);
    expect(allocateOffspring([0.5, 0.25, 0.25], 18)).toEqual([9, 5, 4]);
    expect(allocateOffspring([1, 0, 0], 18)).toEqual([16, 1, 1]);
    expect(allocateOffspring([0, 0], 5)).toEqual([3, 2]);
    for (const counts of [allocateOffspring([0.9, 0.01, 0.02, 0.3], 18), allocateOffspring([5, 4, 3, 2, 1], 18)]) {
      expect(counts.reduce((a, b) => a + b, 0)).toBe(18);
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    }
  });

  it('never gives a species more offspring than a fitter one (audit R218-1)', () => {
    // Lifting the weakest to one made three slots too many; they came off the best species.
    expect(allocateOffspring([0.6, 0.5, 0, 0, 0], 18)).toEqual([8, 7, 1, 1, 1]);
    // A leftover went by remainder to a species the minimum had already lifted past its share.
    expect(allocateOffspring([0.48, 0.35, 0.7, 0.8], 5)).toEqual([1, 1, 1, 2]);
    const rng = createRng(218);
    for (let trial = 0; trial < 5000; trial++) {
      const n = 1 + rng.int(8);
      const total = rng.int(30);
      const scores = Array.from({ length: n }, () => (rng.next() < 0.2 ? 0 : rng.next()));
      const counts = allocateOffspring(scores, total);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      if (total >= n) expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (scores[i]! > scores[j]!) expect(counts[i], `${scores.join(', ')} over ${total}: ${counts.join(', ')}`).toBeGreaterThanOrEqual(counts[j]!);
        }
      }
    }
  });

  const species = (id: number, members: string[], stagnation = 0): Species => ({
    id,
    representative: pipeline([stage(1)]),
    members,
    bestFitness: 0,
    stagnation,
  });

  it('breeds each species from its own members, more offspring for the fitter species', () => {
    // Species 1: four genomes of mean fitness 0.6; species 2: two of mean 0.2.
    const g = scored([0.6, 0.6, 0.6, 0.6, 0.2, 0.2]);
    const groups = [species(1, ['g0', 'g1', 'g2', 'g3']), species(2, ['g4', 'g5'])];
    const options = { ...config, populationSize: 10, selection: 'species-proportional' as const, stagnationLimit: 8 };
    const plan = planNextGeneration(g, groups, options, createRng(5));
    expect(plan.elites).toEqual(['g0', 'g1']);
    const parents = plan.breeding.map((b) => (b.kind === 'crossover' ? [b.fitter, b.weaker] : [b.parent]));
    const fromFirst = parents.filter((p) => p.every((id) => ['g0', 'g1', 'g2', 'g3'].includes(id))).length;
    const fromSecond = parents.filter((p) => p.every((id) => ['g4', 'g5'].includes(id))).length;
    expect(fromFirst + fromSecond).toBe(8); // never a cross-species pair
    expect([fromFirst, fromSecond]).toEqual([6, 2]); // 0.6 : 0.2 of 8 slots
  });

  const parentsOf = (plan: ReturnType<typeof planNextGeneration>) => new Set(plan.breeding.flatMap((b) => (b.kind === 'crossover' ? [b.fitter, b.weaker] : [b.parent])));
  const stagnating = { ...config, populationSize: 8, selection: 'species-proportional' as const, stagnationLimit: 3 };

  it('stops breeding a stagnant species, the champion’s too, as the released code does (elitism keeps the champion)', () => {
    const g = scored([0.9, 0.5, 0.4, 0.3]);
    const groups = [species(1, ['g0'], 5), species(2, ['g1']), species(3, ['g2'], 5), species(4, ['g3'])];
    const plan = planNextGeneration(g, groups, stagnating, createRng(6));
    expect(plan.elites).toContain('g0');
    expect([...parentsOf(plan)].sort()).toEqual(['g1', 'g3']);
  });

  it('keeps every species breeding while there are at most two, stagnant or not', () => {
    const g = scored([0.9, 0.5, 0.4, 0.3]);
    const plan = planNextGeneration(g, [species(1, ['g0', 'g1'], 5), species(2, ['g2', 'g3'])], stagnating, createRng(6));
    expect(parentsOf(plan).has('g0') || parentsOf(plan).has('g1')).toBe(true);
  });

  it('may leave one species breeding when the others of three or more are stagnant', () => {
    const g = scored([0.9, 0.5, 0.4, 0.3]);
    const groups = [species(1, ['g0'], 5), species(2, ['g1'], 5), species(3, ['g2', 'g3'])];
    expect([...parentsOf(planNextGeneration(g, groups, stagnating, createRng(6)))].sort()).toEqual(['g2', 'g3']);
  });

  it('lets every species breed when all of them are stagnant (the released code had none left and stopped)', () => {
    const g = scored([0.9, 0.5, 0.4]);
    const groups = [species(1, ['g0'], 5), species(2, ['g1'], 5), species(3, ['g2'], 5)];
    expect([...parentsOf(planNextGeneration(g, groups, stagnating, createRng(6)))].sort()).toEqual(['g0', 'g1', 'g2']);
  });
});
