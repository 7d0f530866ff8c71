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

/** Fitness differences below this are rounding, not fitness (penalised rounds to it). */
export const FITNESS_EPSILON = 1e-9;

/**
 * Rounded to 1e-9, far below any difference a pass rate can make: 4/25 − 0.02 × 3 came to 0.1 and
 * 6/25 − 0.02 × 7 to 0.09999999999999998, so the float's last bit, not the documented tie-breaker
 * (fewer executions per problem), ranked two genomes of equal fitness (audit R218-3).
 */
export function penalised(passRate: number, nodes: number, parsimony: number): number {
  return Math.max(0, Math.round((passRate - parsimony * nodes) * 1e9) / 1e9);
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
  const { rows, columns } = stratifiedLayout(ranked.length, size);
  const column = generation % columns;
  return Array.from({ length: rows }, (_, row) => ranked[row * columns + column] as string);
}

/** Rows (difficulty bands) and columns of the stratified layout of `problems` ranked problems. */
export function stratifiedLayout(problems: number, size: number): { rows: number; columns: number } {
  const rows = Math.min(size, problems);
  return { rows, columns: Math.max(1, Math.floor(problems / rows)) };
}

/**
 * The stratified layout with each band's problems dealt out so that every column is about as
 * hard as the others. The study's layout keeps each band easiest first, so column 0 (generation 0)
 * holds the easiest problem of every band and later columns harder ones: a generation's best
 * fitness can fall because its test got harder. Here, band by band from the easiest, the band's
 * easiest problem goes to the column whose problems so far have the lowest summed pass rate, the
 * next easiest to the next lowest, and so on (ties to the lower column): the columns' mean pass
 * rates end within about one problem's spread of a band. Problems without a pass rate count as 0.
 * Still one problem per band per generation, the same problems drawn, the same never drawn.
 */
export function balancedStratifiedSubset(ranked: readonly string[], generation: number, size: number, passRates: Readonly<Record<string, number>>): string[] {
  const { rows, columns } = stratifiedLayout(ranked.length, size);
  const sums: number[] = Array.from({ length: columns }, () => 0);
  const taken: string[] = [];
  const column = generation % columns;
  for (let row = 0; row < rows; row++) {
    const byEase = [...sums.keys()].sort((a, b) => (sums[a] as number) - (sums[b] as number) || a - b);
    byEase.forEach((c, i) => {
      const id = ranked[row * columns + i] as string;
      sums[c] = (sums[c] as number) + (passRates[id] ?? 0);
      if (c === column) taken.push(id);
    });
  }
  return taken;
}

/** Mean earlier pass rate of the subset's problems that have one; null when none has. */
export function subsetEase(subset: readonly string[], passRates: Readonly<Record<string, number>>): number | null {
  const known = subset.flatMap((id) => (passRates[id] === undefined ? [] : [passRates[id]]));
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
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
