/**
 * The study draft file: the shortest JSON a person can write by hand to describe a study, read
 * with every problem reported by field path. It holds what a study link holds (benchmark,
 * selection, arms, repeats, mode) plus optional limits, sampling and seeds; arms may be preset
 * ids. Models are not bound here: the command binds every model key to the endpoint.
 */
import type { BenchmarkId } from '../../src/core/benchmarks/problem.ts';
import { parseSelectionSpec, type SelectionSpec } from '../../src/core/benchmarks/selection.ts';
import type { HarnessMode } from '../../src/core/harness/outcome.ts';
import { describeValue, isRecord, unknownKeys } from '../../src/core/pipeline/json-shape.ts';
import { PRESETS, presetById } from '../../src/core/pipeline/presets.ts';
import { validatePipeline } from '../../src/core/pipeline/validate-pipeline.ts';
import type { PromptSet } from '../../src/core/prompts/prompt-set.ts';
import { MAX_ARMS, MAX_REPEATS, isArmId, armOfPreset, forcedIterationsProblem, type StudyArm } from '../../src/core/study/config.ts';
import type { StudyDraft } from '../../src/core/study/create-config.ts';

/** A draft whose models are still to be bound. */
export type UnboundDraft = Omit<StudyDraft, 'models'>;

export interface DraftFile {
  draft: UnboundDraft;
  /** Model key → endpoint model name, from the file's "models". */
  modelNames: Record<string, string>;
  /** The file's "endpoint", if it names one. */
  endpoint: string | null;
}

export type DraftFileResult = { ok: true; file: DraftFile } | { ok: false; errors: string[] };

const DRAFT_KEYS = ['name', 'benchmark', 'selection', 'arms', 'repeats', 'mode', 'models', 'endpoint', 'limits', 'sampling', 'seeds'];
const PRESET_ARM_KEYS = ['preset', 'forcedIterations', 'id', 'label'];
const WHOLE_ARM_KEYS = ['id', 'label', 'pipeline', 'forcedIterations'];
const FIELD_PATH = /^[A-Za-z][\w.[\]]*: /;

/** `promptSet` (from --prompts) lets whole arms send its new prompt ids. */
export function readDraftFile(value: unknown, options: { promptSet?: PromptSet } = {}): DraftFileResult {
  if (!isRecord(value)) return { ok: false, errors: [`A study file must be a JSON object, found ${describeValue(value)}.`] };
  const errors: string[] = [...unknownKeys(value, DRAFT_KEYS, '')];
  const err = (message: string) => errors.push(message);

  const benchmark: BenchmarkId | null = value.benchmark === 'humaneval' || value.benchmark === 'mbpp' ? value.benchmark : null;
  if (benchmark === null) err(`benchmark: expected "humaneval" or "mbpp", found ${describeValue(value.benchmark)}.`);

  let selection: SelectionSpec | null = { kind: 'all' };
  if (value.selection !== undefined) {
    try {
      selection = parseSelectionSpec(value.selection);
    } catch (error) {
      selection = null;
      err(`selection: ${(error as Error).message}`);
    }
  }

  const repeats = value.repeats ?? 1;
  if (typeof repeats !== 'number' || !Number.isInteger(repeats) || repeats < 1 || repeats > MAX_REPEATS) {
    err(`repeats: expected a whole number from 1 to ${MAX_REPEATS}, found ${describeValue(value.repeats)}.`);
  }
  const mode = value.mode ?? 'study';
  if (mode !== 'study' && mode !== 'standard') err(`mode: expected "study" or "standard", found ${describeValue(value.mode)}.`);

  const arms = readArms(value.arms, err, options.promptSet);
  const name = value.name ?? (arms ? arms.map((a) => a.label).join(' vs ') : '');
  if (typeof name !== 'string' || name.trim() === '') err(`name: expected a non-empty text, found ${describeValue(value.name)}.`);

  const modelNames: Record<string, string> = {};
  if (value.models !== undefined) {
    if (!isRecord(value.models)) err(`models: expected an object mapping model keys to endpoint model names, found ${describeValue(value.models)}.`);
    else {
      for (const [key, modelName] of Object.entries(value.models)) {
        if (typeof modelName === 'string' && modelName.trim() !== '') modelNames[key] = modelName.trim();
        else err(`models[${JSON.stringify(key)}]: expected the endpoint's model name, found ${describeValue(modelName)}.`);
      }
    }
  }
  const endpoint = value.endpoint ?? null;
  if (endpoint !== null && (typeof endpoint !== 'string' || endpoint.trim() === '')) err(`endpoint: expected a URL, found ${describeValue(endpoint)}.`);
  // Limits, sampling and seeds keep their field paths: the config validator checks them after merging defaults.
  for (const key of ['limits', 'sampling', 'seeds'] as const) {
    if (value[key] !== undefined && !isRecord(value[key])) err(`${key}: expected an object, found ${describeValue(value[key])}.`);
  }

  if (errors.length > 0 || benchmark === null || selection === null || arms === null) return { ok: false, errors };
  const draft: UnboundDraft = {
    name: name as string,
    benchmark,
    selection,
    arms,
    repeats: repeats as number,
    mode: mode as HarnessMode,
    ...(isRecord(value.limits) ? { limits: value.limits as UnboundDraft['limits'] } : {}),
    ...(isRecord(value.sampling) ? { sampling: value.sampling as UnboundDraft['sampling'] } : {}),
    ...(isRecord(value.seeds) ? { seeds: value.seeds as UnboundDraft['seeds'] } : {}),
  };
  return { ok: true, file: { draft, modelNames, endpoint: typeof endpoint === 'string' ? endpoint.trim() : null } };
}

