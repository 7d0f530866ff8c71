/**
 * The Search form's draft: what the user has typed and picked, kept in this tab's sessionStorage
 * so a reload gives the form back as it was (the mechanism, shared with the Study form, is
 * ../shared/form-draft.ts).
 *
 * A stratified search's difficulty source is kept as the pass rates it ranks by, with its name:
 * that is all the search takes from it (the picked result file itself, up to hundreds of MB, is
 * read once and dropped), so the restored ranking is exactly the one the file gave. Not kept: the
 * API key (it stays in the tab's memory, docs/models.md). A draft that does not read back exactly
 * is dropped: the defaults show.
 */
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { isRecord } from '../../core/pipeline/json-shape.ts';
import type { DifficultySource } from '../../core/search/difficulty-source.ts';
import type { MutationRates, PromptPoolChoice, SelectionScheme, StratifiedColumnOrder, ThresholdRule } from '../../core/search/search-config.ts';
import type { SettingsStorage } from '../models/saved-settings.ts';
import { DraftStore, finiteOrNull, numberOrNull, oneOf, onlyKeys, parseJson, readLoadedSet, strings } from '../shared/form-draft.ts';
import type { LoadedPromptSet } from '../shared/prompt-set-picker.svelte.ts';
import { MUTATION_LABELS, type PoolSelection, type SearchEngine, type SearchForm, type SubsetChoice } from './search-form.svelte.ts';

export const SEARCH_DRAFT_KEY = 'feedback-lab:search-form-draft';
/** Raised whenever a field's meaning changes: a draft of another version is dropped, not guessed at. */
export const SEARCH_DRAFT_VERSION = 1;

export interface SearchFormDraft {
  version: typeof SEARCH_DRAFT_VERSION;
  name: string;
  benchmark: BenchmarkId;
  selectionKind: PoolSelection;
  /** Null where the user emptied a number field: it comes back empty, and the form says so. */
  n: number | null;
  selectionSeed: number | null;
  idsText: string;
  populationSize: number | null;
  generations: number | null;
  subsetSize: number | null;
  subsetChoice: SubsetChoice;
  /** The pass rates a stratified search ranks by, and the name of where they came from. */
  difficulty: DifficultySource | null;
  /** How a stratified search spreads each band over the generations. */
  columnOrder: StratifiedColumnOrder;
  evaluationsPerGenome: number | null;
  selection: SelectionScheme;
  thresholdRule: ThresholdRule;
  parsimony: number | null;
  eliteCount: number | null;
  crossoverRate: number | null;
  rates: Record<keyof MutationRates, number | null>;
  seed: number | null;
  atZero: boolean;
  cacheCalls: boolean;
  /**
   * Budgets: null for none, 'unreadable' where the field held text that is not a number. An empty
   * budget means "no limit", so a typo must not come back from a reload as an unlimited search.
   */
  maxMinutes: Budget;
  maxTokens: Budget;
  mode: HarnessMode;
  engine: SearchEngine;
  endpoint: string;
  modelNames: Record<string, string>;
  promptSet: LoadedPromptSet | null;
  /** Which built-in prompts the pools hold. */
  promptPools: PromptPoolChoice;
  workers: number;
}

type Budget = number | null | 'unreadable';

const BENCHMARKS: Record<BenchmarkId, true> = { humaneval: true, mbpp: true };
const POOL_KINDS: Record<PoolSelection, true> = { all: true, first: true, random: true, ids: true };
const SUBSET_CHOICES: Record<SubsetChoice, true> = { rotating: true, stratified: true };
const SCHEMES: Record<SelectionScheme, true> = { tournament: true, 'species-proportional': true };
const THRESHOLD_RULES: Record<ThresholdRule, true> = { band: true, collapse: true };
const COLUMN_ORDERS: Record<StratifiedColumnOrder, true> = { 'easiest-first': true, balanced: true };
const POOL_CHOICES: Record<PromptPoolChoice, true> = { 'study-sized': true, 'every-built-in': true };
const MODES: Record<HarnessMode, true> = { standard: true, study: true };
const ENGINES: Record<SearchEngine, true> = { webllm: true, openai: true };
const RATE_NAMES = Object.keys(MUTATION_LABELS) as (keyof MutationRates)[];
const NUMBER_FIELDS = [
  'n', 'selectionSeed', 'populationSize', 'generations', 'subsetSize', 'evaluationsPerGenome', 'parsimony', 'eliteCount', 'crossoverRate', 'seed',
] as const satisfies readonly (keyof SearchFormDraft)[];
const KEYS: readonly (keyof SearchFormDraft)[] = [
  'version', 'name', 'benchmark', 'selectionKind', 'idsText', 'subsetChoice', 'difficulty', 'columnOrder', 'selection', 'thresholdRule', 'rates', 'atZero', 'cacheCalls',
  'mode', 'engine', 'endpoint', 'modelNames', 'promptSet', 'promptPools', 'workers', 'maxMinutes', 'maxTokens', ...NUMBER_FIELDS,
];

