/**
 * Crossover aligned by innovation number (paper §3.2). The generator comes whole from either
 * parent (coin flip). Stages both parents carry (same innovation) come whole from either parent
 * (coin flip); stages only the fitter parent carries are always inherited; stages only the
 * weaker parent carries are inherited with `weakerStageRate` (0.3 in the study, 0 in classic
 * NEAT). Stages are ordered by innovation and cut to the stage limit, as the study did; unlike
 * the study's code, the child also keeps to the node limit (see `fitToNodeLimit`).
 */
import { nodeCount, type RefinePipeline, type Stage } from '../pipeline/genome.ts';
import type { Rng } from '../random.ts';
import type { GenomeLimits } from './search-config.ts';
import { clonePipeline, withHeader } from './search-genome.ts';

export interface CrossoverOptions {
  weakerStageRate: number;
  limits: GenomeLimits;
}

/** Where each stage of a child came from; tests and lineage views read it. */
export type StageSource = 'matching-fitter' | 'matching-weaker' | 'fitter-only' | 'weaker-only';

export interface Crossed {
  pipeline: RefinePipeline;
  generatorFrom: 'fitter' | 'weaker';
  /** Source of each child stage, by innovation. */
  stageSources: Record<number, StageSource>;
}

/** `fitter` must be the parent with the higher fitness; the child takes `id`. */
export function crossover(fitter: RefinePipeline, weaker: RefinePipeline, rng: Rng, id: string, options: CrossoverOptions): Crossed {
  const a = clonePipeline(fitter);
  const b = clonePipeline(weaker);
  const generatorFrom = rng.next() < 0.5 ? 'weaker' : 'fitter';
  const generator = generatorFrom === 'weaker' ? b.generator : a.generator;

  const weakerByInnovation = new Map(b.stages.map((s) => [s.innovation, s]));
  const fitterInnovations = new Set(a.stages.map((s) => s.innovation));
  const picked: { stage: Stage; source: StageSource }[] = [];
  for (const stage of a.stages) {
    const match = weakerByInnovation.get(stage.innovation);
    if (match && rng.next() < 0.5) picked.push({ stage: match, source: 'matching-weaker' });
    else picked.push({ stage, source: match ? 'matching-fitter' : 'fitter-only' });
  }
  for (const stage of b.stages) {
    if (!fitterInnovations.has(stage.innovation) && rng.next() < options.weakerStageRate) {
      picked.push({ stage, source: 'weaker-only' });
    }
  }
  picked.sort((x, y) => x.stage.innovation - y.stage.innovation);
  const kept = fitToNodeLimit(picked.slice(0, options.limits.maxStages), a, generator, options.limits.maxNodes);
  const stageSources: Record<number, StageSource> = {};
  for (const p of kept) stageSources[p.stage.innovation] = p.source;
  const child = { ...withHeader(id, generator, kept.map((p) => p.stage)), earlyStopping: fitter.earlyStopping };
  return { pipeline: child, generatorFrom, stageSources };
}

/**
 * Stages taken from the weaker parent can push the child past the node limit (three stages with
 * analyzers make 10 nodes). The fitter parent was within it, so first drop stages only the
 * weaker parent had (latest first), then swap matching stages back to the fitter's version.
 */
function fitToNodeLimit(
  picked: { stage: Stage; source: StageSource }[],
  fitter: RefinePipeline,
  generator: RefinePipeline['generator'],
  maxNodes: number,
): { stage: Stage; source: StageSource }[] {
  const kept = [...picked];
  const nodes = () => nodeCount({ ...fitter, generator, stages: kept.map((p) => p.stage) });
  const fitterStage = new Map(fitter.stages.map((s) => [s.innovation, s]));
  while (nodes() > maxNodes) {
    const weakerOnly = kept.map((p) => p.source).lastIndexOf('weaker-only');
    if (weakerOnly >= 0) {
      kept.splice(weakerOnly, 1);
      continue;
    }
    const matching = kept.map((p) => p.source).lastIndexOf('matching-weaker');
    const entry = kept[matching];
    const own = entry && fitterStage.get(entry.stage.innovation);
    if (!entry || !own) break; // only the fitter's own stages are left, which fit
    kept[matching] = { stage: own, source: 'matching-fitter' };
  }
  return kept;
}
