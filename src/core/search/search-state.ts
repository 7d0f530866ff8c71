/**
 * The search's state as plain JSON: everything needed to continue a search after a reload,
 * including the random stream's position, so a resumed search makes exactly the choices an
 * uninterrupted one would have made given the same evaluation results.
 */
import type { RefinePipeline } from '../pipeline/genome.ts';
import { describeValue, isRecord } from '../pipeline/json-shape.ts';
import type { InnovationState } from './innovation.ts';
import { assertValidSearchConfig, type SearchConfig } from './search-config.ts';
import type { GenomeOrigin, SearchGenome } from './search-genome.ts';
import type { Species } from './speciation.ts';
import { innerStateProblems } from './search-state-shape.ts';

export const SEARCH_STATE_VERSION = 1;

/** One evaluation still to run: a genome on one problem of this generation's subset. */
export interface EvaluationRequest {
  /** Pass it back in the result; unique within the search. */
  key: string;
  generation: number;
  genomeId: string;
  pipeline: RefinePipeline;
  problemId: string;
  /** 0 … evaluationsPerGenome − 1; the runner can pass it as the trajectory's repeat. */
  evaluationIndex: number;
}

export interface EvaluationResult {
  key: string;
  passed: boolean;
  /** Prompt + completion tokens the evaluation spent (0 for cached calls). */
  tokens: number;
  /** Executions the pipeline ran on the problem: the study's tie-breaker (fewer is better). */
  executions?: number;
}

export interface CutShortSpend {
  /** The evaluation's request key. */
  evaluation: string;
  tokens: number;
}

export interface RecordedEvaluation {
  passed: boolean;
  tokens: number;
  executions: number;
}

/** How one genome did in one generation. */
export interface GenomeScore {
  id: string;
  /** How it entered this generation (an elite keeps its id from the last one). */
  origin: GenomeOrigin;
  species: number;
  nodes: number;
  passRate: number;
  fitness: number;
  /** Fitness divided by its species' size. */
  shared: number;
  /** Pass rate of each of the k evaluations. */
  passRates: number[];
  /** Mean executions per problem. */
  iterations: number;
  tokens: number;
}

export interface GenerationStats {
  generation: number;
  subset: string[];
  best: number;
  mean: number;
  /** Sample SD of the population's fitness; null for a population of one. */
  sd: number | null;
  /** Members per species, by species id, after speciating this generation. */
  speciesSizes: { id: number; size: number }[];
  /** The compatibility threshold used to speciate this generation. */
  threshold: number;
  championId: string;
  /** The champion's parents (fitter first); `lineage` walks further back. */
  championParents: string[];
  championFitness: number;
  championPassRate: number;
  /** Cost of the generation. */
  tokens: number;
  evaluations: number;
  activeMs: number;
  scores: GenomeScore[];
}

export type SearchStopReason = 'generations' | 'tokens' | 'wall-time';

export interface ChampionRecord {
  genomeId: string;
  generation: number;
  /** Search-time fitness: what selection saw, on that generation's subset. */
  fitness: number;
  passRate: number;
  iterations: number;
}

export interface SearchState {
  version: typeof SEARCH_STATE_VERSION;
  config: SearchConfig;
  seed: number;
  status: 'evaluating' | 'done';
  stopReason: SearchStopReason | null;
  /** The generation being evaluated (0-based); after the end, the last one started. */
  generation: number;
  rngState: number;
  innovations: InnovationState;
  /** The rotating order, or the difficulty ranking for stratified subsets. */
  problemOrder: string[];
  subset: string[];
  population: { id: string; origin: GenomeOrigin }[];
  /** Every genome the search has made, by id. */
  genomes: Record<string, SearchGenome>;
  /** This generation's finished evaluations, by request key. */
  evaluations: Record<string, RecordedEvaluation>;
  /**
   * Tokens that runs of this generation's evaluations spent before they were cut short (cancelled,
   * or their model kept failing), by cut-short record key: already in `usage`, and added to the
   * evaluation's own tokens once it is recorded (then the entry goes). Absent in snapshots written
   * before such runs were counted: none then.
   */
  cutShort?: Record<string, CutShortSpend>;
  /** Species as of the last speciation; their representatives place the next generation. */
  species: Species[];
  threshold: number;
  nextSpeciesId: number;
  history: GenerationStats[];
  /** Best search-time fitness over all finished generations. */
  champion: ChampionRecord | null;
  usage: { tokens: number; evaluations: number; activeMs: number };
  /** `usage` when this generation started, for the per-generation cost. */
  generationStartUsage: { tokens: number; evaluations: number; activeMs: number };
}

