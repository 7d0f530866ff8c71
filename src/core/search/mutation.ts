/**
 * The study's seven mutation operators. Each is a function of a pipeline, the random stream and
 * the search's context that returns a new pipeline (the input is never changed), and each
 * respects the genome limits: 1-3 stages, 1-3 iterations, at most 8 nodes, temperatures in
 * [0.05, 1.2]. `mutate` fires each independently with its rate, structural operators first,
 * and points the three configuration operators at one node, as the study's code does.
 */
import { MAX_ITERATIONS, nodeCount, type Iterations, type LlmNode, type RefinePipeline, type Stage } from '../pipeline/genome.ts';
import type { Rng } from '../random.ts';
import type { InnovationTracker } from './innovation.ts';
import type { MutationRates } from './search-config.ts';
import { clonePipeline, pick, randomNode, randomStage, roundTemperature, withHeader, type VariationContext } from './search-genome.ts';

export interface MutationContext extends VariationContext {
  innovations: InnovationTracker;
}

export type MutationOperator = (pipeline: RefinePipeline, rng: Rng, ctx: MutationContext) => RefinePipeline;

/** remove_node takes an analyzer rather than the last stage 60% of the time (paper §3.2). */
const REMOVE_ANALYZER_SHARE = 0.6;
/** adjust_iterations is biased toward fewer iterations: −1 with 60%, +1 with 40%. */
const DECREASE_ITERATIONS_SHARE = 0.6;

/** Appends a stage (no analyzer, 1-2 iterations, a fresh innovation number) when the stage and node limits allow it. */
export const addStage: MutationOperator = (pipeline, rng, ctx) => {
  const { stages } = pipeline;
  if (stages.length >= ctx.limits.maxStages || nodeCount(pipeline) + 2 > ctx.limits.maxNodes) return pipeline;
  return rebuild(pipeline, pipeline.generator, [...stages.map(copyStage), randomStage(ctx.innovations.fresh(), rng, ctx)]);
};

/** Gives a random stage without an analyzer one, when the node limit allows it. */
export const addAnalyzer: MutationOperator = (pipeline, rng, ctx) => {
  const without = pipeline.stages.flatMap((s, i) => (s.analyzer ? [] : [i]));
  if (without.length === 0 || nodeCount(pipeline) + 1 > ctx.limits.maxNodes) return pipeline;
  const target = pick(without, rng);
  const analyzer = randomNode('analyzer', rng, ctx);
  return rebuild(pipeline, pipeline.generator, pipeline.stages.map((s, i) => (i === target ? { ...copyStage(s), analyzer } : copyStage(s))));
};

/**
 * Removes a random analyzer (60%) or else the last stage, as the study's code does: the 60%
 * draw is made only when some stage has an analyzer, and the last stage goes only while more
 * than `minStages` remain. So a lone stage with an analyzer keeps it 40% of the time (the
 * operator does nothing then); the study's search ran with exactly these odds, which decide how
 * long analyzers survive in a population of one-stage pipelines.
 */
export const removeNode: MutationOperator = (pipeline, rng, ctx) => {
  const withAnalyzer = pipeline.stages.flatMap((s, i) => (s.analyzer ? [i] : []));
  if (withAnalyzer.length > 0 && rng.next() < REMOVE_ANALYZER_SHARE) {
    const target = pick(withAnalyzer, rng);
    return rebuild(pipeline, pipeline.generator, pipeline.stages.map((s, i) => (i === target ? { ...copyStage(s), analyzer: null } : copyStage(s))));
  }
  if (pipeline.stages.length <= ctx.limits.minStages) return pipeline;
  return rebuild(pipeline, pipeline.generator, pipeline.stages.slice(0, -1).map(copyStage));
};

/** How a configuration operator changes the node it is given. */
type NodeChange = (node: LlmNode, role: NodeRoleInSearch, rng: Rng, ctx: MutationContext) => LlmNode;

/**
 * Reassigns a node's model, drawn uniformly from the pool. As in the study the draw may return
 * the current model, so the effective rate is (1 − 1/pool size) × the rate.
 */
const newModel: NodeChange = (node, _role, rng, ctx) => ({ ...node, model: pick(ctx.modelPool, rng) });

/** Redraws a node's prompt from its role's pool (may redraw the same, as in the study). */
const newPrompt: NodeChange = (node, role, rng, ctx) => ({ ...node, prompt: { id: pick(ctx.promptPools[role], rng) } });

/** Gaussian jitter on a node's temperature, clipped to the allowed range and kept to 2 decimals. */
const jitteredTemperature: NodeChange = (node, _role, rng, ctx) => {
  const { sigma, min, max } = ctx.temperature;
  const jittered = node.temperature + rng.normal(0, sigma);
  return { ...node, temperature: roundTemperature(Math.min(max, Math.max(min, jittered))) };
};

/** The configuration operators and what each does to its node, in the order `mutate` rolls them. */
const NODE_CHANGES = [
  ['swapModel', newModel],
  ['mutatePrompt', newPrompt],
  ['adjustTemperature', jitteredTemperature],
] as const satisfies readonly (readonly [MutationName, NodeChange])[];

