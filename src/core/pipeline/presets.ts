/**
 * Ready-made pipelines: the study's configurations, its three evolved champions re-expressed in
 * our genome, and the controls. Models, temperatures and iteration counts are the study's; the
 * prompts are ids from our own pool, chosen as the closest in role to the study's texts (load a
 * prompt set to send the study's exact sentences under the same ids).
 */
import {
  DEFAULT_MAX_TOKENS,
  MAX_ITERATIONS,
  type Iterations,
  type LlmNode,
  type Pipeline,
  type RefinePipeline,
  type ResamplePipeline,
  type TextOnlyPipeline,
} from './genome.ts';
import { SEARCH_POOL } from './model-keys.ts';
import { countOf } from '../count-text.ts';

/** The study's hand-built sampling: generator T = 0.3, refiner T = 0.2. */
const GENERATOR_T = 0.3;
const REFINER_T = 0.2;

function node(model: string, promptId: string, temperature: number): LlmNode {
  return { model, prompt: { id: promptId }, temperature, maxTokens: DEFAULT_MAX_TOKENS };
}

/** Generate once and execute once (a refine pipeline with no stages). */
export function soloPipeline(model: string, id = `${model}-solo`, name = `${model} solo`): RefinePipeline {
  return {
    kind: 'refine',
    id,
    name,
    description: `${model} writes the code once at T = ${GENERATOR_T}; the code is executed once.`,
    generator: node(model, 'generator.plain', GENERATOR_T),
    stages: [],
    earlyStopping: true,
  };
}

/** The study's hand-built loop: generate → (execute → refine) × iterations, early stopping. */
export function refineLoop(
  generatorModel: string,
  refinerModel: string,
  options: { id?: string; name?: string; iterations?: Iterations } = {},
): RefinePipeline {
  const iterations = options.iterations ?? 3;
  const name = options.name ?? `${generatorModel} → exec → ${refinerModel}`;
  return {
    kind: 'refine',
    id: options.id ?? `${generatorModel}-to-${refinerModel}`,
    name,
    description: `${generatorModel} generates (T = ${GENERATOR_T}); ${refinerModel} refines from execution feedback (T = ${REFINER_T}), up to ${iterations} iteration${iterations === 1 ? '' : 's'}, stopping at the first pass.`,
    generator: node(generatorModel, 'generator.plain', GENERATOR_T),
    stages: [{ innovation: 1, maxIterations: iterations, analyzer: null, refiner: node(refinerModel, 'refiner.fix', REFINER_T) }],
    earlyStopping: true,
  };
}

/**
 * The same pipeline with early stopping off and every stage run for `iterations` iterations:
 * every intermediate verdict is recorded, which the iteration tables (raw, new fixes,
 * regressions, break rate) need.
 */
export function forcedIterationsVariant(pipeline: RefinePipeline, iterations: Iterations = MAX_ITERATIONS): RefinePipeline {
  return {
    ...pipeline,
    id: `${pipeline.id}-forced${iterations}`,
    name: `${pipeline.name} (forced ${countOf(iterations, 'iteration')})`,
    description: `${pipeline.name} with early stopping off: every stage runs ${countOf(iterations, 'iteration')} and every verdict is recorded.`,
    stages: pipeline.stages.map((s) => ({ ...s, maxIterations: iterations })),
    earlyStopping: false,
  };
}

/**
 * k independent generations, keeping the first that passes. k = 4 matches the call budget of
 * self-refine with 3 iterations: one generation plus up to three refinements is at most 4 model
 * calls and 4 executions, exactly what resampling spends at most.
 */
export function resamplePipeline(model: string, k = 4, temperature = GENERATOR_T): ResamplePipeline {
  return {
    kind: 'resample',
    id: `${model}-resample-${k}`,
    name: `${model} resample ×${k}`,
    description: `${model} writes up to ${k} independent solutions at T = ${temperature}; the first that passes is kept. Same call budget as self-refine with ${k - 1} iterations, but no feedback reaches the model.`,
    generator: node(model, 'generator.plain', temperature),
    k,
  };
}

/**
 * Plan, then critique and revise, with no execution feedback; the final code runs once for the
 * verdict. One round is 3 model calls, below self-refine's maximum of 4 and above its average
 * with early stopping.
 */
export function textOnlyPipeline(model: string, rounds = 1): TextOnlyPipeline {
  return {
    kind: 'text-only',
    id: `${model}-text-only-${rounds}`,
    name: `${model} plan → critique → revise`,
    description: `${model} plans and writes code, critiques it by reading, and revises it (${rounds} round${rounds === 1 ? '' : 's'}); no execution result is shown to any model.`,
    planner: node(model, 'planner.plan-then-code', GENERATOR_T),
    critic: node(model, 'critic.read-only-review', GENERATOR_T),
    reviser: node(model, 'reviser.apply-review', REFINER_T),
    rounds,
  };
}

/**
 * Every generator × refiner pairing over a model pool (the study's search pool by default), as
 * hand-built refine loops: which role needs the stronger model?
 */
