/**
 * "HumanEval, standard mode": what a run on the Scoring page is scored against. Said with a kept
 * run shown or continued, because the form above may since say another benchmark or mode, and
 * the run goes on with its own.
 */
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import { BENCHMARK_NAMES } from '../../core/benchmarks/task-id.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';

export function runSettingsLine(settings: { benchmark: BenchmarkId; mode: HarnessMode }): string {
  return `${BENCHMARK_NAMES[settings.benchmark]}, ${settings.mode} mode`;
}
