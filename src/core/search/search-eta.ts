/**
 * How long a running search still needs, estimated honestly. An average per generation lies:
 * later generations breed larger pipelines (more model calls and more code runs per evaluation),
 * so a generation takes longer than the last (13 s, then 21 s in one run). The estimate is made
 * per pipeline node instead: the active time so far divided by the nodes evaluated so far (an
 * evaluation of a genome with n nodes counts n), times the nodes still to evaluate — the rest of
 * this generation exactly (its genomes are known), and every later generation at the current
 * population's mean size grown by the trend seen so far.
 */
import { nodeCount } from '../pipeline/genome.ts';
import { evaluationKey, parseEvaluationKey, type SearchState } from './search-state.ts';

/** Evaluations recorded before an estimate means something (the first few finish together). */
export const ETA_MIN_EVALUATIONS = 10;

export interface SearchEta {
  /** Active milliseconds still needed, ≥ 0. */
  remainingMs: number;
  /** Active milliseconds per evaluated node, as measured so far. */
  msPerNode: number;
  /** Generations after this one the estimate counts. */
  laterGenerations: number;
  /** Whether the wall-time budget, not the generations, bounds the estimate. */
  cappedByWallTime: boolean;
  /** Whether the token budget, spent at the rate seen so far, runs out before the generations do. */
  cappedByTokens: boolean;
}

function genomeNodes(state: SearchState, genomeId: string): number {
  const genome = state.genomes[genomeId];
  return genome ? nodeCount(genome.pipeline) : 1;
}

function meanPopulationNodes(state: SearchState): number {
  if (state.population.length === 0) return 1;
  return state.population.reduce((n, g) => n + genomeNodes(state, g.id), 0) / state.population.length;
}

/**
 * The estimate, or null while too little has run (or the search is over). `activeMs` is the
 * search's active time now, which may be later than `state.usage.activeMs`.
 */
export function estimateSearchEta(state: SearchState, activeMs: number = state.usage.activeMs): SearchEta | null {
  if (state.status === 'done') return null;
  const { config } = state;

  // Nodes evaluated: every scored generation in full, and this generation's recorded evaluations.
  let nodesDone = 0;
  for (const h of state.history) nodesDone += h.scores.reduce((n, s) => n + s.nodes, 0) * config.evaluationsPerGenome * h.subset.length;
  for (const key of Object.keys(state.evaluations)) {
    const parts = parseEvaluationKey(key);
    nodesDone += parts ? genomeNodes(state, parts.genomeId) : 1;
  }
  const enough = state.history.length > 0 || Object.keys(state.evaluations).length >= ETA_MIN_EVALUATIONS;
  if (!enough || nodesDone === 0 || !(activeMs > 0)) return null;
  const msPerNode = activeMs / nodesDone;

  // The rest of this generation: its genomes are known.
  let nodesLeft = 0;
  for (const { id } of state.population) {
    const nodes = genomeNodes(state, id);
    for (let e = 0; e < config.evaluationsPerGenome; e++) {
      for (const problemId of state.subset) {
        if (!(evaluationKey(state.generation, id, e, problemId) in state.evaluations)) nodesLeft += nodes;
      }
    }
  }

  // Later generations: the current mean size, grown by the trend per generation seen so far.
  const laterGenerations = Math.max(0, config.budget.maxGenerations - state.history.length - 1);
  const mean = meanPopulationNodes(state);
  const first = state.history[0];
  const firstMean = first && first.scores.length > 0 ? first.scores.reduce((n, s) => n + s.nodes, 0) / first.scores.length : mean;
  const generationsSeen = state.generation - (first?.generation ?? state.generation);
  const growth = generationsSeen > 0 ? Math.max(0, (mean - firstMean) / generationsSeen) : 0;
  const laterPerGenome = config.populationSize * config.evaluationsPerGenome * config.subsetSize;
  for (let j = 1; j <= laterGenerations; j++) nodesLeft += laterPerGenome * (mean + growth * j);

  let remainingMs = msPerNode * nodesLeft;
  let cappedByWallTime = false;
  if (config.budget.maxWallMs !== null) {
    const wallLeft = Math.max(0, config.budget.maxWallMs - activeMs);
    if (wallLeft < remainingMs) {
      remainingMs = wallLeft;
      cappedByWallTime = true;
    }
  }
  // The token budget ends the search when it is spent, usually mid-generation: at the tokens per
  // active millisecond seen so far, it may run out long before the generations do.
  let cappedByTokens = false;
  const { maxTokens } = config.budget;
  if (maxTokens !== null && state.usage.tokens > 0 && state.usage.activeMs > 0) {
    const tokensPerMs = state.usage.tokens / state.usage.activeMs;
    const tokensLeft = Math.max(0, maxTokens - state.usage.tokens);
    const untilSpent = tokensLeft / tokensPerMs - Math.max(0, activeMs - state.usage.activeMs);
    if (untilSpent < remainingMs) {
      remainingMs = untilSpent;
      cappedByWallTime = false;
      cappedByTokens = true;
    }
  }
  return { remainingMs: Math.max(0, remainingMs), msPerNode, laterGenerations, cappedByWallTime, cappedByTokens };
}
