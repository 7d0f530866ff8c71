import { describe, expect, it } from 'vitest';
import { validatePipeline } from '../../../src/core/pipeline/validate-pipeline.ts';
import { sampleSd } from '../../../src/core/stats/summary.ts';
import { difficultyOrder, stratifiedSubset } from '../../../src/core/search/fitness.ts';
import { studySearchConfig, type SearchConfig } from '../../../src/core/search/search-config.ts';
import {
  addActiveTime,
  advanceGeneration,
  budgetsSpent,
  carryOnBudget,
  genomeById,
  initSearch,
  lineage,
  missingEvaluations,
  nextEvaluations,
  recordCutShort,
  recordEvaluation,
  recordEvaluations,
  withBudget,
} from '../../../src/core/search/search.ts';
import { readSearchState, type EvaluationRequest, type SearchState } from '../../../src/core/search/search-state.ts';
import { drive, noisyEvaluator, problemIds } from './landscape.ts';

const problems = problemIds(164);
const config = (overrides: Partial<SearchConfig> = {}) =>
  studySearchConfig(problems, { budget: { maxGenerations: 3, maxWallMs: null, maxTokens: null }, ...overrides });
const passes = noisyEvaluator(42);
const roundTrip = (state: SearchState): SearchState => JSON.parse(JSON.stringify(state)) as SearchState;
const evaluate = (state: SearchState, requests: EvaluationRequest[]) =>
  recordEvaluations(state, requests.map((r) => ({ key: r.key, passed: passes(r), tokens: 100, executions: 2 })));

