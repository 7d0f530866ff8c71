import { describe, expect, it } from 'vitest';
import { studySearchConfig } from '../../../src/core/search/search-config.ts';
import { SEARCH_LIMITS } from '../../../src/core/search/search-limits.ts';
import { refusal } from './form-refusal.ts';
import { SearchForm } from '../../../src/ui/search/search-form.svelte.ts';
import { loadTestProblems } from '../../support/datasets.ts';

function endpointForm(): SearchForm {
  const form = new SearchForm();
  form.engine = 'openai';
  form.endpoint = 'http://127.0.0.1:11434/v1';
  form.defaultEndpointModel = 'fake-model';
  return form;
}

// An emptied <input type="number"> binds null; the fields are typed number for the bindings.
const EMPTY = null as unknown as number;

describe('the search form’s numbers', () => {
  it('starts with the study’s settings, which it accepts', () => {
    const form = endpointForm();
    expect(form.problems()).toEqual([]);
    const draft = form.toDraft();
    expect(draft.config).toMatchObject({ populationSize: 20, eliteCount: 2, subsetSize: 25, crossoverRate: 0.75, parsimony: 0.02 });
    expect(draft.seed).toBe(1);
    expect(draft.config.speciation).toEqual(studySearchConfig([]).speciation);
  });

  it('warns, without refusing, that a token budget too small for one generation would end the search before it scores anything', () => {
    const form = endpointForm();
    expect(form.tokenBudgetWarning).toBeNull();
    form.maxTokens = 5_000;
    expect(form.tokenBudgetWarning).toMatch(/^The token budget of 5,000 will very likely be spent before the first generation is scored.*one generation is 500 evaluations/);
    expect(form.problems()).toEqual([]);
    expect(form.toDraft().config.budget?.maxTokens).toBe(5_000);
    // Population 2 and subsets of 1: 2 evaluations, which 5,000 tokens cover.
    form.populationSize = 2;
    form.subsetSize = 1;
    expect(form.tokenBudgetWarning).toBeNull();
  });

  it('hands the chosen species threshold rule to the search, the rest of speciation as the study set it', () => {
    const form = endpointForm();
    form.thresholdRule = 'collapse';
    expect(form.toDraft().config.speciation).toEqual({ ...studySearchConfig([]).speciation, thresholdRule: 'collapse' });
  });

  it('refuses a population it cannot run, naming the field and its range, before anything starts', () => {
    const form = endpointForm();
    form.populationSize = 1_000_000;
    expect(refusal(form)).toEqual([`Population: 1,000,000 is out of range. Give a whole number from 2 to ${SEARCH_LIMITS.populationSize.max.toLocaleString('en')}.`]);
  });

  it('refuses an emptied seed instead of reading it as seed 0', () => {
    const form = endpointForm();
    form.seed = EMPTY;
    expect(refusal(form)).toEqual(['Seed: empty. Give a whole number from 0 to 4,294,967,295.']);
    form.seed = 0;
    expect(form.toDraft().seed).toBe(0);
    form.seed = 2.5;
    expect(refusal(form)).toEqual([expect.stringMatching(/^Seed: 2\.5 is not a whole number\./)]);
  });

  it('names every field it cannot honour at once: sizes, rates, elites, parsimony, budgets', () => {
    const form = endpointForm();
    form.generations = EMPTY;
    form.subsetSize = 0;
    form.evaluationsPerGenome = 11;
    form.parsimony = EMPTY;
    form.crossoverRate = 1.5;
    form.eliteCount = 20;
    form.rates = { ...form.rates, swapModel: Number.NaN, removeNode: -0.1 };
    form.maxMinutes = 0;
    form.maxTokens = 12.5;
    const problems = refusal(form);
    const fields = problems.map((p) => p.split(':')[0]);
    expect(fields).toEqual([
      'Generations',
      'Subset size',
      'Evaluations per genome (k)',
      'Parsimony per node',
      'Wall-time budget (minutes)',
      'Token budget',
      'Mutation rate “remove a node” (under Advanced)',
      'Mutation rate “swap a model” (under Advanced)',
      'Elites (under Advanced)',
      'Crossover share (under Advanced)',
    ]);
    // Elites were silently cut to population − 1 before; now the range says why.
    expect(problems).toContain('Elites (under Advanced): 20 is out of range. Give a whole number from 0 to 19.');
    expect(problems).toContain('Crossover share (under Advanced): 1.5 is out of range. Give a number from 0 to 1.');
    expect(problems).toContain('Mutation rate “swap a model” (under Advanced): not a number. Give a number from 0 to 1.');
  });

  it('keeps the subset within the pool and N within the benchmark', () => {
    const form = endpointForm();
    form.selectionKind = 'ids';
    form.idsText = '0, 2, 4';
    form.subsetSize = 5;
    expect(refusal(form)).toEqual(['Subset size: 5 is out of range. Give a whole number from 1 to 3.']);
    form.selectionKind = 'first';
    form.n = 200;
    form.subsetSize = 25;
    expect(refusal(form)).toEqual(['N: 200 is out of range. Give a whole number from 1 to 164.']);
    // The pool's draw is checked as the Study form's is, within the 32 bits its generator keeps.
    form.selectionKind = 'random';
    form.n = 25;
    form.selectionSeed = EMPTY;
    expect(refusal(form)).toEqual(['Pool seed: empty. Give a whole number from 0 to 4,294,967,295 (the same seed draws the same problems).']);
    form.selectionSeed = 5;
    expect(form.toDraft().selection).toEqual({ kind: 'random', n: 25, seed: 5 });
  });

  it('names typed pool ids it cannot search as they are typed: none, one listed twice, one the benchmark does not hold', async () => {
    const humaneval = await loadTestProblems('humaneval');
    const form = endpointForm();
    form.datasetProblems = () => humaneval;
    form.selectionKind = 'ids';
    form.subsetSize = 1;
    form.idsText = '';
    expect(form.problems()).toEqual(['Problem ids: none given. Type the ids to run, e.g. 0, 2, 12 or HumanEval/0.']);
    form.idsText = '3, HumanEval/3';
    expect(form.problems()).toEqual(['Problem ids: HumanEval/3 is listed twice. List each problem once.']);
    form.idsText = '3, 999';
    expect(form.problems()).toEqual(['Problem ids: unknown HumanEval problem id: HumanEval/999.']);
    form.idsText = '3, 4';
    expect(form.problems()).toEqual([]);
  });

  it('measures the subset against the ids the benchmark holds, not against an unknown id or a word', async () => {
    const form = endpointForm();
    const humaneval = await loadTestProblems('humaneval');
    form.datasetProblems = () => humaneval;
    form.selectionKind = 'ids';
    form.subsetSize = 25;
    form.idsText = '0, 2, 999';
    expect(form.problems()).toEqual(['Problem ids: unknown HumanEval problem id: HumanEval/999.']);
    form.idsText = 'foo';
    expect(form.problems()).toHaveLength(1);
    expect(form.problems()[0]).toMatch(/^Problem ids: /);
    form.idsText = '0, 2, 4';
    expect(form.problems()).toEqual(['Subset size: 25 is out of range. Give a whole number from 1 to 3.']);
  });

  it('refuses sizes that are each in range but together beyond what the page can run', () => {
    const form = endpointForm();
    form.populationSize = 1_000;
    form.evaluationsPerGenome = 2;
    form.subsetSize = 25;
    form.generations = 10;
    expect(refusal(form)).toEqual([expect.stringMatching(/^Population × evaluations per genome \(k\) × subset size: 1,000 × 2 × 25 = 50,000 evaluations per generation; at most 25,000/)]);
    form.evaluationsPerGenome = 1;
    form.generations = 100;
    expect(refusal(form)).toEqual([expect.stringMatching(/^Population × generations: 1,000 × 100 = 100,000 genomes; .* at most 20,000 \(20 generations at this population\)\.$/)]);
    form.generations = 20;
    expect(form.problems()).toEqual([]);
  });
});