/** The form holds NaN for a budget it cannot read (SearchFormPanel), which JSON cannot carry. */
function budgetOf(value: number | null): Budget {
  return value !== null && Number.isNaN(value) ? 'unreadable' : finiteOrNull(value);
}

function isBudget(value: unknown): value is Budget {
  return value === 'unreadable' || numberOrNull(value);
}

/** The draft of the form as it stands; `workers` is the desk's. */
export function searchDraftOf(form: SearchForm, extra: { workers: number }): SearchFormDraft {
  const rates = {} as SearchFormDraft['rates'];
  for (const name of RATE_NAMES) rates[name] = finiteOrNull(form.rates[name]);
  return {
    version: SEARCH_DRAFT_VERSION,
    name: form.name,
    benchmark: form.benchmark,
    selectionKind: form.selectionKind,
    n: finiteOrNull(form.n),
    selectionSeed: finiteOrNull(form.selectionSeed),
    idsText: form.idsText,
    populationSize: finiteOrNull(form.populationSize),
    generations: finiteOrNull(form.generations),
    subsetSize: finiteOrNull(form.subsetSize),
    subsetChoice: form.subsetChoice,
    difficulty: form.difficulty.loaded,
    columnOrder: form.columnOrder,
    evaluationsPerGenome: finiteOrNull(form.evaluationsPerGenome),
    selection: form.selection,
    thresholdRule: form.thresholdRule,
    parsimony: finiteOrNull(form.parsimony),
    eliteCount: finiteOrNull(form.eliteCount),
    crossoverRate: finiteOrNull(form.crossoverRate),
    rates,
    seed: finiteOrNull(form.seed),
    atZero: form.atZero,
    cacheCalls: form.cacheCalls,
    maxMinutes: budgetOf(form.maxMinutes),
    maxTokens: budgetOf(form.maxTokens),
    mode: form.mode,
    engine: form.engine,
    endpoint: form.endpoint,
    modelNames: { ...form.modelNames },
    promptSet: form.prompts.loaded,
    promptPools: form.promptPools,
    workers: extra.workers,
  };
}

/** Puts a draft's values in the form, its prompt set and difficulty ranking loaded. */
export function applySearchDraft(form: SearchForm, draft: SearchFormDraft): void {
  form.name = draft.name;
  form.benchmark = draft.benchmark;
  form.selectionKind = draft.selectionKind;
  // The form's fields are numbers; null is what bind:value gives an emptied one.
  form.n = draft.n as number;
  form.selectionSeed = draft.selectionSeed as number;
  form.idsText = draft.idsText;
  form.populationSize = draft.populationSize as number;
  form.generations = draft.generations as number;
  form.subsetSize = draft.subsetSize as number;
  form.subsetChoice = draft.subsetChoice;
  void form.difficulty.restore(draft.difficulty);
  form.columnOrder = draft.columnOrder;
  form.evaluationsPerGenome = draft.evaluationsPerGenome as number;
  form.selection = draft.selection;
  form.thresholdRule = draft.thresholdRule;
  form.parsimony = draft.parsimony as number;
  form.eliteCount = draft.eliteCount as number;
  form.crossoverRate = draft.crossoverRate as number;
  // A rate field emptied by hand holds NaN (SearchFormPanel), so the form names it.
  const rates = {} as MutationRates;
  for (const name of RATE_NAMES) rates[name] = draft.rates[name] ?? Number.NaN;
  form.rates = rates;
  form.seed = draft.seed as number;
  form.atZero = draft.atZero;
  form.cacheCalls = draft.cacheCalls;
  form.maxMinutes = draft.maxMinutes === 'unreadable' ? Number.NaN : draft.maxMinutes;
  form.maxTokens = draft.maxTokens === 'unreadable' ? Number.NaN : draft.maxTokens;
  form.mode = draft.mode;
  form.engine = draft.engine;
  form.endpoint = draft.endpoint;
  form.modelNames = { ...draft.modelNames };
  form.prompts.remove();
  if (draft.promptSet) form.prompts.loaded = draft.promptSet;
  form.promptPools = draft.promptPools;
}

