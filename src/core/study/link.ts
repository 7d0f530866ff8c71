/**
 * Study links: a URL's search params describe a whole study, so anyone who opens it can press
 * Run (or, with `autorun=1`, need not). Compact where it can be: an arm that is an unmodified
 * preset travels as its id; a custom pipeline travels as base64url of deflate-raw JSON.
 *
 *   ?study=2&b=humaneval&sel=first&n=20&r=5&mode=study
 *     &arm=p:llama-solo&arm=pf:llama-self-refine&arm=c:<packed>
 *     &engine=openai&endpoint=http://localhost:11434/v1&m=llama3.2:3b~llama3.2:3b-instruct-q4_K_M
 *     &autorun=1&end=12
 *
 * `p:` a preset, `pf:` a preset with forced iterations, `c:` a packed {id, label, pipeline,
 * forcedIterations}; arms run, and their tables list them, in the link's order. Models are named
 * by the pipelines' keys; the engine binds them when the study starts (WebLLM picks its build from
 * the GPU), and `m=key~name` overrides a name. An `endpoint` without `engine` means `engine=openai`:
 * only an endpoint study has one.
 *
 * A link that would lose a part it names is refused, not read without it: a parameter given
 * twice (only `arm` and `m` repeat), an endpoint on a WebLLM study, a name for a model key no arm
 * uses (a misspelt key would run the default model), or `n`, `seed` or `ids` that the selection
 * does not take. Parameters the link format does not use are ignored: the app's own routing may add some.
 *
 * A link cut short is refused too. Mail programs and chat apps cut long links, and every
 * parameter after the first few is optional, so a cut link often read as another study: arms
 * gone, the engine back to WebLLM, `timeout=3000` cut to `timeout=30` (audit R150). Since format 2
 * a link ends with `end=<the number of its parameters before it>`, which a cut removes or changes.
 * Parameters after it (`&autorun=1` added by hand, the app's routing) are read as before. Format 1
 * links, made before 2026-11-25, have no end and are read as they were.
 */
import type { BenchmarkId } from '../benchmarks/problem.ts';
import { parseSelectionSpec, type SelectionSpec } from '../benchmarks/selection.ts';
import { A_BENCHMARK, readTaskId } from '../benchmarks/task-id.ts';
import type { HarnessMode } from '../harness/outcome.ts';
import { llmNodes } from '../pipeline/genome.ts';
import { describeValue, isRecord, unknownKeys } from '../pipeline/json-shape.ts';
import { webllmIdFor } from '../pipeline/model-keys.ts';
import { presetById } from '../pipeline/presets.ts';
import { validatePipeline } from '../pipeline/validate-pipeline.ts';
import type { PromptSet } from '../prompts/prompt-set.ts';
import { packJson, unpackJson } from './compact-json.ts';
import { MAX_ARMS, MAX_REPEATS, baseUrlProblem, isArmId, armOfPreset, forcedIterationsProblem, type ModelBinding, type StudyArm, type StudyLimits } from './config.ts';
import type { StudyDraft } from './create-config.ts';

export const STUDY_LINK_VERSION = 2;

export type LinkEngine = 'webllm' | 'openai';

export interface StudyLink {
  name?: string;
  benchmark: BenchmarkId;
  selection: SelectionSpec;
  arms: StudyArm[];
  repeats: number;
  mode: HarnessMode;
  engine: LinkEngine;
  /** The OpenAI-compatible endpoint; required when `engine` is `openai`. */
  endpoint?: string;
  /** Model key → the engine's model name or WebLLM id, where it is not the default one. */
  modelNames: Record<string, string>;
  limits?: Partial<Pick<StudyLimits, 'timeoutMs' | 'problemTimeCapMs'>>;
  /** Start the study as soon as the page has what it needs. */
  autorun: boolean;
}

export type StudyLinkResult = { ok: true; link: StudyLink } | { ok: false; errors: string[] };

/** A packed arm may not unpack to more than this: far above any real pipeline, far below harm. */
const MAX_PACKED_ARM_BYTES = 64 * 1024;
const MAX_NAME_CHARS = 200;
const MAX_MODEL_NAME_CHARS = 200;

