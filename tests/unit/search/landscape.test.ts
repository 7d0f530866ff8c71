import { describe, expect, it } from 'vitest';
import { studySearchConfig, type SelectionScheme } from '../../../src/core/search/search-config.ts';
import { genomeById, initSearch } from '../../../src/core/search/search.ts';
import { championsToValidate, inflationReport, summariseValidation, validationPlan } from '../../../src/core/search/validate-champion.ts';
import { BEST_SHAPE, drive, exactEvaluator, noisyEvaluator, problemIds } from './landscape.ts';

const budget = (maxGenerations: number) => ({ maxGenerations, maxWallMs: null, maxTokens: null });

describe('search on a synthetic landscape (feedback helps, analyzers do not, nodes cost)', () => {
  const schemes: SelectionScheme[] = ['tournament', 'species-proportional'];
  for (const selection of schemes) {
    it(`finds the landscape's best pipeline within 25 generations (${selection})`, () => {
      for (const seed of [1, 2, 3]) {
        const config = studySearchConfig(problemIds(50), { subsetSize: 50, selection, budget: budget(25) });
        const end = drive(initSearch(config, seed), exactEvaluator(50));
        const champion = genomeById(end, end.champion?.genomeId as string).pipeline;
        expect(champion.name).toBe(BEST_SHAPE);
        expect(champion.stages.every((s) => s.analyzer === null)).toBe(true);
        // 0.70 pass rate − 3 nodes × 0.02.
        expect(end.champion?.fitness).toBeCloseTo(0.64, 12);
        // Elitism keeps it: the last generation's best is still that shape.
        const last = end.history.at(-1);
        expect(genomeById(end, last?.championId as string).pipeline.name).toBe(BEST_SHAPE);
      }
      // Pure computation of under a second, but 75 generations: a busy machine stretches it past 5 s.
    }, 30_000);
  }
});

describe('inflation of single-evaluation fitness under a noisy evaluator', () => {
  const problems = problemIds(164);

  /** Mean inflation of the search's champion and of each generation's champion, over seeds. */
  function meanInflation(k: number): { champion: number; perGeneration: number } {
    let champion = 0;
    let perGeneration = 0;
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    for (const seed of seeds) {
      const config = studySearchConfig(problems, { evaluationsPerGenome: k, budget: budget(4) });
      const end = drive(initSearch(config, seed), noisyEvaluator(seed));
      const plan = validationPlan(end, championsToValidate(end, 'per-generation'), problems, 3);
      const validate = noisyEvaluator(seed + 1_000_000);
      const passed = Object.fromEntries(plan.map((unit) => [unit.key, validate(unit)]));
      const report = inflationReport(end, summariseValidation(plan, passed, config.parsimony));
      expect(report.perGeneration).toHaveLength(4);
      champion += (report.champion?.inflation as number) / seeds.length;
      perGeneration += report.perGeneration.reduce((sum, g) => sum + g.inflation, 0) / report.perGeneration.length / seeds.length;
    }
    return { champion, perGeneration };
  }

  it('is positive with one evaluation per genome, and shrinks as k grows (1, 3, 5)', () => {
    const [k1, k3, k5] = [1, 3, 5].map(meanInflation) as [ReturnType<typeof meanInflation>, ReturnType<typeof meanInflation>, ReturnType<typeof meanInflation>];
    expect(k1.champion).toBeGreaterThan(0.05);
    expect(k1.perGeneration).toBeGreaterThan(0.05);
    expect(k3.perGeneration).toBeLessThan(k1.perGeneration);
    expect(k5.perGeneration).toBeLessThan(k3.perGeneration);
    expect(k3.champion).toBeLessThan(k1.champion);
    expect(k5.champion).toBeLessThan(k3.champion);
    expect(k5.perGeneration).toBeGreaterThan(0);
  }, 30_000);
});
