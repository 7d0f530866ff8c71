/**
 * A search run as it is stored and shared: the NEAT config and seed (what `initSearch` needs)
 * plus everything a study would record around them — the benchmark file, the harness mode and
 * limits, the model key bindings and the prompt texts the pools stood for when the run started.
 * Like a StudyConfig it holds what was actually used, so a resumed or imported run sends exactly
 * the same requests.
 */
import type { BenchmarkId, Problem } from '../benchmarks/problem.ts';
import { selectProblems, type SelectionSpec } from '../benchmarks/selection.ts';
import type { HarnessMode } from '../harness/outcome.ts';
import { isRecord } from '../pipeline/json-shape.ts';
import { findPrompt, PROMPT_SET_FORMAT, PROMPT_SET_VERSION, type PromptSet, type RolePrompt } from '../prompts/prompt-set.ts';
import { STUDY_DEFAULT_LIMITS, type ModelBinding, type StudyLimits } from '../study/config.ts';
import { difficultySourceProblems, stratifiedRule, type DifficultySource } from './difficulty-source.ts';
import { assertValidSearchConfig, defaultPromptPools, studySearchConfig, type PromptPoolChoice, type SearchConfig, type StratifiedColumnOrder } from './search-config.ts';

export interface SearchSetup {
  /** Unique per run; the store's key (`search-…`). */
  id: string;
  name: string;
  /** ISO 8601 time the run was created. */
  created: string;
  benchmark: BenchmarkId;
  /** SHA-256 of the dataset file the problems came from. */
  datasetSha256: string;
  /** The problem pool as asked for; `config.problemIds` holds what it gave. */
  selection: SelectionSpec;
  mode: HarnessMode;
  limits: StudyLimits;
  /** Every key of the model pool, bound to an engine and a model. */
  models: Record<string, ModelBinding>;
  /** The text of every prompt id in the pools, as sent. */
  prompts: RolePrompt[];
  config: SearchConfig;
  seed: number;
  /**
   * Answer a temperature-0 call that was made before (same model, messages and sampling) from
   * the call cache. Off re-measures every call, for engines that are not deterministic at 0.
   */
  cacheCalls: boolean;
}

/** A search before it starts: what the Search page describes. */
export interface SearchDraft {
  name: string;
  benchmark: BenchmarkId;
  selection: SelectionSpec;
  mode: HarnessMode;
  models: Record<string, ModelBinding>;
  /** Overrides of the study's search settings (population, subset, rates, budget…). */
  config: Partial<Omit<SearchConfig, 'problemIds'>>;
  seed: number;
  limits?: Partial<StudyLimits>;
  cacheCalls?: boolean;
  /**
   * Stratified subsets ranked by this source's pass rates: the search stores the rates of its
   * pool's problems as `config.subset`. Refused when it is over another benchmark or ranks fewer
   * of the pool's problems than a subset holds.
   */
  difficulty?: DifficultySource;
  /** With `difficulty`: how a band's problems spread over the generations (the study's when absent). */
  columnOrder?: StratifiedColumnOrder;
  /** Which built-in prompts the pools hold (the study's pool sizes when absent); `config.promptPools` overrides it. */
  promptPools?: PromptPoolChoice;
}

export interface CreateSearchOptions {
  id: string;
  created: string;
  /** The benchmark's whole problem list, from the verified dataset file. */
  problems: readonly Problem[];
  datasetSha256: string;
  /** A loaded prompt set: its texts override the built-in pool's and may add prompts to the pools. */
  promptSet?: PromptSet;
}

