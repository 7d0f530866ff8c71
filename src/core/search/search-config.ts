/**
 * What a pipeline search is set up with, as plain JSON so it travels in result files and study
 * links. The defaults are the study's (DESIGN §1, paper §3.2, scripts/run_code_neat.py); where the
 * paper and the released code disagree, both are available and the choice is named.
 */
import { MAX_NODES, MAX_STAGES } from '../pipeline/genome.ts';
import { SEARCH_POOL } from '../pipeline/model-keys.ts';
import { promptsForRole, type PromptSet } from '../prompts/prompt-set.ts';
import { STUDY_DEFAULT_SAMPLING } from '../study/config.ts';

/** Probability that each operator fires on one offspring; they are independent, several can fire. */
export interface MutationRates {
  addStage: number;
  addAnalyzer: number;
  removeNode: number;
  swapModel: number;
  mutatePrompt: number;
  adjustTemperature: number;
  adjustIterations: number;
}

export const STUDY_MUTATION_RATES: Readonly<MutationRates> = {
  addStage: 0.04,
  addAnalyzer: 0.05,
  removeNode: 0.18,
  swapModel: 0.25,
  mutatePrompt: 0.3,
  adjustTemperature: 0.2,
  adjustIterations: 0.1,
};

/** Prompt ids a search may choose from, per role of a refine pipeline's nodes. */
export interface PromptPools {
  generator: string[];
  analyzer: string[];
  refiner: string[];
}

/**
 * Which built-in prompts the pools start from.
 * - `study-sized` (the default): 3 generator, 2 analyzer and 3 refiner prompts, the sizes of the
 *   study's pools (its prompts.py), so mutate_prompt really changes a prompt as often as it did
 *   there: 0.30 × (1 − 1/3) = 0.20 for generators and refiners, 0.30 × (1 − 1/2) = 0.15 for
 *   analyzers (the paper's "~15-20 %").
 * - `every-built-in`: all of Feedback Lab's generator, analyzer and refiner prompts (5, 3 and 5),
 *   the pools of searches started before the choice existed: more starting diversity, and
 *   0.24 / 0.20 effective prompt changes.
 * A loaded prompt set replaces texts by id in either, and its new ids join the pools.
 */
export type PromptPoolChoice = 'study-sized' | 'every-built-in';

/**
 * Our own prompts in the study's pool sizes, each standing where the study's prompt of the same
 * intent stood (the NEAT champions' prompts among them), so a prompt set that gives these eight
 * ids the study's texts runs the study's pools.
 */
export const STUDY_SIZED_PROMPT_IDS: Readonly<PromptPools> = {
  generator: ['generator.plain', 'generator.simple', 'generator.careful'],
  analyzer: ['analyzer.diagnose', 'analyzer.root-cause'],
  refiner: ['refiner.use-diagnosis', 'refiner.minimal-change', 'refiner.read-error'],
};

const POOL_ROLES = ['generator', 'analyzer', 'refiner'] as const;

/** The pools a search starts with: the chosen built-in prompts (texts as a loaded set gives them), then the set's new ids. */
export function defaultPromptPools(promptSet?: PromptSet, choice: PromptPoolChoice = 'study-sized'): PromptPools {
  const ids = (role: (typeof POOL_ROLES)[number]) => {
    const available = promptsForRole(role, promptSet).map((p) => p.id);
    if (choice === 'every-built-in') return available;
    const builtin = new Set(promptsForRole(role).map((p) => p.id));
    // A set may move a built-in id to another role; it then leaves this pool.
    return [...STUDY_SIZED_PROMPT_IDS[role].filter((id) => available.includes(id)), ...available.filter((id) => !builtin.has(id))];
  };
  return { generator: ids('generator'), analyzer: ids('analyzer'), refiner: ids('refiner') };
}

/** Limits every genome respects; the study's are 1-3 stages and at most 8 nodes. */
export interface GenomeLimits {
  /** The study kept at least one stage (a search over solo runs is not what it asked). */
  minStages: number;
  maxStages: number;
  maxNodes: number;
}

export interface TemperatureMutation {
  /** Gaussian step of adjust_temperature. */
  sigma: number;
  min: number;
  max: number;
}

/**
 * How each generation's problems are chosen.
 * - `rotating`: the pool in a seeded random order, a fresh consecutive chunk each generation
 *   (the study's early runs).
 * - `stratified`: problems ranked by difficulty (pass rates from an earlier study, easiest
 *   first, unknown ones hardest), laid out as `size` rows of equal difficulty; generation g takes
 *   column g, so every generation sees one problem per difficulty band (the study's later runs).
 */
