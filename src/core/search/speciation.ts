/**
 * Speciation: genomes closer than a threshold to a species' representative join that species,
 * so a new topology competes first with its own kind instead of being crowded out by the
 * incumbent's. The threshold moves each generation to keep the species count in a target band
 * (3-5 in the paper), or shrinks when the population has collapsed into one species (the released
 * code), and fitness is shared: divided by the size of the genome's species.
 */
import type { RefinePipeline } from '../pipeline/genome.ts';
import type { Rng } from '../random.ts';
import { compatibilityDistance, type StageAlignment } from './distance.ts';
import type { SpeciationConfig } from './search-config.ts';
import { clonePipeline, pick } from './search-genome.ts';
import { FITNESS_EPSILON } from './fitness.ts';

export interface Species {
  id: number;
  /** A member of the previous generation that newcomers are compared with. */
  representative: RefinePipeline;
  /** Genome ids of this generation's members, in population order. */
  members: string[];
  /** Best member fitness seen so far; null before the species was first scored. */
  bestFitness: number | null;
  /** Generations since `bestFitness` last improved. */
  stagnation: number;
}

export interface Speciated {
  species: Species[];
  nextSpeciesId: number;
}

/**
 * Places each genome, in order, into the first species (existing ones first, then those founded
 * this round) whose representative is closer than `threshold`; a genome that fits none founds a
 * new species. Species left without members disappear; each survivor's representative becomes a
 * random member, as in NEAT.
 */
export function speciate(
  genomes: readonly { id: string; pipeline: RefinePipeline }[],
  previous: readonly Species[],
  threshold: number,
  nextSpeciesId: number,
  rng: Rng,
  align: StageAlignment = 'position',
): Speciated {
  const existing = previous.map((s) => ({ ...s, members: [] as string[] }));
  const founded: Species[] = [];
  const pipelines = new Map(genomes.map((g) => [g.id, g.pipeline]));
  let nextId = nextSpeciesId;
  for (const genome of genomes) {
    const home = [...existing, ...founded].find((s) => compatibilityDistance(s.representative, genome.pipeline, align) < threshold);
    if (home) {
      home.members.push(genome.id);
    } else {
      founded.push({ id: nextId++, representative: clonePipeline(genome.pipeline), members: [genome.id], bestFitness: null, stagnation: 0 });
    }
  }
  const species = [...existing, ...founded]
    .filter((s) => s.members.length > 0)
    .map((s) => ({ ...s, representative: clonePipeline(pipelines.get(pick(s.members, rng)) as RefinePipeline) }));
  return { species, nextSpeciesId: nextId };
}

/** Records this generation's best member per species and counts generations without improvement. */
export function updateSpeciesFitness(species: readonly Species[], fitness: Readonly<Record<string, number>>): Species[] {
  return species.map((s) => {
    const best = Math.max(...s.members.map((id) => fitnessOf(fitness, id)));
    // Beyond rounding: a search stored before fitness was rounded (fitness.ts) holds 0.09999999999999998
    // where it now scores 0.1, which is no improvement (audit R224-3).
    if (s.bestFitness === null || best > s.bestFitness + FITNESS_EPSILON) return { ...s, bestFitness: best, stagnation: 0 };
    return { ...s, stagnation: s.stagnation + 1 };
  });
}

/** The released code's cut: the threshold × 0.6, once a generation from its third on. */
export const COLLAPSE_FACTOR = 0.6;
/** 0-based: the released code counted generations from 1 and cut from its generation 3. */
export const COLLAPSE_FROM_GENERATION = 2;

/**
 * Speciates one generation under the configured rule, and gives the threshold this generation
 * was speciated with and the one the next generation starts from.
 */
export function speciateGeneration(
  genomes: readonly { id: string; pipeline: RefinePipeline }[],
  previous: readonly Species[],
  threshold: number,
  nextSpeciesId: number,
  generation: number,
  rng: Rng,
  config: SpeciationConfig,
): Speciated & { threshold: number; nextThreshold: number } {
  const first = speciate(genomes, previous, threshold, nextSpeciesId, rng, config.alignStages);
  if ((config.thresholdRule ?? 'band') === 'band') {
    return { ...first, threshold, nextThreshold: adaptThreshold(threshold, first.species.length, config) };
  }
  if (first.species.length > 1 || generation < COLLAPSE_FROM_GENERATION) return { ...first, threshold, nextThreshold: threshold };
  // As in the released code: the species found are dropped and the generation is placed afresh,
  // the new species taking ids after those just founded.
  const cut = threshold * COLLAPSE_FACTOR;
  const again = speciate(genomes, [], cut, first.nextSpeciesId, rng, config.alignStages);
  return { ...again, threshold: cut, nextThreshold: cut };
}

/** One step toward the target band: lower the threshold when too few species, raise it when too many. */
export function adaptThreshold(threshold: number, speciesCount: number, config: Pick<SpeciationConfig, 'targetSpecies' | 'thresholdStep' | 'minThreshold'>): number {
  if (speciesCount < config.targetSpecies.min) return Math.max(config.minThreshold, round(threshold - config.thresholdStep));
  if (speciesCount > config.targetSpecies.max) return round(threshold + config.thresholdStep);
  return threshold;
}

/** Fitness divided by the size of the genome's species (explicit fitness sharing). */
export function sharedFitness(species: readonly Species[], fitness: Readonly<Record<string, number>>): Record<string, number> {
  const shared: Record<string, number> = {};
  for (const s of species) for (const id of s.members) shared[id] = fitnessOf(fitness, id) / s.members.length;
  return shared;
}

/** Species id of each genome. */
export function speciesOf(species: readonly Species[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of species) for (const id of s.members) out[id] = s.id;
  return out;
}

function fitnessOf(fitness: Readonly<Record<string, number>>, id: string): number {
  const value = fitness[id];
  if (value === undefined) throw new Error(`No fitness for genome ${id}.`);
  return value;
}

/** Thresholds are sums of steps; rounding keeps 2.0 − 0.3 − 0.3 from drifting to 1.4000000000000001. */
function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
