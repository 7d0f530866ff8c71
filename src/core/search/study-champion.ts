/**
 * How a search's champion stands beside the study's: the paper's NEAT champion (search run v3)
 * as printed, and, once this champion is re-validated on the whole of HumanEval, its own figure
 * in the same units. A champion validated on a smaller pool is not put beside the study's 164
 * problems: a pool's pass rate says nothing of the rest.
 */
import type { BenchmarkId } from '../benchmarks/problem.ts';
import { EXPECTED_PROBLEM_COUNTS } from '../benchmarks/problem-count.ts';
import { PRINTED_TABLE8 } from '../reproduce/paper-printed.ts';
import { printedTable7Gaps } from '../reproduce/table7-gaps.ts';

export interface ValidatedChampion {
  /** Mean pass rate over the validation's repeats, 0–1. */
  passRate: number;
  /** SD of the pass rate over the repeats, when more than one ran. */
  sdPassRate: number | null;
  repeats: number;
}

const fixed = (value: number, decimals: number) => value.toFixed(decimals);

/**
 * The study's champion measured as the inflation panel measures a champion: its pass rate on the
 * search's subset (21 of 25, the best of the many readings its search made) against its mean
 * over 5 validation runs on all 164 problems (98.2). About +40 %, not the paper's "5–7 %": that
 * compares one run on all 164 problems with the mean of five, with no subset and no search
 * picking the best reading (Table 7; 5.3–7.9 % over the mean).
 */
export interface StudyChampionInflation {
  searchPasses: number;
  subsetSize: number;
  validatedMean: number;
  problems: number;
  /** 100 · (search − validated pass rate) / validated pass rate, as `Inflation.inflationPercent`. */
  inflationPercent: number;
}

/** The study's subset size (25 problems per generation). */
const STUDY_SUBSET_SIZE = 25;

export function studyChampionInflation(): StudyChampionInflation | null {
  const v3 = PRINTED_TABLE8.find((r) => r.run === 'v3');
  if (!v3 || v3.searchPasses === null) return null;
  const problems = EXPECTED_PROBLEM_COUNTS.humaneval;
  const search = v3.searchPasses / STUDY_SUBSET_SIZE;
  const validated = v3.fiveRun.mean.value / problems;
  return {
    searchPasses: v3.searchPasses,
    subsetSize: STUDY_SUBSET_SIZE,
    validatedMean: v3.fiveRun.mean.value,
    problems,
    inflationPercent: (100 * (search - validated)) / validated,
  };
}

/**
 * What the panel's inflation measures, and the study's figures in that measure and in the
 * paper's: a user comparing a search's +20–60 % with the paper's "5–7 %" compares two measures.
 */
export function inflationMeasureNote(): string {
  const own =
    'The table sets each champion’s search-time fitness and pass rate (on one generation’s subset of problems, the best of many such readings) ' +
    'against its validated mean; its last column is the pass rate’s inflation, 100 · (search − validated) / validated.';
  const study = studyChampionInflation();
  // The paper's "5–7 %" fits the drop from the single run, not the rise above the mean (as Results says).
  const { inflationPercent: above, dropPercent: below } = printedTable7Gaps();
  if (!study) return own;
  const pct = (passed: number, of: number) => `${fixed((100 * passed) / of, 1)} %`;
  return (
    `${own} Measured so, the study’s own NEAT champion comes out at +${fixed(study.inflationPercent, 1)} %: ` +
    `${study.searchPasses} of ${study.subsetSize} (${pct(study.searchPasses, study.subsetSize)}) in its search against ` +
    `${fixed(study.validatedMean, 1)} of ${study.problems} (${pct(study.validatedMean, study.problems)}) over 5 validation runs. ` +
    `The paper’s “5–7 %” is another measure: one run on all ${study.problems} problems against the mean of five, with no subset and ` +
    `no search picking the best reading: its single runs were ${fixed(above.min, 1)}–${fixed(above.max, 1)} % above their five-run means, ` +
    `and the means ${fixed(below.min, 1)}–${fixed(below.max, 1)} % below the single runs, the drop its “5–7 %” describes.`
  );
}

/** Sentences comparing this search's champion with the study's, for a search over `poolSize` problems of `benchmark`. */
export function studyChampionComparison(benchmark: BenchmarkId, poolSize: number, validated: ValidatedChampion | null): string[] {
  if (benchmark !== 'humaneval') return ['The study searched HumanEval only, so it has no champion on MBPP to compare with.'];
  const v3 = PRINTED_TABLE8.find((r) => r.run === 'v3');
  if (!v3) return [];
  const total = EXPECTED_PROBLEM_COUNTS.humaneval;
  const mean = v3.fiveRun.mean.value;
  const study =
    `The study’s NEAT champion (its search run v3) had fitness ${fixed(v3.searchBest.value, v3.searchBest.decimals)} in its search ` +
    `(${v3.searchPasses} of 25 subset problems passed) and, re-validated 5 times on all ${total} HumanEval problems, passed ` +
    `${fixed(mean, v3.fiveRun.mean.decimals)} ± ${fixed(v3.fiveRun.sd.value, v3.fiveRun.sd.decimals)} of them (${fixed((100 * mean) / total, 1)} %).`;
  if (poolSize < total) {
    return [study, `This search’s pool holds ${poolSize} of the ${total} problems, so its re-validated pass rate is not comparable: search the whole benchmark (pool “all”) to compare.`];
  }
  if (!validated) return [study, 'Validate this search’s champion to put its figure beside it.'];
  const passed = validated.passRate * total;
  const sd = validated.sdPassRate === null ? '' : ` ± ${fixed(validated.sdPassRate * total, 1)}`;
  return [
    study,
    `This search’s champion, re-validated ${validated.repeats} time${validated.repeats === 1 ? '' : 's'}, passed ${fixed(passed, 1)}${sd} of ${total} (${fixed(100 * validated.passRate, 1)} %).`,
  ];
}
