import { describe, expect, it } from 'vitest';
import { MAX_NODES, nodeCount, type RefinePipeline } from '../../../src/core/pipeline/genome.ts';
import { validatePipeline } from '../../../src/core/pipeline/validate-pipeline.ts';
import { createRng } from '../../../src/core/random.ts';
import { InnovationTracker } from '../../../src/core/search/innovation.ts';
import {
  addAnalyzer,
  addStage,
  adjustIterations,
  adjustTemperature,
  mutate,
  mutatePrompt,
  removeNode,
  swapModel,
  MUTATION_OPERATORS,
  type MutationName,
} from '../../../src/core/search/mutation.ts';
import { defaultPromptPools, STUDY_MUTATION_RATES, type MutationRates, type PromptPools } from '../../../src/core/search/search-config.ts';
import { initialPipeline } from '../../../src/core/search/search-genome.ts';
import { context, llama, node, pipeline, stage } from './fixtures.ts';

const NO_MUTATION: MutationRates = {
  addStage: 0,
  addAnalyzer: 0,
  removeNode: 0,
  swapModel: 0,
  mutatePrompt: 0,
  adjustTemperature: 0,
  adjustIterations: 0,
};

/** Within 4.5 standard errors of a binomial proportion: a seeded test, but no magic tolerance. */
function expectRate(hits: number, trials: number, p: number) {
  const se = Math.sqrt((p * (1 - p)) / trials);
  expect(Math.abs(hits / trials - p)).toBeLessThanOrEqual(4.5 * se + 1e-9);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function expectWithinLimits(p: RefinePipeline) {
  expect(validatePipeline(p)).toMatchObject({ ok: true });
  expect(p.stages.length).toBeGreaterThanOrEqual(1);
  expect(p.stages.length).toBeLessThanOrEqual(3);
  expect(nodeCount(p)).toBeLessThanOrEqual(MAX_NODES);
  for (const s of p.stages) {
    expect([1, 2, 3]).toContain(s.maxIterations);
  }
  for (const n of [p.generator, ...p.stages.flatMap((s) => (s.analyzer ? [s.analyzer, s.refiner] : [s.refiner]))]) {
    expect(n.temperature).toBeGreaterThanOrEqual(0.05);
    expect(n.temperature).toBeLessThanOrEqual(1.2);
    expect(context().modelPool).toContain(n.model);
  }
}

describe('mutate', () => {
  it('fires each operator independently at its configured rate (the study defaults)', () => {
    const rng = createRng(11);
    const ctx = context();
    const start = initialPipeline('p', rng, ctx);
    const trials = 20_000;
    const counts: Record<MutationName, number> = { ...NO_MUTATION };
    let both = 0;
    for (let i = 0; i < trials; i++) {
      const { fired } = mutate(start, rng, ctx, STUDY_MUTATION_RATES);
      for (const name of fired) counts[name]++;
      if (fired.includes('swapModel') && fired.includes('mutatePrompt')) both++;
    }
    for (const [name] of MUTATION_OPERATORS) expectRate(counts[name], trials, STUDY_MUTATION_RATES[name]);
    // Independent operators: both fire with the product of their rates.
    expectRate(both, trials, STUDY_MUTATION_RATES.swapModel * STUDY_MUTATION_RATES.mutatePrompt);
  });

  it('changes model, prompt and temperature on one node per mutation, as the study did', () => {
    const rng = createRng(5);
    const ctx = context();
    const config: MutationRates = { ...NO_MUTATION, swapModel: 1, mutatePrompt: 1, adjustTemperature: 1 };
    const start = pipeline([stage(1, { analyzer: true }), stage(2)]);
    const nodesOf = (p: RefinePipeline) => [p.generator, ...p.stages.flatMap((s) => (s.analyzer ? [s.analyzer, s.refiner] : [s.refiner]))];
    const touched = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const { pipeline: child, fired } = mutate(start, rng, ctx, config);
      expect(fired).toEqual(['swapModel', 'mutatePrompt', 'adjustTemperature']);
      const changed = nodesOf(child).flatMap((n, k) => (JSON.stringify(n) === JSON.stringify(nodesOf(start)[k]) ? [] : [k]));
      expect(changed.length).toBeLessThanOrEqual(1);
      for (const k of changed) touched.add(k);
    }
    // Every node can be the one: generator, analyzer, two refiners.
    expect([...touched].sort()).toEqual([0, 1, 2, 3]);
  });

  it('honours configured rates: 0 never fires, 1 always fires', () => {
    const rng = createRng(3);
    const ctx = context();
    const start = initialPipeline('p', rng, ctx);
    for (let i = 0; i < 200; i++) {
      const { fired } = mutate(start, rng, ctx, { ...NO_MUTATION, adjustTemperature: 1 });
      expect(fired).toEqual(['adjustTemperature']);
    }
  });

  it('changes the model of an offspring at the swap rate times the chance of drawing another model', () => {
    const rng = createRng(5);
    const ctx = context();
    const start = pipeline([stage(1)], node('llama3.2:3b', 'generator.plain', 0.3));
    const models = (p: RefinePipeline) => [p.generator.model, ...p.stages.map((s) => s.refiner.model)].join();
    let changed = 0;
    const trials = 20_000;
    for (let i = 0; i < trials; i++) {
      if (models(mutate(start, rng, ctx, { ...NO_MUTATION, swapModel: 0.25 }).pipeline) !== models(start)) changed++;
    }
    expectRate(changed, trials, 0.25 * (2 / 3));
  });

  // 2,400 validated mutations: seconds on a loaded machine, hence its own time limit.
  it('never breaks a limit or makes an invalid pipeline, over long chains of mutations at high rates', { timeout: 60_000 }, () => {
    const rng = createRng(2024);
    const ctx = context();
    const heavy: MutationRates = { addStage: 0.6, addAnalyzer: 0.6, removeNode: 0.3, swapModel: 0.5, mutatePrompt: 0.5, adjustTemperature: 0.9, adjustIterations: 0.5 };
    const seen = { three: 0, eight: 0, hot: 0 };
    for (let chain = 0; chain < 40; chain++) {
      let p = initialPipeline(`c${chain}`, rng, ctx);
      expectWithinLimits(p);
      for (let step = 0; step < 60; step++) {
        p = mutate(p, rng, ctx, heavy).pipeline;
        expectWithinLimits(p);
        if (p.stages.length === 3) seen.three++;
        if (nodeCount(p) === 8) seen.eight++;
        if ([p.generator, ...p.stages.flatMap((s) => (s.analyzer ? [s.analyzer, s.refiner] : [s.refiner]))].some((n) => n.temperature >= 0.9)) seen.hot++;
      }
    }
    // The chains did reach the limits, so the limits were really tested.
    expect(seen.three).toBeGreaterThan(0);
    expect(seen.eight).toBeGreaterThan(0);
    expect(seen.hot).toBeGreaterThan(0);
  });

  it('leaves its input untouched', () => {
    const rng = createRng(8);
    const ctx = context();
    const start = deepFreeze(pipeline([stage(1, { analyzer: true }), stage(2)]));
    const all: MutationRates = { addStage: 1, addAnalyzer: 1, removeNode: 1, swapModel: 1, mutatePrompt: 1, adjustTemperature: 1, adjustIterations: 1 };
    for (let i = 0; i < 100; i++) expect(() => mutate(start, rng, ctx, all)).not.toThrow();
  });
});

