import { describe, expect, it } from 'vitest';
import { runProblem } from '../../../src/core/pipeline/interpret.ts';
import { presetById } from '../../../src/core/pipeline/presets.ts';
import type { LanguageModel, Sandbox } from '../../../src/core/ports.ts';
import { PRESENTER_DEMOS, demoForProblem, findDemo } from '../../../src/core/presenter/demos.ts';
import { demoRecording } from '../../../src/core/presenter/shipped-recordings.ts';
import { loadTestProblem } from '../../support/datasets.ts';

const noModel: LanguageModel = {
  id: 'none',
  chat: () => Promise.reject(new Error('A demo recording must replay without calling a model.')),
};
const noSandbox: Sandbox = {
  run: () => Promise.reject(new Error('A demo recording must replay without running code.')),
  close: () => Promise.resolve(),
};

describe('the curated demos', () => {
  it('are one NameError fixed, one SyntaxError fixed and one AssertionError left standing, on real HumanEval problems', () => {
    const stories = PRESENTER_DEMOS.map((demo) => {
      const t = demoRecording(demo.id).trajectory;
      const outcomes = t.steps.flatMap((s) => (s.kind === 'execute' ? [s.outcome.kind === 'failed' ? s.outcome.errorType : s.outcome.kind] : []));
      return { id: demo.id, first: outcomes[0], passed: t.passed };
    });
    expect(stories).toEqual([
      { id: 'name-error', first: 'NameError', passed: true },
      { id: 'syntax-error', first: 'SyntaxError', passed: true },
      { id: 'assertion-error', first: 'AssertionError', passed: false },
    ]);
    expect(PRESENTER_DEMOS.every((d) => /^HumanEval\/\d+$/.test(d.problemId))).toBe(true);
  });

  it('can be found by id and by problem', () => {
    expect(findDemo('syntax-error')?.problemId).toBe('HumanEval/16');
    expect(demoForProblem('HumanEval/26')?.id).toBe('assertion-error');
    expect(findDemo('nope')).toBeUndefined();
  });

  for (const demo of PRESENTER_DEMOS) {
    it(`${demo.id}: still fits the pipeline and prompts as they run today (re-record with record-demos.ts if not)`, async () => {
      const recording = demoRecording(demo.id);
      const problem = await loadTestProblem('humaneval', demo.problemId);
      const pipeline = presetById(demo.presetId);
      expect(pipeline).toBeDefined();
      expect(recording.pipelineId).toBe(demo.presetId);
      expect(recording.mode).toBe(demo.mode);
      // Resuming from every recorded step replays them all: their messages and code must be exactly
      // what the interpreter would send and run now, or runProblem refuses.
      const replayed = await runProblem(problem, pipeline!, { model: () => noModel, sandbox: noSandbox }, { mode: demo.mode, priorSteps: recording.trajectory.steps });
      expect(replayed.passed).toBe(recording.trajectory.passed);
      expect(replayed.stopReason).toBe(recording.trajectory.stopReason);
      expect(replayed.steps).toHaveLength(recording.trajectory.steps.length);
    });
  }

  it('say that their replies were written by hand', () => {
    for (const demo of PRESENTER_DEMOS) expect(demoRecording(demo.id).note).toMatch(/written by hand/);
  });
});
