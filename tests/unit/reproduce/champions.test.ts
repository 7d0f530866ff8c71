import { describe, expect, it } from 'vitest';
import {
  championIterations,
  championNodeCount,
  championRunName,
  impliedSearchPasses,
  readChampion,
} from '../../../src/core/reproduce/champions.ts';
import { loadReleasedStudy, readStudyJson } from '../../support/study-results.ts';

describe('NEAT champion files', () => {
  it('names runs after their files', () => {
    expect(championRunName('neat_runs/temp0_champion.json')).toBe('temp0');
  });

  it('reads the three completed runs with their search-time fitness and iterations', async () => {
    const { champions } = await loadReleasedStudy();
    expect(champions.map((c) => [c.run, c.fitness, championIterations(c)])).toEqual([
      ['temp0', expect.closeTo(0.66, 12), 1],
      ['v2', expect.closeTo(0.82, 12), 2],
      ['v3', expect.closeTo(0.76, 12), 3],
    ]);
  });

  it('recovers the search-subset passes behind the fitness (the paper: v2 22/25, v3 21/25)', async () => {
    const { champions } = await loadReleasedStudy();
    // v2: gen + exec + ref = 3 nodes → (0.82 + 0.06) · 25 = 22
    // v3: gen + exec + ana + ref = 4 nodes → (0.76 + 0.08) · 25 = 21
    // temp0: 3 nodes → (0.66 + 0.06) · 25 = 18
    expect(champions.map((c) => [c.run, championNodeCount(c), impliedSearchPasses(c)])).toEqual([
      ['temp0', 3, 18],
      ['v2', 3, 22],
      ['v3', 4, 21],
    ]);
  });

  it('keeps the analyzer of v3 and the refiner prompts verbatim', async () => {
    const v3 = readChampion(await readStudyJson('neat_runs/v3_champion.json'), 'v3_champion.json');
    expect(v3.generator.model).toBe('qwen2.5:1.5b');
    expect(v3.stages[0]?.analyzer?.model).toBe('llama3.2:3b');
    expect(v3.stages[0]?.refiner.systemPrompt).toMatch(/^You are fixing a broken Python function/);
  });

  it('says which file and field is wrong', () => {
    expect(() => readChampion({ fitness: 0.5, genome: { stages: [] } }, 'x_champion.json')).toThrow(
      /neat_runs\/x_champion\.json: genome\.total_iterations should be a number, found undefined/,
    );
  });
});
