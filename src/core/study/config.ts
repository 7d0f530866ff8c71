/**
 * A study, fully resolved: everything needed to run it again or to read its results without the
 * app that produced them. It goes into the store when a study starts and into every result file,
 * so it holds what was actually used (the problem ids the selection gave, the prompt texts the
 * ids stood for, the model builds), never what a user merely asked for.
 *
 * `validateStudyConfig` checks one arriving from outside (a result file, a store written by an
 * older app) and reports every problem with the path of its field, in the style of the pipeline
 * validator: `arms[2].pipeline.stages[0].refiner.temperature: expected a number from 0 to 2, …`.
 */
import { isIsoTime, ISO_TIME_EXAMPLE } from '../iso-time.ts';
import type { BenchmarkId } from '../benchmarks/problem.ts';
import type { SamplingOptions } from '../ports.ts';
import { parseSelectionSpec, type SelectionSpec } from '../benchmarks/selection.ts';
import { A_BENCHMARK, readTaskId } from '../benchmarks/task-id.ts';
import type { HarnessMode } from '../harness/outcome.ts';
import { llmNodes, maxModelCalls, type Pipeline } from '../pipeline/genome.ts';
import { describeValue, isRecord, unknownKeys } from '../pipeline/json-shape.ts';
import { validatePipeline } from '../pipeline/validate-pipeline.ts';
import { aRole } from '../prompts/prompt-set-effect.ts';
import { PROMPT_SET_FORMAT, PROMPT_SET_VERSION, validatePromptSet, type PromptSet, type RolePrompt } from '../prompts/prompt-set.ts';

/** Where a model key's replies come from. */
export type ModelEngine = 'webllm' | 'openai' | 'replay';

export const MODEL_ENGINES: readonly ModelEngine[] = ['webllm', 'openai', 'replay'];

/** What a pipeline's model key (`llama3.2:3b`) was bound to for this study. */
export interface ModelBinding {
  engine: ModelEngine;
  /** The WebLLM model id, the endpoint's model name, or the replayed model's recorded id. */
  id: string;
  /** The OpenAI-compatible endpoint, e.g. `http://localhost:11434/v1`. Never holds credentials. */
  baseUrl?: string;
  /** `q4f16_1`, `Q4_K_M`…, when known: results of two quantizations are not the same experiment. */
  quantization?: string;
}

/** One configuration under test: a pipeline run `repeats` times over every problem. */
export interface StudyArm {
  /** Unique within the study; part of every unit id, so short and URL-safe. */
  id: string;
  /** What tables and progress bars show. */
  label: string;
  /** The whole genome, not a preset id: a result file must not depend on this app's presets. */
  pipeline: Pipeline;
  /** Run every iteration after a pass too, recording every verdict (the iteration tables). */
  forcedIterations: boolean;
}

/**
 * Why forcing iterations means nothing for this pipeline, or null when it can: a pipeline of one
 * model call (a solo generation) has no iteration to force, and its iteration tables would be empty.
 */
export function forcedIterationsProblem(pipeline: Pipeline): string | null {
  return maxModelCalls(pipeline) > 1
    ? null
    : `"${pipeline.name}" makes one model call per problem, so it has no iterations to force; list it without forced iterations.`;
}

/**
 * A preset as an arm. Run with forced iterations it is `<id>-forced`, "<name> (forced
 * iterations)": the tables must not show it as the plain preset, and a link or a study file can
 * list one preset both ways without the user naming either.
 */
export function armOfPreset(preset: Pipeline, forcedIterations: boolean): StudyArm {
  return forcedIterations
    ? { id: `${preset.id}-forced`, label: `${preset.name} (forced iterations)`, pipeline: preset, forcedIterations }
    : { id: preset.id, label: preset.name, pipeline: preset, forcedIterations };
}

export interface StudyLimits {
  /** Wall-clock limit of one program run (the study: 10 s). Slow-task floors may raise it per problem. */
  timeoutMs: number;
  /** Cap on one pipeline run over one problem (the study: 120 s). */
  problemTimeCapMs: number;
  maxOutputChars: number;
  /** False ignores the calibrated per-task timeout floors (see harness/limits.ts). */
  slowTaskFloors: boolean;
}

/** Sampling settings that apply to every call; temperature and max tokens live on each node. */
export interface SamplingDefaults {
  /**
   * The study: 4096. In-browser models are loaded with it; an endpoint's context is its server's
   * setting (no request carries one), so for endpoint models this is only what the study asked for.
   */
  contextWindowTokens: number;
  /** Sent with every call; null sends none, leaving the engine's default. */
  topP: number | null;
}

