import { describe, expect, it } from 'vitest';
import {
  errorTransitions,
  firstErrorTable,
  type Step,
} from '../../../src/core/stats/error-tables.ts';

const pass: Step = { passed: true, errorType: null };
const fail = (errorType: string | null): Step => ({ passed: false, errorType });

describe('error taxonomy tables', () => {
  const trajectories: Step[][] = [
    [fail('NameError'), pass, pass], //                  P1: NameError, fixed at 1
    [fail(null), fail('AssertionError'), fail('AssertionError')], // P2: bare assert, never fixed
    [pass, fail('TypeError'), pass], //                  P3: passed first: no first error
    [fail('NameError'), fail('NameError'), pass], //     P4: NameError, fixed at 2
    [fail('NameError'), pass, fail('ValueError')], //    P5: NameError, fixed at 1, broken again
    [], //                                               P6: nothing recorded (pipeline cap)
  ];

  it('tabulates first error type → fixed or not, with the iteration of the fix', () => {
    expect(firstErrorTable(trajectories)).toEqual([
      {
        category: 'NameError',
        total: 3, // P1, P4, P5
        fixedAtIteration: [0, 2, 1], // P1 and P5 at 1, P4 at 2
        fixed: 3,
        neverFixed: 0,
        fixRate: 1,
        endedPassing: 2, // P5 ended on a ValueError
      },
      {
        category: 'None', // the study's label for a failure with no recorded type
        total: 1,
        fixedAtIteration: [0, 0, 0],
        fixed: 0,
        neverFixed: 1,
        fixRate: 0,
        endedPassing: 0,
      },
    ]);
  });

  it('groups error types with the given categorisation', () => {
    const rows = firstErrorTable(trajectories, (t) => t ?? 'AssertionError');
    expect(rows.map((r) => [r.category, r.total])).toEqual([
      ['NameError', 3],
      ['AssertionError', 1],
    ]);
  });

  it('counts transitions between consecutive iterations', () => {
    const { labels, counts } = errorTransitions(trajectories);
    // labels in order of first appearance, "passed" first
    expect(labels).toEqual(['passed', 'NameError', 'None', 'AssertionError', 'TypeError', 'ValueError']);
    const at = (k: number, from: string, to: string): number =>
      counts[k - 1]![labels.indexOf(from)]![labels.indexOf(to)]!;
    // 0 → 1: P1 NameError→passed, P2 None→AssertionError, P3 passed→TypeError,
    //        P4 NameError→NameError, P5 NameError→passed
    expect(at(1, 'NameError', 'passed')).toBe(2);
    expect(at(1, 'None', 'AssertionError')).toBe(1);
    expect(at(1, 'passed', 'TypeError')).toBe(1);
    expect(at(1, 'NameError', 'NameError')).toBe(1);
    // 1 → 2: P1 passed→passed, P2 AssertionError→AssertionError, P3 TypeError→passed,
    //        P4 NameError→passed, P5 passed→ValueError
    expect(at(2, 'passed', 'passed')).toBe(1);
    expect(at(2, 'AssertionError', 'AssertionError')).toBe(1);
    expect(at(2, 'TypeError', 'passed')).toBe(1);
    expect(at(2, 'NameError', 'passed')).toBe(1);
    expect(at(2, 'passed', 'ValueError')).toBe(1);
    // five problems have steps at both ends of each transition
    const sum = (m: number[][]): number => m.flat().reduce((a, b) => a + b, 0);
    expect(counts.map(sum)).toEqual([5, 5]);
  });
});