describe('add_stage', () => {
  it('appends a stage with a new innovation number, no analyzer and 1-2 iterations', () => {
    const ctx = context();
    const child = addStage(pipeline([stage(1)]), createRng(1), ctx);
    expect(child.stages).toHaveLength(2);
    const added = child.stages[1];
    expect(added?.innovation).toBe(2);
    expect(added?.analyzer).toBeNull();
    expect([1, 2]).toContain(added?.maxIterations);
    expect(ctx.promptPools.refiner).toContain((added?.refiner.prompt as { id: string }).id);
  });

  it('gives every appended stage a fresh innovation number, as the study’s code does, even the same event twice in a generation', () => {
    const innovations = new InnovationTracker();
    const ctx = context(innovations);
    const a = addStage(pipeline([stage(1)]), createRng(1), ctx);
    const b = addStage(pipeline([stage(1)], llama()), createRng(2), ctx);
    const elsewhere = addStage(pipeline([stage(1), stage(2)]), createRng(3), ctx);
    expect([a, b].map((p) => p.stages[1]?.innovation)).toEqual([2, 3]);
    expect(elsewhere.stages[2]?.innovation).toBe(4);
    expect(innovations.toJSON()).toEqual({ next: 5, thisGeneration: {} });
  });

  it('resumes the numbering of a search saved before fresh numbers, whatever that generation had handed out', () => {
    const innovations = new InnovationTracker({ next: 7, thisGeneration: { 'append-after:1': 6 } });
    const child = addStage(pipeline([stage(1)]), createRng(1), context(innovations));
    expect(child.stages[1]?.innovation).toBe(7);
  });

  it('is blocked at 3 stages and when two more nodes would pass 8', () => {
    const ctx = context();
    const full = pipeline([stage(1), stage(2), stage(3)]);
    expect(addStage(full, createRng(1), ctx)).toBe(full);
    const seven = pipeline([stage(1, { analyzer: true }), stage(2, { analyzer: true })]);
    expect(nodeCount(seven)).toBe(7);
    expect(addStage(seven, createRng(1), ctx)).toBe(seven);
  });
});

