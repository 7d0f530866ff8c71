/**
 * The Search page puts the study's NEAT champion beside the search's own: the paper's printed
 * figures, and this champion's re-validated pass rate in the same units, but only when it was
 * validated on the whole of HumanEval.
 */
import { describe, expect, it } from 'vitest';
import { studyChampionComparison } from '../../../src/core/search/study-champion.ts';

describe('the study’s champion beside a search’s', () => {
  it('states the study’s champion as printed (run v3: 0.76 in the search, 98.2 ± 3.4 of 164 over 5 runs)', () => {
    const [study] = studyChampionComparison('humaneval', 164, null);
    expect(study).toMatch(/fitness 0\.76 in its search \(21 of 25 subset problems passed\)/);
    expect(study).toMatch(/98\.2 ± 3\.4 of them \(59\.9 %\)/);
  });

  it('puts a champion validated on all 164 problems beside it, in problems passed', () => {
    const lines = studyChampionComparison('humaneval', 164, { passRate: 0.5, sdPassRate: 0.02, repeats: 5 });
    expect(lines[1]).toBe('This search’s champion, re-validated 5 times, passed 82.0 ± 3.3 of 164 (50.0 %).');
  });

  it('does not compare a champion validated on a smaller pool, and says how to make it comparable', () => {
    const lines = studyChampionComparison('humaneval', 8, { passRate: 1, sdPassRate: null, repeats: 1 });
    expect(lines[1]).toMatch(/pool holds 8 of the 164 problems, so its re-validated pass rate is not comparable/);
    expect(lines.join(' ')).not.toMatch(/passed 164/);
  });

  it('says the study had no MBPP champion', () => {
    expect(studyChampionComparison('mbpp', 427, null)).toEqual([expect.stringMatching(/HumanEval only/)]);
  });
});
