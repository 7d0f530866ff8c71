import { describe, expect, it } from 'vitest';
import { generationTokens, tokenBudgetWarning } from '../../../src/core/search/generation-tokens.ts';

const study = { populationSize: 20, evaluationsPerGenome: 1, subsetSize: 25 };

describe('the token budget warning', () => {
  it('says a budget far below one generation will very likely end the search before anything is scored, and what a generation needs', () => {
    expect(generationTokens(study)).toEqual({ evaluations: 500, low: 150_000, high: 750_000 });
    const warning = tokenBudgetWarning(10_000, study, false);
    expect(warning).toMatch(/^The token budget of 10,000 will very likely be spent before the first generation is scored/);
    expect(warning).toMatch(/500 evaluations .* roughly 150,000–750,000 tokens by an estimate/);
    // The page's button is Start search: there is no Run button to press.
    expect(warning).toMatch(/Start search still starts it if you want\.$/);
  });

  it('says a budget within the estimate’s range may not be enough, and that the cache may make it enough', () => {
    expect(tokenBudgetWarning(200_000, study, true)).toMatch(/may be spent .* come from the cache, so it may need less/);
  });

  it('says nothing without a budget, or with one above the estimate', () => {
    expect(tokenBudgetWarning(null, study, false)).toBeNull();
    expect(tokenBudgetWarning(750_000, study, false)).toBeNull();
    expect(tokenBudgetWarning(Number.NaN, study, false)).toBeNull();
  });

  it('says nothing of a budget the form refuses, which has its own sentence', () => {
    expect(tokenBudgetWarning(1.5, study, false)).toBeNull();
    expect(tokenBudgetWarning(0, study, false)).toBeNull();
  });
});