/**
 * A name's length as a person counts it: code points, not UTF-16 units, so an emoji or a CJK
 * letter outside the BMP counts once. Counted in units, a name of 120 emoji was refused as over
 * 200 characters (audit R163).
 */
const characters = (text: string): number => [...text].length;

/**
 * Why a study name cannot travel in a link, or null when it can: "Copy study link" refuses with
 * this rather than copy a link that every browser opening it refuses (a name over the limit).
 */
export function linkNameProblem(name: string): string | null {
  const count = characters(name);
  if (count <= MAX_NAME_CHARS) return null;
  return `No link was copied: a study link carries a study name of at most ${MAX_NAME_CHARS} characters, and this one has ${count}, so the link would be refused wherever it was opened. Shorten the study name, then copy the link again.`;
}

/** The search params (without `?`) of a link to `link`. */
export async function encodeStudyLink(link: StudyLink): Promise<string> {
  const params = new URLSearchParams();
  params.set('study', String(STUDY_LINK_VERSION));
  if (link.name) params.set('name', link.name);
  params.set('b', link.benchmark);
  const selection = link.selection;
  params.set('sel', selection.kind);
  if (selection.kind === 'first' || selection.kind === 'random') params.set('n', String(selection.n));
  if (selection.kind === 'random') params.set('seed', String(selection.seed));
  // Problem numbers only: the benchmark is named once, and dots need no escaping.
  if (selection.kind === 'ids') params.set('ids', selection.ids.map((id) => linkNumber(link.benchmark, id)).join('.'));
  params.set('r', String(link.repeats));
  params.set('mode', link.mode);
  for (const arm of link.arms) params.append('arm', await encodeArm(arm));
  params.set('engine', link.engine);
  if (link.endpoint !== undefined) params.set('endpoint', link.endpoint);
  for (const [key, name] of Object.entries(link.modelNames)) params.append('m', `${key}~${name}`);
  if (link.limits?.timeoutMs !== undefined) params.set('timeout', String(link.limits.timeoutMs));
  if (link.limits?.problemTimeCapMs !== undefined) params.set('cap', String(link.limits.problemTimeCapMs));
  if (link.autorun) params.set('autorun', '1');
  params.set('end', String([...params.keys()].length));
  return params.toString();
}

/** Past this, mail programs and chat apps start to cut or fold links (a pairing-matrix link is about 4 KB). */
const LONG_LINK_CHARS = 2000;

/** A sentence for the copy note of a link long enough to be cut on its way ('' for a shorter one); one that arrives cut is refused. */
export function longLinkNote(url: string): string {
  if (url.length <= LONG_LINK_CHARS) return '';
  return ` It is ${url.length.toLocaleString('en')} characters long: some mail programs and chat apps cut links that long, and one that arrives cut is refused when opened, so send it where it stays whole (a file, a page, an issue).`;
}

/**
 * The number a link gives for a problem id. Throws for an id that is not one of the benchmark's:
 * cut to what follows its last "/", "Mbpp/3" on HumanEval became HumanEval/3 and "1.5" two
 * problems, so the link quietly named another study, and "x7" made a link no one could open.
 */
function linkNumber(benchmark: BenchmarkId, id: string): string {
  const reading = readTaskId(benchmark, id);
  if (reading.kind === 'ok') return String(reading.number);
  const example = benchmark === 'mbpp' ? '2 or Mbpp/2' : '0 or HumanEval/0';
  throw new Error(
    `No link was made: ${describeValue(id)} is not ${A_BENCHMARK[benchmark]} problem id, and a link names each problem by its number (${example}). Correct the problem ids, then copy the link again.`,
  );
}

async function encodeArm(arm: StudyArm): Promise<string> {
  const preset = presetById(arm.pipeline.id);
  const named = preset && armOfPreset(preset, arm.forcedIterations);
  const unmodified =
    preset !== undefined &&
    arm.id === named?.id &&
    arm.label === named.label &&
    JSON.stringify(sortedKeys(preset)) === JSON.stringify(sortedKeys(arm.pipeline));
  if (unmodified) return `${arm.forcedIterations ? 'pf' : 'p'}:${preset.id}`;
  return `c:${await packJson({ id: arm.id, label: arm.label, pipeline: arm.pipeline, forcedIterations: arm.forcedIterations })}`;
}

