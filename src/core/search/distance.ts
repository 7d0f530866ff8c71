/**
 * The study's compatibility distance between two pipelines, as its code computes it:
 *
 *   1.0 · |Δ stage count| + 0.5 · |Δ analyzer count|
 *   + 0.4 per model mismatch + 0.2 per prompt mismatch          (generator, and refiners of paired stages)
 *   + 0.1 · |Δ temperature| + 0.1 · |Δ iterations|            (the same nodes and stages)
 *
 * Paired stages are the first min(stage counts) stages by position (the released code), or the
 * stages both carry by innovation number (as NEAT aligns genes). The stage term counts the stages
 * left unpaired: |Δ stage count| by position, and by innovation also the stages each has that the
 * other lacks (NEAT's disjoint genes), so [1, 2] and [1, 3] differ by two stages, not by none.
 * Analyzers enter only through their count, as in the study.
 */
import type { LlmNode, PromptRef, RefinePipeline, Stage } from '../pipeline/genome.ts';

export const DISTANCE_WEIGHTS = {
  stageCount: 1.0,
  analyzerCount: 0.5,
  modelMismatch: 0.4,
  promptMismatch: 0.2,
  temperature: 0.1,
  iterations: 0.1,
} as const;

export type StageAlignment = 'position' | 'innovation';

export function compatibilityDistance(a: RefinePipeline, b: RefinePipeline, align: StageAlignment = 'position'): number {
  const w = DISTANCE_WEIGHTS;
  const analyzers = (p: RefinePipeline) => p.stages.filter((s) => s.analyzer !== null).length;
  const paired = pairedStages(a.stages, b.stages, align);
  const unpaired = a.stages.length + b.stages.length - 2 * paired.length;
  let distance = w.stageCount * unpaired + w.analyzerCount * Math.abs(analyzers(a) - analyzers(b));
  distance += nodeDistance(a.generator, b.generator);
  for (const [x, y] of paired) {
    distance += nodeDistance(x.refiner, y.refiner) + w.iterations * Math.abs(x.maxIterations - y.maxIterations);
  }
  return distance;
}

function nodeDistance(x: LlmNode, y: LlmNode): number {
  const w = DISTANCE_WEIGHTS;
  return (
    (x.model !== y.model ? w.modelMismatch : 0) +
    (samePrompt(x.prompt, y.prompt) ? 0 : w.promptMismatch) +
    w.temperature * Math.abs(x.temperature - y.temperature)
  );
}

function pairedStages(a: readonly Stage[], b: readonly Stage[], align: StageAlignment): [Stage, Stage][] {
  if (align === 'position') {
    return a.slice(0, Math.min(a.length, b.length)).map((s, i) => [s, b[i] as Stage]);
  }
  const byInnovation = new Map(b.map((s) => [s.innovation, s]));
  return a.flatMap((s) => {
    const match = byInnovation.get(s.innovation);
    return match ? [[s, match] as [Stage, Stage]] : [];
  });
}

function samePrompt(x: PromptRef, y: PromptRef): boolean {
  if ('id' in x && 'id' in y) return x.id === y.id;
  if ('text' in x && 'text' in y) return x.text === y.text;
  return false;
}
