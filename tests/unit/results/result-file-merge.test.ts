import { describe, expect, it } from 'vitest';
import { buildResultFile } from '../../../src/core/results/result-file-build.ts';
import { configDifference, mergeResultFiles } from '../../../src/core/results/result-file-merge.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { unitSteps, type ResultFile, type ResultUnit } from '../../../src/core/results/result-file.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { llamaSolo } from '../../../src/core/pipeline/presets.ts';
import { resultFile as paperResultFile } from '../analysis/paper-fixtures.ts';
import { studyConfig } from '../study/study-fixtures.ts';
import { environment, studyResultFile, takeOtherVerdict } from './result-file-fixtures.ts';

const key = (u: Pick<ResultUnit, 'armId' | 'repeat' | 'problemId'>) => `${u.armId}/${u.repeat}/${u.problemId}`;

/** Two browsers ran one study: the first the units before 20, the second from 12 on, with unit 12 cut short in the first. */
async function twoShards(): Promise<[ResultFile, ResultFile]> {
  const laptop = await studyResultFile({ only: (order) => order < 20, cutAfter: new Map([[12, 1]]) }, environment({ userAgent: 'laptop' }));
  const desktop = await studyResultFile({ only: (order) => order >= 12 }, environment({ userAgent: 'desktop', webllmVersion: '0.2.87' }));
  return [laptop, desktop];
}

