/**
 * Validation of pipelines arriving from outside (files, study links, result files): every
 * problem is reported with the path of the field it concerns, e.g.
 * `stages[1].refiner.temperature: expected a number from 0 to 2, found "hot".`
 */
import { findPrompt, type PromptSet } from '../prompts/prompt-set.ts';
import {
  DEFAULT_MAX_TOKENS,
  MAX_ITERATIONS,
  MAX_NODES,
  MAX_RESAMPLE_K,
  MAX_STAGES,
  MAX_TEXT_ONLY_ROUNDS,
  nodeCount,
  type Iterations,
  type LlmNode,
  type NodeRole,
  type Pipeline,
  type PromptRef,
  type Stage,
} from './genome.ts';
import { describeValue, isRecord, unknownKeys } from './json-shape.ts';

export type PipelineResult = { ok: true; pipeline: Pipeline } | { ok: false; errors: string[] };

export interface ValidateOptions {
  /** Prompt ids must exist in this set or in the built-in pool, with the node's role. */
  promptSet?: PromptSet;
  /** False skips the prompt-id check, e.g. to inspect a pipeline whose prompt set is not loaded yet. */
  checkPromptIds?: boolean;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@+/-]{0,119}$/;
const MAX_TOKENS_LIMIT = 4096;
const HEADER_KEYS = ['kind', 'id', 'name', 'description'] as const;

/** Checks an unknown value and returns a normalised pipeline (defaults filled in) or every error. */
export function validatePipeline(value: unknown, options: ValidateOptions = {}): PipelineResult {
  const errors: string[] = [];
  const pipeline = readPipeline(value, errors, options);
  if (pipeline && errors.length === 0) {
    const nodes = nodeCount(pipeline);
    if (nodes > MAX_NODES) {
      errors.push(
        `stages: ${nodes} nodes (generator, plus executor, analyzer and refiner per stage); the study's limit is ${MAX_NODES}. Remove an analyzer or a stage.`,
      );
    }
  }
  return pipeline && errors.length === 0 ? { ok: true, pipeline } : { ok: false, errors };
}

/** Throws with every error listed; for presets and other pipelines that must be valid. */
export function assertValidPipeline(value: unknown, options: ValidateOptions = {}): Pipeline {
  const result = validatePipeline(value, options);
  if (!result.ok) throw new Error(`Invalid pipeline: ${result.errors.join(' ')}`);
  return result.pipeline;
}

/** The pipeline as a JSON document, fields in a fixed order so equal pipelines give equal text. */
export function pipelineToJson(pipeline: Pipeline): string {
  return JSON.stringify(canonical(pipeline), null, 2);
}

/** Parses and validates a pipeline JSON document. */
export function pipelineFromJson(json: string, options: ValidateOptions = {}): PipelineResult {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, errors: [`This is not valid JSON: ${(error as Error).message}`] };
  }
  return validatePipeline(value, options);
}

