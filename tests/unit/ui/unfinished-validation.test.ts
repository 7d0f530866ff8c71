/** What the re-validation panel says of a validation cut short, and what its button is called. */
import { describe, expect, it } from 'vitest';
import { CONTINUE_VALIDATION, VALIDATE, validationOffer } from '../../../src/ui/search/unfinished-validation.ts';

/** A stored validation with `done` of `total` runs given a verdict (the plan's units are not read). */
const status = (done: number, total: number) => ({ done, plan: Array.from({ length: total }, () => null as never) });
const twoOfTheChampion = { scope: 'champion', repeats: 2 } as const;

describe('a re-validation cut short by a reload', () => {
  it('says it was cut short and that Continue validation goes on with the remaining runs, keeping those done', () => {
    const offer = validationOffer(status(3, 16), twoOfTheChampion, { scope: 'champion', repeats: 2 });
    expect(offer.label).toBe(CONTINUE_VALIDATION);
    expect(offer.line).toBe(
      'Validation was cut short after 3 of 16 runs (the page was reloaded or closed, or it was stopped). “Continue validation” goes on with the other 13. The 3 done are kept, not run again.',
    );
  });

  it('counts one run left, and none done, in words', () => {
    expect(validationOffer(status(15, 16), twoOfTheChampion, twoOfTheChampion).line).toMatch(/goes on with the last run\. The 15 done are kept/);
    expect(validationOffer(status(0, 8), twoOfTheChampion, twoOfTheChampion).line).toBe(
      'Validation was cut short after 0 of 8 runs (the page was reloaded or closed, or it was stopped). “Continue validation” goes on with the other 8.',
    );
  });

  it('does not offer to continue once the fields ask for another validation, and says what to put back', () => {
    const offer = validationOffer(status(3, 16), twoOfTheChampion, { scope: 'per-generation', repeats: 2 });
    expect(offer.label).toBe(VALIDATE);
    expect(offer.line).toMatch(/to go on with that one, set 2 repeats of the search’s champion again\./);
    expect(validationOffer(status(3, 16), twoOfTheChampion, { scope: 'champion', repeats: null }).label).toBe(VALIDATE);
  });

  it('offers nothing to continue while another tab holds the search', () => {
    const offer = validationOffer(status(3, 16), twoOfTheChampion, twoOfTheChampion, true);
    expect(offer.label).toBe(VALIDATE);
    expect(offer.line).toMatch(/^Validated 3 of 16 runs so far\. Another tab holds this search now/);
  });
});

describe('a re-validation that is not unfinished', () => {
  it('is just Validate champions, with nothing said: never asked for, or every run done', () => {
    expect(validationOffer(null, null, twoOfTheChampion)).toEqual({ label: VALIDATE, line: null });
    expect(validationOffer(status(16, 16), twoOfTheChampion, twoOfTheChampion)).toEqual({ label: VALIDATE, line: null });
  });
});
