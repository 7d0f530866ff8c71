/**
 * The released files' own summaries against what our code recomputes from their raw data. The
 * expected numbers were computed independently with Python 3.11's standard library from the same
 * files (statistics.mean/stdev over pass_counts; raw, new fixes, regressions, effective and first
 * breaks by walking raw_trajectories), not with the code under test.
 */
import { describe, expect, it } from 'vitest';
import { readErrorTaxonomy } from '../../../src/core/reproduce/error-taxonomy.ts';
import { readIterationAnalysis } from '../../../src/core/reproduce/iteration-analysis.ts';
import { readMainResults } from '../../../src/core/reproduce/main-results.ts';
import { iterationSelfChecks, mainResultsSelfChecks, taxonomySelfChecks, type SelfCheck } from '../../../src/core/reproduce/released-self-check.ts';
import { selfCheckView } from '../../../src/core/analysis/reproduce-tables.ts';
import { readStudyJson } from '../../support/study-results.ts';

const mainJson = await readStudyJson('main_results.json');
const iterationJson = await readStudyJson('iteration_analysis.json');
const taxonomyJson = await readStudyJson('error_taxonomy.json');

const find = (checks: readonly SelfCheck[], arm: string, quantity: string): SelfCheck => {
  const found = checks.find((c) => c.arm === arm && c.quantity.startsWith(quantity));
  if (!found) throw new Error(`no check of ${quantity} for ${arm}`);
  return found;
};

/** A deep copy of a released file with one edit, as a user's hand-edited or other-commit file. */
// `any`: the edit walks a raw JSON tree by the study's own keys, which no type of ours describes.
function edited<T>(json: T, edit: (copy: any) => void): T {
  const copy = structuredClone(json);
  edit(copy);
  return copy;
}

describe('the released files against their own raw data', () => {
  it('main_results.json: every mean, stdev, min, max and histogram follows from the pass counts', () => {
    const checks = mainResultsSelfChecks(readMainResults(mainJson));
    expect(checks).toHaveLength(6 * 5);
    expect(checks.every((c) => c.agrees)).toBe(true);
    // Python: statistics.stdev([81, 77, 79, 74, 72]) = 3.646916505762094; Σ k·h[k] = 21 + 28 + 30 + 44 + 260.
    expect(find(checks, 'llama3.2:3b solo', 'stdev').recomputed).toBe('3.64691650576');
    expect(find(checks, 'llama3.2:3b solo', 'Σ k').recomputed).toBe('383');
    expect(find(checks, 'qwen2.5-coder:3b self-refine', 'Σ k').recomputed).toBe(String(136 + 139 + 142 + 139 + 142));
  });

  it('iteration_analysis.json: every list of `analyses` follows from raw_trajectories', () => {
    const checks = iterationSelfChecks(readIterationAnalysis(iterationJson));
    expect(checks.every((c) => c.agrees)).toBe(true);
    expect(find(checks, 'qwen→exec→llama', 'raw_pass_at_iter').recomputed).toBe('69, 63, 65, 50');
    expect(find(checks, 'qwen→exec→llama', 'new_fixes_at_iter').recomputed).toBe('69, 22, 7, 1');
    expect(find(checks, 'qwen→exec→llama', 'regressions_at_iter').recomputed).toBe('0, 28, 14, 23');
    expect(find(checks, 'NEAT v3 champion', 'effective_pass_at_iter').recomputed).toBe('78, 96, 100, 102');
    // Broken initial passes by first failing iteration: 28 + 8 + 7 = 43 (Table 6's "43 of 69").
    expect(find(checks, 'qwen→exec→llama', 'regression_first_break').recomputed).toBe('28, 8, 7');
    expect(find(checks, 'qwen2.5-coder:3b self-refine', 'regression_first_break').recomputed).toBe('11, 8, 0');
    expect(find(checks, 'qwen→exec→llama', 'error_fix_by_iter NameError').recomputed).toBe('23; 12, 2, 1; 8');
  });

  it('error_taxonomy.json: every fix rate follows from per_problem, the bare asserts in "None"', () => {
    const checks = taxonomySelfChecks(readErrorTaxonomy(taxonomyJson));
    expect(checks.every((c) => c.agrees)).toBe(true);
    expect(new Set(checks.map((c) => c.arm))).toEqual(new Set(['qwen→exec→llama', 'llama→exec→llama', 'NEAT v3 champion', 'qwen2.5-coder:3b self-refine']));
    expect(find(checks, 'qwen→exec→llama', 'fix_rates None').recomputed).toBe('11 of 42');
    // HumanEval/32 hit the 120 s pipeline cap (no execution recorded): the study left it out of its 2, as we do.
    expect(find(checks, 'NEAT v3 champion', 'fix_rates TimeoutError').recomputed).toBe('0 of 2');
  });

  it('flags a summary that no longer follows from the data, and says so under the table', () => {
    const main = readMainResults(edited(mainJson, (m) => { m.configs[0].stdev = 3.7; }));
    const mainChecks = mainResultsSelfChecks(main);
    expect(find(mainChecks, 'llama3.2:3b solo', 'stdev')).toMatchObject({ released: '3.7', recomputed: '3.64691650576', agrees: false });

    const iterations = readIterationAnalysis(
      edited(iterationJson, (it) => { it.analyses['llama→exec→llama'].regressions_at_iter = [0, 20, 11, 14]; }),
    );
    const checks = iterationSelfChecks(iterations);
    expect(find(checks, 'llama→exec→llama', 'regressions_at_iter')).toMatchObject({ released: '0, 20, 11, 14', recomputed: '0, 21, 11, 14', agrees: false });
    const view = selfCheckView('t', 'iteration_analysis.json', checks);
    expect(view.notes).toEqual([`1 of ${checks.length} differ: the file's summaries do not follow from its own raw data (edited, or from another version of the study's scripts). The tables above are computed from the raw data.`]);
    expect(view.rows.flat().filter((c) => c.tone === 'mismatch').map((c) => c.text)).toEqual(['differs']);

    const taxonomy = readErrorTaxonomy(
      edited(taxonomyJson, (t) => { delete t.configs['qwen→exec→llama'].fix_rates.TimeoutError; }),
    );
    expect(find(taxonomySelfChecks(taxonomy), 'qwen→exec→llama', 'fix_rates TimeoutError')).toMatchObject({ released: '(no row)', recomputed: '0 of 1', agrees: false });
  });
});