/** The draft in `raw` (stored JSON), or null when there is none or it does not read back exactly. */
export function parseSearchDraft(raw: string | null): SearchFormDraft | null {
  const v = parseJson(raw);
  if (!isRecord(v) || v['version'] !== SEARCH_DRAFT_VERSION || !onlyKeys(v, KEYS)) return null;
  const ok =
    typeof v['name'] === 'string' &&
    oneOf(v['benchmark'], BENCHMARKS) &&
    oneOf(v['selectionKind'], POOL_KINDS) &&
    typeof v['idsText'] === 'string' &&
    oneOf(v['subsetChoice'], SUBSET_CHOICES) &&
    oneOf(v['selection'], SCHEMES) &&
    // Drafts kept before the choice existed have none: they meant the default.
    (v['thresholdRule'] === undefined || oneOf(v['thresholdRule'], THRESHOLD_RULES)) &&
    (v['columnOrder'] === undefined || oneOf(v['columnOrder'], COLUMN_ORDERS)) &&
    (v['promptPools'] === undefined || oneOf(v['promptPools'], POOL_CHOICES)) &&
    NUMBER_FIELDS.every((key) => numberOrNull(v[key])) &&
    isBudget(v['maxMinutes']) &&
    isBudget(v['maxTokens']) &&
    isRecord(v['rates']) &&
    onlyKeys(v['rates'], RATE_NAMES) &&
    RATE_NAMES.every((name) => isRecord(v['rates']) && numberOrNull(v['rates'][name])) &&
    typeof v['atZero'] === 'boolean' &&
    typeof v['cacheCalls'] === 'boolean' &&
    oneOf(v['mode'], MODES) &&
    oneOf(v['engine'], ENGINES) &&
    typeof v['endpoint'] === 'string' &&
    isRecord(v['modelNames']) &&
    strings(Object.values(v['modelNames'])) &&
    typeof v['workers'] === 'number' &&
    Number.isInteger(v['workers']) &&
    v['workers'] >= 1;
  if (!ok) return null;
  const difficulty = readDifficulty(v['difficulty']);
  const promptSet = readLoadedSet(v['promptSet']);
  if (difficulty === undefined || promptSet === undefined) return null;
  return {
    ...(v as unknown as SearchFormDraft),
    thresholdRule: (v['thresholdRule'] as ThresholdRule | undefined) ?? 'band',
    columnOrder: (v['columnOrder'] as StratifiedColumnOrder | undefined) ?? 'easiest-first',
    promptPools: (v['promptPools'] as PromptPoolChoice | undefined) ?? 'study-sized',
    difficulty,
    promptSet,
  };
}

/** A kept ranking: null for none, undefined when it does not read back as one. */
function readDifficulty(value: unknown): DifficultySource | null | undefined {
  if (value === null) return null;
  if (!isRecord(value) || !onlyKeys(value, ['label', 'benchmark', 'passRates', 'verdicts', 'arms'])) return undefined;
  const { label, benchmark, passRates, verdicts, arms } = value;
  if (typeof label !== 'string' || !oneOf(benchmark, BENCHMARKS) || !strings(arms)) return undefined;
  if (typeof verdicts !== 'number' || !Number.isInteger(verdicts) || verdicts < 1) return undefined;
  if (!isRecord(passRates) || Object.keys(passRates).length === 0) return undefined;
  const rates: Record<string, number> = {};
  for (const [id, rate] of Object.entries(passRates)) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) return undefined;
    rates[id] = rate;
  }
  return { label, benchmark, passRates: rates, verdicts, arms: [...arms] };
}

/** The Search form's draft in this tab; never throws. */
export class SearchDraftStore extends DraftStore<SearchFormDraft> {
  constructor(storage: SettingsStorage | undefined) {
    super(storage, SEARCH_DRAFT_KEY, parseSearchDraft);
  }
}