export function pairingMatrix(models: readonly string[] = SEARCH_POOL, iterations: Iterations = 3): RefinePipeline[] {
  return models.flatMap((generator) =>
    models.map((refiner) =>
      refineLoop(generator, refiner, { id: `pair-${generator}-to-${refiner}`, iterations }),
    ),
  );
}

// The study's hand-built configurations.
export const llamaSolo = soloPipeline('llama3.2:3b', 'llama-solo', 'llama3.2:3b solo');
export const llamaSelfRefine = refineLoop('llama3.2:3b', 'llama3.2:3b', { id: 'llama-self-refine', name: 'llama → exec → llama (self-refine)' });
export const qwenToLlama = refineLoop('qwen2.5:1.5b', 'llama3.2:3b', { id: 'qwen-to-llama', name: 'qwen → exec → llama (cross-model)' });
export const coderSolo = soloPipeline('qwen2.5-coder:3b', 'coder-solo', 'qwen2.5-coder:3b solo');
export const coderSelfRefine = refineLoop('qwen2.5-coder:3b', 'qwen2.5-coder:3b', { id: 'coder-self-refine', name: 'qwen2.5-coder:3b self-refine' });
export const coderSelfRefineOneIteration = refineLoop('qwen2.5-coder:3b', 'qwen2.5-coder:3b', {
  id: 'coder-self-refine-1iter',
  name: 'qwen2.5-coder:3b self-refine (1 iteration)',
  iterations: 1,
});

/*
 * The released NEAT champions (results/neat_runs/*.json of the study), re-expressed. Prompt
 * choices: the three champions' generator text asks for care with edge cases → generator.careful;
 * v2's refiner asks to fix from the feedback without changing the signature → refiner.minimal-change;
 * v3's and temp0's refiner asks to read the error and rewrite the function → refiner.read-error;
 * v3's analyzer asks for the exact bug and the minimal change → analyzer.root-cause.
 */
export const neatV2Champion: RefinePipeline = {
  kind: 'refine',
  id: 'neat-v2-champion',
  name: 'NEAT v2 champion',
  description: 'Evolved in the stochastic, unstratified run: llama generates, llama refines, 2 iterations.',
  generator: node('llama3.2:3b', 'generator.careful', 0.25),
  stages: [{ innovation: 1, maxIterations: 2, analyzer: null, refiner: node('llama3.2:3b', 'refiner.minimal-change', 0.31) }],
  earlyStopping: true,
};

export const neatV3Champion: RefinePipeline = {
  kind: 'refine',
  id: 'neat-v3-champion',
  name: 'NEAT v3 champion',
  description: "Evolved in the stochastic, stratified run, the paper's 'NEAT champion': qwen 1.5B generates, llama analyzes and refines, 3 iterations.",
  generator: node('qwen2.5:1.5b', 'generator.careful', 0.35),
  stages: [
    {
      innovation: 1,
      maxIterations: 3,
      analyzer: node('llama3.2:3b', 'analyzer.root-cause', 0.48),
      refiner: node('llama3.2:3b', 'refiner.read-error', 0.15),
    },
  ],
  earlyStopping: true,
};

export const neatTemp0Champion: RefinePipeline = {
  kind: 'refine',
  id: 'neat-temp0-champion',
  name: 'NEAT temp0 champion',
  description:
    'Evolved with deterministic decoding (T = 0 during search); the study validated it at these evolved temperatures. qwen 1.5B generates, llama refines, 1 iteration.',
  generator: node('qwen2.5:1.5b', 'generator.careful', 0.37),
  stages: [{ innovation: 1, maxIterations: 1, analyzer: null, refiner: node('llama3.2:3b', 'refiner.read-error', 0.21) }],
  earlyStopping: true,
};

/** Which released file each champion preset re-expresses. */
export const CHAMPION_SOURCES: Readonly<Record<string, string>> = {
  [neatV2Champion.id]: 'v2_champion.json',
  [neatV3Champion.id]: 'v3_champion.json',
  [neatTemp0Champion.id]: 'temp0_champion.json',
};

export const PRESETS: readonly Pipeline[] = [
  llamaSolo,
  llamaSelfRefine,
  qwenToLlama,
  coderSolo,
  coderSelfRefine,
  coderSelfRefineOneIteration,
  neatV2Champion,
  neatV3Champion,
  neatTemp0Champion,
  // The four configurations of the study's iteration tables, without early stopping.
  forcedIterationsVariant(llamaSelfRefine),
  forcedIterationsVariant(qwenToLlama),
  forcedIterationsVariant(neatV3Champion),
  forcedIterationsVariant(coderSelfRefine),
  // Controls: no feedback at all, and the same budget spent on fresh tries.
  soloPipeline('qwen2.5:3b', 'qwen3b-solo', 'qwen2.5:3b solo'),
  textOnlyPipeline('qwen2.5:3b'),
  resamplePipeline('llama3.2:3b'),
  resamplePipeline('qwen2.5-coder:3b'),
];

export function presetById(id: string): Pipeline | undefined {
  return PRESETS.find((p) => p.id === id);
}