/** Each configuration operator alone, on a node of its own choosing. */
export const swapModel: MutationOperator = (pipeline, rng, ctx) => changeNode(pipeline, pickSlot(pipeline, rng), newModel, rng, ctx);
export const mutatePrompt: MutationOperator = (pipeline, rng, ctx) => changeNode(pipeline, pickSlot(pipeline, rng), newPrompt, rng, ctx);
export const adjustTemperature: MutationOperator = (pipeline, rng, ctx) =>
  changeNode(pipeline, pickSlot(pipeline, rng), jitteredTemperature, rng, ctx);

/** ±1 iteration on a random stage (−1 more often), clamped to 1-3. */
export const adjustIterations: MutationOperator = (pipeline, rng) => {
  if (pipeline.stages.length === 0) return pipeline;
  const target = rng.int(pipeline.stages.length);
  const delta = rng.next() < DECREASE_ITERATIONS_SHARE ? -1 : 1;
  return rebuild(
    pipeline,
    pipeline.generator,
    pipeline.stages.map((s, i) =>
      i === target ? { ...copyStage(s), maxIterations: Math.max(1, Math.min(MAX_ITERATIONS, s.maxIterations + delta)) as Iterations } : copyStage(s),
    ),
  );
};

export type MutationName = keyof MutationRates;

/** In the order `mutate` rolls them: structure first, then configuration, as the study did. */
export const MUTATION_OPERATORS: readonly (readonly [MutationName, MutationOperator])[] = [
  ['addStage', addStage],
  ['addAnalyzer', addAnalyzer],
  ['removeNode', removeNode],
  ['swapModel', swapModel],
  ['mutatePrompt', mutatePrompt],
  ['adjustTemperature', adjustTemperature],
  ['adjustIterations', adjustIterations],
];

export interface Mutated {
  pipeline: RefinePipeline;
  /** Operators whose dice came up, in order (a fired operator may change nothing, e.g. at a limit). */
  fired: MutationName[];
}

/**
 * Rolls every operator once, independently, with its rate. As in the study's code, one LLM node
 * is picked (after the structural operators) for all three configuration operators: when a
 * mutation changes a model, a prompt and a temperature, it changes them on the same node.
 */
export function mutate(pipeline: RefinePipeline, rng: Rng, ctx: MutationContext, rates: MutationRates): Mutated {
  let current = pipeline;
  const fired: MutationName[] = [];
  const roll = (name: MutationName, operator: MutationOperator): void => {
    if (rng.next() < rates[name]) {
      fired.push(name);
      current = operator(current, rng, ctx);
    }
  };
  roll('addStage', addStage);
  roll('addAnalyzer', addAnalyzer);
  roll('removeNode', removeNode);
  const slot = pickSlot(current, rng);
  for (const [name, change] of NODE_CHANGES) roll(name, (p) => changeNode(p, slot, change, rng, ctx));
  roll('adjustIterations', adjustIterations);
  return { pipeline: current === pipeline ? clonePipeline(pipeline) : current, fired };
}

type NodeRoleInSearch = 'generator' | 'analyzer' | 'refiner';

/** Where an LLM node sits: the generator (stage −1), or a stage's analyzer or refiner. */
interface NodeSlot {
  stage: number;
  role: NodeRoleInSearch;
}

/** One LLM node chosen uniformly among the generator, analyzers and refiners. */
function pickSlot(pipeline: RefinePipeline, rng: Rng): NodeSlot {
  const slots: NodeSlot[] = [{ stage: -1, role: 'generator' }];
  pipeline.stages.forEach((s, i) => {
    if (s.analyzer) slots.push({ stage: i, role: 'analyzer' });
    slots.push({ stage: i, role: 'refiner' });
  });
  return pick(slots, rng);
}

/** Applies `change` to the node at `slot`. */
function changeNode(pipeline: RefinePipeline, slot: NodeSlot, change: NodeChange, rng: Rng, ctx: MutationContext): RefinePipeline {
  if (slot.role === 'generator') {
    return rebuild(pipeline, change({ ...pipeline.generator }, 'generator', rng, ctx), pipeline.stages.map(copyStage));
  }
  const stages = pipeline.stages.map((s, i) => {
    if (i !== slot.stage) return copyStage(s);
    const copy = copyStage(s);
    if (slot.role === 'analyzer' && copy.analyzer) return { ...copy, analyzer: change(copy.analyzer, 'analyzer', rng, ctx) };
    return { ...copy, refiner: change(copy.refiner, 'refiner', rng, ctx) };
  });
  return rebuild(pipeline, { ...pipeline.generator }, stages);
}

function copyStage(stage: Stage): Stage {
  return {
    innovation: stage.innovation,
    maxIterations: stage.maxIterations,
    analyzer: stage.analyzer ? copyNode(stage.analyzer) : null,
    refiner: copyNode(stage.refiner),
  };
}

function copyNode(node: LlmNode): LlmNode {
  return { ...node, prompt: 'id' in node.prompt ? { id: node.prompt.id } : { text: node.prompt.text } };
}

function rebuild(pipeline: RefinePipeline, generator: LlmNode, stages: Stage[]): RefinePipeline {
  const next = { ...withHeader(pipeline.id, copyNode(generator), stages), earlyStopping: pipeline.earlyStopping };
  return pipeline.description !== undefined ? { ...next, description: pipeline.description } : next;
}
