/**
 * How a search's champion stands beside the study's: the paper's NEAT champion (search run v3)
 * as printed, and, once this champion is re-validated on the whole of HumanEval, its own figure
 * in the same units. A champion validated on a smaller pool is not put beside the study's 164
 * problems: a pool's pass rate says nothing of the rest.
 */
import type { BenchmarkId } from '../benchmarks/problem.ts';
import { EXPECTED_PROBLEM_COUNTS } from '../benchmarks/problem-count.ts';
import { PRINTED_TABLE8 } from '../reproduce/paper-printed.ts';

export interface ValidatedChampion {
  /** Mean pass rate over the validation's repeats, 0–1. */
  passRate: number;
  /** SD of the pass rate over the repeats, when more than one ran. */
  sdPassRate: number | null;
  repeats: number;
}

const fixed = (value: number, decimals: number) => value.toFixed(decimals);

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