type Report = (message: string) => void;

function readArms(value: unknown, err: Report, promptSet: PromptSet | undefined): StudyArm[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ARMS) {
    err(`arms: expected a list of 1-${MAX_ARMS} arms, found ${Array.isArray(value) ? `${value.length} arms` : describeValue(value)}.`);
    return null;
  }
  const arms: StudyArm[] = [];
  const seen = new Map<string, number>();
  value.forEach((entry: unknown, i: number) => {
    const at = `arms[${i}]`;
    const arm = readArm(entry, at, err, promptSet);
    if (!arm) return;
    const first = seen.get(arm.id);
    if (first !== undefined) {
      err(`${at}: the arm id "${arm.id}" is already used by arms[${first}]; give one of them its own "id".`);
      return;
    }
    seen.set(arm.id, i);
    arms.push(arm);
  });
  return arms.length === value.length ? arms : null;
}

function readArm(entry: unknown, at: string, err: Report, promptSet: PromptSet | undefined): StudyArm | null {
  if (typeof entry === 'string') return presetArm({ preset: entry }, at, err);
  if (!isRecord(entry)) {
    err(`${at}: expected a preset id, {"preset", …} or {"id", "label", "pipeline", "forcedIterations"}, found ${describeValue(entry)}.`);
    return null;
  }
  if ('preset' in entry) {
    const unknown = unknownKeys(entry, PRESET_ARM_KEYS, at);
    for (const e of unknown) err(e);
    return unknown.length > 0 ? null : presetArm(entry, at, err);
  }
  let failed = false;
  const fail: Report = (message) => {
    failed = true;
    err(message);
  };
  for (const e of unknownKeys(entry, WHOLE_ARM_KEYS, at)) fail(e);
  if (typeof entry.id !== 'string' || !isArmId(entry.id)) fail(`${at}.id: expected 1-80 letters, digits or . _ : @ + -, found ${describeValue(entry.id)}.`);
  if (typeof entry.label !== 'string' || entry.label.trim() === '') fail(`${at}.label: expected a non-empty text, found ${describeValue(entry.label)}.`);
  const forced = entry.forcedIterations ?? false;
  if (typeof forced !== 'boolean') fail(`${at}.forcedIterations: expected true or false, found ${describeValue(entry.forcedIterations)}.`);
  const pipeline = validatePipeline(entry.pipeline, promptSet ? { promptSet } : {});
  // The pipeline validator's messages start with a field path when they concern one.
  if (!pipeline.ok) for (const e of pipeline.errors) fail(FIELD_PATH.test(e) ? `${at}.pipeline.${e}` : `${at}.pipeline: ${e}`);
  if (failed || !pipeline.ok) return null;
  return { id: entry.id as string, label: entry.label as string, pipeline: pipeline.pipeline, forcedIterations: forced as boolean };
}

function presetArm(entry: Record<string, unknown>, at: string, err: Report): StudyArm | null {
  const id = entry.preset;
  const preset = typeof id === 'string' ? presetById(id) : undefined;
  if (!preset) {
    err(`${at}: no preset ${describeValue(id)}; the presets are ${PRESETS.map((p) => p.id).join(', ')}.`);
    return null;
  }
  const forced = entry.forcedIterations ?? false;
  // A preset listed twice, plain and forced, gets two ids without the user having to pick them.
  const named = armOfPreset(preset, forced === true);
  const armId = entry.id ?? named.id;
  const label = entry.label ?? named.label;
  let ok = true;
  if (typeof forced !== 'boolean') {
    err(`${at}.forcedIterations: expected true or false, found ${describeValue(entry.forcedIterations)}.`);
    ok = false;
  }
  const pointless = forced === true ? forcedIterationsProblem(preset) : null;
  if (pointless) {
    err(`${at}.forcedIterations: ${pointless}`);
    ok = false;
  }
  if (typeof armId !== 'string' || !isArmId(armId)) {
    err(`${at}.id: expected 1-80 letters, digits or . _ : @ + -, found ${describeValue(armId)}.`);
    ok = false;
  }
  if (typeof label !== 'string' || label.trim() === '') {
    err(`${at}.label: expected a non-empty text, found ${describeValue(entry.label)}.`);
    ok = false;
  }
  if (!ok) return null;
  return { id: armId as string, label: label as string, pipeline: preset, forcedIterations: forced as boolean };
}
