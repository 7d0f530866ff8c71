/**
 * A made-up fitness landscape for driving the search without models: the chance that a pipeline
 * solves a problem depends only on its shape, with the study's qualitative findings built in.
 * - The generator's model sets the starting pass rate (llama > qwen > gemma).
 * - The first refine stage, with execution feedback, adds a gain that grows with the refiner's
 *   strength and with iterations (1: 60%, 2: 85%, 3: all of it).
 * - Every later stage adds only 0.01: less than the 0.04 its two nodes cost in parsimony.
 * - Analyzers add nothing (and cost 0.02 each). Prompts and temperatures do not matter.
 * The best pipeline of this landscape is llama → exec×3 → refine(llama), pass rate 0.70.
 */
import type { RefinePipeline } from '../../../src/core/pipeline/genome.ts';
import { createRng } from '../../../src/core/random.ts';
import { advanceGeneration, nextEvaluations, recordEvaluations } from '../../../src/core/search/search.ts';
import type { EvaluationRequest, EvaluationResult, SearchState } from '../../../src/core/search/search-state.ts';

const GENERATOR_BASE: Record<string, number> = { 'gemma3:1b': 0.2, 'qwen2.5:1.5b': 0.3, 'llama3.2:3b': 0.4 };
const REFINER_GAIN: Record<string, number> = { 'gemma3:1b': 0.05, 'qwen2.5:1.5b': 0.15, 'llama3.2:3b': 0.3 };
const ITERATION_SHARE = { 1: 0.6, 2: 0.85, 3: 1 } as const;
const LATER_STAGE_GAIN = 0.01;

export function landscapePassRate(pipeline: RefinePipeline): number {
  const [first, ...later] = pipeline.stages;
  const base = GENERATOR_BASE[pipeline.generator.model] ?? 0;
  const feedback = first ? (REFINER_GAIN[first.refiner.model] ?? 0) * ITERATION_SHARE[first.maxIterations] : 0;
  return Math.min(1, base + feedback + LATER_STAGE_GAIN * later.length);
}

/** The landscape's best shape, as a comparable string. */
export const BEST_SHAPE = 'gen(llama3.2:3b) → exec×3 → refine(llama3.2:3b)';

/** Problems `P0` … with evenly spread difficulties; a pipeline solves those easier than its pass rate. */
export function problemIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `P${i}`);
}

/** No noise: problem i is solved exactly when its difficulty (i + 0.5) / n is below the pass rate. */
export function exactEvaluator(n: number): (request: EvaluationRequest) => boolean {
  return (request) => (Number(request.problemId.slice(1)) + 0.5) / n < landscapePassRate(request.pipeline);
}

/**
 * Pure noise around the landscape: every evaluation an independent draw with the pipeline's pass
 * rate. The draw is a hash of (seed, generation, genome, evaluation index, problem), not the next
 * number of a stream, so searches with k = 1, 3 and 5 from one seed see the same first draws:
 * their comparison is paired and needs few seeds.
 */
export function noisyEvaluator(seed: number): (request: Pick<EvaluationRequest, 'key' | 'pipeline'>) => boolean {
  return (request) => createRng(fnv1a(`${seed}|${request.key}`)).next() < landscapePassRate(request.pipeline);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Plays the study runner: evaluates everything a generation asks for, then advances, until done. */
export function drive(
  state: SearchState,
  passes: (request: EvaluationRequest) => boolean,
  tokensPerEvaluation = 100,
): SearchState {
  let current = state;
  while (current.status === 'evaluating') {
    const results: EvaluationResult[] = nextEvaluations(current).map((r) => ({
      key: r.key,
      passed: passes(r),
      tokens: tokensPerEvaluation,
      executions: 1,
    }));
    current = recordEvaluations(current, results);
    if (current.status === 'evaluating') current = advanceGeneration(current);
  }
  return current;
}
