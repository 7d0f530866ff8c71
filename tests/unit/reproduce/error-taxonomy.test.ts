import { describe, expect, it } from 'vitest';
import {
  readErrorTaxonomy,
  taxonomyStepTrajectories,
} from '../../../src/core/reproduce/error-taxonomy.ts';
import { studyErrorCategory } from '../../../src/core/reproduce/study-error-category.ts';
import { unfixableReport } from '../../../src/core/reproduce/unfixable.ts';
import { firstErrorTable } from '../../../src/core/stats/error-tables.ts';
import { readStudyJson } from '../../support/study-results.ts';

const released = await readStudyJson('error_taxonomy.json');
const taxonomy = readErrorTaxonomy(released);

describe('error_taxonomy.json reader', () => {
  it('reads six arms over the same 164 problems', () => {
    expect(taxonomy.arms.map((a) => [a.name, a.passed])).toEqual([
      ['llama3.2:3b solo', 74],
      ['qwen→exec→llama', 94],
      ['llama→exec→llama', 91],
      ['NEAT v3 champion', 95],
      ['qwen2.5-coder:3b solo', 135],
      ['qwen2.5-coder:3b self-refine', 138],
    ]);
    expect(taxonomy.arms.every((a) => a.problems.length === 164)).toBe(true);
  });

  it('rejects a pass count that the per-problem list contradicts', () => {
    const copy = structuredClone(released) as { configs: Record<string, { passed: number }> };
    copy.configs['llama→exec→llama']!.passed = 90;
    expect(() => readErrorTaxonomy(copy)).toThrow(
      /error_taxonomy\.json: configs\.llama→exec→llama\.passed says 90 passed, but per_problem marks 91/,
    );
  });
});

describe("the study's fix rates, recomputed from its per-problem outcomes", () => {
  const pipelines = taxonomy.arms.filter((a) => a.fixRates !== null);

  it('covers the four refinement arms (solo arms have nothing to fix)', () => {
    expect(pipelines.map((a) => a.name)).toEqual([
      'qwen→exec→llama',
      'llama→exec→llama',
      'NEAT v3 champion',
      'qwen2.5-coder:3b self-refine',
    ]);
  });

  for (const arm of pipelines) {
    it(`reproduces count, fixed and rate per first error category for ${arm.name}`, () => {
      const rows = firstErrorTable(taxonomyStepTrajectories(arm), studyErrorCategory);
      const byCategory = (r: { category: string }, s: { category: string }): number => r.category.localeCompare(s.category);
      expect(
        rows.map((r) => ({ category: r.category, count: r.total, fixed: r.endedPassing, fixRate: r.fixRate })).sort(byCategory),
      ).toEqual([...(arm.fixRates ?? [])].sort(byCategory));
    });
  }

  it("counts a bare AssertionError as the study's separate \"None\" row", () => {
    // qwen→exec→llama: 42 problems first failed on a bare assert, 11 of them were fixed
    const rows = firstErrorTable(taxonomyStepTrajectories(pipelines[0]!), studyErrorCategory);
    expect(rows.find((r) => r.category === 'None')).toMatchObject({ total: 42, fixed: 11 });
  });
});

describe('unfixable problems: 15 solved by no arm, 7 on the released list', () => {
  const report = unfixableReport(taxonomy);

  it('finds the 15 problems no arm solved in that run', () => {
    expect(report.unsolved).toEqual(
      [32, 38, 50, 83, 91, 93, 100, 115, 125, 127, 130, 132, 144, 145, 163].map((n) => `HumanEval/${n}`),
    );
  });

  it("re-derives the study's list of 7 with its own rule, error families and dominant error", () => {
    expect(report.releasedUnfixable).toHaveLength(7);
    expect(report.recomputedUnfixable).toEqual(taxonomy.unfixable);
    const distribution = new Map<string, number>();
    for (const u of report.recomputedUnfixable) {
      distribution.set(u.dominantError, (distribution.get(u.dominantError) ?? 0) + 1);
    }
    // the paper: 5 AssertionErrors and 2 NameErrors
    expect(Object.fromEntries(distribution)).toEqual({ NameError: 2, AssertionError: 5 });
    expect(taxonomy.unfixableErrorDistribution).toEqual([
      { category: 'NameError', count: 2 },
      { category: 'AssertionError', count: 5 },
    ]);
  });

  it('traces the 8 missing problems to arms that ended on a bare assert', () => {
    expect(report.droppedByBareAssert.map((d) => d.taskId)).toEqual(
      [32, 38, 83, 125, 127, 130, 132, 145].map((n) => `HumanEval/${n}`),
    );
    // HumanEval/83 ended on a bare assert in every arm
    expect(report.droppedByBareAssert.find((d) => d.taskId === 'HumanEval/83')?.armsEndingOnBareAssert).toHaveLength(6);
    expect(report.unsolved.length - report.releasedUnfixable.length).toBe(report.droppedByBareAssert.length);
    expect(report.explanation).toMatch(/15 of 164 .* holds 7\b.* bare AssertionError/);
  });
});
