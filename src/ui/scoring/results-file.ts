/**
 * The Scoring page's results file: its lines, its name, and the tasks a partial one lacks.
 */
import type { Outcome } from '../../core/harness/outcome.ts';
import { formatResultLine, type Sample } from '../../core/results/samples.ts';

/** `<name>_results.jsonl` as openai/human-eval writes it: input order, every scored sample. */
export function resultsFile(name: string, samples: readonly Sample[], outcomes: ReadonlyMap<number, Outcome>): { fileName: string; text: string } {
  const lines: string[] = [];
  for (const sample of samples) {
    const outcome = outcomes.get(sample.line);
    if (outcome) lines.push(formatResultLine(sample, outcome));
  }
  return { fileName: resultsFileName(name, lines.length, samples.length), text: lines.length ? `${lines.join('\n')}\n` : '' };
}

/**
 * The results file's name. A complete run keeps the contract's name (`<file>_results.jsonl`, as
 * openai/human-eval writes it); a run that stopped early (cancelled, or Python broke) says so in
 * the name, with how much it holds, so nobody takes it for the whole file, and a script globbing
 * `*_results.jsonl` does not pick it up as one.
 */
export function resultsFileName(name: string, scored: number, total: number): string {
  if (scored >= total) return `${name}_results.jsonl`;
  return `${name}_results.partial-${scored}-of-${total}.jsonl`;
}

/** A task with samples left unscored, and how many of its samples those are (EvalPlus files hold many per task). */
export interface UnscoredTask {
  taskId: string;
  samples: number;
}

/** The tasks whose samples the run never scored, in file order, each once with its count. */
export function unscoredTasks(samples: readonly { line: number; taskId: string }[], scoredLines: ReadonlySet<number> | ReadonlyMap<number, unknown>): UnscoredTask[] {
  const counts = new Map<string, number>();
  for (const { line, taskId } of samples) {
    if (scoredLines.has(line)) continue;
    counts.set(taskId, (counts.get(taskId) ?? 0) + 1);
  }
  return [...counts].map(([taskId, count]) => ({ taskId, samples: count }));
}
