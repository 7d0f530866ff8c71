/**
 * The pipeline genome: what a study arm runs on each problem, as plain data that survives JSON,
 * URLs and postMessage. Three shapes share one union:
 *
 * - `refine`: the study's search space. A generator, then 0-3 stages; a stage executes the code,
 *   optionally asks an analyzer for a diagnosis, then asks a refiner for new code, up to
 *   `maxIterations` times. Zero stages is a solo run (generate, execute once).
 * - `text-only`: plan, then critique and revise in rounds, with no execution feedback at all;
 *   the final code is executed once, only for the verdict. The control for "feedback over form".
 * - `resample`: k independent generations, keeping the first that passes. The control for
 *   "is refinement better than just trying again with the same budget".
 */

/** Role of an LLM node; it picks the prompt pool and the message builder. */
export type NodeRole = 'generator' | 'analyzer' | 'refiner' | 'planner' | 'critic' | 'reviser';

export const NODE_ROLES: readonly NodeRole[] = ['generator', 'analyzer', 'refiner', 'planner', 'critic', 'reviser'];

/** The study's sampling: at most 512 new tokens per call. */
export const DEFAULT_MAX_TOKENS = 512;

/** The study's search limits: at most 3 stages, 1-3 iterations per stage, at most 8 nodes. */
export const MAX_STAGES = 3;
export const MAX_ITERATIONS = 3;
export const MAX_NODES = 8;

/** Upper bounds of the two controls, generous but finite so a typo cannot run for a week. */
export const MAX_TEXT_ONLY_ROUNDS = 5;
export const MAX_RESAMPLE_K = 20;

/** One language-model call site. */
export interface LlmNode {
  /**
   * A model key the study runner resolves to a LanguageModel: a study name such as
   * `llama3.2:3b` (see model-keys.ts), a WebLLM id, or an endpoint's model name.
   */
  model: string;
  /** The role prompt: an id from the prompt pool or a loaded prompt set, or the literal text. */
  prompt: PromptRef;
  temperature: number;
  maxTokens: number;
}

/** Prompts are referenced by id so a loaded prompt set can swap the texts without touching pipelines. */
export type PromptRef = { id: string } | { text: string };

export type Iterations = 1 | 2 | 3;

export interface Stage {
  /** NEAT innovation number: crossover aligns stages of two parents by it. Unique per pipeline. */
  innovation: number;
  maxIterations: Iterations;
  analyzer: LlmNode | null;
  refiner: LlmNode;
}

interface PipelineHeader {
  /** Stable id, recorded with every result (`llama-self-refine`). */
  id: string;
  /** What people read in tables and menus. */
  name: string;
  description?: string;
}

export interface RefinePipeline extends PipelineHeader {
  kind: 'refine';
  generator: LlmNode;
  stages: Stage[];
  /**
   * Return at the first passing execution, as the study did. False runs every iteration and
   * records every verdict: the "forced iterations" mode behind the iteration tables.
   */
  earlyStopping: boolean;
}

export interface TextOnlyPipeline extends PipelineHeader {
  kind: 'text-only';
  planner: LlmNode;
  critic: LlmNode;
  reviser: LlmNode;
  /** Critique-and-revise rounds after the plan. */
  rounds: number;
}

export interface ResamplePipeline extends PipelineHeader {
  kind: 'resample';
  generator: LlmNode;
  /** Independent generations at most; execution picks the first that passes. */
  k: number;
}

export type Pipeline = RefinePipeline | TextOnlyPipeline | ResamplePipeline;

/**
 * Node count as the study's code counts it for the 8-node limit and the parsimony penalty
 * (fitness − 0.02 × nodes): the generator, and per stage its executor, its analyzer if any and
 * its refiner. So generator → exec → refiner is 3 nodes, and adding an analyzer makes 4.
 * For the two controls, the LLM nodes plus one executor.
 */
export function nodeCount(pipeline: Pipeline): number {
  switch (pipeline.kind) {
    case 'refine':
      return 1 + pipeline.stages.reduce((n, s) => n + 2 + (s.analyzer ? 1 : 0), 0);
    case 'text-only':
      return 4;
    case 'resample':
      return 2;
    default:
      return assertNever(pipeline);
  }
}

/** LLM nodes only (generator + analyzers + refiners): the distinct role prompts a pipeline uses. */
export function llmNodeCount(pipeline: Pipeline): number {
  switch (pipeline.kind) {
    case 'refine':
      return 1 + pipeline.stages.reduce((n, s) => n + 1 + (s.analyzer ? 1 : 0), 0);
    case 'text-only':
      return 3;
    case 'resample':
      return 1;
    default:
      return assertNever(pipeline);
  }
}

/**
 * The most model calls one problem can cost. Self-refine with 3 iterations costs 1 + 3 = 4,
 * which is why the equal-budget resample preset draws k = 4.
 */
export function maxModelCalls(pipeline: Pipeline): number {
  switch (pipeline.kind) {
    case 'refine':
      return 1 + pipeline.stages.reduce((n, s) => n + s.maxIterations * (s.analyzer ? 2 : 1), 0);
    case 'text-only':
      return 1 + 2 * pipeline.rounds;
    case 'resample':
      return pipeline.k;
    default:
      return assertNever(pipeline);
  }
}

/** Every LLM node with its role and the node id used in steps and chat contexts. */
export function llmNodes(pipeline: Pipeline): { nodeId: string; role: NodeRole; node: LlmNode }[] {
  switch (pipeline.kind) {
    case 'refine':
      return [
        { nodeId: 'generator', role: 'generator', node: pipeline.generator },
        ...pipeline.stages.flatMap((s, i) => [
          ...(s.analyzer ? [{ nodeId: stageNodeId(i, 'analyzer'), role: 'analyzer' as const, node: s.analyzer }] : []),
          { nodeId: stageNodeId(i, 'refiner'), role: 'refiner' as const, node: s.refiner },
        ]),
      ];
    case 'text-only':
      return [
        { nodeId: 'planner', role: 'planner', node: pipeline.planner },
        { nodeId: 'critic', role: 'critic', node: pipeline.critic },
        { nodeId: 'reviser', role: 'reviser', node: pipeline.reviser },
      ];
    case 'resample':
      return [{ nodeId: 'generator', role: 'generator', node: pipeline.generator }];
    default:
      return assertNever(pipeline);
  }
}

/** `stage1.refiner`: stage numbers in ids start at 1, as people count them. */
export function stageNodeId(stageIndex: number, part: 'analyzer' | 'refiner' | 'executor'): string {
  return `stage${stageIndex + 1}.${part}`;
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