describe('initSearch', () => {
  const state = initSearch(config(), 7);

  it('starts 20 valid generator → exec → refiner genomes on a 25-problem subset', () => {
    expect(state.population.map((g) => g.id)).toEqual(Array.from({ length: 20 }, (_, i) => `g0-${i + 1}`));
    for (const { id } of state.population) {
      const p = genomeById(state, id).pipeline;
      expect(validatePipeline(p)).toMatchObject({ ok: true });
      expect(p.stages).toHaveLength(1);
      expect(p.stages[0]?.innovation).toBe(1);
    }
    expect(state.subset).toHaveLength(25);
    expect(new Set(state.subset).size).toBe(25);
    expect(state.status).toBe('evaluating');
  });

  it('is plain JSON, and a saved copy reads back', () => {
    expect(roundTrip(state)).toEqual(state);
    expect(readSearchState(roundTrip(state))).toEqual(state);
  });

  it('refuses a saved search from a newer app or with damaged fields, saying so', () => {
    expect(() => readSearchState({ ...roundTrip(state), version: 99 })).toThrow(/newer Feedback Lab/);
    expect(() => readSearchState({ ...roundTrip(state), population: 'x', rngState: null })).toThrow(/population: expected a list.*rngState|rngState.*population/);
    expect(() => readSearchState({ ...roundTrip(state), genomes: {} })).toThrow(/population\[0\]\.id: no genome "g0-1" in the state/);
  });

  it('refuses a state whose inner fields are not what the pages read: a champion named after Object.prototype, a history entry without its numbers (audits R215-2, R215-5)', () => {
    const ran = drive(initSearch(config({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } }), 8), noisyEvaluator(8));
    const saved = roundTrip(ran) as unknown as Record<string, unknown> & { champion: Record<string, unknown>; history: unknown[] };
    expect(readSearchState(saved)).toEqual(ran);
    expect(() => readSearchState({ ...saved, champion: { ...saved.champion, genomeId: 'constructor' } })).toThrow(/champion\.genomeId: no genome "constructor" in the state/);
    expect(() => readSearchState({ ...saved, history: [{ generation: 0 }] })).toThrow(/history\[0\]\.subset: expected a list/);
    expect(() => readSearchState({ ...saved, history: [{ ...(saved.history[0] as object), tokens: '12' }] })).toThrow(/history\[0\]\.tokens: expected a number/);
  });

  it('keeps to limits other than the study’s from the first generation on (at least 2 stages; a node limit with no room for a stage)', () => {
    const heavy = { addStage: 0.5, addAnalyzer: 0.5, removeNode: 0.5, swapModel: 0.3, mutatePrompt: 0.3, adjustTemperature: 0.3, adjustIterations: 0.3 };
    for (const limits of [
      { minStages: 2, maxStages: 3, maxNodes: 8 },
      { minStages: 3, maxStages: 3, maxNodes: 8 },
      { minStages: 0, maxStages: 2, maxNodes: 2 },
    ]) {
      const start = initSearch(config({ limits, mutationRates: heavy }), 5);
      const first = start.population.map(({ id }) => genomeById(start, id).pipeline);
      const wanted = limits.maxNodes < 3 ? 0 : limits.minStages;
      for (const p of first) expect(p.stages.map((s) => s.innovation), JSON.stringify(limits)).toEqual(Array.from({ length: wanted }, (_, i) => i + 1));
      // Stages added later must not take a number the first stages already carry.
      expect(start.innovations.next).toBe(Math.max(2, wanted + 1));
      const end = drive(start, passes);
      for (const { pipeline } of Object.values(end.genomes)) {
        expect(pipeline.stages.length, JSON.stringify(limits)).toBeGreaterThanOrEqual(limits.minStages);
        expect(pipeline.stages.length).toBeLessThanOrEqual(limits.maxStages);
        expect(1 + pipeline.stages.reduce((n, s) => n + 2 + (s.analyzer ? 1 : 0), 0)).toBeLessThanOrEqual(limits.maxNodes);
        expect(new Set(pipeline.stages.map((s) => s.innovation)).size).toBe(pipeline.stages.length);
      }
    }
  });

  it('carries on a search saved with first genomes outside its limits, as earlier versions made them', () => {
    const limits = { minStages: 2, maxStages: 3, maxNodes: 8 };
    const saved = roundTrip(initSearch(config(), 5));
    const legacy: SearchState = { ...saved, config: { ...saved.config, limits }, innovations: { next: 2, thisGeneration: {} } };
    expect(genomeById(legacy, 'g0-1').pipeline.stages).toHaveLength(1);
    expect(drive(readSearchState(roundTrip(legacy)), passes)).toMatchObject({ status: 'done', stopReason: 'generations' });
  });

  it('refuses a config it cannot run, saying what is wrong', () => {
    expect(() => initSearch(config({ eliteCount: 20 }), 1)).toThrow(/eliteCount/);
    expect(() => initSearch(config({ problemIds: [] }), 1)).toThrow(/at least one problem/);
  });
});

describe('the threshold rule', () => {
  const withRule = (thresholdRule: 'band' | 'collapse', initialThreshold: number) => {
    const base = studySearchConfig(problems).speciation;
    return config({ speciation: { ...base, thresholdRule, initialThreshold }, budget: { maxGenerations: 6, maxWallMs: null, maxTokens: null } });
  };

  it('collapse (the released code): a population left in one species from the third generation has its threshold cut by 0.6', () => {
    // A threshold so wide that every genome shares one species until it has been cut a few times.
    const done = drive(initSearch(withRule('collapse', 40), 11), passes);
    const used = done.history.map((g) => g.threshold);
    expect(used.slice(0, 3)).toEqual([40, 40, 24]);
    expect(done.history[1]?.speciesSizes).toHaveLength(1);
    used.slice(1).forEach((t, i) => expect([used[i], used[i]! * 0.6]).toContainEqual(t));
    expect(done.threshold).toBe(used.at(-1));
    expect(readSearchState(roundTrip(done)).config.speciation.thresholdRule).toBe('collapse');
  });

  it('band (the paper) steps the same wide threshold down by 0.3 a generation instead', () => {
    const done = drive(initSearch(withRule('band', 40), 11), passes);
    expect(done.history.map((g) => g.threshold)).toEqual([40, 39.7, 39.4, 39.1, 38.8, 38.5]);
  });

  it('refuses a saved search whose rule it does not know', () => {
    const saved = roundTrip(initSearch(config(), 1));
    const speciation = { ...saved.config.speciation, thresholdRule: 'sometimes' } as unknown as SearchConfig['speciation'];
    expect(() => readSearchState({ ...saved, config: { ...saved.config, speciation } })).toThrow(/thresholdRule: expected "band" or "collapse"/);
  });
});

