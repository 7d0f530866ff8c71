/**
 * Who breeds the next generation. The study describes one scheme and ran another, so both are
 * here:
 * - `tournament` (paper §3.2): each offspring's parents are the best of `tournamentSize` genomes
 *   drawn at random from the whole population, compared by shared fitness.
 * - `species-proportional` (scripts/run_code_neat.py): each species gets offspring in
 *   proportion to its mean fitness (the sum of its shared fitness), at least one each, and
 *   parents are drawn within the species, the first from its better half; stagnant species stop
 *   breeding by the released code's rule.
 * Both keep the `eliteCount` best genomes unchanged (elitism), and both rank ties by fewer
 * executions per problem, the study's tie-breaker.
 */
import type { Rng } from '../random.ts';
import type { SearchConfig } from './search-config.ts';
import type { Species } from './speciation.ts';

export interface ScoredGenome {
  id: string;
  fitness: number;
  /** Fitness divided by species size (equal to fitness when sharing is off). */
  shared: number;
  /** Mean executions per problem, the tie-breaker (fewer is better). */
  iterations: number;
}

/** A planned offspring: crossover of two parents (fitter first), or a copy of one; both are then mutated. */
export type Breeding = { kind: 'crossover'; fitter: string; weaker: string } | { kind: 'copy'; parent: string };

export interface NextGenerationPlan {
  /** Copied unchanged, best first. */
  elites: string[];
  breeding: Breeding[];
}

/** Best first: higher fitness, then fewer iterations, then population order. */
export function rankGenomes<T extends ScoredGenome>(scored: readonly T[]): T[] {
  return scored
    .map((g, index) => ({ g, index }))
    .sort((x, y) => compareFitness(x.g, y.g) || x.index - y.index)
    .map((x) => x.g);
}

/** Negative when `a` is fitter. */
export function compareFitness(a: ScoredGenome, b: ScoredGenome): number {
  return b.fitness - a.fitness || a.iterations - b.iterations;
}

export function selectElites(scored: readonly ScoredGenome[], count: number): string[] {
  return rankGenomes(scored).slice(0, count).map((g) => g.id);
}

/** The best of `size` distinct genomes drawn at random (all of them when there are fewer). */
export function tournament(candidates: readonly ScoredGenome[], size: number, rng: Rng, by: 'shared' | 'fitness'): ScoredGenome {
  if (candidates.length === 0) throw new Error('A tournament needs at least one candidate.');
  const pool = [...candidates];
  let best: ScoredGenome | null = null;
  for (let i = 0; i < Math.min(size, pool.length); i++) {
    const j = i + rng.int(pool.length - i);
    const drawn = pool[j] as ScoredGenome;
    pool[j] = pool[i] as ScoredGenome;
    pool[i] = drawn;
    if (!best || drawn[by] > best[by] || (drawn[by] === best[by] && compareFitness(drawn, best) < 0)) best = drawn;
  }
  return best as ScoredGenome;
}

/**
 * Offspring per species, proportional to `score`, at least one each while there are slots. With
 * no positive score, shares are equal. Rounding moves one slot at a time: a slot left over goes to
 * the species furthest below its exact share, and a slot too many (the minimum of one lifts the
 * weakest) comes off the species furthest above its share. So a species never breeds more than a
 * fitter one. The released code gave leftovers to random species and took the excess from the
 * largest count, which could do just that (audit R218-1).
 */
export function allocateOffspring(scores: readonly number[], total: number): number[] {
  if (scores.length === 0) return [];
  const sum = scores.reduce((a, b) => a + Math.max(0, b), 0);
  const exact = scores.map((s) => (sum > 0 ? (Math.max(0, s) / sum) * total : total / scores.length));
  const minimum = total >= scores.length ? 1 : 0;
  const counts = exact.map((e) => Math.max(minimum, Math.floor(e)));
  /** The species whose count minus its exact share is largest (`sign` 1) or smallest (−1), first on ties. */
  const furthest = (sign: 1 | -1, eligible: (i: number) => boolean): number => {
    let best = -1;
    for (let i = 0; i < counts.length; i++) {
      if (!eligible(i)) continue;
      const gap = sign * ((counts[i] as number) - (exact[i] as number));
      if (best < 0 || gap > sign * ((counts[best] as number) - (exact[best] as number))) best = i;
    }
    return best;
  };
  let assigned = counts.reduce((a, b) => a + b, 0);
  for (; assigned < total; assigned++) {
    const i = furthest(-1, () => true);
    counts[i] = (counts[i] as number) + 1;
  }
  for (; assigned > total; assigned--) {
    const i = furthest(1, (j) => (counts[j] as number) > minimum);
    counts[i] = (counts[i] as number) - 1;
  }
  return counts;
}

