import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random.ts';
import {
  difficultyOrder,
  genomeFitness,
  passRatesByProblem,
  rotatingOrder,
  rotatingSubset,
  balancedStratifiedSubset,
  stratifiedSubset,
  subsetEase,
} from '../../../src/core/search/fitness.ts';
import { rankGenomes } from '../../../src/core/search/selection.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `HumanEval/${i}`);

describe('genome fitness', () => {
  it('is the pass rate on the subset minus 0.02 per node', () => {
    // 20 of 25 with generator → exec → refiner (3 nodes): 0.8 − 0.06.
    expect(genomeFitness([20], 25, 3, 0.02).fitness).toBeCloseTo(0.74, 12);
  });

  it('averages k evaluations', () => {
    const f = genomeFitness([20, 15, 10], 25, 4, 0.02);
    expect(f.passRates).toEqual([0.8, 0.6, 0.4]);
    expect(f.passRate).toBeCloseTo(0.6, 12);
    expect(f.fitness).toBeCloseTo(0.52, 12);
  });

  it('ties exactly when the arithmetic ties, so fewer executions per problem decide, as documented (audit R218-3)', () => {
    // 4/25 with 3 nodes and 6/25 with 7 nodes are both 0.1; in floats the second came to 0.09999999999999998.
    const a = genomeFitness([4], 25, 3, 0.02).fitness;
    const b = genomeFitness([6], 25, 7, 0.02).fitness;
    expect(a).toBe(b);
    const ranked = rankGenomes([
      { id: 'three nodes, 3 runs a problem', fitness: a, shared: a, iterations: 3 },
      { id: 'seven nodes, 1.2 runs a problem', fitness: b, shared: b, iterations: 1.2 },
    ]);
    expect(ranked.map((g) => g.id)).toEqual(['seven nodes, 1.2 runs a problem', 'three nodes, 3 runs a problem']);
  });

  it('is floored at 0, as the study floored it', () => {
    expect(genomeFitness([0], 25, 8, 0.02).fitness).toBe(0);
  });
});

describe('problem subsets', () => {
  it('rotating: consecutive runs of a seeded order, every problem seen before any repeats', () => {
    const order = rotatingOrder(ids(100), createRng(1));
    expect(order).toEqual(rotatingOrder(ids(100), createRng(1)));
    expect([...order].sort()).toEqual([...ids(100)].sort());
    const seen = [0, 1, 2, 3].flatMap((g) => rotatingSubset(order, g, 25));
    expect(new Set(seen).size).toBe(100);
    expect(rotatingSubset(order, 4, 25)).toEqual(rotatingSubset(order, 0, 25));
    expect(rotatingSubset(order, 0, 500)).toEqual(order);
  });

  it('stratified: one problem from each difficulty band per generation, columns in turn (164 → 6 columns)', () => {
    const problems = ids(164);
    // Problem i was solved with rate i / 163: HumanEval/163 is the easiest.
    const rates = Object.fromEntries(problems.map((id, i) => [id, i / 163]));
    const ranked = difficultyOrder(problems, rates);
    expect(ranked[0]).toBe('HumanEval/163');
    const subsets = Array.from({ length: 7 }, (_, g) => stratifiedSubset(ranked, g, 25));
    for (const s of subsets) expect(s).toHaveLength(25);
    // Row r of every generation comes from band r: ranks 6r … 6r + 5.
    subsets.slice(0, 6).forEach((s, g) => s.forEach((id, row) => expect(ranked.indexOf(id)).toBe(row * 6 + g)));
    expect(new Set(subsets.slice(0, 6).flat()).size).toBe(150);
    expect(subsets[6]).toEqual(subsets[0]);
  });

  it("stratified, easiest first (the study's): each generation's subset is harder than the last", () => {
    const problems = ids(164);
    const rates = Object.fromEntries(problems.map((id, i) => [id, i / 163]));
    const ranked = difficultyOrder(problems, rates);
    const ease = Array.from({ length: 6 }, (_, g) => subsetEase(stratifiedSubset(ranked, g, 25), rates) as number);
    for (let g = 1; g < 6; g++) expect(ease[g]).toBeLessThan(ease[g - 1] as number);
    // Five ranks of 164 apart from generation 0 to 5: about 3 points of pass rate, from the test alone.
    expect((ease[0] as number) - (ease[5] as number)).toBeCloseTo(5 / 163, 12);
  });

  it('stratified, balanced: the same bands and problems, dealt so that every generation is about as hard', () => {
    const problems = ids(164);
    // Uneven rates, with ties and problems without one.
    const rates = Object.fromEntries(problems.flatMap((id, i) => (i % 11 === 0 ? [] : [[id, Math.round(5 * ((i * 37) % 164) / 163) / 5]])));
    const ranked = difficultyOrder(problems, rates);
    const plain = Array.from({ length: 6 }, (_, g) => stratifiedSubset(ranked, g, 25));
    const balanced = Array.from({ length: 7 }, (_, g) => balancedStratifiedSubset(ranked, g, 25, rates));
    // Still one problem from band r in row r, the same 150 problems over six generations, and wrapping round.
    balanced.slice(0, 6).forEach((s) => s.forEach((id, row) => expect(Math.floor(ranked.indexOf(id) / 6)).toBe(row)));
    expect(new Set(balanced.slice(0, 6).flat())).toEqual(new Set(plain.flat()));
    expect(balanced[6]).toEqual(balanced[0]);
    const spread = (subsets: string[][]) => {
      const ease = subsets.map((s) => s.reduce((a, id) => a + (rates[id] ?? 0), 0) / s.length);
      return Math.max(...ease) - Math.min(...ease);
    };
    expect(spread(plain)).toBeGreaterThan(0.02);
    // Within one pass-rate step (0.2) of one problem in 25.
    expect(spread(balanced.slice(0, 6))).toBeLessThanOrEqual(0.2 / 25 + 1e-12);
  });

  it('ranks problems without an earlier result as hardest, keeping pool order for ties', () => {
    expect(difficultyOrder(['a', 'b', 'c', 'd'], { a: 0.2, c: 0.9, d: 0.2 })).toEqual(['c', 'a', 'd', 'b']);
  });

  it('turns earlier verdicts into per-problem pass rates', () => {
    const rates = passRatesByProblem([
      { problemId: 'a', passed: true },
      { problemId: 'a', passed: false },
      { problemId: 'b', passed: false },
    ]);
    expect(rates).toEqual({ a: 0.5, b: 0 });
  });
});
