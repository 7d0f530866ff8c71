import { describe, expect, it } from 'vitest';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { exportResultFile, reportFileStem, resultFileName, studyProgress, studyTag } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { unitSteps } from '../../../src/core/results/result-file.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { runStudy } from '../../../src/core/study/runner.ts';
import { workPlan } from '../../../src/core/study/work-plan.ts';
import { PROBLEMS, TRUTH, studyConfig, truthModel, truthSandbox } from '../study/study-fixtures.ts';
import { environment, runStoredStudy } from './result-file-fixtures.ts';

describe('a result file built from a study store', () => {
  it('holds what the study runner stored, with the scripted pass counts', async () => {
    const config = studyConfig();
    const store = new MemoryStudyStore();
    const model = truthModel();
    await runStudy(config, PROBLEMS, { model: () => model, sandbox: truthSandbox(), store, now: () => 0 }, { retryDelayMs: 0 });
    const stored = (await store.loadStudy(config.id))!;
    const doc = await importResultFile(await exportResultFile(await buildResultFile(config, resultUnitsFromStore(stored), environment()), { gzip: true }));
    const passed = Object.fromEntries(
      config.arms.map((arm) => [
        arm.id,
        [0, 1].map((r) => doc.units.filter((u) => u.armId === arm.id && u.repeat === r && u.status === 'finished' && u.trajectory.passed).length),
      ]),
    );
    expect(passed).toEqual(TRUTH);
    expect(doc.units.reduce((n, u) => n + unitSteps(u).length, 0)).toBe(stored.steps.length);
  });

  it('can be written mid-study: finished, cut-short and errored units all import', async () => {
    const config = studyConfig();
    const plan = workPlan(config);
    // The first 8 units run; unit 4 is stopped after 2 steps.
    const stored = await runStoredStudy(config, { only: (order) => order < 8, cutAfter: new Map([[4, 2]]) });
    const errored = plan[8]!;
    stored.finished.push({
      unitId: errored.id,
      armId: errored.armId,
      repeat: errored.repeat,
      problemId: errored.problemId,
      result: { status: 'errored', message: 'The endpoint refused the connection.', attempts: 3, stepCount: 0 },
    });
    const doc = await buildResultFile(config, resultUnitsFromStore(stored), environment());
    const back = await importResultFile(await exportResultFile(doc, { gzip: true }));

    expect(back.units.map((u) => u.status).sort()).toEqual([...Array(7).fill('finished'), 'errored', 'unfinished'].sort());
    const cut = back.units.find((u) => u.status === 'unfinished')!;
    expect([cut.armId, cut.repeat, cut.problemId]).toEqual([plan[4]!.armId, 0, plan[4]!.problemId]);
    expect(unitSteps(cut).map((s) => s.index)).toEqual([0, 1]);
    expect(back.units.find((u) => u.status === 'errored')).toMatchObject({ message: 'The endpoint refused the connection.', attempts: 3, steps: [] });
  });

  it('orders units by arm, repeat and problem as configured, whatever order they were stored in', async () => {
    const config = studyConfig();
    const stored = await runStoredStudy(config);
    const doc = await buildResultFile(config, resultUnitsFromStore(stored).reverse(), environment());
    const order = doc.units.map((u) => `${u.armId}/${u.repeat}/${u.problemId}`);
    const expected = config.arms.flatMap((arm) =>
      [0, 1].flatMap((repeat) => config.problemIds.map((problemId) => `${arm.id}/${repeat}/${problemId}`)),
    );
    expect(order).toEqual(expected);
  });

  it('refuses a store whose finished record disagrees with its steps (a runner bug)', async () => {
    const stored = await runStoredStudy(studyConfig(), { only: (order) => order === 0 });
    stored.steps.pop();
    expect(() => resultUnitsFromStore(stored)).toThrow(/is recorded with 2 steps but the store holds 1/);
  });
});

