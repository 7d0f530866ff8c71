import { describe, expect, it } from 'vitest';
import { armSummaries } from '../../../src/core/analysis/arm-tables.ts';
import { recordsEveryIteration, replayFileByProblem, studiesFromResultFiles } from '../../../src/core/analysis/result-file-study.ts';
import { forcedIterationTables } from '../../../src/core/analysis/iteration-report.ts';
import { forcedIterationsVariant, llamaSelfRefine, llamaSolo } from '../../../src/core/pipeline/presets.ts';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { environment, fileBytes, runStoredStudy, studyResultFile } from '../results/result-file-fixtures.ts';
import { TRUTH, studyConfig, studyDraft } from '../study/study-fixtures.ts';

describe('result files as analysis input', () => {
  it('groups an imported file by arm and repeat, with the known pass counts', async () => {
    const doc = await importResultFile(await fileBytes(await studyResultFile()));
    const { study } = studiesFromResultFiles([{ fileName: 'study.json', doc }]);
    expect(study.problemIds).toHaveLength(5);
    expect(Object.fromEntries(armSummaries(study).map((s) => [s.arm.id, s.passCounts]))).toEqual(TRUTH);
  });

  it('merges shards of one study, and keeps different studies side by side', async () => {
    const first = await studyResultFile({ only: (order) => order % 2 === 0 });
    const second = await studyResultFile({ only: (order) => order % 2 === 1 });
    const merged = studiesFromResultFiles([
      { fileName: 'a.json', doc: first },
      { fileName: 'b.json', doc: second },
    ]);
    expect(Object.fromEntries(armSummaries(merged.study).map((s) => [s.arm.id, s.passCounts]))).toEqual(TRUTH);
    expect(merged.notes).toHaveLength(1);

    const other = { ...first, config: { ...first.config, id: 'another', name: 'Another' }, configHash: 'f'.repeat(64) };
    const apart = studiesFromResultFiles([
      { fileName: 'a.json', doc: first },
      { fileName: 'c.json', doc: other },
    ]);
    expect(apart.study.arms.map((a) => a.label)).toEqual([
      'llama solo (Feedback against no feedback)',
      'llama self-refine (Feedback against no feedback)',
      'llama text-only (Feedback against no feedback)',
      'llama solo (Another)',
      'llama self-refine (Another)',
      'llama text-only (Another)',
    ]);
    expect(new Set(apart.study.arms.map((a) => a.id)).size).toBe(6);
  });

  it('says the same file opened under two names is the same units, counts it once, and merges only the other shards', async () => {
    const whole = await studyResultFile();
    const same = studiesFromResultFiles([
      { fileName: 'study.json', doc: whole },
      { fileName: 'study (1).json', doc: structuredClone(whole) },
    ]);
    expect(same.notes).toEqual([
      `study (1).json holds the very same ${whole.units.length} units as study.json (the same file, opened twice under two names): they are counted once.`,
    ]);
    expect(Object.fromEntries(armSummaries(same.study).map((s) => [s.arm.id, s.passCounts]))).toEqual(TRUTH);

    // A shard beside two copies of the other: the copy is named, and the merge counts two files.
    const first = await studyResultFile({ only: (order) => order % 2 === 0 });
    const second = await studyResultFile({ only: (order) => order % 2 === 1 });
    const three = studiesFromResultFiles([
      { fileName: 'a.json', doc: first },
      { fileName: 'b.json', doc: second },
      { fileName: 'a copy.json', doc: first },
    ]);
    expect(three.notes[0]).toContain('a copy.json holds the very same');
    expect(three.notes[1]).toMatch(/^a\.json \+ b\.json: Merged 2 files into 30 units \(\d+ \+ \d+ from each\); no unit was in more than one file\.$/);
    expect(Object.fromEntries(armSummaries(three.study).map((s) => [s.arm.id, s.passCounts]))).toEqual(TRUTH);
  });

  it('tells apart the arms of two studies that share a name (a study run twice) by their files', async () => {
    const first = await studyResultFile();
    const rerun = { ...first, config: { ...first.config, id: 'rerun' }, configHash: 'e'.repeat(64) };
    const { study } = studiesFromResultFiles([
      { fileName: 'feedback-lab-x.json', doc: first },
      { fileName: 'feedback-lab-x.json (2)', doc: rerun },
    ]);
    const labels = study.arms.map((a) => a.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe('llama solo (Feedback against no feedback, feedback-lab-x.json)');
    expect(labels[3]).toBe('llama solo (Feedback against no feedback, feedback-lab-x.json (2))');
  });

  it('says why files that look like one study were not merged: two studies of one name, or one study run with other settings', async () => {
    const first = await studyResultFile({ only: (order) => order % 2 === 0 });
    const rerun = { ...first, config: { ...first.config, id: 'rerun' }, configHash: 'e'.repeat(64) };
    const twoNames = studiesFromResultFiles([
      { fileName: 'alice.json', doc: first },
      { fileName: 'bob.json', doc: rerun },
    ]);
    expect(twoNames.notes).toEqual([
      'alice.json and bob.json are two different studies named “Feedback against no feedback” (each start of a study, even from one link, is a study of its own): ' +
        'they are shown side by side, not merged. Only the files of one study merge: one exported, imported in another browser and resumed there.',
    ]);

    const second = await studyResultFile({ only: (order) => order % 2 === 1 });
    const hotter = { ...first, config: { ...first.config, repeats: 3 }, configHash: 'd'.repeat(64) };
    const settings = studiesFromResultFiles([
      { fileName: 'a.json', doc: first },
      { fileName: 'b.json', doc: second },
      { fileName: 'c.json', doc: hotter },
    ]);
    expect(settings.notes[1]).toBe(
      'a.json + b.json and c.json hold the study “Feedback against no feedback” run with different settings (config.repeats is 2 in a.json + b.json and 3 in c.json): ' +
        'they are shown side by side, not merged.',
    );
    expect(settings.notes).toHaveLength(2);
    // Different studies of different names need no word: that is what side by side is for.
    const other = { ...first, config: { ...first.config, id: 'another', name: 'Another' }, configHash: 'f'.repeat(64) };
    expect(studiesFromResultFiles([{ fileName: 'a.json', doc: first }, { fileName: 'c.json', doc: other }]).notes).toEqual([]);
  });

  it("counts an arm whose pipeline never stops early as a forced-iteration arm, as the Study page's forced presets make them", async () => {
    // The Study page adds a preset such as "llama → exec → llama (self-refine) (forced 3
    // iterations)" as it is: early stopping off in the pipeline, the arm's flag left false.
    const forced = forcedIterationsVariant(llamaSelfRefine);
    const config = studyConfig({ ...studyDraft(), arms: [{ id: forced.id, label: forced.name, pipeline: forced, forcedIterations: false }], repeats: 1 });
    const stored = await runStoredStudy(config);
    const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
    const { study } = studiesFromResultFiles([{ fileName: 'forced.json', doc }]);
    expect(study.arms[0]?.forcedIterations).toBe(true);
    expect(forcedIterationTables(study).map((t) => t.label)).toEqual([forced.name]);
  });

  it("gives each refine arm its pipeline's versions of the code, so the iteration figures run to its last iteration", async () => {
    const config = studyConfig({ ...studyDraft(), arms: [llamaSolo, llamaSelfRefine].map((p) => ({ id: p.id, label: p.name, pipeline: p, forcedIterations: false })), repeats: 1 });
    const stored = await runStoredStudy(config);
    const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
    const { study } = studiesFromResultFiles([{ fileName: 'study.json', doc }]);
    // Solo writes one version; self-refine the generator's and one per iteration (3).
    expect(study.arms.map((arm) => arm.plannedAttempts)).toEqual([1, 4]);
  });

  it('gives no iteration tables to a one-call arm flagged forced, which has no iterations to show', () => {
    expect(recordsEveryIteration({ id: 'solo-forced', label: 'solo (forced iterations)', pipeline: llamaSolo, forcedIterations: true })).toBe(false);
    expect(recordsEveryIteration({ id: 'refine-forced', label: 'refine (forced iterations)', pipeline: llamaSelfRefine, forcedIterations: true })).toBe(true);
  });

  it('names, per problem, the file a presenter can replay it from', async () => {
    const first = await studyResultFile({ only: (order) => order % 2 === 0 });
    const second = await studyResultFile({ only: (order) => order % 2 === 1 });
    const files = [
      { fileName: 'a.json', doc: first },
      { fileName: 'b.json', doc: second },
    ];
    const fileOf = replayFileByProblem(files);
    const finishedIn = (doc: typeof first) => new Set(doc.units.flatMap((u) => (u.status === 'finished' ? [u.problemId] : [])));
    expect(new Set(fileOf.keys())).toEqual(new Set([...finishedIn(first), ...finishedIn(second)]));
    for (const [problemId, fileName] of fileOf) {
      expect(finishedIn(fileName === 'a.json' ? first : second).has(problemId)).toBe(true);
      if (fileName === 'b.json') expect(finishedIn(first).has(problemId)).toBe(false);
    }
    expect(replayFileByProblem([])).toEqual(new Map());
  });
});
