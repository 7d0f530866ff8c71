/**
 * The study's own single-run gaps, from its Table 7 as printed, in both measures: inflation over
 * the five-run mean (5.3–7.9 %) and the drop from the single run (5.1–7.4 %, the paper's "5–7 %").
 * The Results page's single-vs-mean note and the Search page's inflation note quote both, so a
 * reader does not set one measure beside the other.
 */
import { singleVsMean } from '../stats/single-vs-mean.ts';
import { PRINTED_TABLE7 } from './paper-printed.ts';

export interface PercentRange {
  min: number;
  max: number;
}

export interface Table7Gaps {
  /** 100 · (single − mean) / mean, over the table's rows. */
  inflationPercent: PercentRange;
  /** 100 · (single − mean) / single, over the table's rows. */
  dropPercent: PercentRange;
}

export function printedTable7Gaps(): Table7Gaps {
  const gaps = PRINTED_TABLE7.map((row) => singleVsMean(row.single, row.fiveRunMean.value));
  const range = (xs: number[]): PercentRange => ({ min: Math.min(...xs), max: Math.max(...xs) });
  return { inflationPercent: range(gaps.map((g) => g.inflationPercent)), dropPercent: range(gaps.map((g) => g.dropPercent)) };
}
