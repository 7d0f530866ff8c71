import { describe, expect, it } from 'vitest';
import { FormProblems, plainRefusal, refusalAlertLines, refusalPutRight, startRefusal } from '../../../src/ui/shared/form-problems.ts';
import { SearchForm } from '../../../src/ui/search/search-form.svelte.ts';

// An emptied <input type="number"> binds null; the fields are typed number for the bindings.
const EMPTY = null as unknown as number;

/** A search form refused for two fields: an emptied seed and a population out of range. */
function refusedForm(): { form: SearchForm; refused: ReturnType<typeof startRefusal> } {
  const form = new SearchForm();
  form.engine = 'openai';
  form.endpoint = 'http://127.0.0.1:11434/v1';
  form.defaultEndpointModel = 'fake-model';
  form.seed = EMPTY;
  form.populationSize = 1_000_000;
  try {
    form.toDraft();
  } catch (error) {
    return { form, refused: startRefusal(error) };
  }
  throw new Error('toDraft accepted the form');
}

describe('the alert of a refused start', () => {
  it('says a refusal for the form’s fields once, pointing to the list above, without repeating its lines', () => {
    const { form, refused } = refusedForm();
    expect(refused.fields).toEqual(form.problems());
    expect(refused.fields).toHaveLength(2);
    const alert = refusalAlertLines(refused);
    expect(alert).toEqual(['Not started: put right what is listed above.']);
    for (const problem of refused.fields) expect(alert.join(' ')).not.toContain(problem);
  });

  it('keeps its words while the form’s problems come and go, so an assertive alert is not read out again at each', () => {
    const { form, refused } = refusedForm();
    const said = refusalAlertLines(refused);
    form.seed = 7;
    expect(form.problems()).toHaveLength(1);
    expect(refusalAlertLines(refused)).toEqual(said);
    form.generations = EMPTY;
    form.subsetSize = EMPTY;
    expect(form.problems()).toHaveLength(3);
    expect(refusalAlertLines(refused)).toEqual(said);
    expect(refusalPutRight(refused, form.problems())).toBe(false);
  });

  it('says any other refusal in full, with its advice, since nothing else on the page says it', () => {
    const failed = startRefusal(new Error('The HumanEval problems could not be loaded; see above for why, or pick the file.'), 'Reload the page and try again.');
    expect(failed.fields).toEqual([]);
    expect(refusalAlertLines(failed)).toEqual(['The HumanEval problems could not be loaded; see above for why, or pick the file.', 'Reload the page and try again.']);
    expect(refusalAlertLines(plainRefusal(['A search is already running in this tab: stop it first.']))).toEqual(['A search is already running in this tab: stop it first.']);
  });

  it('is put right once the form has no problem left, not while a field it was refused for is still being typed in', () => {
    const { form, refused } = refusedForm();
    expect(refusalPutRight(refused, form.problems())).toBe(false);
    // Another wrong number in the same field is the same problem still.
    form.populationSize = 5000;
    expect(form.problems()).not.toEqual(refused.fields);
    expect(refusalPutRight(refused, form.problems())).toBe(false);
    form.populationSize = 20;
    expect(refusalPutRight(refused, form.problems())).toBe(false);
    form.seed = 7;
    expect(form.problems()).toEqual([]);
    expect(refusalPutRight(refused, form.problems())).toBe(true);
  });

  it('is not put right while another field has gone wrong since: the form would still not start', () => {
    const { form, refused } = refusedForm();
    form.populationSize = 20;
    form.seed = 7;
    form.generations = EMPTY;
    expect(form.problems()).toEqual([expect.stringMatching(/^Generations: empty\./)]);
    expect(refusalPutRight(refused, form.problems())).toBe(false);
    form.generations = 20;
    expect(refusalPutRight(refused, form.problems())).toBe(true);
  });

  it('is never put right by the form when it was not about the form', () => {
    expect(refusalPutRight(plainRefusal(['A search is already running in this tab: stop it first.']), [])).toBe(false);
    expect(refusalPutRight(startRefusal(new Error('storage is full')), [])).toBe(false);
  });
});