function readPipeline(value: unknown, errors: string[], options: ValidateOptions): Pipeline | null {
  if (!isRecord(value)) {
    errors.push(`A pipeline must be a JSON object, found ${describeValue(value)}.`);
    return null;
  }
  const id = typeof value.id === 'string' && ID.test(value.id) ? value.id : null;
  if (id === null) {
    errors.push(`id: expected 1-120 letters, digits or . _ : @ + / -, found ${describeValue(value.id)}.`);
  }
  const name = typeof value.name === 'string' && value.name.trim() !== '' ? value.name : null;
  if (name === null) errors.push(`name: expected a non-empty text, found ${describeValue(value.name)}.`);
  if (value.description !== undefined && typeof value.description !== 'string') {
    errors.push(`description: expected text, found ${describeValue(value.description)}.`);
  }
  const header = {
    id: id ?? '',
    name: name ?? '',
    ...(typeof value.description === 'string' ? { description: value.description } : {}),
  };
  const node = (v: unknown, at: string, role: NodeRole) => readNode(v, at, role, errors, options);

  switch (value.kind) {
    case 'refine': {
      errors.push(...unknownKeys(value, [...HEADER_KEYS, 'generator', 'stages', 'earlyStopping'], ''));
      const generator = node(value.generator, 'generator', 'generator');
      const stages = readStages(value.stages, errors, options);
      let earlyStopping = true;
      if (value.earlyStopping !== undefined) {
        if (typeof value.earlyStopping === 'boolean') earlyStopping = value.earlyStopping;
        else errors.push(`earlyStopping: expected true or false, found ${describeValue(value.earlyStopping)}.`);
      }
      if (!generator || !stages) return null;
      return { kind: 'refine', ...header, generator, stages, earlyStopping };
    }
    case 'text-only': {
      errors.push(...unknownKeys(value, [...HEADER_KEYS, 'planner', 'critic', 'reviser', 'rounds'], ''));
      const planner = node(value.planner, 'planner', 'planner');
      const critic = node(value.critic, 'critic', 'critic');
      const reviser = node(value.reviser, 'reviser', 'reviser');
      const rounds = readInteger(value.rounds, 'rounds', 1, MAX_TEXT_ONLY_ROUNDS, errors);
      if (!planner || !critic || !reviser || rounds === null) return null;
      return { kind: 'text-only', ...header, planner, critic, reviser, rounds };
    }
    case 'resample': {
      errors.push(...unknownKeys(value, [...HEADER_KEYS, 'generator', 'k'], ''));
      const generator = node(value.generator, 'generator', 'generator');
      const k = readInteger(value.k, 'k', 1, MAX_RESAMPLE_K, errors);
      if (!generator || k === null) return null;
      return { kind: 'resample', ...header, generator, k };
    }
    default:
      errors.push(`kind: expected "refine", "text-only" or "resample", found ${describeValue(value.kind)}.`);
      return null;
  }
}

function readStages(value: unknown, errors: string[], options: ValidateOptions): Stage[] | null {
  if (!Array.isArray(value)) {
    errors.push(`stages: expected a list of 0-${MAX_STAGES} stages, found ${describeValue(value)}.`);
    return null;
  }
  if (value.length > MAX_STAGES) {
    errors.push(`stages: ${value.length} stages; the study's limit is ${MAX_STAGES}.`);
  }
  const stages: Stage[] = [];
  const innovations = new Map<number, number>();
  value.forEach((entry: unknown, i: number) => {
    const at = `stages[${i}]`;
    if (!isRecord(entry)) {
      errors.push(`${at}: expected an object {innovation, maxIterations, analyzer, refiner}, found ${describeValue(entry)}.`);
      return;
    }
    errors.push(...unknownKeys(entry, ['innovation', 'maxIterations', 'analyzer', 'refiner'], at));
    const innovation = readInteger(entry.innovation, `${at}.innovation`, 0, Number.MAX_SAFE_INTEGER, errors);
    if (innovation !== null) {
      const first = innovations.get(innovation);
      if (first !== undefined) {
        errors.push(`${at}.innovation: ${innovation} is already used by stages[${first}]; innovation numbers must be unique.`);
      } else {
        innovations.set(innovation, i);
      }
    }
    const iterations = readInteger(entry.maxIterations, `${at}.maxIterations`, 1, MAX_ITERATIONS, errors);
    const analyzer =
      entry.analyzer === null || entry.analyzer === undefined
        ? null
        : readNode(entry.analyzer, `${at}.analyzer`, 'analyzer', errors, options);
    const analyzerBroken = entry.analyzer !== null && entry.analyzer !== undefined && analyzer === null;
    const refiner = readNode(entry.refiner, `${at}.refiner`, 'refiner', errors, options);
    if (innovation !== null && iterations !== null && refiner && !analyzerBroken) {
      stages.push({ innovation, maxIterations: iterations as Iterations, analyzer, refiner });
    }
  });
  return stages.length === value.length ? stages : null;
}