describe('mergeResultFiles', () => {
  it('joins two overlapping shards of one study into every unit once', async () => {
    const [laptop, desktop] = await twoShards();
    const whole = await studyResultFile();
    const { doc, report } = mergeResultFiles([laptop, desktop], { names: ['laptop.json', 'desktop.json.gz'] });

    expect(doc.units.map(key)).toEqual(whole.units.map(key));
    expect(doc.units.every((u) => u.status === 'finished')).toBe(true);
    expect(doc.units.map((u) => unitSteps(u).length)).toEqual(whole.units.map((u) => unitSteps(u).length));
    expect(doc.environments.map((e) => e.userAgent)).toEqual(['laptop', 'desktop']);
    expect(report.files).toBe(2);
    expect(report.units).toBe(30);
    expect(report.keptPerFile).toEqual([19, 11]);
    // Units 12-19 ran in both: the finished copy of 12 came from the desktop, the rest from the laptop (first file).
    expect(report.duplicates).toHaveLength(8);
    expect(report.duplicates.filter((d) => d.reason === 'finished')).toEqual([expect.objectContaining({ keptFrom: 1, droppedFrom: [0] })]);
    expect(report.duplicates.filter((d) => d.reason === 'first-file')).toHaveLength(7);
    expect(report.summary).toBe(
      'Merged 2 files into 30 units (19 + 11 from each); 8 units were in more than one file, each kept from the earliest file unless a later one finished it or got further with it.',
    );

    // The merged file is a valid result file in its own right.
    expect(await importResultFile(await exportResultFile(doc, { gzip: true }))).toEqual(doc);
  });

  it('writes the counts of a study of thousands of units as the import progress does', async () => {
    const arm = (id: string) => ({ id, label: id, pipeline: llamaSolo, forcedIterations: false });
    const whole = await paperResultFile([arm('a'), arm('b')], { a: [80, 81, 82, 83], b: [70, 71, 72, 73] });
    const first = { ...whole, units: whole.units.slice(0, 1100) };
    const second = { ...whole, units: whole.units.slice(100) };
    expect(mergeResultFiles([first, second]).report.summary).toBe(
      'Merged 2 files into 1,312 units (1,100 + 212 from each); 1,000 units were in more than one file, each kept from the earliest file unless a later one finished it or got further with it.',
    );
  });

  it('says "1 unit" for a merge that comes to a single unit', async () => {
    const [a, b] = await Promise.all([studyResultFile({ only: (order) => order === 4 }), studyResultFile({ only: (order) => order === 4 })]);
    expect(mergeResultFiles([a, b]).report.summary).toBe(
      'Merged 2 files into 1 unit (1 + 0 from each); 1 unit was in more than one file, each kept from the earliest file unless a later one finished it or got further with it.',
    );
  });

  it('keeps the unfinished copy with more steps when neither finished', async () => {
    const [a, b] = await Promise.all([
      // Unit 4 is self-refine on a NameError that one refinement fixes: four steps when finished.
      studyResultFile({ only: (order) => order === 4, cutAfter: new Map([[4, 1]]) }),
      studyResultFile({ only: (order) => order === 4, cutAfter: new Map([[4, 2]]) }),
    ]);
    const { doc, report } = mergeResultFiles([a, b]);
    expect(doc.units.map((u) => [u.status, unitSteps(u).length])).toEqual([['unfinished', 2]]);
    expect(report.duplicates).toEqual([expect.objectContaining({ keptFrom: 1, droppedFrom: [0], reason: 'more-steps' })]);
  });

  it('says which units two files finished with different verdicts, and which file decided each', async () => {
    const [laptop, desktop] = await twoShards();
    // The desktop's copies of units 13-19 (run on both) are its other repeat's runs of the same arm
    // and problem where those disagree: two machines that sampled differently.
    const conflicting: string[] = [];
    for (const unit of desktop.units) {
      if (unit.status !== 'finished' || !laptop.units.some((u) => key(u) === key(unit) && u.status === 'finished')) continue;
      if (takeOtherVerdict(desktop, unit)) conflicting.push(key(unit));
    }
    expect(conflicting.length).toBeGreaterThan(0);
    const { doc, report } = mergeResultFiles([laptop, desktop], { names: ['laptop.json', 'desktop.json'] });
    expect(report.conflicts.map(key).sort()).toEqual([...conflicting].sort());
    expect(report.conflicts.every((c) => c.verdictsDiffer && c.keptFrom === 0)).toBe(true);
    expect(report.duplicates.filter((d) => d.verdictsDiffer)).toEqual(report.conflicts);
    const [first] = report.conflicts;
    expect(report.summary).toContain(
      `${conflicting.length} of them ${conflicting.length === 1 ? 'was' : 'were'} finished in more than one file with different verdicts (passed in one, failed in another)`,
    );
    expect(report.summary).toContain(`${first!.problemId} in arm ${first!.armId}, repeat ${first!.repeat + 1}: kept laptop.json`);
    // The merged file holds the laptop's verdicts for them.
    for (const k of conflicting) {
      const kept = doc.units.find((u) => key(u) === k);
      const fromLaptop = laptop.units.find((u) => key(u) === k);
      expect(kept?.status === 'finished' && kept.trajectory.passed).toBe(fromLaptop?.status === 'finished' && fromLaptop.trajectory.passed);
    }
    // Agreeing shards say nothing of verdicts.
    const [a, b] = await twoShards();
    expect(mergeResultFiles([a, b]).report.conflicts).toEqual([]);
  });

  it('keeps the earlier file’s copy of a unit both finished, whichever has more steps: a failed refinement always has', async () => {
    const [laptop, desktop] = await twoShards();
    const unequal: string[] = [];
    for (const unit of desktop.units) {
      const other = laptop.units.find((u) => key(u) === key(unit));
      if (unit.status !== 'finished' || other?.status !== 'finished' || !takeOtherVerdict(desktop, unit)) continue;
      if (unitSteps(unit).length !== unitSteps(other).length) unequal.push(key(unit));
    }
    // The bias this guards against: of copies that disagree, the longer is the failure (8 steps of
    // self-refine against 2), and it was kept in either order.
    expect(unequal.length).toBeGreaterThan(0);
    const verdictOf = (doc: ResultFile, k: string) => {
      const unit = doc.units.find((u) => key(u) === k);
      return unit?.status === 'finished' ? unit.trajectory.passed : null;
    };
    for (const [first, second] of [
      [laptop, desktop],
      [desktop, laptop],
    ] as const) {
      const { doc, report } = mergeResultFiles([first, second]);
      for (const k of unequal) {
        expect(verdictOf(doc, k)).toBe(verdictOf(first, k));
        expect(report.duplicates.find((d) => key(d) === k)).toMatchObject({ keptFrom: 0, reason: 'first-file' });
      }
    }
  });

  it('says when the files were written by different versions of the app', async () => {
    const [laptop, desktop] = await twoShards();
    const { report } = mergeResultFiles([laptop, { ...desktop, appVersion: '0.2.0' }]);
    expect(report.summary).toMatch(/ The files were written by different versions of Feedback Lab \(0\.1\.0, 0\.2\.0\): their verdicts may not be comparable\.$/);
    expect(mergeResultFiles([laptop, desktop]).report.summary).not.toMatch(/versions/);
  });

  it('lists an environment seen twice once (merging a merged file with one of its shards)', async () => {
    const [laptop, desktop] = await twoShards();
    const { doc: merged } = mergeResultFiles([laptop, desktop]);
    expect(mergeResultFiles([merged, laptop]).doc.environments).toHaveLength(2);
  });

  it('refuses files of different studies, or of one study run with different settings, naming the field', async () => {
    const doc = await studyResultFile();
    const other = await buildResultFile({ ...studyConfig(), id: 'another-study', name: 'Another' }, [], environment());
    expect(() => mergeResultFiles([doc, other], { names: ['a.json', 'b.json'] })).toThrow(
      'These files are from different studies: a.json holds "study-test" (Feedback against no feedback) and b.json holds "another-study" (Another).',
    );

    const config = studyConfig();
    const arms = config.arms.map((arm, i) =>
      i === 1 && arm.pipeline.kind === 'refine' ? { ...arm, pipeline: { ...arm.pipeline, generator: { ...arm.pipeline.generator, temperature: 0.5 } } } : arm,
    );
    const hotter = await buildResultFile({ ...config, arms }, [], environment());
    let error: unknown;
    try {
      mergeResultFiles([doc, hotter]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      'file 1 and file 2 ran the study "study-test" with different settings: config.arms[1].pipeline.generator.temperature is 0.3 in file 1 and 0.5 in file 2.',
    );
  });

  it('shows two long texts that differ where they differ, not as two identical beginnings', async () => {
    const doc = await studyResultFile();
    const config = studyConfig();
    const [prompt] = config.prompts;
    expect(prompt!.text.length).toBeGreaterThan(80);
    const edited = await buildResultFile({ ...config, prompts: [{ ...prompt!, text: `${prompt!.text} Be brief.` }, ...config.prompts.slice(1)] }, [], environment());
    const tail = JSON.stringify(prompt!.text.slice(-20)).slice(1, -1);
    expect(() => mergeResultFiles([doc, edited], { names: ['a.json', 'b.json'] })).toThrow(
      `config.prompts[0].text is …${tail}" in a.json and …${tail} Be brief." in b.json.`,
    );

    // A hash that differs only in its last digits is shown there too.
    const hash = 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef';
    const other = `${hash.slice(0, -2)}00`;
    expect(configDifference({ ...config, datasetSha256: hash }, { ...config, datasetSha256: other }, 'a.json', 'b.json')).toBe(
      `config.datasetSha256 is …${hash.slice(42)}" in a.json and …${other.slice(42)}" in b.json`,
    );
    // Short values are shown whole, as before.
    expect(configDifference(config, { ...config, name: 'Other' }, 'a.json', 'b.json')).toBe(`config.name is ${JSON.stringify(config.name)} in a.json and "Other" in b.json`);
  });

  it("does not send people who ran one study link twice back to the link: those are two studies", async () => {
    const doc = await studyResultFile();
    const again = await buildResultFile({ ...studyConfig(), id: 'study-started-again', created: '2026-11-22T09:00:00.000Z' }, [], environment());
    let error: unknown;
    try {
      mergeResultFiles([doc, again]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).hint).not.toMatch(/the same study link, run in several browsers/);
    expect((error as UserError).hint).toMatch(/Two runs of the same study link are two studies.*side by side/);
  });

  it('refuses an empty list', () => {
    expect(() => mergeResultFiles([])).toThrow('There is nothing to merge.');
  });
});
