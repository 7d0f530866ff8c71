/** The time-left estimate of a running search, from synthetic timings: each evaluation takes 10 ms per node of its pipeline. */
import { describe, expect, it } from 'vitest';
import { nodeCount } from '../../../src/core/pipeline/genome.ts';
import { studySearchConfig, type SearchConfig } from '../../../src/core/search/search-config.ts';
import { ETA_MIN_EVALUATIONS, estimateSearchEta } from '../../../src/core/search/search-eta.ts';
import { addActiveTime, advanceGeneration, genomeById, initSearch, nextEvaluations, recordEvaluation } from '../../../src/core/search/search.ts';
import type { EvaluationRequest, SearchState } from '../../../src/core/search/search-state.ts';
import { problemIds } from './landscape.ts';

const MS_PER_NODE = 10;
const config = (overrides: Partial<SearchConfig> = {}) =>
  studySearchConfig(problemIds(164), { populationSize: 6, subsetSize: 4, budget: { maxGenerations: 3, maxWallMs: null, maxTokens: null }, ...overrides });
const cost = (state: SearchState, r: Pick<EvaluationRequest, 'genomeId'>) => MS_PER_NODE * nodeCount(genomeById(state, r.genomeId).pipeline);
const run = (state: SearchState, r: EvaluationRequest, i: number) =>
  addActiveTime(recordEvaluation(state, { key: r.key, passed: i % 3 === 0, tokens: 10, executions: 1 }), cost(state, r));
const generationMs = (state: SearchState) => nextEvaluations(state).reduce((ms, r) => ms + cost(state, r), 0);

describe('the time-left estimate of a search', () => {
  it('says nothing until enough evaluations have run, then gives exactly what this generation still needs when it is the last', () => {
    let state = initSearch(config({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } }), 3);
    const requests = nextEvaluations(state);
    requests.slice(0, ETA_MIN_EVALUATIONS - 1).forEach((r, i) => (state = run(state, r, i)));
    expect(estimateSearchEta(state)).toBeNull();
    state = run(state, requests[ETA_MIN_EVALUATIONS - 1]!, 0);
    const eta = estimateSearchEta(state);
    expect(eta?.msPerNode).toBeCloseTo(MS_PER_NODE);
    expect(eta?.remainingMs).toBeCloseTo(generationMs(state));
    expect(eta?.laterGenerations).toBe(0);
  });

  it('counts later generations at the current population’s size, grown by the trend, not at the average past generation', () => {
    let state = initSearch(config(), 5);
    nextEvaluations(state).forEach((r, i) => (state = run(state, r, i)));
    const firstMs = state.usage.activeMs;
    state = advanceGeneration(state);
    // The next generation bred larger pipelines: twice as many nodes each.
    const grown = structuredClone(state);
    for (const { id } of grown.population) {
      const p = grown.genomes[id]!.pipeline;
      p.stages = [...p.stages, ...p.stages.map((s) => ({ ...s, innovation: s.innovation + 100 }))];
    }
    const eta = estimateSearchEta(grown, grown.usage.activeMs)!;
    const thisGeneration = generationMs(grown);
    expect(thisGeneration).toBeGreaterThan(firstMs);
    // One later generation, at least as large as this one; an average per generation would say 2 × firstMs.
    expect(eta.laterGenerations).toBe(1);
    expect(eta.remainingMs).toBeGreaterThanOrEqual(2 * thisGeneration - 1e-6);
    expect(eta.remainingMs).toBeGreaterThan(2 * firstMs);
  });

  it('never says more than the wall-time budget leaves, never a negative time, and nothing once the search is over', () => {
    let state = initSearch(config({ budget: { maxGenerations: 20, maxWallMs: 200, maxTokens: null } }), 9);
    const requests = nextEvaluations(state);
    requests.slice(0, ETA_MIN_EVALUATIONS).forEach((r, i) => (state = recordEvaluation(state, { key: r.key, passed: i % 2 === 0, tokens: 1, executions: 1 })));
    state = { ...state, usage: { ...state.usage, activeMs: 150 } };
    expect(estimateSearchEta(state)).toMatchObject({ remainingMs: 50, cappedByWallTime: true });
    expect(estimateSearchEta(state, 400)?.remainingMs).toBe(0);
    expect(estimateSearchEta({ ...state, status: 'done' })).toBeNull();
    expect(estimateSearchEta(state, 0)).toBeNull();
  });

  it('says when the token budget will end the search first, and estimates to when it is spent rather than the full run', () => {
    // Each evaluation spends 10 tokens; a budget of 300 tokens lasts 30 evaluations of the 3 generations × 24.
    let state = initSearch(config({ budget: { maxGenerations: 3, maxWallMs: null, maxTokens: 300 } }), 4);
    nextEvaluations(state).slice(0, 12).forEach((r, i) => (state = run(state, r, i)));
    const unbounded = estimateSearchEta({ ...state, config: { ...state.config, budget: { ...state.config.budget, maxTokens: null } } })!;
    const eta = estimateSearchEta(state)!;
    expect(eta.cappedByTokens).toBe(true);
    expect(eta.cappedByWallTime).toBe(false);
    // 180 tokens left at 120 tokens per state.usage.activeMs: 1.5 × the time so far.
    expect(eta.remainingMs).toBeCloseTo(1.5 * state.usage.activeMs);
    expect(eta.remainingMs).toBeLessThan(unbounded.remainingMs);
    expect(unbounded.cappedByTokens).toBe(false);
    // A generous budget leaves the estimate alone.
    const generous = estimateSearchEta({ ...state, config: { ...state.config, budget: { ...state.config.budget, maxTokens: 1e9 } } })!;
    expect(generous).toMatchObject({ remainingMs: unbounded.remainingMs, cappedByTokens: false });
  });
});
