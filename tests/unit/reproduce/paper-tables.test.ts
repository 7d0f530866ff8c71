import { describe, expect, it } from 'vitest';
import { PRINTED_TABLE1, RELEASED_ARM_NAME } from '../../../src/core/reproduce/paper-printed.ts';
import { allSigmaPairs, iterationArmTables, pairedFromTaxonomy, sigmaBetween, table1 } from '../../../src/core/reproduce/paper-tables.ts';
import { formatAs } from '../../../src/core/reproduce/printed-number.ts';
import { loadReleasedStudy } from '../../support/study-results.ts';

const study = await loadReleasedStudy();

describe("the paper's tables from its released data", () => {
  it('gives Table 1 HumanEval means and percentages as printed', () => {
    const rows = table1(study.main);
    for (const printed of PRINTED_TABLE1) {
      const row = rows.find((r) => r.arm === RELEASED_ARM_NAME[printed.arm]);
      expect(formatAs(row!.summary.mean, 1)).toBe(printed.humaneval.mean.value.toFixed(1));
      expect(formatAs(row!.percent, 1)).toBe(printed.humaneval.percent.value.toFixed(1));
    }
  });

  it('gives Table 1 SDs as printed for four arms; two were printed from a two-decimal print, rounded again', () => {
    // llama solo 3.6469 → 3.65 → "3.7"; NEAT v3 3.3466 → 3.35 → "3.4"; rounded once: 3.6 and 3.3.
    const rows = table1(study.main);
    const once = rows.map((r) => formatAs(r.summary.sd!, 1));
    const twice = rows.map((r) => formatAs(Number(formatAs(r.summary.sd!, 2)), 1));
    const printed = study.main.arms.map(
      (a) => PRINTED_TABLE1.find((p) => RELEASED_ARM_NAME[p.arm] === a.name)!.humaneval.sd.value.toFixed(1),
    );
    expect(twice).toEqual(printed);
    expect(once).toEqual(['3.6', '3.0', '2.7', '3.3', '3.4', '2.5']);
    expect(printed).toEqual(['3.7', '3.0', '2.7', '3.4', '3.4', '2.5']);
  });

  it('finds the one pair of arms whose σ is 3.8: llama self-refine vs llama solo (printed 4.7σ)', () => {
    const pairs = allSigmaPairs(study.main);
    expect(pairs).toHaveLength(15);
    const at38 = pairs.filter((p) => formatAs(Math.abs(p.sigma), 1) === '3.8');
    expect(at38.map((p) => [p.baseline, p.treatment])).toEqual([['llama3.2:3b solo', 'llama→exec→llama']]);
    // Δ = 17.4, σ = 17.4 / √(13.3 + 7.5) = 17.4 / √20.8
    const s = sigmaBetween(study.main, 'llama3.2:3b solo', 'llama→exec→llama');
    expect(s.delta).toBeCloseTo(17.4, 12);
    expect(s.sigma).toBeCloseTo(17.4 / Math.sqrt(20.8), 12);
  });

  it('computes Tables 4–6 for the four forced-iteration arms', () => {
    const qwen = iterationArmTables(study.iterations).find((t) => t.arm === 'qwen→exec→llama')!;
    expect(qwen.table.net.slice(1)).toEqual([-6, -7, -22]);
    expect(qwen.table.effective).toEqual([69, 91, 98, 99]);
    expect([qwen.table.initialPasses, qwen.table.broke]).toEqual([69, 43]);
    // 43 / 69 = 62.3 %
    expect(formatAs(100 * qwen.table.breakRate!, 0)).toBe('62');
    // refinement fixed 30 problems after iteration 0, 22 of them at iteration 1
    expect(qwen.table.fixesAfterInitial).toBe(30);
    expect(qwen.table.shareOfFixesAtIteration1).toBeCloseTo(22 / 30, 12);
  });

  it('tracks error types across iterations for the transition view', () => {
    const qwen = iterationArmTables(study.iterations).find((t) => t.arm === 'qwen→exec→llama')!;
    expect(qwen.transitions.labels[0]).toBe('passed');
    // every problem has a step at each of iterations 0…3, so each matrix holds all 164
    expect(qwen.transitions.counts.map((m) => m.flat().reduce((a, b) => a + b, 0))).toEqual([164, 164, 164]);
    // the passed→passed cell of 0→1 is raw[0] − regressions[1] = 69 − 28 = 41
    expect(qwen.transitions.counts[0]![0]![0]).toBe(41);
  });
});

describe('paired tests the study lacked, on its per-problem verdicts', () => {
  it('finds llama self-refine ahead of llama solo problem by problem (one run each)', () => {
    const r = pairedFromTaxonomy(study.taxonomy, 'llama3.2:3b solo', 'llama→exec→llama', { seed: 1, replicates: 2000 });
    // 74 vs 91 passed: 6 problems only solo solved, 23 only self-refine; c − b = 91 − 74 = 17
    expect([r.mcnemar.b, r.mcnemar.c]).toEqual([6, 23]);
    expect(r.mcnemar.c - r.mcnemar.b).toBe(91 - 74);
    // exact p = 2 · Σ_{i≤6} C(29, i) / 2²⁹ = 0.0023157
    expect(r.mcnemar.exactP).toBeCloseTo(0.0023157, 6);
    expect(r.difference.estimate).toBeCloseTo(17 / 164, 12);
    expect(r.difference.lower).toBeGreaterThan(0);
  });

  it('finds no difference between cross-model and self-refine', () => {
    const r = pairedFromTaxonomy(study.taxonomy, 'llama→exec→llama', 'qwen→exec→llama', { seed: 1, replicates: 2000 });
    expect([r.mcnemar.b, r.mcnemar.c]).toEqual([14, 17]);
    expect(r.mcnemar.exactP).toBeGreaterThan(0.5);
    expect(r.difference.lower).toBeLessThan(0);
    expect(r.difference.upper).toBeGreaterThan(0);
  });
});
