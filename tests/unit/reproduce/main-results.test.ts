import { describe, expect, it } from 'vitest';
import { readMainResults, summarizeArm } from '../../../src/core/reproduce/main-results.ts';
import { ReleasedFileError } from '../../../src/core/reproduce/read-json.ts';
import { totalPasses } from '../../../src/core/stats/consistency.ts';
import { readStudyJson } from '../../support/study-results.ts';

const released = await readStudyJson('main_results.json');

describe('main_results.json reader', () => {
  const main = readMainResults(released);

  it('reads six arms of five HumanEval runs', () => {
    expect(main.runs).toBe(5);
    expect(main.totalProblems).toBe(164);
    expect(main.arms.map((a) => a.name)).toEqual([
      'llama3.2:3b solo',
      'qwen→exec→llama',
      'llama→exec→llama',
      'NEAT v3 champion',
      'qwen2.5-coder:3b solo',
      'qwen2.5-coder:3b self-refine',
    ]);
    expect(main.arms[0]?.consistency).toEqual([56, 21, 14, 10, 11, 52]);
  });

  it('recomputes every released mean, SD, min and max from the pass counts', () => {
    for (const arm of main.arms) {
      const s = summarizeArm(arm);
      expect(s.mean).toBeCloseTo(arm.released.mean, 12);
      expect(s.sd).toBeCloseTo(arm.released.stdev, 12);
      expect([s.min, s.max]).toEqual([arm.released.min, arm.released.max]);
    }
  });

  it('has consistency histograms that account for exactly the passes of the five runs', () => {
    for (const arm of main.arms) {
      expect(totalPasses(arm.consistency)).toBe(arm.passCounts.reduce((a, b) => a + b, 0));
    }
  });
});

describe('main_results.json validation', () => {
  const edited = (edit: (root: { n_runs: number; configs: Record<string, unknown>[] }) => void): unknown => {
    const copy = structuredClone(released) as { n_runs: number; configs: Record<string, unknown>[] };
    edit(copy);
    return copy;
  };

  it('says which value is wrong and where', () => {
    const bad = edited((r) => {
      r.configs[1]!['pass_counts'] = [93, 89, 'x', 97, 94];
    });
    expect(() => readMainResults(bad)).toThrow(ReleasedFileError);
    expect(() => readMainResults(bad)).toThrow(
      /main_results\.json: configs\[1\]\.pass_counts\[2\] should be a whole number ≥ 0, found "x"/,
    );
  });

  it('rejects a run count that does not match the pass counts', () => {
    const bad = edited((r) => {
      r.n_runs = 4;
    });
    expect(() => readMainResults(bad)).toThrow(/configs\[0\]\.pass_counts should hold n_runs = 4 counts, holds 5/);
  });

  it('rejects a consistency histogram that loses problems', () => {
    const bad = edited((r) => {
      r.configs[0]!['consistency'] = { 0: 55, 1: 21, 2: 14, 3: 10, 4: 11, 5: 52 };
    });
    expect(() => readMainResults(bad)).toThrow(/consistency counts 163 problems, not total_problems = 164/);
  });

  it('rejects something that is not the file at all', () => {
    expect(() => readMainResults([1, 2, 3])).toThrow(/main_results\.json: the top level should be an object, found a list/);
  });
});
