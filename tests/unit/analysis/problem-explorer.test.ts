import { describe, expect, it } from 'vitest';
import { codeDiff } from '../../../src/core/analysis/code-diff.ts';
import {
  codeVersions,
  errorTypesOf,
  filterProblems,
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

describe('a trajectory as versions of the code', () => {
  it('pairs each execution with the model calls that produced its code and a diff to the previous version', () => {
    const versions = codeVersions(trajectory('P/9', ['NameError', 'AssertionError', 'pass']));
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