describe('evaluations of a generation', () => {
  it('asks for every genome on every subset problem, k times each', () => {
    const state = initSearch(config({ evaluationsPerGenome: 3 }), 1);
    const requests = nextEvaluations(state);
    expect(requests).toHaveLength(20 * 25 * 3);
    expect(new Set(requests.map((r) => r.key)).size).toBe(requests.length);
    expect(new Set(requests.map((r) => r.evaluationIndex))).toEqual(new Set([0, 1, 2]));
  });

  it('does not ask again for what is recorded, and keeps the first result of a repeated write', () => {
    const state = initSearch(config(), 1);
    const [first, second] = nextEvaluations(state) as [EvaluationRequest, EvaluationRequest];
    const once = recordEvaluation(state, { key: first.key, passed: true, tokens: 10 });
    const twice = recordEvaluation(once, { key: first.key, passed: false, tokens: 10 });
    expect(twice).toEqual(once);
    expect(twice.evaluations[first.key]?.passed).toBe(true);
    expect(twice.usage.tokens).toBe(10);
    expect(nextEvaluations(twice).map((r) => r.key)).not.toContain(first.key);
    expect(nextEvaluations(twice)[0]?.key).toBe(second.key);
  });

  it('rejects a result that belongs to no request of this generation', () => {
    const state = initSearch(config(), 1);
    expect(() => recordEvaluation(state, { key: '0|g0-99|0|P1', passed: true, tokens: 0 })).toThrow(/does not belong/);
    expect(() => recordEvaluation(state, { key: 'nonsense', passed: true, tokens: 0 })).toThrow(/does not belong/);
  });

  it('runs every node at the evaluation temperature when one is set, leaving the genomes as they are', () => {
    const state = initSearch(config({ evaluationTemperature: 0 }), 1);
    for (const r of nextEvaluations(state).slice(0, 25 * 3)) {
      const nodes = [r.pipeline.generator, ...r.pipeline.stages.flatMap((s) => (s.analyzer ? [s.analyzer, s.refiner] : [s.refiner]))];
      for (const n of nodes) expect(n.temperature).toBe(0);
      expect(genomeById(state, r.genomeId).pipeline.generator.temperature).toBeGreaterThan(0);
    }
  });

  it('will not advance while evaluations are missing', () => {
    const state = initSearch(config(), 1);
    const requests = nextEvaluations(state);
    expect(() => advanceGeneration(evaluate(state, requests.slice(1)))).toThrow(/1 evaluation/);
  });
});

