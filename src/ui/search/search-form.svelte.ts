/**
 * The Search page's form: the problem pool, the search's settings (the study's by default:
 * population 20, 20 generations, subsets of 25, k = 1, tournament selection, parsimony 0.02 and
 * the study's mutation rates), the seed, the budgets, and the engine the pool's models run on.
 * `toDraft` turns it into a SearchDraft with every model key bound for this device.
 */
import type { BenchmarkId, Problem } from '../../core/benchmarks/problem.ts';
import { selectProblems } from '../../core/benchmarks/selection.ts';
import { EXPECTED_PROBLEM_COUNTS } from '../../core/benchmarks/problem-count.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { SEARCH_POOL } from '../../core/pipeline/model-keys.ts';
import { STUDY_MUTATION_RATES, studySpeciation, type MutationRates, type PromptPoolChoice, type SelectionScheme, type StratifiedColumnOrder, type ThresholdRule } from '../../core/search/search-config.ts';
import { numberProblem, wholeProblem } from '../../core/number-problems.ts';
import { SEARCH_LIMITS, searchSizeProblems } from '../../core/search/search-limits.ts';
import type { SearchDraft } from '../../core/search/search-setup.ts';
import { tokenBudgetWarning } from '../../core/search/generation-tokens.ts';
import { difficultySourceProblems } from '../../core/search/difficulty-source.ts';
import { DifficultyPicker } from './difficulty-picker.svelte.ts';
import type { ModelBinding } from '../../core/study/config.ts';
import { describeSearchEffect } from '../../core/prompts/prompt-set-effect.ts';
import type { PromptSet } from '../../core/prompts/prompt-set.ts';
import { ModelEngineForm } from '../shared/model-engine-form.svelte.ts';
import { PromptSetPicker } from '../shared/prompt-set-picker.svelte.ts';
import { FormProblems } from '../shared/form-problems.ts';
import { idsProblem, parseIds, selectionProblems, selectionSpecOf, type ProblemSelectionState, type SeedField, type SelectionKind } from '../shared/problem-selection.ts';

export type SearchEngine = 'webllm' | 'openai';
/** How each generation's problems are picked (core's SubsetRule, before a source is bound). */
export type SubsetChoice = 'rotating' | 'stratified';
export type PoolSelection = Exclude<SelectionKind, 'mbpp-test-split'>;

/** How the form's problems name a mutation rate's field, e.g. `Mutation rate “add a stage”`. */
export function rateProblemLabel(label: string): string {
  return `Mutation rate “${label}”`;
}

export const MUTATION_LABELS: Readonly<Record<keyof MutationRates, string>> = {
  addStage: 'add a stage',
  addAnalyzer: 'add an analyzer',
  removeNode: 'remove a node',
  swapModel: 'swap a model',
  mutatePrompt: 'change a prompt',
  adjustTemperature: 'adjust a temperature',
  adjustIterations: 'adjust iterations',
};

/** The pool's seed goes through the same 32-bit generator as the search's own. */
const POOL_SEED: SeedField = { label: 'Pool seed', range: SEARCH_LIMITS.seed };

export class SearchForm extends ModelEngineForm {
  name = $state('');
  benchmark = $state<BenchmarkId>('humaneval');
  selectionKind = $state<PoolSelection>('all');
  n = $state(25);
  selectionSeed = $state(1);
  idsText = $state('');
  populationSize = $state(20);
  generations = $state(20);
  subsetSize = $state(25);
  subsetChoice = $state<SubsetChoice>('rotating');
  /** Where a stratified search's pass rates come from. */
  readonly difficulty = new DifficultyPicker();
  /** The study's columns (easiest first), or balanced so that later generations are not given harder subsets. */
  columnOrder = $state<StratifiedColumnOrder>('easiest-first');
  /**
   * The benchmark's problems once loaded (the page binds this to its dataset), so a pool drawn
   * from them (first N, N at random, all) can be counted against the ranking before the start.
   */
  datasetProblems: () => readonly Problem[] | null = () => null;
  evaluationsPerGenome = $state(1);
  selection = $state<SelectionScheme>('tournament');
  thresholdRule = $state<ThresholdRule>('band');
  parsimony = $state(0.02);
  eliteCount = $state(2);
  crossoverRate = $state(0.75);
  rates = $state<MutationRates>({ ...STUDY_MUTATION_RATES });
  seed = $state(1);
  /** Evaluate every node at temperature 0 (deterministic, so repeated calls come from the cache). */
  atZero = $state(false);
  cacheCalls = $state(true);
  /** Budgets; empty (null) for none. */
  maxMinutes = $state<number | null>(null);
  maxTokens = $state<number | null>(null);
  mode = $state<HarnessMode>('study');
  engine = $state<SearchEngine>('openai');

