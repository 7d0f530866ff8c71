import type { BenchmarkId, Problem } from './problem.ts';
import { A_BENCHMARK, BENCHMARK_NAMES } from './task-id.ts';

/** Problems in the full upstream files; the study reports HumanEval /164 and MBPP /427. */
export const EXPECTED_PROBLEM_COUNTS: Record<BenchmarkId, number> = { humaneval: 164, mbpp: 427 };

/**
 * Checks that a parsed dataset is the whole benchmark. Separate from the parsers so tests and
 * tools can parse a handful of lines; the dataset loader always applies it.
 */
export function assertCompleteBenchmark(benchmark: BenchmarkId, problems: readonly Problem[]): void {
  const expected = EXPECTED_PROBLEM_COUNTS[benchmark];
  if (problems.length !== expected) {
    throw new Error(
      `${BENCHMARK_NAMES[benchmark]} should have ${expected} problems, but the file gave ${problems.length}. ` +
        'It is probably truncated or a different release; use the official file.',
    );
  }
  const wrong = problems.find((p) => p.benchmark !== benchmark);
  if (wrong) throw new Error(`${wrong.id} is not ${A_BENCHMARK[benchmark]} problem.`);
}
