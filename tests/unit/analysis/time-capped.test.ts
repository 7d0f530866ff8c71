import { describe, expect, it } from 'vitest';
import { studiesFromResultFiles } from '../../../src/core/analysis/result-file-study.ts';
import { resultsReport } from '../../../src/core/analysis/results-report.ts';
import { groupTrajectories } from '../../../src/core/analysis/study-runs.ts';
import { armTimeCapped, timeCapNotes, timeCappedByArm, type ArmTimeCapped } from '../../../src/core/analysis/time-capped.ts';
import { configHash } from '../../../src/core/results/config-hash.ts';
import type { ResultFile } from '../../../src/core/results/result-file.ts';
import { studyResultFile } from '../results/result-file-fixtures.ts';
import { trajectory } from './trajectory-fixtures.ts';

const ADVICE =
  "The cap holds a problem's model replies and code runs together, so a machine slower than the study's ends more problems this way; " +
  'a draft file for feedback-lab run --study sets another cap in its limits.problemTimeCapMs, which departs from the study.';

function arm(label: string, runs: number, capped: number, capMs: number | null = 120_000): ArmTimeCapped {
  return { label, counts: { runs, capped }, capMs };
}

/** The fixture study's file with these failed units (arm/repeat/problem) ended by the time cap instead, as the interpreter records it. */
function withCapped(doc: ResultFile, keys: readonly string[]): ResultFile {
  const units = doc.units.map((unit) => {
    if (unit.status !== 'finished' || !keys.includes(`${unit.armId}/${unit.repeat}/${unit.problemId}`)) return unit;
    if (unit.trajectory.passed) throw new Error(`${unit.armId}/${unit.repeat}/${unit.problemId} passed: the cap makes a failure of it, pick a failed one.`);
    return { ...unit, trajectory: { ...unit.trajectory, stopReason: 'time-cap' as const } };
  });
  return { ...doc, units };
}

async function withCap(doc: ResultFile, id: string, problemTimeCapMs: number): Promise<ResultFile> {
  const config = { ...doc.config, id, limits: { ...doc.config.limits, problemTimeCapMs } };
  return { ...doc, config, configHash: await configHash(config) };
}

