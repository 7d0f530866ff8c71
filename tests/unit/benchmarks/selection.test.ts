import { describe, expect, it } from 'vitest';
import { parseSelectionSpec, selectProblems } from '../../../src/core/benchmarks/selection.ts';
import { loadTestProblems } from '../../support/datasets.ts';

const humaneval = await loadTestProblems('humaneval');
const mbpp = await loadTestProblems('mbpp');
const ids = (problems: { id: string }[]) => problems.map((p) => p.id);

describe('selectProblems', () => {
  it('all gives every problem in dataset order', () => {
    expect(ids(selectProblems(humaneval, { kind: 'all' }))).toEqual(ids(humaneval));
  });

  it('first n gives the first n', () => {
    expect(ids(selectProblems(humaneval, { kind: 'first', n: 3 }))).toEqual(['HumanEval/0', 'HumanEval/1', 'HumanEval/2']);
  });

  it('random gives n distinct problems, the same for the same seed, in dataset order', () => {
    const a = selectProblems(humaneval, { kind: 'random', n: 25, seed: 7 });
    const b = selectProblems(humaneval, { kind: 'random', n: 25, seed: 7 });
    const c = selectProblems(humaneval, { kind: 'random', n: 25, seed: 8 });
    expect(ids(a)).toEqual(ids(b));
    expect(new Set(ids(a)).size).toBe(25);
    expect(ids(a)).not.toEqual(ids(c));
    expect(a.map((p) => p.number)).toEqual([...a.map((p) => p.number)].sort((x, y) => x - y));
  });

  it('random over everything is the whole benchmark', () => {
    expect(selectProblems(mbpp, { kind: 'random', n: 427, seed: 1 })).toHaveLength(427);
  });

  it('ids keeps the given order and accepts the usual MBPP spellings', () => {
    expect(ids(selectProblems(mbpp, { kind: 'ids', ids: ['Mbpp/11', '2', 'MBPP/3'] }))).toEqual(['Mbpp/11', 'Mbpp/2', 'Mbpp/3']);
  });

  it('names every unknown id', () => {
    expect(() => selectProblems(humaneval, { kind: 'ids', ids: ['HumanEval/1', 'HumanEval/164', 'Mbpp/2'] })).toThrow(
      'Unknown HumanEval problem ids: HumanEval/164, Mbpp/2.',
    );
    expect(() => selectProblems(mbpp, { kind: 'ids', ids: ['Mbpp/1'] })).toThrow('Unknown MBPP problem id: Mbpp/1.');
  });

  it('refuses duplicates and empty lists', () => {
    expect(() => selectProblems(mbpp, { kind: 'ids', ids: ['Mbpp/2', '2'] })).toThrow('Problem Mbpp/2 is listed twice.');
    expect(() => selectProblems(mbpp, { kind: 'ids', ids: [] })).toThrow(/empty/);
  });

  it('refuses n out of range, saying the range', () => {
    expect(() => selectProblems(humaneval, { kind: 'first', n: 0 })).toThrow('Cannot select 0 problems: choose a whole number from 1 to 164.');
    expect(() => selectProblems(humaneval, { kind: 'random', n: 165, seed: 1 })).toThrow(/from 1 to 164/);
    expect(() => selectProblems(humaneval, { kind: 'first', n: 2.5 })).toThrow(/whole number/);
  });

  it('the MBPP test split has the 257 sanitized tasks numbered 11 to 510', () => {
    const split = selectProblems(mbpp, { kind: 'mbpp-test-split' });
    expect(split).toHaveLength(257);
    expect(split.every((p) => p.number >= 11 && p.number <= 510)).toBe(true);
  });

  it('the MBPP test split does not apply to HumanEval', () => {
    expect(() => selectProblems(humaneval, { kind: 'mbpp-test-split' })).toThrow(/only applies to MBPP/);
  });
});

describe('parseSelectionSpec', () => {
  it('accepts each kind', () => {
    for (const spec of [
      { kind: 'all' },
      { kind: 'first', n: 5 },
      { kind: 'random', n: 25, seed: 42 },
      { kind: 'ids', ids: ['HumanEval/0'] },
      { kind: 'mbpp-test-split' },
    ]) {
      expect(parseSelectionSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    }
  });

  it('explains what is wrong with a bad spec', () => {
    expect(() => parseSelectionSpec({ kind: 'first', n: '5' })).toThrow(/"n" must be a positive whole number/);
    expect(() => parseSelectionSpec({ kind: 'random', n: 5 })).toThrow(/"seed" must be a whole number/);
    expect(() => parseSelectionSpec({ kind: 'some' })).toThrow(/"kind" must be one of/);
    expect(() => parseSelectionSpec(null)).toThrow(/expected an object/);
  });
});
