/**
 * The Scoring page's pass@k line: the figures `feedback-lab score` prints, from the same
 * function and by the same rules (samples-pass-at-k.ts), over the verdicts of a whole run.
 */
import type { SampleCounts } from '../../core/stats/pass-at-k.ts';
import { formatPassAtK, passAtKSummary } from '../../core/results/samples-pass-at-k.ts';
import type { ScorePhase } from './score-announcement.ts';
import type { VerdictRow } from './verdict-rows.ts';

/** Samples and passes of each task among the verdicts. */
export function taskCounts(rows: Iterable<Pick<VerdictRow, 'taskId' | 'outcome'>>): Map<string, SampleCounts> {
  const perTask = new Map<string, SampleCounts>();
  for (const { taskId, outcome } of rows) {
    const counts = perTask.get(taskId) ?? { n: 0, c: 0 };
    perTask.set(taskId, { n: counts.n + 1, c: counts.c + (outcome.kind === 'passed' ? 1 : 0) });
  }
  return perTask;
}

/**
 * `pass@1 0.4512, pass@10 0.7012 (164 tasks, 20 samples each)` once a run has scored every
 * sample of its file; null while it runs and after one stopped early. A stopped run is not
 * given a pass@k of the samples it got to: they are the file's first lines, so its first tasks
 * (or a few samples of the task it was on), and the figure would read as the file's own.
 */
export function passAtKLine(phase: ScorePhase, rows: Iterable<Pick<VerdictRow, 'taskId' | 'outcome'>>): string | null {
  if (phase !== 'done') return null;
  const summary = passAtKSummary(taskCounts(rows).values());
  return summary === null ? null : formatPassAtK(summary);
}

/** The command line's note of tasks with no sample, named up to ten: `HumanEval/1, HumanEval/2, …`. */
export function namedTasks(taskIds: readonly string[], shown = 10): string {
  return `${taskIds.slice(0, shown).join(', ')}${taskIds.length > shown ? ', …' : ''}`;
}