type SelectionOptions = Pick<SearchConfig, 'populationSize' | 'eliteCount' | 'selection' | 'tournamentSize' | 'crossoverRate' | 'fitnessSharing'> & {
  stagnationLimit: number;
};

export function planNextGeneration(
  scored: readonly ScoredGenome[],
  species: readonly Species[],
  options: SelectionOptions,
  rng: Rng,
): NextGenerationPlan {
  const elites = selectElites(scored, Math.min(options.eliteCount, scored.length));
  const slots = options.populationSize - elites.length;
  const breeding =
    options.selection === 'tournament'
      ? tournamentBreeding(scored, slots, options, rng)
      : speciesBreeding(scored, species, slots, options, rng);
  return { elites, breeding };
}

function tournamentBreeding(scored: readonly ScoredGenome[], slots: number, options: SelectionOptions, rng: Rng): Breeding[] {
  const by = options.fitnessSharing ? 'shared' : 'fitness';
  const plan: Breeding[] = [];
  for (let n = 0; n < slots; n++) {
    const first = tournament(scored, options.tournamentSize, rng, by);
    if (scored.length >= 2 && rng.next() < options.crossoverRate) {
      const second = tournament(
        scored.filter((g) => g.id !== first.id),
        options.tournamentSize,
        rng,
        by,
      );
      plan.push(ordered(first, second));
    } else {
      plan.push({ kind: 'copy', parent: first.id });
    }
  }
  return plan;
}

function speciesBreeding(
  scored: readonly ScoredGenome[],
  species: readonly Species[],
  slots: number,
  options: SelectionOptions,
  rng: Rng,
): Breeding[] {
  const byId = new Map(scored.map((g) => [g.id, g]));
  // As the released code does (run_code_neat.py, step 3): a species whose best has not improved
  // for `stagnationLimit` generations stops breeding, unless there are at most two species, when
  // every one breeds. The champion's species is not spared (elitism keeps the champion itself),
  // and the cut may leave a single species. Should every species be stagnant, the released code
  // had none to breed from and stopped; here they all breed.
  let breeders = species.length <= 2 ? [...species] : species.filter((s) => s.stagnation < options.stagnationLimit);
  if (breeders.length === 0) breeders = [...species];
  const members = breeders.map((s) => rankGenomes(s.members.map((id) => byId.get(id) as ScoredGenome)));
  const scores = members.map((m) => {
    const total = m.reduce((sum, g) => sum + g.fitness, 0);
    return options.fitnessSharing ? total / m.length : total;
  });
  const counts = allocateOffspring(scores, slots);
  const plan: Breeding[] = [];
  members.forEach((ranked, s) => {
    for (let n = 0; n < (counts[s] as number); n++) {
      if (ranked.length >= 2 && rng.next() < options.crossoverRate) {
        const better = ranked.slice(0, Math.max(1, Math.floor(ranked.length / 2)));
        const first = better[rng.int(better.length)] as ScoredGenome;
        const others = ranked.filter((g) => g.id !== first.id);
        plan.push(ordered(first, others[rng.int(others.length)] as ScoredGenome));
      } else {
        plan.push({ kind: 'copy', parent: (ranked[rng.int(ranked.length)] as ScoredGenome).id });
      }
    }
  });
  return plan;
}

function ordered(a: ScoredGenome, b: ScoredGenome): Breeding {
  return compareFitness(b, a) < 0 ? { kind: 'crossover', fitter: b.id, weaker: a.id } : { kind: 'crossover', fitter: a.id, weaker: b.id };
}