describe('resultFileName', () => {
  const date = new Date('2026-05-01T23:30:00Z');
  const study = (name: string, id = 'study-mo5x0k2a-k3j9qz') => ({ id, name });

  it('is feedback-lab-<study-name>-<tag>-<date>.json[.gz] for a finished study', () => {
    const tag = studyTag('study-mo5x0k2a-k3j9qz');
    expect(tag).toMatch(/^[a-z0-9]{6}$/);
    expect(resultFileName(study('Self-refine vs. cross-model (HumanEval)'), { gzip: false, date, progress: { finished: 12, total: 12 } })).toBe(
      `feedback-lab-self-refine-vs-cross-model-humaneval-${tag}-2026-05-01.json`,
    );
    expect(resultFileName(study('Étude n°2 ✨'), { gzip: true, date })).toBe(`feedback-lab-etude-n-2-${tag}-2026-05-01.json.gz`);
    expect(resultFileName(study('✨'), { gzip: true, date })).toBe(`feedback-lab-study-${tag}-2026-05-01.json.gz`);
  });

  it('gives two studies of one name, exported the same day, two names', () => {
    const a = resultFileName(study('My study', 'study-mo5x0k2a-k3j9qz'), { gzip: false, date });
    const b = resultFileName(study('My study', 'study-mo5x0k2b-p0w1ee'), { gzip: false, date });
    expect(a).not.toBe(b);
    // Any id gives a tag of the same shape, and the same id always the same tag (shards of one study agree).
    for (const id of ['example-1', 'x', 'a'.repeat(200), 'ünïcode:@+']) expect(studyTag(id)).toMatch(/^[a-z0-9]{6}$/);
    expect(studyTag('study-mo5x0k2a-k3j9qz')).toBe(studyTag('study-mo5x0k2a-k3j9qz'));
  });

  it("names a report's downloads after its studies, so one table of two reports gets two names", () => {
    const a = { id: 'study-mo5x0k2a-k3j9qz', name: 'My study' };
    const b = { id: 'study-mo5x0k2b-p0w1ee', name: 'My study' };
    expect(reportFileStem([a])).toBe(`feedback-lab-my-study-${studyTag(a.id)}`);
    expect(reportFileStem([b])).not.toBe(reportFileStem([a]));
    // Shards of one study count once; studies side by side each give their tag, in order.
    expect(reportFileStem([a, a, b])).toBe(`feedback-lab-my-study-${studyTag(a.id)}-${studyTag(b.id)}`);
    expect(reportFileStem([])).toBe('feedback-lab');
  });

  it('says how far a partial study had got, so its export and the finished one have two names', () => {
    const tag = studyTag('study-mo5x0k2a-k3j9qz');
    const partial = resultFileName(study('My study'), { gzip: true, date, progress: { finished: 37, total: 120 } });
    const later = resultFileName(study('My study'), { gzip: true, date, progress: { finished: 90, total: 120 } });
    const done = resultFileName(study('My study'), { gzip: true, date, progress: { finished: 120, total: 120 } });
    expect(partial).toBe(`feedback-lab-my-study-${tag}-2026-05-01-partial-37-of-120.json.gz`);
    expect(new Set([partial, later, done]).size).toBe(3);
    expect(done).toBe(`feedback-lab-my-study-${tag}-2026-05-01.json.gz`);
  });

  it('counts only finished units as done: errored and unfinished ones still have work to do', async () => {
    // Plan order is repeat, problem, arm; unit 4 stops after one step, left unfinished.
    const stored = await runStoredStudy(studyConfig(), { only: (order) => order < 9, cutAfter: new Map([[4, 1]]) });
    const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
    const total = doc.config.arms.length * doc.config.repeats * doc.config.problemIds.length;
    expect(studyProgress(doc)).toEqual({ finished: 8, total });
    expect(resultFileName(doc.config, { gzip: false, date, progress: studyProgress(doc) })).toMatch(new RegExp(`-partial-8-of-${total}\\.json$`));
  });
});