export type SubsetRule =
  | { kind: 'rotating' }
  | {
      kind: 'stratified';
      passRates: Record<string, number>;
      /**
       * How a band's problems are spread over the columns (generations): `easiest-first` (the
       * study, and what a config without the field means) puts every band's easiest problem in
       * generation 0, so later generations get harder subsets; `balanced` deals them out so that
       * every generation's subset is about as hard (fitness.ts, balancedStratifiedSubset).
       */
      columnOrder?: StratifiedColumnOrder;
    };

export type StratifiedColumnOrder = 'easiest-first' | 'balanced';

/**
 * - `tournament`: the paper's description: the best of 3 random genomes, by shared fitness.
 * - `species-proportional`: the released code: each species breeds offspring in proportion to
 *   its mean fitness (its summed shared fitness), parents chosen within the species.
 */
export type SelectionScheme = 'tournament' | 'species-proportional';

/**
 * How the compatibility threshold moves between generations.
 * - `band`: the paper's description: after each generation the threshold takes one step
 *   (`thresholdStep`, not below `minThreshold`) toward keeping `targetSpecies` species.
 * - `collapse`: the released code: from the third generation on, when speciation leaves one
 *   species or none, the threshold is multiplied by 0.6 and that generation is speciated again
 *   from scratch; the threshold never rises and has no floor.
 */
export type ThresholdRule = 'band' | 'collapse';

export interface SpeciationConfig {
  /** The released code's starting compatibility threshold. */
  initialThreshold: number;
  /** Absent in searches saved before the choice existed: those ran with `band`. */
  thresholdRule?: ThresholdRule;
  /** `band` only: the paper keeps 3-5 species by moving the threshold. */
  targetSpecies: { min: number; max: number };
  thresholdStep: number;
  minThreshold: number;
  /**
   * Pair stages for the distance by position (the released code) or by innovation number (as
   * NEAT aligns genes).
   */
  alignStages: 'position' | 'innovation';
  /** Species-proportional only: a species whose best has not improved for this many generations stops breeding (the code's 8). */
  stagnationLimit: number;
}

export interface SearchBudget {
  maxGenerations: number;
  /** Active search time the runner reports through `addActiveTime`; null for no limit. */
  maxWallMs: number | null;
  /** Prompt + completion tokens over all evaluations; null for no limit. */
  maxTokens: number | null;
}

export interface SearchConfig {
  populationSize: number;
  eliteCount: number;
  /** Fitness = pass rate − parsimony × node count (0.02 in the study). */
  parsimony: number;
  /** Every problem id the subsets are drawn from (HumanEval's 164 in the study). */
  problemIds: string[];
  /** Problems per generation (25 in the study). */
  subsetSize: number;
  subset: SubsetRule;
  /** Evaluations of each genome on each subset problem; fitness uses their mean. 1 = the study. */
  evaluationsPerGenome: number;
  selection: SelectionScheme;
  tournamentSize: number;
  /** Share of offspring bred by crossover (the rest are mutated copies); 0.75 in the released code. */
  crossoverRate: number;
  /** Chance that a stage only the weaker parent has is inherited (0.3 in the study; 0 is classic NEAT). */
  weakerStageRate: number;
  /** Divide fitness by species size for selection (the paper's fitness sharing). */
  fitnessSharing: boolean;
  mutationRates: MutationRates;
  temperature: TemperatureMutation;
  limits: GenomeLimits;
  speciation: SpeciationConfig;
  modelPool: string[];
  promptPools: PromptPools;
  /** max_tokens of every node the search creates. */
  maxTokens: number;
  /**
   * When set, every node runs at this temperature during evaluation, whatever its genome says
   * (the study's deterministic run used 0). Genome temperatures still evolve and are what a
   * champion is validated with. At 0 identical calls repeat, so a call cache pays off.
   */
  evaluationTemperature: number | null;
  /**
   * Top-p sent with every call, as a study sends it (STUDY_DEFAULT_SAMPLING: the study's Ollama
   * sampled with 0.9). Null sends none; absent in searches stored before 2026-11-25, which sent none.
   */
  topP?: number | null;
  budget: SearchBudget;
}

/** The study's speciation settings, a fresh object each call (a search's config is its own). */
export function studySpeciation(): SpeciationConfig {
  return {
    initialThreshold: 2.0,
    thresholdRule: 'band',
    targetSpecies: { min: 3, max: 5 },
    thresholdStep: 0.3,
    minThreshold: 0.1,
    alignStages: 'position',
    stagnationLimit: 8,
  };
}

