/**
 * The Search page's form: the problem pool, the search's settings (the study's by default:
 * population 20, 20 generations, subsets of 25, k = 1, tournament selection, parsimony 0.02 and
 * the study's mutation rates), the seed, the budgets, and the engine the pool's models run on.
 * `toDraft` turns it into a SearchDraft with every model key bound for this device.
 */
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { SEARCH_POOL } from '../../core/pipeline/model-keys.ts';
import { STUDY_MUTATION_RATES, type MutationRates, type SelectionScheme } from '../../core/search/search-config.ts';
import type { SearchDraft } from '../../core/search/search-setup.ts';
import type { ModelBinding } from '../../core/study/config.ts';
import { ModelEngineForm } from '../shared/model-engine-form.svelte.ts';
import { selectionSpecOf, type SelectionKind } from '../shared/problem-selection.ts';

export type SearchEngine = 'webllm' | 'openai';
export type PoolSelection = Exclude<SelectionKind, 'mbpp-test-split'>;

export const MUTATION_LABELS: Readonly<Record<keyof MutationRates, string>> = {
  addStage: 'add a stage',
  addAnalyzer: 'add an analyzer',
  removeNode: 'remove a node',
  swapModel: 'swap a model',
  mutatePrompt: 'change a prompt',
  adjustTemperature: 'adjust a temperature',
  adjustIterations: 'adjust iterations',
};

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
  evaluationsPerGenome = $state(1);
  selection = $state<SelectionScheme>('tournament');
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

  readonly modelKeys: readonly string[] = SEARCH_POOL;

  resetRates(): void {
    this.rates = { ...STUDY_MUTATION_RATES };
  }

  bindings(): Record<string, ModelBinding> {
    const endpoint = this.endpoint.trim();
    if (this.engine === 'openai' && !endpoint) throw new Error('Give the endpoint’s address, e.g. http://localhost:11434/v1.');
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

  /** The search the form describes; throws with a sentence when it is incomplete. */
  toDraft(): SearchDraft {
    const whole = (value: number, what: string, min: number) => {
      if (!Number.isInteger(value) || value < min) throw new Error(`${what} must be a whole number of at least ${min}.`);
      return value;
    };
    const population = whole(this.populationSize, 'The population', 2);
    return {
      name: this.name,
      benchmark: this.benchmark,
      // The pool has its own seed: `seed` is the search's.
      selection: selectionSpecOf({ benchmark: this.benchmark, selectionKind: this.selectionKind, n: this.n, seed: this.selectionSeed, idsText: this.idsText }),
      mode: this.mode,
      models: this.bindings(),
      config: {
        populationSize: population,
        eliteCount: Math.min(whole(this.eliteCount, 'Elites', 0), population - 1),
        subsetSize: whole(this.subsetSize, 'The subset size', 1),
        evaluationsPerGenome: whole(this.evaluationsPerGenome, 'Evaluations per genome', 1),
        selection: this.selection,
        parsimony: this.parsimony,
        crossoverRate: this.crossoverRate,
        mutationRates: { ...this.rates },
        evaluationTemperature: this.atZero ? 0 : null,
        budget: {
          maxGenerations: whole(this.generations, 'Generations', 1),
          maxWallMs: this.maxMinutes ? Math.round(this.maxMinutes * 60_000) : null,
          maxTokens: this.maxTokens ? Math.round(this.maxTokens) : null,
        },
      },
      seed: Math.round(this.seed),
      cacheCalls: this.cacheCalls,
    };
  }
}
