import { describe, expect, it } from 'vitest';
import { readErrorTaxonomy, type ReleasedErrorTaxonomy } from '../../../src/core/reproduce/error-taxonomy.ts';
import type { ResultFile, ResultUnit } from '../../../src/core/results/result-file.ts';
import { balancedStratifiedSubset, difficultyOrder, stratifiedSubset, subsetEase } from '../../../src/core/search/fitness.ts';
import {
  difficultyCoverage,
  difficultyFromReleasedTaxonomy,
  difficultyFromResultFile,
  difficultySourceProblems,
  stratifiedRule,
} from '../../../src/core/search/difficulty-source.ts';
import { createSearchSetup, type SearchDraft } from '../../../src/core/search/search-setup.ts';
import { initSearch } from '../../../src/core/search/search.ts';
import { readStudyJson } from '../../support/study-results.ts';
import { studyResultFile } from '../results/result-file-fixtures.ts';
import { BINDINGS, PROBLEMS } from './run-search-fixtures.ts';

/**
 * The study fixtures' result file: three arms × two repeats over HumanEval/900-904. 900 always
 * passes; 901 and 902 pass only in the refine arm (2 of 6); 903 never; 904 only in repeat 1 (3 of 6).
 */
const EXPECTED_RATES = { 'HumanEval/900': 1, 'HumanEval/901': 2 / 6, 'HumanEval/902': 2 / 6, 'HumanEval/903': 0, 'HumanEval/904': 3 / 6 };

function withUnit(doc: ResultFile, index: number, unit: (u: ResultUnit) => ResultUnit): ResultFile {
  return { ...doc, units: doc.units.map((u, i) => (i === index ? unit(u) : u)) };
}

describe('a difficulty ranking from a result file', () => {
  it('is the pass rate of each problem over every arm and repeat, ranking easiest first', async () => {
    const doc = await studyResultFile();
    const source = difficultyFromResultFile(doc, 'study.json');
    expect(source.benchmark).toBe('humaneval');
    expect(source.verdicts).toBe(30);
    expect(source.arms).toHaveLength(3);
    for (const [id, rate] of Object.entries(EXPECTED_RATES)) expect(source.passRates[id]).toBeCloseTo(rate, 12);
    expect(difficultyOrder(Object.keys(EXPECTED_RATES), source.passRates)).toEqual(['HumanEval/900', 'HumanEval/904', 'HumanEval/901', 'HumanEval/902', 'HumanEval/903']);
  });

  it('leaves out units that errored or did not finish: no verdict, not a failure', async () => {
    const doc = await studyResultFile();
    // HumanEval/900 passes everywhere; an errored unit of it must not lower its rate.
    const index = doc.units.findIndex((u) => u.problemId === 'HumanEval/900');
    const errored = withUnit(doc, index, (u) => ({ armId: u.armId, repeat: u.repeat, problemId: u.problemId, status: 'errored', message: 'refused', attempts: 3, steps: [] }));
    const source = difficultyFromResultFile(errored, 'study.json');
    expect(source.passRates['HumanEval/900']).toBe(1);
    expect(source.verdicts).toBe(29);
  });

  it('refuses a file with no finished unit, saying so', async () => {
    const doc = await studyResultFile();
    expect(() => difficultyFromResultFile({ ...doc, units: [] }, 'empty.json')).toThrow(/empty\.json holds no finished run \(it has no units at all\)/);
    const unfinished = { ...doc, units: doc.units.map((u): ResultUnit => ({ armId: u.armId, repeat: u.repeat, problemId: u.problemId, status: 'unfinished', steps: [] })) };
    expect(() => difficultyFromResultFile(unfinished, 'cut.json')).toThrow(/every unit errored or was left unfinished/);
  });

  it('refuses a source over another benchmark, or one ranking fewer pool problems than a subset holds', async () => {
    const source = difficultyFromResultFile(await studyResultFile(), 'study.json');
    expect(difficultySourceProblems(source, 'mbpp', null, 3)).toEqual([expect.stringMatching(/study\.json holds HumanEval runs, but the search is on MBPP/)]);
    const pool = ['HumanEval/900', 'HumanEval/901', 'HumanEval/902', 'HumanEval/7', 'HumanEval/8', 'HumanEval/9'];
    expect(difficultyCoverage(source, pool)).toEqual({ ranked: 3, unranked: 3 });
    expect(difficultySourceProblems(source, 'humaneval', pool, 3)).toEqual([]);
    expect(difficultySourceProblems(source, 'humaneval', pool, 4)).toEqual([expect.stringMatching(/ranks 3 of the pool’s problems, fewer than the subset size \(4\)/)]);
    // Without the pool, the source's own count is all the form can check.
    expect(difficultySourceProblems(source, 'humaneval', null, 5)).toEqual([]);
    expect(difficultySourceProblems(source, 'humaneval', null, 6)).toHaveLength(1);
  });

  it('stores only the pool’s rates; unranked pool problems come last, the hardest, in pool order', async () => {
    const source = difficultyFromResultFile(await studyResultFile(), 'study.json');
    const pool = ['HumanEval/903', 'HumanEval/7', 'HumanEval/900', 'HumanEval/5', 'HumanEval/904'];
    const rule = stratifiedRule(source, pool);
    expect(rule).toEqual({ kind: 'stratified', passRates: { 'HumanEval/903': 0, 'HumanEval/900': 1, 'HumanEval/904': 0.5 } });
    if (rule.kind !== 'stratified') throw new Error('expected a stratified rule');
    expect(difficultyOrder(pool, rule.passRates)).toEqual(['HumanEval/900', 'HumanEval/904', 'HumanEval/903', 'HumanEval/7', 'HumanEval/5']);
  });
});

