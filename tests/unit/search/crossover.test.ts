import { describe, expect, it } from 'vitest';
import { MAX_NODES, nodeCount } from '../../../src/core/pipeline/genome.ts';
import { validatePipeline } from '../../../src/core/pipeline/validate-pipeline.ts';
import { createRng } from '../../../src/core/random.ts';
import { crossover, type Crossed } from '../../../src/core/search/crossover.ts';
import { config, llama, node, pipeline, qwen, stage } from './fixtures.ts';

const options = { weakerStageRate: 0.3, limits: config.limits };

const fitter = pipeline([stage(1, { refiner: llama(0.1) }), stage(3), stage(5, { refiner: llama(0.5) })], node('llama3.2:3b', 'generator.plain', 0.3), 'fit');
const weaker = pipeline([stage(1, { refiner: qwen(0.1) }), stage(4, { refiner: qwen(0.4) }), stage(5, { refiner: qwen(0.5) })], node('gemma3:1b', 'generator.careful', 0.5), 'weak');

function many(n: number, seed: number, run: (rng: ReturnType<typeof createRng>) => Crossed): Crossed[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => run(rng));
}

describe('crossover aligned by innovation', () => {
  const children = many(4000, 1, (rng) => crossover(fitter, weaker, rng, 'child', options));

  it('takes matching stages whole from either parent, about half the time each', () => {
    for (const innovation of [1, 5]) {
      const holders = children.filter((c) => c.stageSources[innovation] !== undefined);
      const fromWeaker = holders.filter((c) => c.stageSources[innovation] === 'matching-weaker').length;
      expect(fromWeaker / holders.length).toBeGreaterThan(0.45);
      expect(fromWeaker / holders.length).toBeLessThan(0.55);
    }
    for (const c of children) {
      const s1 = c.pipeline.stages.find((s) => s.innovation === 1);
      expect(s1?.refiner).toEqual(c.stageSources[1] === 'matching-weaker' ? qwen(0.1) : llama(0.1));
    }
  });

  it("always keeps the fitter parent's own stages and takes the weaker's own with the weaker-stage rate", () => {
    const withStage3 = children.filter((c) => c.pipeline.stages.some((s) => s.innovation === 3));
    const withStage4 = children.filter((c) => c.stageSources[4] === 'weaker-only');
    // Stage 4 sorts before 5; with 4 stages the limit drops the last one, never stage 3.
    expect(withStage3).toHaveLength(children.length);
    expect(withStage4.length / children.length).toBeGreaterThan(0.27);
    expect(withStage4.length / children.length).toBeLessThan(0.33);
  });

  it('orders stages by innovation and cuts them to 3, as the study did', () => {
    for (const c of children) {
      const innovations = c.pipeline.stages.map((s) => s.innovation);
      expect(innovations).toEqual([...innovations].sort((a, b) => a - b));
      expect(innovations.length).toBeLessThanOrEqual(3);
      expect(innovations).toEqual(c.stageSources[4] ? [1, 3, 4] : [1, 3, 5]);
    }
  });

  it("takes the generator whole from either parent", () => {
    const fromWeaker = children.filter((c) => c.generatorFrom === 'weaker');
    expect(fromWeaker.length / children.length).toBeGreaterThan(0.45);
    expect(fromWeaker.length / children.length).toBeLessThan(0.55);
    for (const c of fromWeaker) expect(c.pipeline.generator).toEqual(weaker.generator);
  });

  it("never takes the weaker parent's own stages with rate 0 (classic NEAT)", () => {
    const classic = many(500, 2, (rng) => crossover(fitter, weaker, rng, 'child', { ...options, weakerStageRate: 0 }));
    for (const c of classic) expect(c.pipeline.stages.map((s) => s.innovation)).toEqual([1, 3, 5]);
  });

  it('keeps every child within 8 nodes, even when matching stages with analyzers come from the weaker parent', () => {
    const lean = pipeline([stage(1), stage(2), stage(3)]);
    const heavy = pipeline([stage(1, { analyzer: true }), stage(2, { analyzer: true }), stage(3, { analyzer: true })], node('gemma3:1b', 'generator.spec', 0.5), 'heavy');
    expect(nodeCount(lean)).toBe(7);
    const results = many(500, 3, (rng) => crossover(lean, heavy, rng, 'child', options));
    for (const c of results) {
      expect(nodeCount(c.pipeline)).toBeLessThanOrEqual(MAX_NODES);
      expect(c.pipeline.stages).toHaveLength(3);
      expect(validatePipeline(c.pipeline)).toMatchObject({ ok: true });
    }
    expect(results.some((c) => c.pipeline.stages.some((s) => s.analyzer))).toBe(true);
  });

  it('names the child with the given id and leaves both parents untouched', () => {
    const before = JSON.stringify([fitter, weaker]);
    const c = crossover(fitter, weaker, createRng(4), 'g2-1', options);
    expect(c.pipeline.id).toBe('g2-1');
    expect(validatePipeline(c.pipeline)).toMatchObject({ ok: true });
    expect(JSON.stringify([fitter, weaker])).toBe(before);
  });
});
