/**
 * The Search page puts the study's NEAT champion beside the search's own: the paper's printed
 * figures, and this champion's re-validated pass rate in the same units, but only when it was
 * validated on the whole of HumanEval.
 */
import { describe, expect, it } from 'vitest';
import { impliedSearchPasses, readChampion } from '../../../src/core/reproduce/champions.ts';
import { inflationMeasureNote, studyChampionComparison, studyChampionInflation } from '../../../src/core/search/study-champion.ts';
import { readStudyJson } from '../../support/study-results.ts';

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

  it('measures the study’s champion as the inflation panel does: 21/25 in its search against 98.2/164 validated, +40.3 %', async () => {
    const study = studyChampionInflation();
    expect(study).toMatchObject({ searchPasses: 21, subsetSize: 25, validatedMean: 98.2, problems: 164 });
    expect(study?.inflationPercent).toBeCloseTo(40.3, 1);
    // The released files agree: fitness 0.76 = passed / 25 − 0.02 × its 4 nodes, and 98.2 is the mean of its 5 runs.
    const v3 = readChampion(await readStudyJson('neat_runs/v3_champion.json'), 'v3_champion.json');
    expect(impliedSearchPasses(v3)).toBe(21);
    const main = (await readStudyJson('main_results.json')) as { configs: { name: string; mean: number }[] };
    expect(main.configs.find((c) => c.name === 'NEAT v3 champion')?.mean).toBe(98.2);
  });

  it('tells a user the paper’s 5–7 % is another measure than the panel’s', () => {
    const note = inflationMeasureNote();
    expect(note).toContain('the study’s own NEAT champion comes out at +40.3 %: 21 of 25 (84.0 %) in its search against 98.2 of 164 (59.9 %) over 5 validation runs.');
    expect(note).toContain('The paper’s “5–7 %” is another measure: one run on all 164 problems against the mean of five');
    expect(note).toContain('5.3–7.9 % above their five-run means, and the means 5.1–7.4 % below the single runs, the drop its “5–7 %” describes');
    expect(note).not.toMatch(/measured as here/);
  });
});