describe('a difficulty ranking from the released error-taxonomy run', () => {
  it('counts one verdict per arm and problem, from every arm but the NEAT champion', () => {
    const problem = (taskId: string, passed: boolean) => ({ taskId, passed, initialErrorType: null, finalErrorType: null, executions: 1 });
    const taxonomy = {
      arms: [
        { name: 'llama3.2:3b solo', passed: 1, fixRates: null, problems: [problem('HumanEval/0', true), problem('HumanEval/1', false)] },
        { name: 'llama self-refine', passed: 2, fixRates: [], problems: [problem('HumanEval/0', true), problem('HumanEval/1', true)] },
        // Found by the search the ranking is for: its verdicts would leak the search's result.
        { name: 'NEAT v3 champion', passed: 0, fixRates: [], problems: [problem('HumanEval/0', false), problem('HumanEval/1', false)] },
      ],
    } as unknown as ReleasedErrorTaxonomy; // only the arms are read
    const source = difficultyFromReleasedTaxonomy(taxonomy, 'released');
    expect(source).toMatchObject({ benchmark: 'humaneval', verdicts: 4, arms: ['llama3.2:3b solo', 'llama self-refine'], passRates: { 'HumanEval/0': 1, 'HumanEval/1': 0.5 } });
  });
});

describe('a difficulty ranking from the real released run', () => {
  it('ranks HumanEval from the five arms the study had before its search: 820 verdicts', async () => {
    const taxonomy = readErrorTaxonomy(await readStudyJson('error_taxonomy.json'));
    const source = difficultyFromReleasedTaxonomy(taxonomy, 'released');
    expect(source.verdicts).toBe(820);
    expect(source.arms).toEqual(['llama3.2:3b solo', 'qwen→exec→llama', 'llama→exec→llama', 'qwen2.5-coder:3b solo', 'qwen2.5-coder:3b self-refine']);
    expect(Object.keys(source.passRates)).toHaveLength(164);
  });

  it("gets harder over the study's six columns (72.8 % to 69.6 %), and stays within 0.8 points when balanced", async () => {
    const source = difficultyFromReleasedTaxonomy(readErrorTaxonomy(await readStudyJson('error_taxonomy.json')), 'released');
    const ranked = difficultyOrder(Object.keys(source.passRates), source.passRates);
    const ease = (subset: (g: number) => string[]) => Array.from({ length: 6 }, (_, g) => 100 * (subsetEase(subset(g), source.passRates) as number));
    const plain = ease((g) => stratifiedSubset(ranked, g, 25));
    expect(plain[0]).toBeCloseTo(72.8, 9);
    expect(plain[5]).toBeCloseTo(69.6, 9);
    const balanced = ease((g) => balancedStratifiedSubset(ranked, g, 25, source.passRates));
    expect(Math.max(...balanced) - Math.min(...balanced)).toBeCloseTo(0.8, 9);
  });
});

describe('a search set up with a difficulty source', () => {
  const draft = (subsetSize: number): SearchDraft => ({
    name: 'Stratified',
    benchmark: 'humaneval',
    selection: { kind: 'all' },
    mode: 'study',
    models: BINDINGS,
    config: { populationSize: 4, subsetSize, budget: { maxGenerations: 3, maxWallMs: null, maxTokens: null } },
    seed: 3,
  });
  const options = { id: 'search-stratified', created: '2026-05-01T10:00:00.000Z', problems: PROBLEMS, datasetSha256: '0'.repeat(64) };

  it('stores the stratified rule and draws each generation one problem per difficulty band', async () => {
    const source = difficultyFromResultFile(await studyResultFile(), 'study.json');
    // The pool is HumanEval/900-905: 905 has no verdict in the file.
    const setup = createSearchSetup({ ...draft(2), difficulty: source }, options);
    expect(setup.config.subset).toEqual({ kind: 'stratified', passRates: EXPECTED_RATES });
    const state = initSearch(setup.config, setup.seed);
    const ranked = ['HumanEval/900', 'HumanEval/904', 'HumanEval/901', 'HumanEval/902', 'HumanEval/903', 'HumanEval/905'];
    expect(state.problemOrder).toEqual(ranked);
    // Two bands of three: the easy half and the hard half, one of each per generation.
    expect(state.subset).toEqual(['HumanEval/900', 'HumanEval/902']);
    expect(stratifiedSubset(ranked, 1, 2)).toEqual(['HumanEval/904', 'HumanEval/903']);
  });

  it('records a balanced column order in the config only when asked: the study\'s config stays as it was', async () => {
    const source = difficultyFromResultFile(await studyResultFile(), 'study.json');
    const setup = createSearchSetup({ ...draft(2), difficulty: source, columnOrder: 'balanced' }, options);
    expect(setup.config.subset).toEqual({ kind: 'stratified', passRates: EXPECTED_RATES, columnOrder: 'balanced' });
    const state = initSearch(setup.config, setup.seed);
    // Ranked 900 904 901 | 902 903 905 (rates 1, .5, .33 | .33, 0, none): the easy band's 900 to column 0, whose
    // sum is then the highest, so the hard band's easiest (902) goes to column 1 and its hardest to column 0.
    expect(state.subset).toEqual(['HumanEval/900', 'HumanEval/905']);
    expect(createSearchSetup({ ...draft(2), difficulty: source, columnOrder: 'easiest-first' }, options).config.subset).toEqual({ kind: 'stratified', passRates: EXPECTED_RATES });
  });

  it('refuses to start when the source ranks fewer of the pool’s problems than a subset holds', async () => {
    const source = difficultyFromResultFile(await studyResultFile(), 'study.json');
    expect(() => createSearchSetup({ ...draft(6), difficulty: source }, options)).toThrow(/study\.json ranks 5 of the pool’s problems, fewer than the subset size \(6\)/);
  });
});