  /** A prompt set file: its texts replace built-in ones in the pools, and its new ids join them. */
  readonly prompts = new PromptSetPicker();
  /** The study's pool sizes (3 generator, 2 analyzer, 3 refiner prompts), or every built-in prompt. */
  promptPools = $state<PromptPoolChoice>('study-sized');

  readonly modelKeys: readonly string[] = SEARCH_POOL;

  /** The set the search starts with, if one is loaded. */
  get promptSet(): PromptSet | undefined {
    return this.prompts.promptSet;
  }

  /** What the loaded set does to the search's prompt pools, one sentence each; empty without a set. */
  get promptSetLines(): string[] {
    return this.prompts.loaded ? describeSearchEffect(this.prompts.loaded.promptSet, this.promptPools) : [];
  }

  resetRates(): void {
    this.rates = { ...STUDY_MUTATION_RATES };
  }

  bindings(): Record<string, ModelBinding> {
    // problems() has checked the endpoint's address.
    const endpoint = this.endpoint.trim();
    const models: Record<string, ModelBinding> = {};
    for (const key of this.modelKeys) {
      const id = this.modelNameFor(key);
      if (!id) throw new Error(`${key} has no WebLLM build for GPUs without shader-f16; choose another build for it, or use an endpoint.`);
      if (this.engine === 'openai') {
        models[key] = { engine: 'openai', id, baseUrl: endpoint };
      } else {
        const quantization = /-(q\d+f\d+(?:_\d+)?)-MLC$/.exec(id)?.[1];
        models[key] = { engine: 'webllm', id, ...(quantization ? { quantization } : {}) };
      }
    }
    return models;
  }

  /** A token budget likely too small to score the first generation, said before Run (not a refusal: it is an estimate). */
  get tokenBudgetWarning(): string | null {
    const size = { populationSize: this.populationSize, evaluationsPerGenome: this.evaluationsPerGenome, subsetSize: this.subsetSize };
    if (![size.populationSize, size.evaluationsPerGenome, size.subsetSize].every((x) => Number.isInteger(x) && x >= 1)) return null;
    return tokenBudgetWarning(this.maxTokens, size, this.atZero && this.cacheCalls);
  }

