/**
 * The Reproduce page's ledger: every number the paper prints that its released data can speak
 * to, computed by the project's own stats code, side by side with the printed value, with a
 * verdict and an explanation for every difference.
 */
import type { Comparison, ComparisonStatus } from './comparison.ts';
import { compareIterationTables, compareTable3, compareUnfixable } from './compare-mechanism.ts';
import { compareTable1, compareTable2, compareTable7, compareTable8 } from './compare-results.ts';
import type { ReleasedStudy } from './released-study.ts';

export type { Comparison, ComparisonStatus } from './comparison.ts';

/** Every comparison, in the paper's order: Tables 1, 2 (+ text σ), 3, 4–6, 7, 8, §4.8. */
export function compareWithPaper(study: ReleasedStudy): Comparison[] {
  return [
    ...compareTable1(study.main),
    ...compareTable2(study.main),
    ...compareTable3(study.taxonomy, study.iterations),
    ...compareIterationTables(study.iterations),
    ...compareTable7(study.main),
    ...compareTable8(study.main, study.champions),
    ...compareUnfixable(study.taxonomy),
  ];
}

/** How many comparisons ended in each status. */
export function countByStatus(comparisons: readonly Comparison[]): Record<ComparisonStatus, number> {
  const counts: Record<ComparisonStatus, number> = { match: 0, rounding: 0, mismatch: 0, 'not-released': 0 };
  for (const c of comparisons) counts[c.status]++;
  return counts;
}
