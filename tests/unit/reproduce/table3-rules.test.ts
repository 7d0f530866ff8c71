import { describe, expect, it } from 'vitest';
import { describeRules, everyRule, ruleFits, rulesGivingRange, type ArmFixRates } from '../../../src/core/reproduce/table3-rules.ts';

const row = (category: string, fixed: number, total: number) => ({ category, fixed, total });
// Two arms per file; the coder arm fixes least. error_taxonomy.json keeps bare asserts apart ("None").
const taxonomy: ArmFixRates[] = [
  { arm: 'llama→exec→llama', rows: [row('AssertionError', 2, 10), row('None', 0, 10)] },
  { arm: 'qwen2.5-coder:3b self-refine', rows: [row('AssertionError', 1, 20)] },
];
const iterations: ArmFixRates[] = [
  { arm: 'llama→exec→llama', rows: [row('AssertionError', 3, 20), row('NameError', 2, 3)] },
  { arm: 'qwen2.5-coder:3b self-refine', rows: [row('AssertionError', 1, 40), row('NameError', 1, 2)] },
];

describe("which reading of the files gives a printed Table 3 range", () => {
  it('finds every rule that gives the range, and leaves bare asserts out of it where they change nothing', () => {
    // NameError is only in iteration_analysis.json: 67 % and 50 %, so merging bare asserts is no choice there.
    const rules = rulesGivingRange('NameError', [50, 67], taxonomy, iterations);
    expect(describeRules(rules)).toEqual(['iteration_analysis.json alone, with the coder arm, rounded', 'both files, with the coder arm, rounded']);
    expect(describeRules(rulesGivingRange('NameError', [50, 66], taxonomy, iterations))).toEqual([
      'iteration_analysis.json alone, with the coder arm, truncated',
      'both files, with the coder arm, truncated',
    ]);
  });

  it('tells bare asserts merged from apart where they change the rates', () => {
    // Apart: 20 %, 5 %; merged: 10 %, 5 %.
    expect(describeRules(rulesGivingRange('AssertionError', [10, 10], taxonomy, iterations))).toEqual([
      'error_taxonomy.json alone, without the coder arm, bare asserts merged, rounded or truncated',
    ]);
  });

  it('knows when no single rule fits every row', () => {
    const nameError = rulesGivingRange('NameError', [50, 67], taxonomy, iterations);
    const assertion = rulesGivingRange('AssertionError', [10, 10], taxonomy, iterations);
    expect(everyRule().filter((rule) => ruleFits(rule, nameError) && ruleFits(rule, assertion))).toEqual([]);
    expect(everyRule()).toHaveLength(24);
  });
});