  /**
   * Every number of the form the search cannot honour, each naming its field and the range it
   * allows (search-limits.ts); empty when the form can start. An emptied number field binds null.
   */
  problems(): string[] {
    const L = SEARCH_LIMITS;
    const found: (string | null)[] = selectionProblems(this.#pool(), POOL_SEED);
    // Typed ids: none, one listed twice, or (once the benchmark is loaded) one it does not hold.
    const idsTrouble = idsProblem(this.#pool(), this.datasetProblems() ?? undefined);
    found.push(idsTrouble);
    // Ids the benchmark does not hold are not a pool to measure the subset against: "from 1 to 3"
    // for "0, 2, 999" counted the unknown id, and "1 to 1" for "foo" counted a word.
    const poolSize = idsTrouble === null ? this.poolSize() : null;
    found.push(
      wholeProblem('Population', this.populationSize, L.populationSize),
      wholeProblem('Generations', this.generations, L.generations),
      wholeProblem('Subset size', this.subsetSize, { min: 1, max: poolSize ?? EXPECTED_PROBLEM_COUNTS[this.benchmark] }),
      wholeProblem('Evaluations per genome (k)', this.evaluationsPerGenome, L.evaluationsPerGenome),
      numberProblem('Parsimony per node', this.parsimony, L.parsimony),
      wholeProblem('Seed', this.seed, L.seed),
    );
    found.push(...this.#difficultyProblems());
    if (this.maxMinutes !== null) found.push(numberProblem('Wall-time budget (minutes)', this.maxMinutes, L.wallMinutes));
    if (this.maxTokens !== null) found.push(wholeProblem('Token budget', this.maxTokens, L.tokens));
    for (const [name, label] of Object.entries(MUTATION_LABELS) as [keyof MutationRates, string][]) {
      found.push(numberProblem(`${rateProblemLabel(label)} (under Advanced)`, this.rates[name], L.probability));
    }
    const population = this.populationSize;
    const elitesMax = wholeProblem('Population', population, L.populationSize) === null ? population - 1 : L.populationSize.max - 1;
    found.push(
      wholeProblem('Elites (under Advanced)', this.eliteCount, { min: 0, max: elitesMax }),
      numberProblem('Crossover share (under Advanced)', this.crossoverRate, L.probability),
    );
    const problems = found.filter((p): p is string => p !== null);
    // The sizes together, once each is within its own range.
    if (problems.length === 0) {
      problems.push(
        ...searchSizeProblems({ populationSize: population, evaluationsPerGenome: this.evaluationsPerGenome, subsetSize: this.subsetSize, generations: this.generations }),
      );
    }
    const endpoint = this.endpointProblem();
    if (endpoint) problems.push(endpoint);
    return problems;
  }

  /**
   * A stratified choice needs a source over this benchmark that ranks at least a subset's worth
   * of problems. Without the dataset the pool's ids are known only when listed; otherwise the
   * count is the source's, and the start checks it against the pool drawn.
   */
  #difficultyProblems(): string[] {
    if (this.subsetChoice !== 'stratified') return [];
    const source = this.difficulty.loaded;
    if (!source) return ['Stratified subsets (Problems per generation) need pass rates to rank the problems by: pick a result file, or use the study’s released results.'];
    return difficultySourceProblems(source, this.benchmark, this.poolIds(this.datasetProblems()), this.subsetSize);
  }

  /**
   * The pool's problem ids, when known: listed in the form, or drawn from the benchmark's
   * problems once they are loaded. Null while the form cannot say.
   */
  poolIds(problems: readonly Problem[] | null): string[] | null {
    if (this.selectionKind === 'ids') {
      const ids = [...new Set(parseIds(this.idsText, this.benchmark))];
      return ids.length > 0 ? ids : null;
    }
    if (!problems || problems[0]?.benchmark !== this.benchmark) return null;
    try {
      return selectProblems(problems, selectionSpecOf(this.#pool(), POOL_SEED)).map((p) => p.id);
    } catch {
      // N or the seed out of range: the form lists that already.
      return null;
    }
  }

  /** The pool's fields, with its own seed: `seed` is the search's. */
  #pool(): ProblemSelectionState {
    return { benchmark: this.benchmark, selectionKind: this.selectionKind, n: this.n, seed: this.selectionSeed, idsText: this.idsText };
  }

  /** Problems the pool holds, when the form says without the dataset (ids listed, or N of them). */
  poolSize(): number | null {
    if (this.selectionKind === 'ids') {
      const ids = new Set(parseIds(this.idsText, this.benchmark));
      return ids.size > 0 ? ids.size : null;
    }
    if (this.selectionKind === 'first' || this.selectionKind === 'random') return Number.isInteger(this.n) && this.n >= 1 ? this.n : null;
    return null;
  }

  /** The search the form describes; throws FormProblems, naming every field it cannot honour. */
  toDraft(): SearchDraft {
    const problems = this.problems();
    if (problems.length > 0) throw new FormProblems(problems);
    return {
      name: this.name,
      benchmark: this.benchmark,
      selection: selectionSpecOf(this.#pool(), POOL_SEED),
      mode: this.mode,
      models: this.bindings(),
      config: {
        populationSize: this.populationSize,
        eliteCount: this.eliteCount,
        subsetSize: this.subsetSize,
        evaluationsPerGenome: this.evaluationsPerGenome,
        selection: this.selection,
        speciation: { ...studySpeciation(), thresholdRule: this.thresholdRule },
        parsimony: this.parsimony,
        crossoverRate: this.crossoverRate,
        mutationRates: { ...this.rates },
        evaluationTemperature: this.atZero ? 0 : null,
        budget: {
          maxGenerations: this.generations,
          maxWallMs: this.maxMinutes !== null ? Math.round(this.maxMinutes * 60_000) : null,
          maxTokens: this.maxTokens,
        },
      },
      seed: this.seed,
      cacheCalls: this.cacheCalls,
      promptPools: this.promptPools,
      ...(this.subsetChoice === 'stratified' && this.difficulty.loaded ? { difficulty: this.difficulty.loaded, columnOrder: this.columnOrder } : {}),
    };
  }
}