describe('add_analyzer', () => {
  it('gives an analyzer from the analyzer pool to a stage that has none', () => {
    const ctx = context();
    const child = addAnalyzer(pipeline([stage(1, { analyzer: true }), stage(2)]), createRng(1), ctx);
    expect(child.stages[1]?.analyzer).not.toBeNull();
    expect(ctx.promptPools.analyzer).toContain((child.stages[1]?.analyzer?.prompt as { id: string }).id);
    expect(child.stages[0]).toEqual(stage(1, { analyzer: true }));
  });

  it('is blocked when every stage has one or the pipeline has 8 nodes', () => {
    const ctx = context();
    const all = pipeline([stage(1, { analyzer: true })]);
    expect(addAnalyzer(all, createRng(1), ctx)).toBe(all);
    const atLimit = pipeline([stage(1, { analyzer: true }), stage(2), stage(3)]);
    expect(nodeCount(atLimit)).toBe(8);
    expect(addAnalyzer(atLimit, createRng(1), ctx)).toBe(atLimit);
  });
});

describe('remove_node', () => {
  it('removes an analyzer 60% of the time and the last stage 40% when both are possible', () => {
    const rng = createRng(9);
    const ctx = context();
    const start = pipeline([stage(1), stage(2, { analyzer: true })]);
    let analyzerRemoved = 0;
    const trials = 10_000;
    for (let i = 0; i < trials; i++) {
      const child = removeNode(start, rng, ctx);
      if (child.stages.length === 2) {
        expect(child.stages.every((s) => s.analyzer === null)).toBe(true);
        analyzerRemoved++;
      } else {
        expect(child.stages.map((s) => s.innovation)).toEqual([1]);
      }
    }
    expectRate(analyzerRemoved, trials, 0.6);
  });

  it('removes the analyzer of a single stage 60% of the time, as the study did, and never the last remaining stage', () => {
    const ctx = context();
    const rng = createRng(3);
    const lone = pipeline([stage(1, { analyzer: true })]);
    let removed = 0;
    const trials = 10_000;
    for (let i = 0; i < trials; i++) {
      const child = removeNode(lone, rng, ctx);
      expect(child.stages).toHaveLength(1);
      if (child.stages[0]?.analyzer === null) removed++;
      else expect(child).toBe(lone);
    }
    expectRate(removed, trials, 0.6);
    const bare = pipeline([stage(1)]);
    expect(removeNode(bare, createRng(1), ctx)).toBe(bare);
  });

  it('drops the last stage when no stage has an analyzer', () => {
    const child = removeNode(pipeline([stage(1), stage(4)]), createRng(1), context());
    expect(child.stages.map((s) => s.innovation)).toEqual([1]);
  });
});

