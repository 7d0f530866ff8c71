/**
 * Fitness of a genome in one generation: the pass rate on that generation's problem subset,
 * averaged over k evaluations, minus a parsimony penalty per node, floored at 0 as the study's
 * code did. k = 1 is the study; it selects lucky genomes (the 5-7% inflation), and k = 3-5
 * trades evaluations for honesty. Also here: which problems each generation sees.
 */
import { shuffled, type Rng } from '../random.ts';

export interface GenomeFitness {
  /** Mean over evaluations of (problems passed / subset size). */
  passRate: number;
  /** max(0, passRate − parsimony × nodes). */
  fitness: number;
  /** Pass rate of each evaluation, in evaluation order. */
  passRates: number[];
}

/** `passedPerEvaluation[e]` = problems passed in evaluation e. */
export function genomeFitness(passedPerEvaluation: readonly number[], subsetSize: number, nodes: number, parsimony: number): GenomeFitness {
  if (passedPerEvaluation.length === 0) throw new RangeError('Fitness needs at least one evaluation.');
  if (!(subsetSize > 0)) throw new RangeError(`Fitness needs a positive subset size, got ${subsetSize}.`);
  const passRates = passedPerEvaluation.map((passed) => passed / subsetSize);
  const passRate = passRates.reduce((a, b) => a + b, 0) / passRates.length;
  return { passRate, fitness: penalised(passRate, nodes, parsimony), passRates };
}

export function penalised(passRate: number, nodes: number, parsimony: number): number {
  return Math.max(0, passRate - parsimony * nodes);
}

/** The pool in a seeded random order, for rotating subsets. */
export function rotatingOrder(problemIds: readonly string[], rng: Rng): string[] {
  return shuffled(problemIds, rng);
}

/** Generation g takes the g-th run of `size` problems of the order, wrapping round. */
export function rotatingSubset(order: readonly string[], generation: number, size: number): string[] {
  if (size >= order.length) return [...order];
  const start = (generation * size) % order.length;
  return Array.from({ length: size }, (_, i) => order[(start + i) % order.length] as string);
}

/**
 * Problems easiest first by an earlier study's pass rate; problems without one count as hardest
 * (the study's −1), and ties keep the pool's order.
 */
export function difficultyOrder(problemIds: readonly string[], passRates: Readonly<Record<string, number>>): string[] {
  const rate = (id: string) => passRates[id] ?? -1;
  return problemIds
    .map((id, index) => ({ id, index }))
    .sort((a, b) => rate(b.id) - rate(a.id) || a.index - b.index)
    .map((x) => x.id);
}

/**
 * The ranked problems laid out as `size` rows (difficulty bands) of ⌊N / size⌋ columns;
 * generation g takes column g mod columns, one problem from each band. Problems past the last
 * full column are never drawn, as in the study (164 problems, 25 rows: 6 columns, 14 unused).
 */
export function stratifiedSubset(ranked: readonly string[], generation: number, size: number): string[] {
  const rows = Math.min(size, ranked.length);
  const columns = Math.max(1, Math.floor(ranked.length / rows));
  const column = generation % columns;
  return Array.from({ length: rows }, (_, row) => ranked[row * columns + column] as string);
}

/** Per-problem pass rates from an earlier study's verdicts (any number of runs per problem). */
export function passRatesByProblem(verdicts: Iterable<{ problemId: string; passed: boolean }>): Record<string, number> {
  const counts = new Map<string, { passed: number; runs: number }>();
  for (const v of verdicts) {
    const c = counts.get(v.problemId) ?? { passed: 0, runs: 0 };
    c.runs++;
    if (v.passed) c.passed++;
    counts.set(v.problemId, c);
  }
  return Object.fromEntries([...counts].map(([id, c]) => [id, c.passed / c.runs]));
}
