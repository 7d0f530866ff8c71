import { describe, expect, it } from 'vitest';
import { numberProblem, wholeProblem } from '../../src/core/number-problems.ts';

// An emptied <input type="number"> binds null.
const EMPTY = null;

describe('what a form says about a number it cannot take', () => {
  it('accepts a whole number within the range, ends included', () => {
    expect(wholeProblem('Repeats', 1, { min: 1, max: 100 })).toBeNull();
    expect(wholeProblem('Repeats', 100, { min: 1, max: 100 })).toBeNull();
    expect(numberProblem('Crossover share', 0.75, { min: 0, max: 1 })).toBeNull();
  });

  it('says an emptied field is empty, never reading it as 0', () => {
    expect(wholeProblem('Repeats', EMPTY, { min: 1, max: 100 })).toBe('Repeats: empty. Give a whole number from 1 to 100.');
    expect(wholeProblem('Seed', EMPTY, { min: 0, max: 10 })).not.toBeNull();
    expect(numberProblem('Parsimony per node', undefined, { min: 0, max: 1 })).toBe('Parsimony per node: empty. Give a number from 0 to 1.');
  });

  it('tells a fraction, a value out of range and a value that is not a number apart', () => {
    expect(wholeProblem('Repeats', 2.5, { min: 1, max: 100 })).toBe('Repeats: 2.5 is not a whole number. Give a whole number from 1 to 100.');
    expect(wholeProblem('Population', 1_000_000, { min: 2, max: 1_000 })).toBe('Population: 1,000,000 is out of range. Give a whole number from 2 to 1,000.');
    expect(numberProblem('Mutation rate', Number.NaN, { min: 0, max: 1 })).toBe('Mutation rate: not a number. Give a number from 0 to 1.');
    expect(numberProblem('Mutation rate', -0.1, { min: 0, max: 1 })).toBe('Mutation rate: -0.1 is out of range. Give a number from 0 to 1.');
  });

  it('states a one-sided or open range as such, with the reason a field needs when its label does not say', () => {
    expect(wholeProblem('Seed', -3, {})).toBeNull();
    expect(wholeProblem('Seed', EMPTY, {}, 'the same seed draws the same problems')).toBe('Seed: empty. Give a whole number (the same seed draws the same problems).');
    expect(wholeProblem('N', 0, { min: 1 })).toBe('N: 0 is out of range. Give a whole number of at least 1.');
    expect(numberProblem('Budget', Number.POSITIVE_INFINITY, { min: 1 })).toMatch(/^Budget: .* is out of range\. Give a number of at least 1\.$/);
  });
});
