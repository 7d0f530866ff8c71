import { describe, expect, it } from 'vitest';
import { advancedFieldsAtFault, fieldProblem, fieldProblemAttributes, problemIsAbout } from '../../../src/ui/shared/field-problems.ts';
import { MUTATION_LABELS, rateProblemLabel, SearchForm } from '../../../src/ui/search/search-form.svelte.ts';
import { StudyForm } from '../../../src/ui/study/study-form.svelte.ts';
import { loadTestProblems } from '../../support/datasets.ts';

// An emptied <input type="number"> binds null; the fields are typed number for the bindings.
const EMPTY = null as unknown as number;
/** The endpoint the forms are given (the Models page's address): these tests are about the others' fields. */
const ENDPOINT = 'http://localhost:11434/v1';

/** The labels the Search form's panel gives its fields' problems (SearchFormPanel, ProblemSelectionFields). */
const SEARCH_FIELDS = [
  'N',
  'Pool seed',
  'Problem ids',
  'Population',
  'Generations',
  'Subset size',
  'Evaluations per genome (k)',
  'Parsimony per node',
  'Seed',
  'Wall-time budget (minutes)',
  'Token budget',
  ...Object.values(MUTATION_LABELS).map(rateProblemLabel),
  'Elites',
  'Crossover share',
];

/** The fields whose problem each sentence is, by label: a sentence no field claims maps to []. */
function owners(problems: readonly string[], labels: readonly string[]): string[][] {
  return problems.map((problem) => labels.filter((label) => fieldProblem([problem], label) !== null));
}

describe('a form problem’s field', () => {
  it('is the field whose label starts the sentence; the field shows the rest, which starts with a capital', () => {
    const problems = ['Pool seed: empty. Give a whole number.', 'N: 500 is out of range. Give a whole number from 1 to 164.'];
    expect(fieldProblem(problems, 'N')).toBe('500 is out of range. Give a whole number from 1 to 164.');
    expect(fieldProblem(problems, 'Pool seed')).toBe('Empty. Give a whole number.');
    // "Seed" is another field than "Pool seed", and a field without a problem has none.
    expect(fieldProblem(problems, 'Seed')).toBeNull();
    expect(fieldProblem(problems, 'Repeats')).toBeNull();
    expect(fieldProblem([], 'N')).toBeNull();
  });

  it('is no single field for a sentence about several, which stays in the list alone', () => {
    const problems = ['Population × generations: 500 × 100 = 50,000 genomes; …', 'Arms: none chosen. Tick at least one arm to run.'];
    expect(fieldProblem(problems, 'Population')).toBeNull();
    expect(fieldProblem(problems, 'Generations')).toBeNull();
  });

  it('names a study’s unknown id, a bad N and an emptied Repeats on their fields, and the missing arms on none', async () => {
    const humaneval = await loadTestProblems('humaneval');
    const form = new StudyForm();
    form.endpoint = ENDPOINT;
    form.selectionKind = 'ids';
    form.idsText = '0, 2, 999';
    form.repeats = EMPTY;
    form.presetIds = [];
    const problems = form.problems(humaneval);
    expect(fieldProblem(problems, 'Problem ids')).toBe('Unknown HumanEval problem id: HumanEval/999.');
    expect(fieldProblem(problems, 'Repeats')).toBe('Empty. Give a whole number from 1 to 100.');
    expect(owners(problems, ['N', 'Seed', 'Problem ids', 'Repeats'])).toEqual([['Problem ids'], [], ['Repeats']]);

    form.selectionKind = 'first';
    form.n = 500;
    expect(fieldProblem(form.problems(humaneval), 'N')).toBe('500 is out of range. Give a whole number from 1 to 164.');
    form.n = 5;
    expect(fieldProblem(form.problems(humaneval), 'N')).toBeNull();
  });

  it('is exactly one of the Search form’s fields for every number it refuses, those under Advanced too', () => {
    const form = new SearchForm();
    form.endpoint = ENDPOINT;
    form.selectionKind = 'random';
    form.n = 0;
    form.selectionSeed = 0.5;
    form.populationSize = 1;
    form.generations = EMPTY;
    form.subsetSize = 0;
    form.evaluationsPerGenome = 0;
    form.parsimony = -1;
    form.seed = 0.5;
    form.maxMinutes = -1;
    form.maxTokens = 0.5;
    form.rates = { addStage: 2, addAnalyzer: 2, removeNode: 2, swapModel: 2, mutatePrompt: 2, adjustTemperature: 2, adjustIterations: 2 };
    form.eliteCount = -1;
    form.crossoverRate = Number.NaN;
    const problems = form.problems();
    expect(problems).toHaveLength(SEARCH_FIELDS.length - 1); // Problem ids: not chosen.
    expect(owners(problems, SEARCH_FIELDS).map((fields) => fields.length)).toEqual(problems.map(() => 1));
    expect(fieldProblem(problems, rateProblemLabel(MUTATION_LABELS.addStage))).toBe('2 is out of range. Give a number from 0 to 1.');
    expect(fieldProblem(problems, 'Crossover share')).toBe('Not a number. Give a number from 0 to 1.');
  });
});

