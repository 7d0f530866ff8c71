import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random.ts';
import {
  difficultyOrder,
  genomeFitness,
  passRatesByProblem,
  rotatingOrder,
  rotatingSubset,
  stratifiedSubset,
} from '../../../src/core/search/fitness.ts';

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