export interface StudySeeds {
  /** Seed passed to every chat call; null when none was (the study used none). */
  sampling: number | null;
}

export interface StudyConfig {
  /** Unique per study run; the store's key. */
  id: string;
  name: string;
  /** ISO 8601 time the study was created. */
  created: string;
  benchmark: BenchmarkId;
  /** SHA-256 of the dataset file the problems came from (see benchmarks/datasets.ts). */
  datasetSha256: string;
  /** The selection as asked for… */
  selection: SelectionSpec;
  /** …and the canonical problem ids it gave at the start, in order. The runner runs these. */
  problemIds: string[];
  arms: StudyArm[];
  /** Repeats of every arm over every problem (the study: 5). */
  repeats: number;
  mode: HarnessMode;
  limits: StudyLimits;
  /** Every model key any arm uses, bound to an engine and a model. */
  models: Record<string, ModelBinding>;
  sampling: SamplingDefaults;
  seeds: StudySeeds;
  /**
   * The texts every prompt id in the arms stood for when the study started, so the result file
   * is self-contained. Passed to the interpreter as the prompt set, so a resumed study sends the
   * same texts even if the built-in pool changed in between.
   */
  prompts: RolePrompt[];
}

export type StudyConfigResult = { ok: true; config: StudyConfig } | { ok: false; errors: string[] };

/** The study's own settings, for building configs. */
export const STUDY_DEFAULT_LIMITS: StudyLimits = {
  timeoutMs: 10_000,
  problemTimeCapMs: 120_000,
  maxOutputChars: 1_000_000,
  slowTaskFloors: true,
};
/**
 * Top-p 0.9: the study's client sent none, but it called Ollama's own chat API, which then samples
 * with Ollama's default, 0.9. Ollama's OpenAI-compatible API (the one Feedback Lab calls) uses 1.0
 * when a request sends none, so the study's value is sent with every call (audit R217-1).
 */
export const STUDY_DEFAULT_SAMPLING: SamplingDefaults = { contextWindowTokens: 4096, topP: 0.9 };

/** A call's sampling with the study's (or search's) top-p; as it is when there is none to send. */
export function withTopP(sampling: SamplingOptions, topP: number | null | undefined): SamplingOptions {
  return topP === null || topP === undefined ? sampling : { ...sampling, top_p: topP };
}

/** Bounds that keep a hostile or mistyped file from describing a study that never ends. */
export const MAX_ARMS = 64;
export const MAX_REPEATS = 100;
export const MAX_PROBLEMS = 5000;

const ARM_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,79}$/;
const STUDY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const FIELD_PATH = /^[A-Za-z][\w.[\]]*: /;
const CONFIG_KEYS = [
  'id',
  'name',
  'created',
  'benchmark',
  'datasetSha256',
  'selection',
  'problemIds',
  'arms',
  'repeats',
  'mode',
  'limits',
  'models',
  'sampling',
  'seeds',
  'prompts',
] as const;

/** Arm ids go into unit ids (`arm/repeat/problem`) and links, so they hold no `/` and no spaces. */
export function isArmId(id: string): boolean {
  return ARM_ID.test(id);
}

/**
 * Whether every model of the study answers from a recorded result file. Such a study is
 * deterministic: a unit that errored (a call the file never recorded) errors again however often
 * it is run, so it is neither retried nor offered to be run again.
 */
export function isReplayStudy(config: Pick<StudyConfig, 'models'>): boolean {
  const bindings = Object.values(config.models);
  return bindings.length > 0 && bindings.every((binding) => binding.engine === 'replay');
}

/** The prompts of `config` as a prompt set, for `runProblem`'s `promptSet` option. */
export function studyPromptSet(config: Pick<StudyConfig, 'prompts'>): PromptSet {
  return { format: PROMPT_SET_FORMAT, version: PROMPT_SET_VERSION, prompts: config.prompts };
}

