/** Pipelines and contexts written for the search tests. */
import type { Iterations, LlmNode, RefinePipeline, Stage } from '../../../src/core/pipeline/genome.ts';
import { InnovationTracker } from '../../../src/core/search/innovation.ts';
import type { MutationContext } from '../../../src/core/search/mutation.ts';
import { studySearchConfig } from '../../../src/core/search/search-config.ts';
import { withHeader } from '../../../src/core/search/search-genome.ts';

export const config = studySearchConfig(Array.from({ length: 164 }, (_, i) => `HumanEval/${i}`));

export function context(innovations = new InnovationTracker()): MutationContext {
  return {
    modelPool: config.modelPool,
    promptPools: config.promptPools,
    limits: config.limits,
    temperature: config.temperature,
    maxTokens: config.maxTokens,
    innovations,
  };
}

export function node(model: string, prompt: string, temperature: number): LlmNode {
  return { model, prompt: { id: prompt }, temperature, maxTokens: 512 };
}

export const llama = (t = 0.2) => node('llama3.2:3b', 'refiner.fix', t);
export const qwen = (t = 0.2) => node('qwen2.5:1.5b', 'refiner.fix', t);

export function stage(innovation: number, options: { iterations?: Iterations; analyzer?: boolean; refiner?: LlmNode } = {}): Stage {
  return {
    innovation,
    maxIterations: options.iterations ?? 2,
    analyzer: options.analyzer ? node('llama3.2:3b', 'analyzer.diagnose', 0.4) : null,
    refiner: options.refiner ?? llama(),
  };
}

export function pipeline(stages: Stage[], generator: LlmNode = node('qwen2.5:1.5b', 'generator.plain', 0.3), id = 'p'): RefinePipeline {
  return withHeader(id, generator, stages);
}
