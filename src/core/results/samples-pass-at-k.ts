/**
 * pass@k of a scored samples file, as openai/human-eval's evaluate_functional_correctness and
 * EvalPlus report it: for k = 1, 10 and 100, the mean over tasks of the unbiased estimator,
 * each k only when every task has at least k samples (with fewer the estimate is undefined).
 * Tasks without any sample are left out of the mean (human-eval refuses such files; here the
 * command line names them instead), so the line says over how many tasks it is.
 */
import { meanPassAtK, type SampleCounts } from '../stats/pass-at-k.ts';

/** The k's human-eval and EvalPlus report. */
export const REPORTED_KS = [1, 10, 100] as const;

export interface PassAtKSummary {
  /** pass@k for each reported k every task has enough samples for, in increasing k. */
  values: { k: number; value: number }[];
  tasks: number;
  minSamples: number;
  maxSamples: number;
}

/** Counts of samples and passes per task, in any order; null when no task was scored. */
export function passAtKSummary(perTask: Iterable<SampleCounts>): PassAtKSummary | null {
  const counts = [...perTask];
  if (counts.length === 0) return null;
  const samples = counts.map((c) => c.n);
  const minSamples = Math.min(...samples);
  const values = REPORTED_KS.filter((k) => k <= minSamples).map((k) => ({ k, value: meanPassAtK(counts, k) }));
  return { values, tasks: counts.length, minSamples, maxSamples: Math.max(...samples) };
}

/** `pass@1 0.4512, pass@10 0.7012 (164 tasks, 20 samples each)`, the figures to four places as human-eval's are read. */
export function formatPassAtK(summary: PassAtKSummary): string {
  const figures = summary.values.map(({ k, value }) => `pass@${k} ${value.toFixed(4)}`).join(', ');
  const each =
    summary.minSamples === summary.maxSamples
      ? `${summary.minSamples} sample${summary.minSamples === 1 ? '' : 's'} each`
      : `${summary.minSamples} to ${summary.maxSamples} samples each`;
  return `${figures} (${summary.tasks} task${summary.tasks === 1 ? '' : 's'}, ${each})`;
}