/** Checks an unknown value and returns it as a StudyConfig, or every error with its field path. */
export function validateStudyConfig(value: unknown): StudyConfigResult {
  const errors: string[] = [];
  if (!isRecord(value)) return { ok: false, errors: [`A study config must be a JSON object, found ${describeValue(value)}.`] };
  errors.push(...unknownKeys(value, CONFIG_KEYS, ''));
  const err = (message: string) => errors.push(message);

  const id = text(value.id, 'id', err, STUDY_ID, '1-120 letters, digits or . _ : -');
  const name = text(value.name, 'name', err);
  const created = text(value.created, 'created', err);
  if (created !== null && !isIsoTime(created)) err(`created: expected ${ISO_TIME_EXAMPLE}, found ${describeValue(created)}.`);

  const benchmark = value.benchmark === 'humaneval' || value.benchmark === 'mbpp' ? value.benchmark : null;
  if (benchmark === null) err(`benchmark: expected "humaneval" or "mbpp", found ${describeValue(value.benchmark)}.`);
  const datasetSha256 = text(value.datasetSha256, 'datasetSha256', err, SHA256, '64 lower-case hex digits');

  let selection: SelectionSpec | null = null;
  try {
    selection = parseSelectionSpec(value.selection);
  } catch (error) {
    err(`selection: ${(error as Error).message}`);
  }
  const problemIds = readProblemIds(value.problemIds, benchmark, err);
  const prompts = readPrompts(value.prompts, err);
  const arms = readArms(value.arms, prompts, err);
  const repeats = integer(value.repeats, 'repeats', 1, MAX_REPEATS, err);
  const mode = value.mode === 'study' || value.mode === 'standard' ? value.mode : null;
  if (mode === null) err(`mode: expected "study" or "standard", found ${describeValue(value.mode)}.`);
  const limits = readLimits(value.limits, err);
  const models = readModels(value.models, err);
  const sampling = readSampling(value.sampling, err);
  const seeds = readSeeds(value.seeds, err);

  if (arms && models) {
    const missing = new Set<string>();
    for (const arm of arms) for (const { node } of llmNodes(arm.pipeline)) if (!Object.hasOwn(models, node.model)) missing.add(node.model);
    for (const key of missing) err(`models: no binding for the model key "${key}" that an arm uses.`);
  }

  if (
    errors.length > 0 ||
    id === null ||
    name === null ||
    created === null ||
    benchmark === null ||
    datasetSha256 === null ||
    selection === null ||
    problemIds === null ||
    arms === null ||
    repeats === null ||
    mode === null ||
    limits === null ||
    models === null ||
    sampling === null ||
    seeds === null ||
    prompts === null
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    config: { id, name, created, benchmark, datasetSha256, selection, problemIds, arms, repeats, mode, limits, models, sampling, seeds, prompts },
  };
}

type Report = (message: string) => void;

function text(value: unknown, at: string, err: Report, pattern?: RegExp, shape?: string): string | null {
  if (typeof value === 'string' && value.trim() !== '' && (!pattern || pattern.test(value))) return value;
  err(`${at}: expected ${shape ?? 'a non-empty text'}, found ${describeValue(value)}.`);
  return null;
}

function integer(value: unknown, at: string, min: number, max: number, err: Report): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  err(`${at}: expected a whole number from ${min} to ${max}, found ${describeValue(value)}.`);
  return null;
}

function readProblemIds(value: unknown, benchmark: BenchmarkId | null, err: Report): string[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PROBLEMS) {
    err(`problemIds: expected a list of 1-${MAX_PROBLEMS} problem ids, found ${Array.isArray(value) ? `${value.length} ids` : describeValue(value)}.`);
    return null;
  }
  const before = value.length;
  const seen = new Set<string>();
  const ids: string[] = [];
  let bad = 0;
  value.forEach((raw: unknown, i: number) => {
    // Only the first few bad ids are listed: a list of 5000 wrong ids needs one sentence, not 5000.
    const report = (message: string) => {
      if (bad++ < 5) err(`problemIds[${i}]: ${message}`);
    };
    if (typeof raw !== 'string') return report(`expected a problem id, found ${describeValue(raw)}.`);
    if (benchmark === null) return;
    const reading = readTaskId(benchmark, raw);
    if (reading.kind !== 'ok') return report(`${describeValue(raw)} is not ${A_BENCHMARK[benchmark]} problem id.`);
    if (reading.id !== raw) return report(`expected the canonical spelling "${reading.id}", found ${describeValue(raw)}.`);
    if (seen.has(raw)) return report(`${describeValue(raw)} is listed twice.`);
    seen.add(raw);
    ids.push(raw);
  });
  if (bad > 5) err(`problemIds: ${bad - 5} more bad ids not listed.`);
  return bad === 0 && benchmark !== null && ids.length === before ? ids : null;
}