export function studySearchConfig(problemIds: readonly string[], overrides: Partial<SearchConfig> = {}): SearchConfig {
  return {
    populationSize: 20,
    eliteCount: 2,
    parsimony: 0.02,
    problemIds: [...problemIds],
    subsetSize: 25,
    subset: { kind: 'rotating' },
    evaluationsPerGenome: 1,
    selection: 'tournament',
    tournamentSize: 3,
    crossoverRate: 0.75,
    weakerStageRate: 0.3,
    fitnessSharing: true,
    mutationRates: { ...STUDY_MUTATION_RATES },
    temperature: { sigma: 0.08, min: 0.05, max: 1.2 },
    limits: { minStages: 1, maxStages: MAX_STAGES, maxNodes: MAX_NODES },
    speciation: studySpeciation(),
    modelPool: [...SEARCH_POOL],
    promptPools: defaultPromptPools(),
    maxTokens: 512,
    evaluationTemperature: null,
    topP: STUDY_DEFAULT_SAMPLING.topP,
    budget: { maxGenerations: 20, maxWallMs: null, maxTokens: null },
    ...overrides,
  };
}

/** Throws with every problem listed: a search config is built by code or validated at the edge. */
export function assertValidSearchConfig(config: SearchConfig): void {
  const errors: string[] = [];
  const int = (value: number, at: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(value) || value < min || value > max) errors.push(`${at}: expected a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, found ${value}.`);
  };
  const probability = (value: number, at: string) => {
    if (!(value >= 0 && value <= 1)) errors.push(`${at}: expected a probability from 0 to 1, found ${value}.`);
  };
  int(config.populationSize, 'populationSize', 2);
  int(config.eliteCount, 'eliteCount', 0, config.populationSize - 1);
  int(config.subsetSize, 'subsetSize', 1);
  int(config.evaluationsPerGenome, 'evaluationsPerGenome', 1);
  int(config.tournamentSize, 'tournamentSize', 1);
  int(config.budget.maxGenerations, 'budget.maxGenerations', 1);
  int(config.limits.minStages, 'limits.minStages', 0, config.limits.maxStages);
  int(config.limits.maxStages, 'limits.maxStages', 0, MAX_STAGES);
  int(config.limits.maxNodes, 'limits.maxNodes', 1 + 2 * config.limits.minStages, MAX_NODES);
  probability(config.crossoverRate, 'crossoverRate');
  probability(config.weakerStageRate, 'weakerStageRate');
  for (const [name, rate] of Object.entries(config.mutationRates)) probability(rate, `mutationRates.${name}`);
  if (!(config.parsimony >= 0)) errors.push(`parsimony: expected a number ≥ 0, found ${config.parsimony}.`);
  if (config.problemIds.length === 0) errors.push('problemIds: the search needs at least one problem.');
  if (new Set(config.problemIds).size !== config.problemIds.length) errors.push('problemIds: a problem id appears twice.');
  if (config.modelPool.length === 0) errors.push('modelPool: the search needs at least one model.');
  for (const role of ['generator', 'analyzer', 'refiner'] as const) {
    if (config.promptPools[role].length === 0) errors.push(`promptPools.${role}: the search needs at least one ${role} prompt.`);
  }
  const t = config.temperature;
  if (!(t.min >= 0 && t.min <= t.max && t.max <= 2 && t.sigma >= 0)) {
    errors.push(`temperature: expected 0 ≤ min ≤ max ≤ 2 and sigma ≥ 0, found ${JSON.stringify(t)}.`);
  }
  const et = config.evaluationTemperature;
  if (et !== null && !(et >= 0 && et <= 2)) errors.push(`evaluationTemperature: expected null or a number from 0 to 2, found ${et}.`);
  const topP = config.topP ?? null;
  if (topP !== null && !(topP > 0 && topP <= 1)) errors.push(`topP: expected null or a number above 0 up to 1, found ${topP}.`);
  const s = config.speciation;
  if (!(s.targetSpecies.min >= 1 && s.targetSpecies.min <= s.targetSpecies.max)) {
    errors.push(`speciation.targetSpecies: expected 1 ≤ min ≤ max, found ${JSON.stringify(s.targetSpecies)}.`);
  }
  if (!(s.initialThreshold > 0 && s.thresholdStep >= 0 && s.minThreshold > 0)) {
    errors.push('speciation: thresholds must be positive and the step non-negative.');
  }
  if (s.thresholdRule !== undefined && s.thresholdRule !== 'band' && s.thresholdRule !== 'collapse') {
    errors.push(`speciation.thresholdRule: expected "band" or "collapse", found ${JSON.stringify(s.thresholdRule)}.`);
  }
  const order = config.subset.kind === 'stratified' ? config.subset.columnOrder : undefined;
  if (order !== undefined && order !== 'easiest-first' && order !== 'balanced') {
    errors.push(`subset.columnOrder: expected "easiest-first" or "balanced", found ${JSON.stringify(order)}.`);
  }
  for (const [key, limit] of [['maxWallMs', config.budget.maxWallMs], ['maxTokens', config.budget.maxTokens]] as const) {
    if (limit !== null && !(limit > 0)) errors.push(`budget.${key}: expected a positive number or null, found ${limit}.`);
  }
  if (errors.length > 0) throw new Error(`Invalid search config: ${errors.join(' ')}`);
}