/** Whether the page was opened with a study link at all (it may still be a broken one). */
export function isStudyLink(search: string | URLSearchParams): boolean {
  return new URLSearchParams(search).has('study');
}

/**
 * Reads a study link from a URL's search params (`?` optional). Every problem is reported; the
 * link is accepted only whole. Prompt ids are checked against the built-in pool and `promptSet`.
 */
export async function decodeStudyLink(search: string | URLSearchParams, options: { promptSet?: PromptSet } = {}): Promise<StudyLinkResult> {
  const params = new URLSearchParams(search);
  const errors: string[] = [];
  const err = (message: string) => errors.push(message);
  const version = params.get('study');
  if (version === null) return { ok: false, errors: ['This address holds no study: it has no "study" parameter.'] };
  if (version !== String(STUDY_LINK_VERSION) && version !== '1') {
    const newer = /^\d+$/.test(version) && Number(version) > STUDY_LINK_VERSION;
    return {
      ok: false,
      errors: [
        newer
          ? `study: this link was made by a newer Feedback Lab (link format ${version}); reload the app to update it, then open the link again.`
          : `study: expected ${STUDY_LINK_VERSION}, found ${describeValue(version)}.`,
      ],
    };
  }
  if (version !== '1' && !endsWhole(params)) {
    return {
      ok: false,
      errors: [
        'This study link was cut short on its way (its last part, end=, is missing or changed), so it may describe another study than the one it was made from. ' +
          'Ask for the whole link (a long link survives best sent as a file or from a page), or copy it again from where it came.',
      ],
    };
  }

  for (const key of SINGLE_VALUED) {
    const count = params.getAll(key).length;
    if (count > 1) err(`${key}: given ${count} times; a study link gives it once (only arm= and m= repeat).`);
  }

  const name = params.get('name') ?? undefined;
  if (name !== undefined && (name.trim() === '' || characters(name) > MAX_NAME_CHARS)) err(`name: expected 1-${MAX_NAME_CHARS} characters.`);
  const b = params.get('b');
  const benchmark: BenchmarkId | null = b === 'humaneval' || b === 'mbpp' ? b : null;
  if (benchmark === null) err(`b: expected the benchmark, "humaneval" or "mbpp", found ${describeValue(b ?? undefined)}.`);
  const selection = readSelection(params, benchmark, err);
  const repeats = readInteger(params.get('r'), 'r', 1, MAX_REPEATS, err);
  const modeText = params.get('mode') ?? 'study';
  const mode: HarnessMode | null = modeText === 'study' || modeText === 'standard' ? modeText : null;
  if (mode === null) err(`mode: expected "study" or "standard", found ${describeValue(modeText)}.`);
  const arms = await readArms(params.getAll('arm'), options.promptSet, err);

  const endpoint = params.get('endpoint') ?? undefined;
  // Only an endpoint study has an endpoint: a link that names one says which engine it means.
  const engineText = params.get('engine') ?? (endpoint !== undefined ? 'openai' : 'webllm');
  const engine: LinkEngine | null = engineText === 'webllm' || engineText === 'openai' ? engineText : null;
  if (engine === null) err(`engine: expected "webllm" or "openai", found ${describeValue(engineText)}.`);
  if (endpoint !== undefined) {
    const problem = baseUrlProblem(endpoint);
    if (problem) err(`endpoint: ${problem}`);
    else if (engine === 'webllm') err('endpoint: a "webllm" study runs its models in the browser and has no endpoint; remove endpoint=, or set engine=openai to run the study on it.');
  }
  if (engine === 'openai' && endpoint === undefined) err('endpoint: an "openai" study needs the endpoint\'s base URL, e.g. endpoint=http://localhost:11434/v1.');
  const modelNames = readModelNames(params.getAll('m'), err);
  if (arms) {
    const used = new Set(arms.flatMap((arm) => llmNodes(arm.pipeline).map(({ node }) => node.model)));
    for (const key of Object.keys(modelNames)) {
      if (!used.has(key)) err(`m: no arm uses the model key "${key}" (they use ${[...used].join(', ')}); a misspelt key would leave its model unnamed. Spell it as the arms do, or remove it.`);
    }
  }
  const timeoutMs = params.has('timeout') ? readInteger(params.get('timeout'), 'timeout', 1, 600_000, err) : undefined;
  const problemTimeCapMs = params.has('cap') ? readInteger(params.get('cap'), 'cap', 1, 3_600_000, err) : undefined;
  const autorunText = params.get('autorun');
  if (autorunText !== null && autorunText !== '1' && autorunText !== '0') err(`autorun: expected 1 or 0, found ${describeValue(autorunText)}.`);

  if (errors.length > 0 || benchmark === null || selection === null || repeats === null || mode === null || arms === null || engine === null) {
    return { ok: false, errors };
  }
  const limits = {
    ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
    ...(typeof problemTimeCapMs === 'number' ? { problemTimeCapMs } : {}),
  };
  return {
    ok: true,
    link: {
      ...(name !== undefined ? { name } : {}),
      benchmark,
      selection,
      arms,
      repeats,
      mode,
      engine,
      ...(endpoint !== undefined ? { endpoint } : {}),
      modelNames,
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
      autorun: autorunText === '1',
    },
  };
}

