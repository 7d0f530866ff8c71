/**
 * The study's separation measure (its Table 2): Δ between two arms' means, in units of their
 * combined run-to-run spread, σ = Δ / √(SD₁² + SD₂²). It is an effect size over repeats, not a
 * test over problems; see mcnemar.ts and bootstrap.ts for those.
 */

/** An arm as Table 1 reports it: the mean of its repeats and their sample SD. */
export interface MeanSd {
  mean: number;
  sd: number;
}

export interface Separation {
  /** Δ = treatment.mean − baseline.mean (positive when the treatment solves more). */
  delta: number;
  /** σ = Δ / √(SD_baseline² + SD_treatment²); ±Infinity when both SDs are 0 and Δ ≠ 0, NaN when Δ = 0 too. */
  sigma: number;
}

/** Shown instead of σ when both arms passed the same number in every repeat (Δ over zero spread). */
export const NO_SPREAD = 'no spread (SD 0 in both)';

/** Δ and σ = Δ / √(SD₁² + SD₂²) of a treatment arm against a baseline arm. */
export function separation(baseline: MeanSd, treatment: MeanSd): Separation {
  const delta = treatment.mean - baseline.mean;
  const spread = Math.sqrt(baseline.sd * baseline.sd + treatment.sd * treatment.sd);
  return { delta, sigma: delta / spread };
}