export function evaluationKey(generation: number, genomeId: string, evaluationIndex: number, problemId: string): string {
  return `${generation}|${genomeId}|${evaluationIndex}|${problemId}`;
}

/** The parts of a key; the problem id comes last, so it may itself contain `|`. */
export function parseEvaluationKey(key: string): { generation: number; genomeId: string; evaluationIndex: number; problemId: string } | null {
  const match = /^(\d+)\|([^|]+)\|(\d+)\|(.+)$/.exec(key);
  if (!match) return null;
  return { generation: Number(match[1]), genomeId: match[2] as string, evaluationIndex: Number(match[3]), problemId: match[4] as string };
}

/**
 * Checks a stored search state (from IndexedDB or an imported file) before it is resumed: the
 * format version and the shape of its top-level fields, and the config in full. Throws a
 * sentence a person can act on.
 */
export function readSearchState(value: unknown): SearchState {
  if (!isRecord(value)) throw new Error(`A saved search must be a JSON object, found ${describeValue(value)}.`);
  if (typeof value.version === 'number' && value.version > SEARCH_STATE_VERSION) {
    throw new Error(
      `This search was saved by a newer Feedback Lab (search format ${value.version}; this one reads ${SEARCH_STATE_VERSION}). Reload the app to update it, then open the search again.`,
    );
  }
  const problems: string[] = [];
  if (value.version !== SEARCH_STATE_VERSION) problems.push(`version: expected ${SEARCH_STATE_VERSION}, found ${describeValue(value.version)}`);
  for (const key of ['seed', 'generation', 'rngState', 'threshold', 'nextSpeciesId'] as const) {
    if (typeof value[key] !== 'number' || !Number.isFinite(value[key])) problems.push(`${key}: expected a number, found ${describeValue(value[key])}`);
  }
  for (const key of ['problemOrder', 'subset', 'population', 'species', 'history'] as const) {
    if (!Array.isArray(value[key])) problems.push(`${key}: expected a list, found ${describeValue(value[key])}`);
  }
  for (const key of ['config', 'innovations', 'genomes', 'evaluations', 'usage', 'generationStartUsage'] as const) {
    if (!isRecord(value[key])) problems.push(`${key}: expected an object, found ${describeValue(value[key])}`);
  }
  if (value.cutShort !== undefined) {
    const entries = isRecord(value.cutShort) ? Object.values(value.cutShort) : null;
    const spend = (e: unknown) => isRecord(e) && typeof e.evaluation === 'string' && typeof e.tokens === 'number' && e.tokens >= 0;
    if (!entries || !entries.every(spend)) problems.push(`cutShort: expected an object of { evaluation, tokens }, found ${describeValue(value.cutShort)}`);
  }
  if (value.status !== 'evaluating' && value.status !== 'done') problems.push(`status: expected "evaluating" or "done", found ${describeValue(value.status)}`);
  if (problems.length === 0) problems.push(...innerStateProblems(value));
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    throw new Error(`This saved search is damaged: ${shown}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}.`);
  }
  const state = value as unknown as SearchState;
  assertValidSearchConfig(state.config);
  return state;
}