describe('advanceGeneration', () => {
  const start = initSearch(config(), 3);
  const evaluated = evaluate(start, nextEvaluations(start));
  const next = advanceGeneration(evaluated);
  const stats = next.history[0];

  it('reports best, mean ± SD of fitness, species sizes, the champion and the cost of the generation', () => {
    const fitness = stats?.scores.map((s) => s.fitness) ?? [];
    expect(fitness).toHaveLength(20);
    expect(stats?.best).toBe(Math.max(...fitness));
    expect(stats?.mean).toBeCloseTo(fitness.reduce((a, b) => a + b, 0) / 20, 12);
    expect(stats?.sd).toBeCloseTo(sampleSd(fitness), 12);
    expect(stats?.speciesSizes.reduce((a, s) => a + s.size, 0)).toBe(20);
    expect(stats?.championFitness).toBe(stats?.best);
    expect(stats?.championParents).toEqual([]);
    expect(stats?.tokens).toBe(20 * 25 * 100);
    expect(stats?.evaluations).toBe(500);
    for (const s of stats?.scores ?? []) {
      expect(s.fitness).toBeCloseTo(Math.max(0, s.passRate - 0.02 * s.nodes), 12);
      expect(s.iterations).toBe(2);
    }
  });

  it('keeps the two best genomes unchanged (elitism) and breeds 18 new, valid ones', () => {
    const ranked = [...(stats?.scores ?? [])].sort((a, b) => b.fitness - a.fitness);
    const elites = next.population.filter((g) => g.origin === 'elite').map((g) => g.id);
    expect(elites).toEqual(ranked.slice(0, 2).map((s) => s.id));
    for (const id of elites) expect(genomeById(next, id)).toEqual(genomeById(evaluated, id));
    const children = next.population.filter((g) => g.origin !== 'elite');
    expect(children).toHaveLength(18);
    for (const { id } of children) {
      const g = genomeById(next, id);
      expect(g.bornIn).toBe(1);
      expect(g.parents.length).toBeGreaterThanOrEqual(1);
      for (const parent of g.parents) expect(evaluated.population.map((p) => p.id)).toContain(parent);
      expect(validatePipeline(g.pipeline)).toMatchObject({ ok: true });
    }
  });

  it('moves on to the next subset and an empty evaluation table', () => {
    expect(next.generation).toBe(1);
    expect(next.subset).not.toEqual(evaluated.subset);
    expect(next.evaluations).toEqual({});
    expect(nextEvaluations(next)).toHaveLength(500);
  });

  it('follows the stratified layout when given difficulty ranks from an earlier study', () => {
    const passRates = Object.fromEntries(problems.map((id, i) => [id, (i % 10) / 10]));
    let state = initSearch(config({ subset: { kind: 'stratified', passRates } }), 1);
    const ranked = difficultyOrder(problems, passRates);
    for (let g = 0; g < 3; g++) {
      expect(state.subset).toEqual(stratifiedSubset(ranked, g, 25));
      state = evaluate(state, nextEvaluations(state));
      if (g < 2) state = advanceGeneration(state);
    }
  });
});

describe('determinism and resume', () => {
  it('replays exactly: the same seed and the same results give the same search', () => {
    const a = drive(initSearch(config(), 11), noisyEvaluator(5));
    const b = drive(initSearch(config(), 11), noisyEvaluator(5));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const other = drive(initSearch(config(), 12), noisyEvaluator(5));
    expect(JSON.stringify(other.history)).not.toBe(JSON.stringify(a.history));
  });

  it('resumes after a reload mid-generation without re-running finished evaluations', () => {
    const uninterrupted = drive(initSearch(config(), 21), noisyEvaluator(9));
    const evaluator = noisyEvaluator(9);
    let calls = 0;
    const counted = (r: EvaluationRequest) => {
      calls++;
      return evaluator(r);
    };
    let state = initSearch(config(), 21);
    let reloads = 0;
    while (state.status === 'evaluating') {
      const requests = nextEvaluations(state);
      // Do part of the generation, then "reload": only the JSON survives.
      const part = requests.slice(0, 180);
      state = recordEvaluations(state, part.map((r) => ({ key: r.key, passed: counted(r), tokens: 100, executions: 1 })));
      state = roundTrip(state);
      reloads++;
      if (nextEvaluations(state).length === 0) state = roundTrip(advanceGeneration(state));
    }
    expect(reloads).toBeGreaterThan(3);
    expect(calls).toBe(3 * 20 * 25);
    expect(JSON.stringify(state)).toBe(JSON.stringify(uninterrupted));
  });
});

