/**
 * The largest search the browser driver runs without stalling its page, and the ranges of the
 * Search form's other numbers. Measured in docs/search.md (bench/search-bookkeeping.ts):
 *
 * - Recording one evaluation copies the generation's table of results, so its cost grows with
 *   the evaluations per generation (population × k × subset): about 5 ms each at 25,000 (a
 *   population of 1,000 on the study's subset of 25), on the page's main thread. Beyond that
 *   every finished evaluation freezes the page for longer than a frame, and a population of a
 *   million does not even get its first generation's work list built.
 * - The state keeps every genome the search ever bred (about 650 bytes each) and is copied into
 *   IndexedDB every 10 s and at each generation: 20,000 genomes make about 13 MB, a third of a
 *   second per copy.
 *
 * The driver itself accepts any valid config (a file may hold a bigger search run elsewhere);
 * these limits are what the form lets a person start (checked with core/number-problems.ts).
 */
import { number } from '../number-problems.ts';

export const SEARCH_LIMITS = {
  populationSize: { min: 2, max: 1_000 },
  generations: { min: 1, max: 1_000 },
  evaluationsPerGenome: { min: 1, max: 10 },
  /** Population × evaluations per genome × subset size. */
  evaluationsPerGeneration: 25_000,
  /** Population × generations: every genome the state keeps. */
  genomes: 20_000,
  /** The seeded generator keeps 32 bits: larger seeds would repeat smaller ones. */
  seed: { min: 0, max: 2 ** 32 - 1 },
  /** Per node; at 1 a single node already costs a whole pass rate. */
  parsimony: { min: 0, max: 1 },
  probability: { min: 0, max: 1 },
  /** Budgets, when given: a year of active time, and a trillion tokens. */
  wallMinutes: { min: 1, max: 525_600 },
  tokens: { min: 1, max: 1e12 },
} as const;


export interface SearchSize {
  populationSize: number;
  evaluationsPerGenome: number;
  subsetSize: number;
  generations: number;
}

/** What the sizes together ask beyond the driver's limits (each field within its own range). */
export function searchSizeProblems(size: SearchSize): string[] {
  const problems: string[] = [];
  const perGeneration = size.populationSize * size.evaluationsPerGenome * size.subsetSize;
  if (perGeneration > SEARCH_LIMITS.evaluationsPerGeneration) {
    problems.push(
      `Population × evaluations per genome (k) × subset size: ${number(size.populationSize)} × ${number(size.evaluationsPerGenome)} × ${number(size.subsetSize)} = ${number(perGeneration)} evaluations per generation; at most ${number(SEARCH_LIMITS.evaluationsPerGeneration)} run here without stalling the page.`,
    );
  }
  const genomes = size.populationSize * size.generations;
  if (genomes > SEARCH_LIMITS.genomes) {
    problems.push(
      `Population × generations: ${number(size.populationSize)} × ${number(size.generations)} = ${number(genomes)} genomes; the search keeps every genome in this browser, at most ${number(SEARCH_LIMITS.genomes)} (${number(Math.floor(SEARCH_LIMITS.genomes / size.populationSize))} generations at this population).`,
    );
  }
  return problems;
}
