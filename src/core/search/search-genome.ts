/**
 * Genomes of the pipeline search: refine pipelines (the study's space: a generator, then 1-3
 * stages of execute → optional analyzer → refiner) plus where each came from, so a champion's
 * lineage can be drawn. Creation of fresh genomes and nodes follows the study's ranges.
 */
import type { Rng } from '../random.ts';
import type { LlmNode, RefinePipeline, Stage } from '../pipeline/genome.ts';
import { INITIAL_STAGE_INNOVATION } from './innovation.ts';
import type { GenomeLimits, PromptPools, TemperatureMutation } from './search-config.ts';

/** How a genome entered its generation. */
export type GenomeOrigin = 'initial' | 'elite' | 'crossover' | 'mutation';

export interface SearchGenome {
  /** `g3-7`: the 7th genome created in generation 3. Also the pipeline's id, so trajectories name it. */
  id: string;
  /** Generation the genome was created in; an elite keeps its id and this number. */
  bornIn: number;
  origin: GenomeOrigin;
  /** Fitter parent first for crossover; one parent for a mutated copy; none for the first generation. */
  parents: string[];
  pipeline: RefinePipeline;
}

/** What the operators need besides the genome and the random stream. */
export interface VariationContext {
  modelPool: readonly string[];
  promptPools: PromptPools;
  limits: GenomeLimits;
  temperature: TemperatureMutation;
  maxTokens: number;
}

export function pick<T>(items: readonly T[], rng: Rng): T {
  if (items.length === 0) throw new Error('Cannot pick from an empty list.');
  return items[rng.int(items.length)] as T;
}

/** Temperatures are kept to two decimals, as the study's genomes are. */
export function roundTemperature(t: number): number {
  return Math.round(t * 100) / 100;
}

function uniform(rng: Rng, low: number, high: number): number {
  return roundTemperature(low + (high - low) * rng.next());
}

/**
 * A fresh node with the study's starting temperature range for its role, kept inside the
 * search's temperature clip (a config may narrow it; adjust_temperature honours it too).
 */
export function randomNode(role: 'generator' | 'analyzer' | 'refiner', rng: Rng, ctx: VariationContext): LlmNode {
  const [low, high] = role === 'generator' ? [0.2, 0.6] : role === 'analyzer' ? [0.2, 0.5] : [0.1, 0.4];
  const { min, max } = ctx.temperature;
  return {
    model: pick(ctx.modelPool, rng),
    prompt: { id: pick(ctx.promptPools[role], rng) },
    temperature: roundTemperature(Math.min(max, Math.max(min, uniform(rng, low, high)))),
    maxTokens: ctx.maxTokens,
  };
}

/** A fresh stage as add_stage makes it: no analyzer, 1 or 2 iterations. */
export function randomStage(innovation: number, rng: Rng, ctx: VariationContext): Stage {
  return { innovation, maxIterations: pick([1, 2] as const, rng), analyzer: null, refiner: randomNode('refiner', rng, ctx) };
}

/**
 * How many stages a first-generation genome starts with: one, as in the study, or more when the
 * limits ask for at least that many; none when the node limit leaves no room for a stage (each
 * adds an executor and a refiner to the generator). The config check guarantees `minStages` fit.
 */
export function initialStageCount(limits: GenomeLimits): number {
  const wanted = Math.min(limits.maxStages, Math.max(1, limits.minStages));
  return 1 + 2 * wanted <= limits.maxNodes ? wanted : limits.minStages;
}

/**
 * A first-generation genome: generator → exec → refiner with random models, prompts and
 * temperatures, and 1 or 2 iterations (2 twice as likely, as in the study). With `minStages`
 * 0 the pipeline still starts with its one stage (mutation may remove it); with `minStages` 2
 * or 3 it starts with that many, numbered from INITIAL_STAGE_INNOVATION on.
 */
export function initialPipeline(id: string, rng: Rng, ctx: VariationContext): RefinePipeline {
  const generator = randomNode('generator', rng, ctx);
  const stages: Stage[] = Array.from({ length: initialStageCount(ctx.limits) }, (_, i) => ({
    innovation: INITIAL_STAGE_INNOVATION + i,
    maxIterations: pick([1, 2, 2] as const, rng),
    analyzer: null,
    refiner: randomNode('refiner', rng, ctx),
  }));
  return withHeader(id, generator, stages);
}

/** Wraps a generator and stages into a pipeline named for its shape. */
export function withHeader(id: string, generator: LlmNode, stages: Stage[]): RefinePipeline {
  const pipeline: RefinePipeline = { kind: 'refine', id, name: '', generator, stages, earlyStopping: true };
  return { ...pipeline, name: describeTopology(pipeline) };
}

/** `gen(qwen2.5:1.5b) → exec×3 → analyze(llama3.2:3b) → refine(llama3.2:3b)`, for tables and logs. */
export function describeTopology(pipeline: RefinePipeline): string {
  const parts = [`gen(${pipeline.generator.model})`];
  for (const s of pipeline.stages) {
    parts.push(`exec×${s.maxIterations}`);
    if (s.analyzer) parts.push(`analyze(${s.analyzer.model})`);
    parts.push(`refine(${s.refiner.model})`);
  }
  return parts.join(' → ');
}

/** A deep copy, so an offspring never shares a node object with its parent. */
export function clonePipeline(pipeline: RefinePipeline, id = pipeline.id): RefinePipeline {
  const copy = JSON.parse(JSON.stringify(pipeline)) as RefinePipeline;
  return { ...copy, id };
}