/** Throws with every problem listed when the draft cannot become a runnable search. */
export function createSearchSetup(draft: SearchDraft, options: CreateSearchOptions): SearchSetup {
  const wrong = options.problems.find((p) => p.benchmark !== draft.benchmark);
  if (wrong) throw new Error(`The search is on ${draft.benchmark}, but the problems given include ${wrong.id}.`);
  const problemIds = selectProblems(options.problems, draft.selection).map((p) => p.id);
  const config = studySearchConfig(problemIds, {
    promptPools: defaultPromptPools(options.promptSet, draft.promptPools),
    ...draft.config,
  });
  if (draft.difficulty) {
    const refused = difficultySourceProblems(draft.difficulty, draft.benchmark, problemIds, config.subsetSize);
    if (refused.length > 0) throw new Error(refused.join(' '));
    config.subset = stratifiedRule(draft.difficulty, problemIds, draft.columnOrder);
  }
  const setup: SearchSetup = {
    id: options.id,
    name: draft.name.trim() || `Search over ${problemIds.length} ${draft.benchmark === 'mbpp' ? 'MBPP' : 'HumanEval'} problems`,
    created: options.created,
    benchmark: draft.benchmark,
    datasetSha256: options.datasetSha256,
    selection: draft.selection,
    mode: draft.mode,
    limits: { ...STUDY_DEFAULT_LIMITS, ...draft.limits },
    models: draft.models,
    prompts: poolPrompts(config, options.promptSet),
    config,
    seed: draft.seed,
    cacheCalls: draft.cacheCalls ?? true,
  };
  assertRunnableSetup(setup);
  return JSON.parse(JSON.stringify(setup)) as SearchSetup;
}

/** The prompt texts a run sends, as a prompt set for the interpreter. */
export function searchPromptSet(setup: Pick<SearchSetup, 'prompts'>): PromptSet {
  return { format: PROMPT_SET_FORMAT, version: PROMPT_SET_VERSION, prompts: setup.prompts };
}

/**
 * Checks what the runner relies on, listing every problem: a valid search config, every model
 * of the pool bound, every prompt id of the pools given a text, and sane limits.
 */
export function assertRunnableSetup(setup: SearchSetup): void {
  assertValidSearchConfig(setup.config);
  const errors: string[] = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$/.test(setup.id)) errors.push(`id: expected 1-120 letters, digits or . _ : -, found "${setup.id.slice(0, 40)}".`);
  for (const key of setup.config.modelPool) {
    if (!isRecord(setup.models[key])) errors.push(`models: the pool's model "${key}" is bound to no engine.`);
  }
  // Looked up by id once: a search file with tens of thousands of prompts in its pools froze the
  // tab on import for as long as the square of that (audit R215-4).
  const byId = new Map(setup.prompts.map((p) => [p.id, p] as const));
  for (const role of ['generator', 'analyzer', 'refiner'] as const) {
    for (const id of setup.config.promptPools[role]) {
      const prompt = byId.get(id);
      if (prompt === undefined) errors.push(`prompts: the ${role} pool's prompt "${id}" has no text.`);
      else if (prompt.role !== role) errors.push(`prompts: "${id}" is a ${prompt.role} prompt, but the ${role} pool holds it.`);
    }
  }
  const l = setup.limits;
  if (!(l.timeoutMs > 0 && l.problemTimeCapMs > 0 && l.maxOutputChars > 0)) errors.push('limits: every limit must be positive.');
  if (!Number.isFinite(setup.seed)) errors.push(`seed: expected a number, found ${setup.seed}.`);
  if (errors.length > 0) throw new Error(`This search cannot run: ${errors.join(' ')}`);
}

/** Two setups describe the same run (key order aside). */
export function sameSearchSetup(a: SearchSetup, b: SearchSetup): boolean {
  return sortedJson(a) === sortedJson(b);
}

function poolPrompts(config: SearchConfig, promptSet: PromptSet | undefined): RolePrompt[] {
  const out: RolePrompt[] = [];
  for (const role of ['generator', 'analyzer', 'refiner'] as const) {
    for (const id of config.promptPools[role]) {
      const found = findPrompt(id, promptSet);
      if (found && !out.some((p) => p.id === id)) out.push({ id, role: found.role ?? role, text: found.text });
    }
  }
  return out;
}

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isRecord(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}