describe('budget', () => {
  it('stops after the maximum number of generations, with the best genome ever as champion', () => {
    const end = drive(initSearch(config(), 2), noisyEvaluator(2));
    expect(end).toMatchObject({ status: 'done', stopReason: 'generations' });
    expect(end.history).toHaveLength(3);
    expect(nextEvaluations(end)).toEqual([]);
    expect(end.champion?.fitness).toBe(Math.max(...end.history.map((h) => h.best)));
  });

  it('stops mid-generation when the token budget is spent, keeping finished generations', () => {
    const end = drive(initSearch(config({ budget: { maxGenerations: 10, maxWallMs: null, maxTokens: 75_000 } }), 2), noisyEvaluator(2));
    expect(end).toMatchObject({ status: 'done', stopReason: 'tokens', generation: 1 });
    expect(end.history).toHaveLength(1);
    // The budget ran out 250 evaluations into generation 1; the test's runner had already run the
    // rest of that batch, which is counted and kept, but not scored.
    expect(end.usage.tokens).toBe(100_000);
    expect(end.history).toHaveLength(1);
    expect(end.champion?.generation).toBe(0);
  });

  it('counts what a cut-short run spent at once, against the budget, and in its evaluation once that is recorded, never twice', () => {
    const start = initSearch(config({ budget: { maxGenerations: 3, maxWallMs: null, maxTokens: 1_000 } }), 4);
    const [a, b] = nextEvaluations(start);
    if (!a || !b) throw new Error('expected requests');
    const cut = recordCutShort(start, { key: `cut0|${a.key}`, evaluation: a.key, tokens: 300 });
    expect(cut.usage).toMatchObject({ tokens: 300, evaluations: 0 });
    expect(recordCutShort(cut, { key: `cut0|${a.key}`, evaluation: a.key, tokens: 300 })).toBe(cut);
    const twice = recordCutShort(cut, { key: `cut1|${a.key}`, evaluation: a.key, tokens: 200 });
    const done = recordEvaluation(twice, { key: a.key, passed: true, tokens: 100 });
    expect(done.usage).toMatchObject({ tokens: 600, evaluations: 1 });
    expect(done.evaluations[a.key]?.tokens).toBe(600);
    // Nothing left pending: the state reads as one where the evaluation ran straight through.
    expect(done.cutShort).toBeUndefined();
    expect(recordCutShort(done, { key: `cut2|${a.key}`, evaluation: a.key, tokens: 50 })).toBe(done);
    // Over the token budget on what cut-short runs spent alone.
    const over = recordCutShort(done, { key: `cut0|${b.key}`, evaluation: b.key, tokens: 500 });
    expect(over).toMatchObject({ status: 'done', stopReason: 'tokens' });
    expect(readSearchState(roundTrip(over)).cutShort).toEqual({ [`cut0|${b.key}`]: { evaluation: b.key, tokens: 500 } });
    expect(() => recordCutShort(start, { key: 'cut0|9|g9-1|0|HumanEval/1', evaluation: '9|g9-1|0|HumanEval/1', tokens: 1 })).toThrow(/does not belong/);
  });

  it('keeps results still in flight after a stop, and carries on under a larger budget without re-running them', () => {
    const state = initSearch(config({ budget: { maxGenerations: 10, maxWallMs: null, maxTokens: 150 } }), 2);
    const [a, b, c] = nextEvaluations(state) as [EvaluationRequest, EvaluationRequest, EvaluationRequest];
    const stopped = recordEvaluations(state, [a, b].map((r) => ({ key: r.key, passed: true, tokens: 100 })));
    expect(stopped).toMatchObject({ status: 'done', stopReason: 'tokens' });
    expect(nextEvaluations(stopped)).toEqual([]);
    const late = recordEvaluation(stopped, { key: c.key, passed: true, tokens: 100 });
    expect(late.usage.tokens).toBe(300);
    const resumed = withBudget(late, { maxGenerations: 10, maxWallMs: null, maxTokens: 1_000_000 });
    expect(resumed).toMatchObject({ status: 'evaluating', stopReason: null });
    expect(nextEvaluations(resumed).map((r) => r.key)).not.toContain(c.key);
    expect(nextEvaluations(resumed)).toHaveLength(500 - 3);
  });

  it('carries on after its last generation when given more generations, and stops a running search under a spent budget', () => {
    const short = drive(initSearch(config({ budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } }), 8), noisyEvaluator(8));
    const extended = drive(withBudget(short, { maxGenerations: 3, maxWallMs: null, maxTokens: null }), noisyEvaluator(8));
    const straight = drive(initSearch(config(), 8), noisyEvaluator(8));
    expect(extended.history).toHaveLength(3);
    expect(JSON.stringify(extended.history)).toBe(JSON.stringify(straight.history));
    const running = initSearch(config(), 8);
    expect(withBudget(running, { maxGenerations: 3, maxWallMs: null, maxTokens: null }).status).toBe('evaluating');
    const spent = addActiveTime(running, 5_000);
    expect(withBudget(spent, { maxGenerations: 3, maxWallMs: 1_000, maxTokens: null })).toMatchObject({ status: 'done', stopReason: 'wall-time' });
  });

  it('carries on with one click when two budgets are spent: every spent one is lifted (audit R207-5)', () => {
    // Two generations under a token budget the second one spends: both budgets end the search.
    const short = drive(initSearch(config({ budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } }), 8), noisyEvaluator(8));
    const both = withBudget(short, { maxGenerations: 2, maxWallMs: null, maxTokens: short.usage.tokens });
    expect(both).toMatchObject({ status: 'done', stopReason: 'generations' });
    expect(budgetsSpent(both)).toEqual(['generations', 'tokens']);
    const budget = carryOnBudget(both, 3);
    expect(budget).toEqual({ maxGenerations: 5, maxWallMs: null, maxTokens: null });
    expect(withBudget(both, budget)).toMatchObject({ status: 'evaluating', stopReason: null });
    // One spent: only that one changes.
    const wall = { ...both, config: { ...both.config, budget: { maxGenerations: 9, maxWallMs: 1, maxTokens: 10 ** 9 } }, stopReason: 'wall-time' as const };
    expect(carryOnBudget(wall, 3)).toEqual({ maxGenerations: 9, maxWallMs: null, maxTokens: 10 ** 9 });
  });

  it('still scores a generation whose last evaluation spent the budget', () => {
    const state = initSearch(config({ budget: { maxGenerations: 10, maxWallMs: null, maxTokens: 500 * 100 } }), 2);
    const stopped = evaluate(state, nextEvaluations(state));
    expect(stopped).toMatchObject({ status: 'done', stopReason: 'tokens' });
    expect(missingEvaluations(stopped)).toBe(0);
    const scored = advanceGeneration(stopped);
    expect(scored).toMatchObject({ status: 'done', stopReason: 'tokens' });
    expect(scored.history).toHaveLength(1);
    expect(scored.champion?.generation).toBe(0);
    expect(() => advanceGeneration(scored)).toThrow(/finished/);
  });

  it('stops when the active time reported by the runner passes the wall-time budget', () => {
    let state = initSearch(config({ budget: { maxGenerations: 10, maxWallMs: 60_000, maxTokens: null } }), 2);
    state = addActiveTime(state, 59_000);
    expect(state.status).toBe('evaluating');
    state = addActiveTime(state, 1_000);
    expect(state).toMatchObject({ status: 'done', stopReason: 'wall-time' });
  });
});

describe('lineage', () => {
  it("traces the champion's ancestors back to the first generation", () => {
    const end = drive(initSearch(config({ budget: { maxGenerations: 6, maxWallMs: null, maxTokens: null } }), 4), noisyEvaluator(4));
    const last = end.history.at(-1);
    const champion = genomeById(end, last?.championId as string);
    expect(last?.championParents).toEqual(champion.parents);
    const ancestors = lineage(end, champion.id);
    if (champion.bornIn > 0) {
      expect(ancestors.length).toBeGreaterThan(0);
      expect(ancestors.some((g) => g.bornIn === 0)).toBe(true);
    }
    for (const a of ancestors) expect(a.bornIn).toBeLessThan(champion.bornIn);
  });
});