type Report = (message: string) => void;

function readInteger(text: string | null, at: string, min: number, max: number, err: Report): number | null {
  const value = text !== null && /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  err(`${at}: expected a whole number from ${min} to ${max}, found ${describeValue(text ?? undefined)}.`);
  return null;
}

/**
 * Whether the link's `end=` counts the link's own parameters before it: a link cut short has lost
 * it or changed it. Others before it (the app's routing, `page=study`) are not counted.
 */
function endsWhole(params: URLSearchParams): boolean {
  const keys = [...params.keys()];
  const at = keys.indexOf('end');
  return at !== -1 && params.get('end') === String(keys.slice(0, at).filter((key) => LINK_PARAMS.has(key)).length);
}

/** Parameters a link gives at most once; a second one would be ignored, so it is refused. */
const SINGLE_VALUED = ['study', 'name', 'b', 'sel', 'n', 'seed', 'ids', 'r', 'mode', 'engine', 'endpoint', 'timeout', 'cap', 'autorun', 'end'] as const;

/** The parameters of the link format, those that repeat included; `end=` counts these before it. */
const LINK_PARAMS: ReadonlySet<string> = new Set([...SINGLE_VALUED.filter((key) => key !== 'end'), 'arm', 'm']);

/** The selection parameters each kind takes, and the kinds that take each: another would be ignored (`n=5` with `sel=all` runs every problem). */
const SELECTION_PARAMS: Record<string, readonly string[]> = { all: [], 'mbpp-test-split': [], first: ['n'], random: ['n', 'seed'], ids: ['ids'] };
const TAKEN_BY: Record<string, string> = { n: 'sel=first or sel=random', seed: 'sel=random', ids: 'sel=ids' };

function readSelection(params: URLSearchParams, benchmark: BenchmarkId | null, err: Report): SelectionSpec | null {
  const kind = params.get('sel') ?? 'all';
  const takes = Object.hasOwn(SELECTION_PARAMS, kind) ? SELECTION_PARAMS[kind] : undefined;
  const unused = takes ? Object.keys(TAKEN_BY).filter((key) => params.has(key) && !takes.includes(key)) : [];
  const said = params.has('sel') ? `sel=${kind}` : 'a link without sel= (every problem)';
  for (const key of unused) err(`${key}: ${said} takes no ${key}=; remove it, or set ${TAKEN_BY[key]}.`);
  if (unused.length > 0) return null;
  let spec: unknown;
  switch (kind) {
    case 'all':
    case 'mbpp-test-split':
      spec = { kind };
      break;
    case 'first':
      spec = { kind, n: Number(params.get('n')) };
      break;
    case 'random':
      spec = { kind, n: Number(params.get('n')), seed: Number(params.get('seed')) };
      break;
    case 'ids': {
      const numbers = (params.get('ids') ?? '').split('.').filter((x) => x !== '');
      const prefix = benchmark === 'mbpp' ? 'Mbpp/' : 'HumanEval/';
      if (numbers.length === 0 || numbers.some((x) => !/^\d{1,6}$/.test(x))) {
        err(`ids: expected problem numbers separated by dots, e.g. ids=0.12.31, found ${describeValue(params.get('ids') ?? undefined)}.`);
        return null;
      }
      spec = { kind, ids: numbers.map((x) => `${prefix}${Number(x)}`) };
      break;
    }
    default:
      err(`sel: expected all, first, random, ids or mbpp-test-split, found ${describeValue(kind)}.`);
      return null;
  }
  try {
    const parsed = parseSelectionSpec(spec);
    if (parsed.kind === 'mbpp-test-split' && benchmark === 'humaneval') {
      err('sel: the MBPP test split only applies to MBPP.');
      return null;
    }
    return parsed;
  } catch (error) {
    err(`sel: ${(error as Error).message}`);
    return null;
  }
}

