import { describe, expect, it } from 'vitest';
import { codeDiff } from '../../../src/core/analysis/code-diff.ts';
import {
  armRunsText,
  codeVersions,
  errorTypesOf,
  filterProblems,
  repeatChoices,
  summarizeProblems,
  trajectoryFate,
} from '../../../src/core/analysis/problem-explorer.ts';
import { groupTrajectories } from '../../../src/core/analysis/study-runs.ts';
import { trajectory } from './trajectory-fixtures.ts';

const study = groupTrajectories(
  'explorer',
  ['P/0', 'P/1', 'P/2', 'P/3'],
  [
    { id: 'solo', label: 'Solo', forcedIterations: false },
    { id: 'forced', label: 'Forced', forcedIterations: true },
  ],
  1,
  [
    { armId: 'solo', repeat: 0, trajectory: trajectory('P/0', ['pass']) },
    { armId: 'solo', repeat: 0, trajectory: trajectory('P/1', ['NameError']) },
    { armId: 'solo', repeat: 0, trajectory: trajectory('P/2', ['AssertionError']) },
    { armId: 'solo', repeat: 0, trajectory: trajectory('P/3', ['timeout']) },
    { armId: 'forced', repeat: 0, trajectory: trajectory('P/0', ['pass', 'AssertionError', 'AssertionError']) },
    { armId: 'forced', repeat: 0, trajectory: trajectory('P/1', ['NameError', 'pass', 'pass']) },
    { armId: 'forced', repeat: 0, trajectory: trajectory('P/2', ['AssertionError', 'TypeError', 'AssertionError']) },
  ],
);

describe('how a trajectory ended', () => {
  it('tells solved at once, fixed, broken and never solved apart', () => {
    expect(trajectoryFate(trajectory('x', ['pass']))).toBe('solved-first');
    expect(trajectoryFate(trajectory('x', ['NameError', 'pass']))).toBe('fixed');
    expect(trajectoryFate(trajectory('x', ['pass', 'AssertionError']))).toBe('broken');
    expect(trajectoryFate(trajectory('x', ['NameError', 'TypeError']))).toBe('never-solved');
  });
});

describe('problem explorer filters', () => {
  const rows = summarizeProblems(study, 'exception');

  it('finds problems refinement fixed, broke, or nobody solved', () => {
    const ids = (fate: 'fixed' | 'broken' | 'never-solved') => filterProblems(rows, { fate, errorType: null, search: '' }).map((r) => r.problemId);
    expect(ids('fixed')).toEqual(['P/1']);
    expect(ids('broken')).toEqual(['P/0']);
    expect(ids('never-solved')).toEqual(['P/2', 'P/3']);
  });

  it('filters by first error type and by id', () => {
    expect(errorTypesOf(rows)).toEqual(['AssertionError', 'NameError', 'Timeout']);
    expect(filterProblems(rows, { fate: 'all', errorType: 'NameError', search: '' }).map((r) => r.problemId)).toEqual(['P/1']);
    expect(filterProblems(rows, { fate: 'all', errorType: null, search: 'p/3' }).map((r) => r.problemId)).toEqual(['P/3']);
  });

  it('keeps a unit without a verdict apart from a failure', () => {
    const p3 = rows.find((r) => r.problemId === 'P/3')!;
    expect(p3.arms.map((a) => [a.label, a.fates, a.finished])).toEqual([
      ['Solo', ['never-solved'], 1],
      ['Forced', [null], 0],
    ]);
  });
});

describe('repeats without a verdict', () => {
  // Three planned repeats of one arm: repeat 2 errored on P/0, repeat 3 errored on every problem
  // (so it is not among the arm's runs at all); P/1 errored everywhere; the other study's arm lacks P/0.
  const partial = groupTrajectories('partial', ['P/0', 'P/1', 'P/2'], [{ id: 'solo', label: 'Solo', forcedIterations: false }], 3, [
    { armId: 'solo', repeat: 0, trajectory: trajectory('P/0', ['pass']) },
    { armId: 'solo', repeat: 0, trajectory: trajectory('P/2', ['NameError', 'pass']) },
    { armId: 'solo', repeat: 1, trajectory: trajectory('P/2', ['pass']) },
  ]);
  const other = groupTrajectories('other', ['P/2'], [{ id: 'solo', label: 'Solo elsewhere', forcedIterations: false }], 1, [
    { armId: 'solo', repeat: 0, trajectory: trajectory('P/2', ['pass']) },
  ]);
  const sideBySide = { name: 'both', problemIds: ['P/0', 'P/1', 'P/2'], arms: [...partial.arms, ...other.arms] };
  const rows = summarizeProblems(sideBySide, 'exception');
  const cells = (id: string) => rows.find((r) => r.problemId === id)!.arms.map(armRunsText);

  it('counts them in each arm’s cell, so the runs add up to the repeats planned', () => {
    // It said "1/1 · solved at once" for P/0, as if one repeat had been planned.
    expect(cells('P/0')).toEqual(['1/1 · solved at once · 2 without verdict', '–']);
    expect(cells('P/1')).toEqual(['3 without verdict', '–']);
    expect(cells('P/2')).toEqual(['2/2 · fixed, solved at once · 1 without verdict', '1/1 · solved at once']);
  });

  it('offers every planned repeat in the run picker, those without a verdict marked by having none', () => {
    const choices = repeatChoices(partial.arms[0]!, 'P/2');
    expect(choices.map((c) => [c.repeat, c.trajectory?.passed ?? null])).toEqual([
      [0, true],
      [1, true],
      [2, null],
    ]);
    expect(repeatChoices(partial.arms[0]!, 'P/0').map((c) => c.trajectory !== null)).toEqual([true, false, false]);
  });

  it('does not list a problem no run judged as never solved', () => {
    expect(filterProblems(rows, { fate: 'never-solved', errorType: null, search: '' }).map((r) => r.problemId)).toEqual([]);
  });
});

describe('a trajectory as versions of the code', () => {
  it('pairs each execution with the model calls that produced its code and a diff to the previous version', () => {
    const versions = codeVersions(trajectory('P/9', ['NameError', 'AssertionError', 'pass']).steps);
    expect(versions.map((v) => [v.attempt, v.modelSteps.map((m) => m.kind), v.execution.outcome.kind])).toEqual([
      [0, ['generate'], 'failed'],
      [1, ['refine'], 'failed'],
      [2, ['refine'], 'passed'],
    ]);
    expect(versions[0]!.diff).toBeNull();
    expect(versions[1]!.diff).toMatchObject({ added: 2, removed: 2 });
  });

  it('diffs line by line', () => {
    const diff = codeDiff('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(diff.lines).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ]);
    expect([diff.added, diff.removed]).toEqual([2, 1]);
  });
});
