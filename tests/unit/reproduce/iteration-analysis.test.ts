import { describe, expect, it } from 'vitest';
import {
  passTrajectories,
  readIterationAnalysis,
  stepTrajectories,
} from '../../../src/core/reproduce/iteration-analysis.ts';
import { studyErrorCategory } from '../../../src/core/reproduce/study-error-category.ts';
import { firstErrorTable } from '../../../src/core/stats/error-tables.ts';
import { iterationTable } from '../../../src/core/stats/iteration-tables.ts';
import { readStudyJson } from '../../support/study-results.ts';

const released = await readStudyJson('iteration_analysis.json');
const analysis = readIterationAnalysis(released);

describe('iteration_analysis.json reader', () => {
  it('reads four arms of 164 trajectories over iterations 0…3', () => {
    expect(analysis.forcedIterations).toBe(3);
    expect(analysis.arms.map((a) => a.name)).toEqual([
      'qwen→exec→llama',
      'llama→exec→llama',
      'NEAT v3 champion',
      'qwen2.5-coder:3b self-refine',
    ]);
    for (const arm of analysis.arms) {
      expect(arm.trajectories).toHaveLength(164);
      expect(arm.trajectories.every((t) => t.steps.length === 4)).toBe(true);
    }
  });

  it('rejects a trajectory that skips an iteration', () => {
    const copy = structuredClone(released) as {
      raw_trajectories: Record<string, { trajectory: unknown[] }[]>;
    };
    copy.raw_trajectories['NEAT v3 champion']![5]!.trajectory.splice(2, 1);
    expect(() => readIterationAnalysis(copy)).toThrow(
      /iteration_analysis\.json: raw_trajectories\.NEAT v3 champion\[5\]\.trajectory\[2\]\.iter should be 2/,
    );
  });
});

describe("the study's iteration tables, recomputed from its raw trajectories", () => {
  for (const arm of analysis.arms) {
    describe(arm.name, () => {
      const table = iterationTable(passTrajectories(arm));
      const own = arm.summary;

      it('reproduces raw, effective, new fixes and regressions at every iteration', () => {
        expect(table.raw).toEqual(own.raw);
        expect(table.effective).toEqual(own.effective);
        expect(table.newFixes).toEqual(own.newFixes);
        expect(table.regressions).toEqual(own.regressions);
      });

      it('reproduces the initial passes and the first break of every broken problem', () => {
        expect(table.initialPasses).toBe(own.initialPasses);
        expect(table.firstBreaks).toEqual(own.firstBreaks);
        expect(table.broke).toBe(own.firstBreaks.length);
      });

      it('reproduces fixes by first error type and iteration, with the study categories', () => {
        const rows = firstErrorTable(stepTrajectories(arm), studyErrorCategory);
        expect(
          rows.map((r) => ({
            category: r.category,
            total: r.total,
            fixedAtIteration: r.fixedAtIteration,
            neverFixed: r.neverFixed,
          })),
        ).toEqual(own.errorFixByIteration);
      });
    });
  }

  it('shows iterations the study called net-negative gaining on the symmetric measure', () => {
    // qwen→exec→llama iteration 2: new fixes 7 − regressions 14 = −7, yet raw 63 → 65 = +2:
    // 9 problems that had passed before, broke, and passed again are not counted by "net".
    const qwen = iterationTable(passTrajectories(analysis.arms[0]!));
    expect(qwen.net.slice(1)).toEqual([-6, -7, -22]);
    expect(qwen.rawDelta.slice(1)).toEqual([-6, 2, -15]);
    expect(qwen.recoveries[2]).toBe(9);
  });
});
