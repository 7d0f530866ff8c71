import { describe, expect, it } from 'vitest';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { runStudy } from '../../../src/core/study/runner.ts';
import { armLine, summarizeArms } from '../../../src/core/study/summary.ts';
import type { FinishedUnit } from '../../../src/core/study/unit-record.ts';
import { PROBLEMS, studyConfig, studyDraft, truthModel, truthSandbox } from './study-fixtures.ts';

function unit(armId: string, repeat: number, problemId: string, passed: boolean | 'errored'): FinishedUnit {
  return {
    unitId: `${armId}/${repeat}/${problemId}`,
    armId,
    repeat,
    problemId,
    result:
      passed === 'errored'
        ? { status: 'errored', message: 'GPU lost', attempts: 3, stepCount: 0 }
        : {
            status: 'finished',
            trajectory: { problemId, pipelineId: 'p', repeat, mode: 'study', verdict: null, passed, finalCode: null, stopReason: 'completed', stepCount: 2 },
          },
  };
}

describe('summarizeArms and armLine', () => {
  it('print the scripted truth of a whole study, one line per arm', async () => {
    const store = new MemoryStudyStore();
    const config = studyConfig();
    await runStudy(config, PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store, now: () => 0 }, { retryDelayMs: 0 });
    const stored = (await store.loadStudy(config.id))!;
    expect(summarizeArms(config, stored.finished).map(armLine)).toEqual([
      'solo: 3/10 passed (per repeat 1, 2; mean 1.5 ± 0.7 of 5)',
      'refine: 7/10 passed (per repeat 3, 4; mean 3.5 ± 0.7 of 5)',
      'text-only: 3/10 passed (per repeat 1, 2; mean 1.5 ± 0.7 of 5)',
    ]);
  });

  it('with one repeat, is just N/M', () => {
    const config = { ...studyConfig({ ...studyDraft(), repeats: 1 }) };
    const finished = PROBLEMS.map((p, i) => unit('solo', 0, p.id, i < 2));
    expect(armLine(summarizeArms(config, finished)[0]!)).toBe('solo: 2/5 passed');
  });

  it('counts errored units as not passed and says so, and leaves repeats with errored or unfinished units out of the mean', () => {
    const config = studyConfig();
    const finished = [
      ...PROBLEMS.map((p, i) => unit('refine', 0, p.id, i === 4 ? 'errored' : i < 3)),
      unit('refine', 1, 'HumanEval/900', true),
      unit('refine', 1, 'HumanEval/900', true), // a duplicate record counts once
    ];
    const [, refine] = summarizeArms(config, finished);
    expect(refine).toMatchObject({ passedPerRepeat: [3, 1], erroredPerRepeat: [1, 0], passed: 4, errored: 1, planned: 10 });
    // Repeat 0 lacks a verdict (errored), repeat 1 is unfinished: no repeat gives a mean, as on the Results page.
    expect(refine?.perRepeat).toBeNull();
    // Each repeat in brackets, as the Results page writes a run missing verdicts: neither is a whole 3 or 1.
    expect(armLine(refine!)).toBe('refine: 4/10 passed (per repeat 3 passed of 4 scored, 1 passed of 1 scored; 1 errored; 4 not run)');
  });

  it('takes the mean over the repeats that judged every unit', () => {
    const config = studyConfig();
    const finished = [
      ...PROBLEMS.map((p, i) => unit('solo', 0, p.id, i === 0 ? 'errored' : true)),
      ...PROBLEMS.map((p, i) => unit('solo', 1, p.id, i < 2)),
    ];
    const [solo] = summarizeArms(config, finished);
    expect(solo?.perRepeat).toMatchObject({ n: 1, mean: 2, sd: null });
    expect(armLine(solo!)).toBe('solo: 6/10 passed (per repeat 4 passed of 4 scored, 2; mean 2.0 of 5 over the 1 whole repeat; 1 errored)');
  });

  it('after a stop, marks the repeat cut short and the one not begun, and takes the mean over the whole ones only', () => {
    const config = studyConfig({ ...studyDraft(), repeats: 3 });
    const finished = [...PROBLEMS.map((p, i) => unit('solo', 0, p.id, i < 3)), ...PROBLEMS.slice(0, 3).map((p, i) => unit('solo', 1, p.id, i < 2))];
    const [solo] = summarizeArms(config, finished);
    expect(armLine(solo!)).toBe('solo: 5/15 passed (per repeat 3, 2 passed of 3 scored, –; mean 3.0 of 5 over the 1 whole repeat; 7 not run)');
  });
});