function readPrompts(value: unknown, err: Report): RolePrompt[] | null {
  if (!Array.isArray(value)) {
    err(`prompts: expected a list of {id, role, text}, found ${describeValue(value)}.`);
    return null;
  }
  // All prompts may be written inline in the pipelines, so an empty list is fine here.
  if (value.length === 0) return [];
  const result = validatePromptSet({ format: PROMPT_SET_FORMAT, version: PROMPT_SET_VERSION, prompts: value });
  if (!result.ok) {
    for (const e of result.errors) err(e);
    return null;
  }
  return result.promptSet.prompts;
}

function readArms(value: unknown, prompts: RolePrompt[] | null, err: Report): StudyArm[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ARMS) {
    err(`arms: expected a list of 1-${MAX_ARMS} arms, found ${Array.isArray(value) ? `${value.length} arms` : describeValue(value)}.`);
    return null;
  }
  const arms: StudyArm[] = [];
  const seen = new Map<string, number>();
  value.forEach((entry: unknown, i: number) => {
    const at = `arms[${i}]`;
    if (!isRecord(entry)) {
      err(`${at}: expected an object {id, label, pipeline, forcedIterations}, found ${describeValue(entry)}.`);
      return;
    }
    let failed = false;
    const fail: Report = (message) => {
      failed = true;
      err(message);
    };
    for (const message of unknownKeys(entry, ['id', 'label', 'pipeline', 'forcedIterations'], at)) fail(message);
    const id = text(entry.id, `${at}.id`, fail, ARM_ID, '1-80 letters, digits or . _ : @ + -');
    if (id !== null) {
      const first = seen.get(id);
      if (first !== undefined) fail(`${at}.id: "${id}" is already the id of arms[${first}]; arm ids must be unique.`);
      else seen.set(id, i);
    }
    const label = text(entry.label, `${at}.label`, fail);
    if (typeof entry.forcedIterations !== 'boolean') {
      fail(`${at}.forcedIterations: expected true or false, found ${describeValue(entry.forcedIterations)}.`);
    }
    // Prompt ids are checked against the study's own recorded prompts below, not the app's pool.
    const checked = validatePipeline(entry.pipeline, { checkPromptIds: false });
    if (!checked.ok) {
      // The pipeline validator's messages start with a field path when they concern one.
      for (const e of checked.errors) fail(FIELD_PATH.test(e) ? `${at}.pipeline.${e}` : `${at}.pipeline: ${e}`);
    } else if (prompts) {
      for (const { nodeId, role, node } of llmNodes(checked.pipeline)) {
        if (!('id' in node.prompt)) continue;
        const promptId = node.prompt.id;
        const found = prompts.find((p) => p.id === promptId);
        if (!found) fail(`${at}.pipeline: ${nodeId} uses the prompt "${promptId}", whose text is not among the study's prompts.`);
        else if (found.role !== role) fail(`${at}.pipeline: ${nodeId} is ${aRole(role)} but its prompt "${promptId}" is ${aRole(found.role)} prompt.`);
      }
    }
    if (!failed && id !== null && label !== null && checked.ok && typeof entry.forcedIterations === 'boolean') {
      arms.push({ id, label, pipeline: checked.pipeline, forcedIterations: entry.forcedIterations });
    }
  });
  return arms.length === value.length ? arms : null;
}

function readLimits(value: unknown, err: Report): StudyLimits | null {
  if (!isRecord(value)) {
    err(`limits: expected {timeoutMs, problemTimeCapMs, maxOutputChars, slowTaskFloors}, found ${describeValue(value)}.`);
    return null;
  }
  const before: string[] = unknownKeys(value, ['timeoutMs', 'problemTimeCapMs', 'maxOutputChars', 'slowTaskFloors'], 'limits');
  for (const e of before) err(e);
  const timeoutMs = integer(value.timeoutMs, 'limits.timeoutMs', 1, 600_000, err);
  const problemTimeCapMs = integer(value.problemTimeCapMs, 'limits.problemTimeCapMs', 1, 3_600_000, err);
  const maxOutputChars = integer(value.maxOutputChars, 'limits.maxOutputChars', 1, 100_000_000, err);
  if (typeof value.slowTaskFloors !== 'boolean') err(`limits.slowTaskFloors: expected true or false, found ${describeValue(value.slowTaskFloors)}.`);
  if (before.length > 0 || timeoutMs === null || problemTimeCapMs === null || maxOutputChars === null || typeof value.slowTaskFloors !== 'boolean') {
    return null;
  }
  return { timeoutMs, problemTimeCapMs, maxOutputChars, slowTaskFloors: value.slowTaskFloors };
}