async function readArms(values: string[], promptSet: PromptSet | undefined, err: Report): Promise<StudyArm[] | null> {
  if (values.length === 0 || values.length > MAX_ARMS) {
    err(`arm: expected 1-${MAX_ARMS} arms, found ${values.length}.`);
    return null;
  }
  const arms: StudyArm[] = [];
  const seen = new Set<string>();
  for (const [i, value] of values.entries()) {
    const at = `arm[${i}]`;
    const arm = await readArm(value, at, promptSet, err);
    if (!arm) continue;
    if (seen.has(arm.id)) {
      err(`${at}: the arm id "${arm.id}" is used twice; each arm needs its own id.`);
      continue;
    }
    seen.add(arm.id);
    arms.push(arm);
  }
  return arms.length === values.length ? arms : null;
}

async function readArm(value: string, at: string, promptSet: PromptSet | undefined, err: Report): Promise<StudyArm | null> {
  const colon = value.indexOf(':');
  const kind = colon < 0 ? '' : value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (kind === 'p' || kind === 'pf') {
    const preset = presetById(rest);
    if (!preset) {
      err(`${at}: no preset "${rest}" in this Feedback Lab.`);
      return null;
    }
    const arm = armOfPreset(preset, kind === 'pf');
    const pointless = arm.forcedIterations ? forcedIterationsProblem(preset) : null;
    if (pointless) {
      err(`${at}: ${pointless} In a link that is "p:${preset.id}".`);
      return null;
    }
    if (!isArmId(arm.id)) {
      err(`${at}: the preset id "${preset.id}" cannot be an arm id.`);
      return null;
    }
    return arm;
  }
  if (kind !== 'c') {
    err(`${at}: expected "p:<preset id>", "pf:<preset id>" or "c:<packed pipeline>", found ${describeValue(value)}.`);
    return null;
  }
  let packed: unknown;
  try {
    packed = await unpackJson(rest, MAX_PACKED_ARM_BYTES);
  } catch (error) {
    err(`${at}: the packed pipeline cannot be read: ${(error as Error).message}.`);
    return null;
  }
  if (!isRecord(packed)) {
    err(`${at}: expected a packed {id, label, pipeline, forcedIterations}, found ${describeValue(packed)}.`);
    return null;
  }
  const local: string[] = [...unknownKeys(packed, ['id', 'label', 'pipeline', 'forcedIterations'], at)];
  if (typeof packed.id !== 'string' || !isArmId(packed.id)) local.push(`${at}.id: expected 1-80 letters, digits or . _ : @ + -, found ${describeValue(packed.id)}.`);
  if (typeof packed.label !== 'string' || packed.label.trim() === '' || characters(packed.label) > MAX_NAME_CHARS) {
    local.push(`${at}.label: expected 1-${MAX_NAME_CHARS} characters, found ${describeValue(packed.label)}.`);
  }
  if (typeof packed.forcedIterations !== 'boolean') local.push(`${at}.forcedIterations: expected true or false, found ${describeValue(packed.forcedIterations)}.`);
  const pipeline = validatePipeline(packed.pipeline, promptSet ? { promptSet } : {});
  if (!pipeline.ok) for (const e of pipeline.errors) local.push(`${at}.pipeline: ${e}`);
  for (const e of local) err(e);
  if (local.length > 0 || !pipeline.ok) return null;
  return { id: packed.id as string, label: packed.label as string, pipeline: pipeline.pipeline, forcedIterations: packed.forcedIterations as boolean };
}