function readNode(value: unknown, at: string, role: NodeRole, errors: string[], options: ValidateOptions): LlmNode | null {
  if (!isRecord(value)) {
    errors.push(`${at}: expected a node {model, prompt, temperature, maxTokens}, found ${describeValue(value)}.`);
    return null;
  }
  const before = errors.length;
  errors.push(...unknownKeys(value, ['model', 'prompt', 'temperature', 'maxTokens'], at));
  const model = typeof value.model === 'string' && value.model.trim() !== '' ? value.model : null;
  if (model === null) {
    errors.push(`${at}.model: expected a model key such as "llama3.2:3b", found ${describeValue(value.model)}.`);
  } else if (model === '__proto__') {
    // Model keys index plain objects (a study's `models`, a link's names): this one would set the object's prototype instead.
    errors.push(`${at}.model: "__proto__" cannot be a model key; give the model another name.`);
  }
  const prompt = readPromptRef(value.prompt, `${at}.prompt`, role, errors, options);
  let temperature: number | null = null;
  if (typeof value.temperature === 'number' && Number.isFinite(value.temperature) && value.temperature >= 0 && value.temperature <= 2) {
    temperature = value.temperature;
  } else {
    errors.push(`${at}.temperature: expected a number from 0 to 2, found ${describeValue(value.temperature)}.`);
  }
  const maxTokens =
    value.maxTokens === undefined
      ? DEFAULT_MAX_TOKENS
      : readInteger(value.maxTokens, `${at}.maxTokens`, 1, MAX_TOKENS_LIMIT, errors);
  if (errors.length > before || model === null || prompt === null || temperature === null || maxTokens === null) {
    return null;
  }
  return { model, prompt, temperature, maxTokens };
}

function readPromptRef(value: unknown, at: string, role: NodeRole, errors: string[], options: ValidateOptions): PromptRef | null {
  if (!isRecord(value)) {
    errors.push(`${at}: expected {"id": "…"} (a prompt from the pool) or {"text": "…"}, found ${describeValue(value)}.`);
    return null;
  }
  const hasId = 'id' in value;
  const hasText = 'text' in value;
  if (hasId === hasText) {
    errors.push(`${at}: give exactly one of "id" (a prompt from the pool) or "text" (the prompt itself).`);
    return null;
  }
  if (hasText) {
    errors.push(...unknownKeys(value, ['text'], at));
    if (typeof value.text !== 'string' || value.text.trim() === '') {
      errors.push(`${at}.text: expected the prompt's text, found ${describeValue(value.text)}.`);
      return null;
    }
    return { text: value.text };
  }
  errors.push(...unknownKeys(value, ['id'], at));
  if (typeof value.id !== 'string' || value.id === '') {
    errors.push(`${at}.id: expected a prompt id, found ${describeValue(value.id)}.`);
    return null;
  }
  if (options.checkPromptIds !== false) {
    const found = findPrompt(value.id, options.promptSet);
    if (!found) {
      errors.push(`${at}.id: no prompt "${value.id}" in the ${options.promptSet ? 'loaded prompt set or the ' : ''}built-in pool.`);
      return null;
    }
    if (found.role !== role) {
      errors.push(`${at}.id: "${value.id}" is a ${found.role} prompt, but this node is a ${role}.`);
      return null;
    }
  }
  return { id: value.id };
}

function readInteger(value: unknown, at: string, min: number, max: number, errors: string[]): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  errors.push(`${at}: expected a whole number ${range}, found ${describeValue(value)}.`);
  return null;
}

function canonicalNode(node: LlmNode): LlmNode {
  const prompt: PromptRef = 'id' in node.prompt ? { id: node.prompt.id } : { text: node.prompt.text };
  return { model: node.model, prompt, temperature: node.temperature, maxTokens: node.maxTokens };
}

function canonical(pipeline: Pipeline): Pipeline {
  const header = {
    id: pipeline.id,
    name: pipeline.name,
    ...(pipeline.description !== undefined ? { description: pipeline.description } : {}),
  };
  switch (pipeline.kind) {
    case 'refine':
      return {
        kind: 'refine',
        ...header,
        generator: canonicalNode(pipeline.generator),
        stages: pipeline.stages.map((s) => ({
          innovation: s.innovation,
          maxIterations: s.maxIterations,
          analyzer: s.analyzer ? canonicalNode(s.analyzer) : null,
          refiner: canonicalNode(s.refiner),
        })),
        earlyStopping: pipeline.earlyStopping,
      };
    case 'text-only':
      return {
        kind: 'text-only',
        ...header,
        planner: canonicalNode(pipeline.planner),
        critic: canonicalNode(pipeline.critic),
        reviser: canonicalNode(pipeline.reviser),
        rounds: pipeline.rounds,
      };
    case 'resample':
      return { kind: 'resample', ...header, generator: canonicalNode(pipeline.generator), k: pipeline.k };
  }
}
