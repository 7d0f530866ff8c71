/**
 * Roughly how many tokens one generation of a search spends, so the form can warn before Start
 * search that a token budget will end the search before it scores anything (a budget spent mid-way
 * through generation 0 ends the search with nothing to show). Only an estimate: a first-generation
 * genome makes one generator call per evaluation, plus one or two refiner calls when the code
 * fails; a call costs its prompt (the problem and the role's instructions, a few hundred tokens)
 * and its reply (up to the node's token limit).
 */

/** Tokens one evaluation of a first-generation genome takes, low (one short call) to high (three calls). */
export const TOKENS_PER_EVALUATION = { low: 300, high: 1500 } as const;

export interface GenerationSize {
  populationSize: number;
  evaluationsPerGenome: number;
  subsetSize: number;
}

export interface GenerationTokens {
  evaluations: number;
  low: number;
  high: number;
}

export function generationTokens(size: GenerationSize): GenerationTokens {
  const evaluations = size.populationSize * size.evaluationsPerGenome * size.subsetSize;
  return { evaluations, low: evaluations * TOKENS_PER_EVALUATION.low, high: evaluations * TOKENS_PER_EVALUATION.high };
}

/**
 * A warning when the token budget is likely too small to score the first generation; null when
 * there is no budget or it looks enough. `cached`: repeated temperature-0 calls come from the
 * cache, so the generation may cost less than estimated. Never a refusal: the estimate may be wrong.
 */
export function tokenBudgetWarning(maxTokens: number | null, size: GenerationSize, cached: boolean): string | null {
  // A budget the form refuses (0, 1.5) has its own sentence; a warning beside it spoke of a search that cannot start.
  if (maxTokens === null || !Number.isInteger(maxTokens) || maxTokens < 1) return null;
  const need = generationTokens(size);
  if (maxTokens >= need.high) return null;
  const n = (x: number) => x.toLocaleString('en');
  const likely = maxTokens < need.low ? 'will very likely be spent' : 'may be spent';
  const cache = cached ? ' (repeated temperature-0 calls come from the cache, so it may need less)' : '';
  return (
    `The token budget of ${n(maxTokens)} ${likely} before the first generation is scored, and the search would end with nothing to show: ` +
    `one generation is ${n(need.evaluations)} evaluations (population × k × subset), roughly ${n(need.low)}–${n(need.high)} tokens by an estimate of ` +
    `${n(TOKENS_PER_EVALUATION.low)}–${n(TOKENS_PER_EVALUATION.high)} tokens each${cache}. Start search still starts it if you want.`
  );
}