function readModelNames(values: string[], err: Report): Record<string, string> {
  const names: Record<string, string> = {};
  for (const value of values) {
    const tilde = value.indexOf('~');
    const key = value.slice(0, tilde);
    const name = value.slice(tilde + 1);
    if (tilde <= 0 || name === '' || characters(name) > MAX_MODEL_NAME_CHARS) {
      err(`m: expected "<model key>~<model name>", found ${describeValue(value)}.`);
    } else if (Object.hasOwn(names, key)) {
      err(`m: the model key "${key}" is named twice.`);
    } else {
      names[key] = name;
    }
  }
  return names;
}

/** A short, order-independent form of a pipeline for comparing it with a preset. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (isRecord(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys(value[k])]));
  return value;
}

/**
 * The study draft a link describes on this device: model keys bound to the link's engine. WebLLM
 * builds depend on the GPU (`shader-f16`), so the binding happens here, not in the link.
 */
export function draftFromLink(link: StudyLink, device: { shaderF16: boolean }): StudyDraft {
  const models: Record<string, ModelBinding> = {};
  for (const arm of link.arms) {
    for (const { node } of llmNodes(arm.pipeline)) {
      const key = node.model;
      // Own keys only: a model may be called "constructor" or "toString", which every object inherits.
      if (Object.hasOwn(models, key)) continue;
      const named = Object.hasOwn(link.modelNames, key) ? link.modelNames[key] : undefined;
      if (link.engine === 'openai') {
        if (!link.endpoint) throw new Error('This study runs on an endpoint, but the link gives no endpoint URL.');
        models[key] = { engine: 'openai', id: named ?? key, baseUrl: link.endpoint };
        continue;
      }
      const id = named ?? webllmIdFor(key, device.shaderF16);
      if (id === null) {
        throw new Error(`${key} has no WebLLM build for GPUs without shader-f16; run this study on an endpoint, or on a GPU with shader-f16.`);
      }
      const quantization = /-(q\d+f\d+(?:_\d+)?)-MLC$/.exec(id)?.[1];
      models[key] = { engine: 'webllm', id, ...(quantization ? { quantization } : {}) };
    }
  }
  return {
    name: link.name ?? `${link.arms.map((a) => a.label).join(' vs ')}`,
    benchmark: link.benchmark,
    selection: link.selection,
    arms: link.arms,
    repeats: link.repeats,
    mode: link.mode,
    models,
    ...(link.limits ? { limits: link.limits } : {}),
  };
}

/**
 * The link for a study draft (or a started study's config): to share what is running. Throws
 * when the study binds models to more than one engine or endpoint, which one link cannot say.
 */
export function linkFromDraft(draft: StudyDraft, options: { autorun?: boolean } = {}): StudyLink {
  const bindings = Object.entries(draft.models);
  const engines = new Set(bindings.map(([, b]) => (b.engine === 'openai' ? `openai ${b.baseUrl ?? ''}` : b.engine)));
  if (engines.size !== 1) throw new Error('A study link can name one engine; this study uses several (or none).');
  const [first] = bindings;
  if (!first || first[1].engine === 'replay') throw new Error('A replayed study cannot be shared as a link; share its result file instead.');
  const engine: LinkEngine = first[1].engine;
  const modelNames: Record<string, string> = {};
  for (const [key, binding] of bindings) {
    const usual = engine === 'openai' ? [key] : [webllmIdFor(key, true), webllmIdFor(key, false)];
    if (!usual.includes(binding.id)) modelNames[key] = binding.id;
  }
  const limits = {
    ...(draft.limits?.timeoutMs !== undefined ? { timeoutMs: draft.limits.timeoutMs } : {}),
    ...(draft.limits?.problemTimeCapMs !== undefined ? { problemTimeCapMs: draft.limits.problemTimeCapMs } : {}),
  };
  return {
    name: draft.name,
    benchmark: draft.benchmark,
    selection: draft.selection,
    arms: draft.arms,
    repeats: draft.repeats,
    mode: draft.mode,
    engine,
    ...(engine === 'openai' && first[1].baseUrl ? { endpoint: first[1].baseUrl } : {}),
    modelNames,
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    autorun: options.autorun ?? false,
  };
}