describe('the field a line of the problem list takes the user to', () => {
  it('is the field that shows the line’s problem, under Advanced too; a line about several fields goes to none', () => {
    const form = new SearchForm();
    form.endpoint = ENDPOINT;
    form.seed = EMPTY;
    form.eliteCount = -1;
    const problems = form.problems();
    for (const problem of problems) {
      expect(SEARCH_FIELDS.filter((label) => problemIsAbout(problem, label))).toEqual(SEARCH_FIELDS.filter((label) => fieldProblem([problem], label) !== null));
    }
    expect(problems.map((problem) => SEARCH_FIELDS.filter((label) => problemIsAbout(problem, label)))).toEqual([['Seed'], ['Elites']]);
    expect(problemIsAbout('Population × generations: 500 × 100 = 50,000 genomes; …', 'Population')).toBe(false);
    expect(problemIsAbout('Pool seed: empty. Give a whole number.', 'Seed')).toBe(false);
  });

  it('is the arms for the study’s “none chosen”, and the prompt set for a set the arms cannot send', () => {
    expect(problemIsAbout('Arms: none chosen. Tick at least one arm to run.', 'Arms')).toBe(true);
    expect(problemIsAbout('Prompt set: critic is a system prompt in set.json, but the chosen arms send it from a user prompt. …', 'Prompt set')).toBe(true);
  });
});

describe('a field’s attributes', () => {
  it('mark it invalid and described by its message only while it has a problem, keeping the note that always describes it', () => {
    expect(fieldProblemAttributes('Empty.', 'm')).toEqual({ 'aria-invalid': 'true', 'aria-describedby': 'm' });
    expect(fieldProblemAttributes('Empty.', 'm', 'note')).toEqual({ 'aria-invalid': 'true', 'aria-describedby': 'note m' });
    expect(fieldProblemAttributes(null, 'm', 'note')).toEqual({ 'aria-invalid': undefined, 'aria-describedby': 'note' });
    expect(fieldProblemAttributes(null, 'm')).toEqual({ 'aria-invalid': undefined, 'aria-describedby': undefined });
  });
});

describe('the fields at fault under a closed Advanced section', () => {
  it('are named for its summary, and only those: a problem elsewhere in the form is not one of them', () => {
    const form = new SearchForm();
    expect(advancedFieldsAtFault(form.problems())).toEqual([]);
    form.populationSize = 0;
    expect(advancedFieldsAtFault(form.problems())).toEqual([]);
    form.populationSize = 20;
    form.rates = { ...form.rates, removeNode: 3 };
    form.eliteCount = 25;
    expect(advancedFieldsAtFault(form.problems())).toEqual([rateProblemLabel(MUTATION_LABELS.removeNode), 'Elites']);
  });
});