describe('problem-runs ended by the time cap per problem (audit R200-1)', () => {
  it('says it once per arm that had any, at the cap recorded, then what the cap holds; nothing when none', () => {
    expect(timeCapNotes([arm('llama-solo', 30, 0)])).toEqual([]);
    expect(timeCapNotes([])).toEqual([]);
    expect(
      timeCapNotes([
        arm('llama-self-refine', 30, 1),
        arm('llama-solo', 30, 0),
        arm('qwen self-refine', 30, 4),
        arm('one', 1, 1, 90_000),
        arm('two', 2, 2, 1_500),
        arm('all', 1_200, 1_200, 20),
        arm('unknown cap', 3, 1, null),
      ]),
    ).toEqual([
      'llama-self-refine: 1 of its 30 problem-runs was ended by the 120-s time cap per problem (counted as failed, as the study did).',
      'qwen self-refine: 4 of its 30 problem-runs were ended by the 120-s time cap per problem (counted as failed, as the study did).',
      'one: its only problem-run was ended by the 90-s time cap per problem (counted as failed, as the study did).',
      'two: both its problem-runs were ended by the 1.5-s time cap per problem (counted as failed, as the study did).',
      'all: all 1,200 of its problem-runs were ended by the 20-ms time cap per problem (counted as failed, as the study did).',
      'unknown cap: 1 of its 3 problem-runs was ended by the time cap per problem (counted as failed, as the study did).',
      ADVICE,
    ]);
  });

  it('counts the finished trajectories of every run of an arm, forced-iteration arms too, and takes each arm’s cap from its own study', () => {
    const placed = [
      { armId: 'refine', repeat: 0, trajectory: trajectory('P/0', ['NameError', 'NameError'], { timeCap: true }) },
      { armId: 'refine', repeat: 0, trajectory: trajectory('P/1', ['AssertionError', 'pass']) },
      { armId: 'refine', repeat: 1, trajectory: trajectory('P/0', ['NameError', 'AssertionError', 'pass']) },
      { armId: 'refine', repeat: 1, trajectory: trajectory('P/1', ['pass', 'pass'], { timeCap: true }) },
      { armId: 'forced', repeat: 0, trajectory: trajectory('P/0', ['pass', 'pass', 'pass', 'pass']) },
      { armId: 'forced', repeat: 0, trajectory: trajectory('P/1', ['pass', 'AssertionError'], { timeCap: true }) },
    ];
    const study = groupTrajectories('slow server', ['P/0', 'P/1'], [
      { id: 'refine', label: 'llama self-refine', forcedIterations: false },
      { id: 'forced', label: 'llama self-refine, forced', forcedIterations: true },
    ], 2, placed);
    const limits = { timeoutMs: 10_000, problemTimeCapMs: 45_000, maxOutputChars: 1_000_000, slowTaskFloors: true };
    const origins = new Map([['refine', { config: { limits } }], ['forced', { config: { limits } }]]) as unknown as Parameters<typeof armTimeCapped>[0]['origins'];
    expect(armTimeCapped({ study, origins })).toEqual([
      { label: 'llama self-refine', counts: { runs: 4, capped: 2 }, capMs: 45_000 },
      { label: 'llama self-refine, forced', counts: { runs: 2, capped: 1 }, capMs: 45_000 },
    ]);
  });

  it('counts the stored units of a study by arm once each, and no errored unit, as `feedback-lab run` reads them', () => {
    const finished = (unitId: string, armId: string, stopReason: 'time-cap' | 'completed' | 'early-stop') => ({
      unitId,
      armId,
      result: { status: 'finished' as const, trajectory: { stopReason } },
    });
    const units = [
      finished('solo/0/P/0', 'solo', 'time-cap'),
      finished('solo/0/P/1', 'solo', 'completed'),
      // The same unit twice: counted once.
      finished('solo/0/P/0', 'solo', 'time-cap'),
      { unitId: 'solo/0/P/2', armId: 'solo', result: { status: 'errored' as const } },
      finished('refine/0/P/0', 'refine', 'early-stop'),
      finished('gone/0/P/0', 'gone', 'time-cap'),
    ];
    const arms = [
      { id: 'solo', name: 'llama-solo' },
      { id: 'refine', name: 'llama-self-refine' },
    ];
    expect(timeCappedByArm(arms, 120_000, units)).toEqual([
      { label: 'llama-solo', counts: { runs: 2, capped: 1 }, capMs: 120_000 },
      { label: 'llama-self-refine', counts: { runs: 1, capped: 0 }, capMs: 120_000 },
    ]);
  });

  it('is said above the report of one file, of shards merged, and of studies side by side that ran with other caps', async () => {
    const options = { replicates: 50 };
    const whole = withCapped(await studyResultFile(), ['refine/0/HumanEval/903', 'solo/1/HumanEval/901', 'solo/1/HumanEval/902']);
    const one = resultsReport(studiesFromResultFiles([{ fileName: 'study.json', doc: whole }]), options);
    expect(one.notes).toEqual([
      'llama solo: 2 of its 10 problem-runs were ended by the 120-s time cap per problem (counted as failed, as the study did).',
      'llama self-refine: 1 of its 10 problem-runs was ended by the 120-s time cap per problem (counted as failed, as the study did).',
      ADVICE,
    ]);

    // Two shards of the study, each with a run the cap ended: merged, the arm counts both.
    const first = withCapped(await studyResultFile({ only: (order) => order < 15 }), ['refine/0/HumanEval/903', 'refine/1/HumanEval/903']);
    const rest = withCapped(await studyResultFile({ only: (order) => order >= 15 }), ['refine/0/HumanEval/903', 'refine/1/HumanEval/903']);
    const merged = resultsReport(
      studiesFromResultFiles([
        { fileName: 'a.json', doc: first },
        { fileName: 'b.json', doc: rest },
      ]),
      options,
    );
    expect(merged.notes.filter((note) => note.includes('time cap'))).toEqual([
      'llama self-refine: 2 of its 10 problem-runs were ended by the 120-s time cap per problem (counted as failed, as the study did).',
    ]);
    expect(merged.notes.at(-1)).toBe(ADVICE);

    // The same design run elsewhere with a 30-s cap: each arm is said at its own study's cap.
    const slow = await withCap(withCapped(await studyResultFile(), ['text-only/0/HumanEval/904']), 'study-slow', 30_000);
    const side = resultsReport(
      studiesFromResultFiles([
        { fileName: 'study.json', doc: whole },
        { fileName: 'slow.json', doc: slow },
      ]),
      options,
    );
    expect(side.notes.filter((note) => note.includes('time cap'))).toEqual([
      'llama solo (Feedback against no feedback, study.json): 2 of its 10 problem-runs were ended by the 120-s time cap per problem (counted as failed, as the study did).',
      'llama self-refine (Feedback against no feedback, study.json): 1 of its 10 problem-runs was ended by the 120-s time cap per problem (counted as failed, as the study did).',
      'llama text-only (Feedback against no feedback, slow.json): 1 of its 10 problem-runs was ended by the 30-s time cap per problem (counted as failed, as the study did).',
    ]);

    // None ended by the cap: nothing said.
    expect(resultsReport(studiesFromResultFiles([{ fileName: 'study.json', doc: await studyResultFile() }]), options).notes).toEqual([]);
  });
});