describe('configuration operators', () => {
  it('swap_model reassigns one node to a model of the pool', () => {
    const rng = createRng(4);
    const ctx = context();
    const start = pipeline([stage(1, { analyzer: true })]);
    for (let i = 0; i < 300; i++) {
      const child = swapModel(start, rng, ctx);
      const before = [start.generator, start.stages[0]?.analyzer, start.stages[0]?.refiner].map((n) => n?.model);
      const after = [child.generator, child.stages[0]?.analyzer, child.stages[0]?.refiner].map((n) => n?.model);
      expect(before.filter((m, j) => m !== after[j]).length).toBeLessThanOrEqual(1);
      for (const m of after) expect(ctx.modelPool).toContain(m);
    }
  });

  it("mutate_prompt draws from the pool of the chosen node's role", () => {
    const rng = createRng(6);
    const ctx = context();
    const start = pipeline([stage(1, { analyzer: true, refiner: node('llama3.2:3b', 'refiner.read-error', 0.2) })]);
    const roles = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const child = mutatePrompt(start, rng, ctx);
      const id = (n: { prompt: unknown }) => (n.prompt as { id: string }).id;
      const s = child.stages[0];
      expect(ctx.promptPools.generator).toContain(id(child.generator));
      expect(ctx.promptPools.analyzer).toContain(id(s?.analyzer as { prompt: unknown }));
      expect(ctx.promptPools.refiner).toContain(id(s?.refiner as { prompt: unknown }));
      if (id(child.generator) !== id(start.generator)) roles.add('generator');
      if (id(s?.refiner as { prompt: unknown }) !== 'refiner.read-error') roles.add('refiner');
      if (id(s?.analyzer as { prompt: unknown }) !== 'analyzer.diagnose') roles.add('analyzer');
    }
    expect([...roles].sort()).toEqual(['analyzer', 'generator', 'refiner']);
  });

  it('changes a prompt as often as the study did with the default pools (0.30 × 2/3 = 0.20, 0.30 × 1/2 = 0.15), more often with every built-in prompt', () => {
    // The share of mutate_prompt's draws on a role's node that give it another prompt: (pool − 1) / pool.
    const changedShare = (pools: PromptPools, role: 'generator' | 'analyzer' | 'refiner') => {
      const rng = createRng(31);
      const ctx = { ...context(), promptPools: pools };
      const start = pipeline([stage(1, { analyzer: true, refiner: node('llama3.2:3b', pools.refiner[0] as string, 0.2) })], node('qwen2.5:1.5b', pools.generator[0] as string, 0.3));
      const promptOf = (p: RefinePipeline) => JSON.stringify((role === 'generator' ? p.generator : role === 'analyzer' ? p.stages[0]?.analyzer : p.stages[0]?.refiner)?.prompt);
      let changed = 0;
      const draws = 30_000;
      for (let i = 0; i < draws; i++) if (promptOf(mutatePrompt(start, rng, ctx)) !== promptOf(start)) changed++;
      // mutate_prompt picks one of the three nodes.
      return (3 * changed) / draws;
    };
    const near = (value: number, expected: number) => expect(Math.abs(value - expected)).toBeLessThan(0.02);
    const study = defaultPromptPools();
    expect(study.analyzer).toContain('analyzer.diagnose');
    near(changedShare(study, 'generator'), 2 / 3);
    near(changedShare(study, 'refiner'), 2 / 3);
    near(changedShare(study, 'analyzer'), 1 / 2);
    const every = defaultPromptPools(undefined, 'every-built-in');
    near(changedShare(every, 'generator'), 4 / 5);
    near(changedShare(every, 'analyzer'), 2 / 3);
  });

  it('adjust_temperature jitters by about σ = 0.08 and clips to 0.05-1.2, two decimals', () => {
    const rng = createRng(12);
    const ctx = context();
    const deltas: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const child = adjustTemperature(pipeline([stage(1, { refiner: llama(0.6) })], node('llama3.2:3b', 'generator.plain', 0.6)), rng, ctx);
      const t = [child.generator.temperature, child.stages[0]?.refiner.temperature as number];
      deltas.push(...t.map((x) => x - 0.6).filter((d) => d !== 0));
      for (const x of t) expect(Math.round(x * 100) / 100).toBe(x);
    }
    const sd = Math.sqrt(deltas.reduce((a, d) => a + d * d, 0) / deltas.length);
    expect(sd).toBeGreaterThan(0.07);
    expect(sd).toBeLessThan(0.09);
    for (const [start, bound] of [[1.19, 1.2], [0.06, 0.05]] as const) {
      for (let i = 0; i < 500; i++) {
        const child = adjustTemperature(pipeline([stage(1, { refiner: llama(start) })], node('llama3.2:3b', 'generator.plain', start)), rng, ctx);
        const t = [child.generator.temperature, child.stages[0]?.refiner.temperature as number];
        for (const x of t) expect(start > 1 ? x <= bound : x >= bound).toBe(true);
      }
    }
  });

  it('adjust_iterations moves one stage by one, down 60% of the time, within 1-3', () => {
    const rng = createRng(13);
    const ctx = context();
    let down = 0;
    const trials = 10_000;
    for (let i = 0; i < trials; i++) {
      const child = adjustIterations(pipeline([stage(1, { iterations: 2 })]), rng, ctx);
      if (child.stages[0]?.maxIterations === 1) down++;
      else expect(child.stages[0]?.maxIterations).toBe(3);
    }
    expectRate(down, trials, 0.6);
    for (let i = 0; i < 200; i++) {
      expect(adjustIterations(pipeline([stage(1, { iterations: 1 })]), rng, ctx).stages[0]?.maxIterations).toBeGreaterThanOrEqual(1);
      expect(adjustIterations(pipeline([stage(1, { iterations: 3 })]), rng, ctx).stages[0]?.maxIterations).toBeLessThanOrEqual(3);
    }
  });
});