function readModels(value: unknown, err: Report): Record<string, ModelBinding> | null {
  if (!isRecord(value) || Object.keys(value).length === 0) {
    err(`models: expected an object mapping model keys to {engine, id}, found ${describeValue(value)}.`);
    return null;
  }
  const models: Record<string, ModelBinding> = {};
  let ok = true;
  for (const [key, binding] of Object.entries(value)) {
    const read = readBinding(binding, `models[${JSON.stringify(key)}]`, err);
    if (read) models[key] = read;
    else ok = false;
  }
  return ok ? models : null;
}

function readBinding(value: unknown, at: string, err: Report): ModelBinding | null {
  if (!isRecord(value)) {
    err(`${at}: expected {engine, id, baseUrl?, quantization?}, found ${describeValue(value)}.`);
    return null;
  }
  const start = [...unknownKeys(value, ['engine', 'id', 'baseUrl', 'quantization'], at)];
  for (const e of start) err(e);
  let ok = start.length === 0;
  const engine = MODEL_ENGINES.includes(value.engine as ModelEngine) ? (value.engine as ModelEngine) : null;
  if (engine === null) {
    err(`${at}.engine: expected one of ${MODEL_ENGINES.join(', ')}, found ${describeValue(value.engine)}.`);
    ok = false;
  }
  const id = text(value.id, `${at}.id`, err);
  if (id === null) ok = false;
  let baseUrl: string | undefined;
  if (value.baseUrl !== undefined) {
    const problem = baseUrlProblem(value.baseUrl);
    if (problem) {
      err(`${at}.baseUrl: ${problem}`);
      ok = false;
    } else {
      baseUrl = value.baseUrl as string;
    }
  }
  if (value.quantization !== undefined && (typeof value.quantization !== 'string' || value.quantization === '')) {
    err(`${at}.quantization: expected text such as "q4f16_1", found ${describeValue(value.quantization)}.`);
    ok = false;
  }
  if (!ok || engine === null || id === null) return null;
  return {
    engine,
    id,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(typeof value.quantization === 'string' ? { quantization: value.quantization } : {}),
  };
}

/**
 * Why `value` cannot be an endpoint base URL, or null if it can. Credentials in a URL would be
 * written into result files and links that people share, so they are refused outright.
 */
export function baseUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `expected a URL, found ${describeValue(value)}.`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${describeValue(value)} is not a URL.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http or https URL, found ${describeValue(value)}.`;
  if (url.username !== '' || url.password !== '') {
    return 'the URL holds a user name or password; remove it (credentials must never be written into a study).';
  }
  if ([...url.searchParams.keys()].some((k) => /key|token|secret|auth|password/i.test(k))) {
    return 'the URL has what looks like a credential in its query; remove it (credentials must never be written into a study).';
  }
  return null;
}

function readSampling(value: unknown, err: Report): SamplingDefaults | null {
  if (!isRecord(value)) {
    err(`sampling: expected {contextWindowTokens, topP}, found ${describeValue(value)}.`);
    return null;
  }
  const unknown = unknownKeys(value, ['contextWindowTokens', 'topP'], 'sampling');
  for (const e of unknown) err(e);
  const contextWindowTokens = integer(value.contextWindowTokens, 'sampling.contextWindowTokens', 256, 1_048_576, err);
  const topPOk = value.topP === null || (typeof value.topP === 'number' && value.topP > 0 && value.topP <= 1);
  if (!topPOk) err(`sampling.topP: expected null or a number above 0 up to 1, found ${describeValue(value.topP)}.`);
  if (unknown.length > 0 || contextWindowTokens === null || !topPOk) return null;
  return { contextWindowTokens, topP: value.topP as number | null };
}

function readSeeds(value: unknown, err: Report): StudySeeds | null {
  if (!isRecord(value)) {
    err(`seeds: expected {sampling: null or a whole number}, found ${describeValue(value)}.`);
    return null;
  }
  const unknown = unknownKeys(value, ['sampling'], 'seeds');
  for (const e of unknown) err(e);
  const ok = value.sampling === null || (typeof value.sampling === 'number' && Number.isInteger(value.sampling));
  if (!ok) err(`seeds.sampling: expected null (no seed) or a whole number, found ${describeValue(value.sampling)}.`);
  return ok && unknown.length === 0 ? { sampling: value.sampling as number | null } : null;
}

/** Equal as data, whatever the order of object keys (a config read back from JSON or IndexedDB). */
export function sameStudyConfig(a: StudyConfig, b: StudyConfig): boolean {
  return sortedJson(a) === sortedJson(b);
}

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}
