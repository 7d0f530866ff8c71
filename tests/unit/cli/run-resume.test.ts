import { describe, expect, it } from 'vitest';
import { storeFromResultFile } from '../../../cli/run/resume-store.ts';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { runStudy } from '../../../src/core/study/runner.ts';
import { environment, studyResultFile } from '../results/result-file-fixtures.ts';
import { PROBLEMS, TRUTH, studyConfig, truthModel, truthSandbox } from '../study/study-fixtures.ts';

describe('resuming from a result file', () => {
  it('finishes a partial file with the same units and steps as an uninterrupted run, running only what was missing', async () => {
    const whole = await studyResultFile();
    // Units 0-9 finished, 10 cut after 1 step (unfinished), 11 cut after 3 steps, the rest never started.
    const partial = await studyResultFile({ only: (order) => order <= 11, cutAfter: new Map([[10, 1], [11, 3]]) });
    expect(partial.units.filter((u) => u.status === 'unfinished')).toHaveLength(2);

    const store = await storeFromResultFile(partial);
    const model = truthModel();
    const end = await runStudy(partial.config, PROBLEMS, { model: () => model, sandbox: truthSandbox(), store, now: () => 0 }, { retryDelayMs: 0 });
    expect(end.status).toBe('done');

    const stored = (await store.loadStudy(partial.config.id))!;
    const resumed = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
    const stepCount = (doc: typeof whole) => doc.units.map((u) => `${u.armId}/${u.repeat}/${u.problemId} ${u.status} ${u.status === 'finished' ? u.trajectory.steps.length : -1}`);
    expect(stepCount(resumed)).toEqual(stepCount(whole));
    const passes = Object.fromEntries(
      studyConfig().arms.map((arm) => [
        arm.id,
        [0, 1].map((r) => resumed.units.filter((u) => u.armId === arm.id && u.repeat === r && u.status === 'finished' && u.trajectory.passed).length),
      ]),
    );
    expect(passes).toEqual(TRUTH);
    // The ten finished units were not asked again; the two cut ones continued after their recorded steps.
    const wholeCalls = whole.units.flatMap((u) => (u.status === 'finished' ? u.trajectory.steps : [])).filter((s) => s.kind !== 'execute').length;
    const doneCalls = partial.units.flatMap((u) => (u.status === 'finished' ? u.trajectory.steps : u.steps)).filter((s) => s.kind !== 'execute').length;
    expect(model.calls).toHaveLength(wholeCalls - doneCalls);
  });

  it('runs errored units again', async () => {
    const doc = await studyResultFile({ only: (order) => order === 0 });
    const [unit] = doc.units;
    if (!unit || unit.status !== 'finished') throw new Error('fixture changed');
    const errored = { ...doc, units: [{ armId: unit.armId, repeat: unit.repeat, problemId: unit.problemId, status: 'errored' as const, message: 'endpoint down', attempts: 3, steps: [] }] };
    const store = await storeFromResultFile(errored);
    expect((await store.loadStudy(doc.config.id))?.finished[0]?.result.status).toBe('errored');
    await runStudy(doc.config, PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store, now: () => 0 }, { retryErrored: true, retryDelayMs: 0 });
    const finished = (await store.loadStudy(doc.config.id))!.finished;
    expect(finished.find((f) => f.armId === unit.armId && f.repeat === unit.repeat && f.problemId === unit.problemId)?.result.status).toBe('finished');
  });
});
