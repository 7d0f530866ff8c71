/**
 * Scores a samples file into `<file>_results.jsonl` as a stream: lines are read, run and
 * written a few at a time, so memory stays flat for any file size, and every result is on disk
 * as soon as it and the lines before it are done (an interrupted run keeps what it scored).
 * The lines go to a file beside the results file, renamed to it once closed: the name never
 * holds half a line, and a results file from an earlier run stays whole until the new one is.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { BenchmarkId, Problem } from '../../src/core/benchmarks/problem.ts';
import { limitsFor } from '../../src/core/harness/limits.ts';
import type { HarnessMode } from '../../src/core/harness/outcome.ts';
import { scoreCompletion } from '../../src/core/harness/score.ts';
import type { Sandbox } from '../../src/core/ports.ts';
import { formatResultLine, SampleReader, type Sample, type SampleLineError } from '../../src/core/results/samples.ts';
import type { SampleCounts } from '../../src/core/stats/pass-at-k.ts';
import { removeIfExitingEarly } from '../../src/sandbox/temporary-files.ts';
import { InputError } from '../usage-error.ts';
import { DEFAULT_MAX_LINE_CHARS, readLines } from '../read-lines.ts';

export interface ScoreFileOptions {
  samplesPath: string;
  resultsPath: string;
  benchmark: BenchmarkId;
  problems: readonly Problem[];
  mode: HarnessMode;
  /** Seconds for every task (slow tasks keep their calibrated floor); null for the defaults. */
  timeoutS: number | null;
  sandbox: Sandbox;
  /** Programs handed to the sandbox at once: enough to keep every worker busy. */
  concurrency: number;
  maxLineChars?: number;
  onLineError?: (error: SampleLineError) => void;
  /** Called after each line is settled (scored, rejected or blank). */
  onProgress?: (linesDone: number, passed: number) => void;
  /** Stops reading new lines; runs in flight are dropped, not written. */
  signal?: AbortSignal;
}

export interface ScoreFileReport {
  passed: number;
  failed: number;
  badLines: number;
  missingTaskIds: string[];
  interrupted: boolean;
  /** Result lines in the file: after an interruption, fewer than scored (a result waits for the lines before it). */
  written: number;
  /** Samples scored and passed per task id (several per task in a pass@k file), in first-seen order. */
  perTask: Map<string, SampleCounts>;
}

/**
 * Reads the whole file once without running anything, and throws the InputError scoring would
 * end with when nothing in it can be scored (empty, a result file, every id from the other
 * benchmark…): said in a moment, not after the interpreters start and every line is listed.
 * Returns the number of lines, for the progress total.
 */
export async function checkSamplesFile(
  options: Pick<ScoreFileOptions, 'samplesPath' | 'benchmark' | 'problems' | 'maxLineChars'> & {
    /** Told the lines read so far, every few thousand: a file of 100 MB takes seconds. */
    onLines?: (lines: number) => void;
  },
): Promise<number> {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const reader = new SampleReader({ benchmark: options.benchmark, problems: options.problems });
  let lines = 0;
  for await (const line of readLines(options.samplesPath, maxLineChars)) {
    lines = line.lineNumber;
    if (lines % 2_000 === 0) options.onLines?.(lines);
    if ('text' in line) reader.read(line.text);
    else reader.readTooLong(line.chars, maxLineChars, line.head);
  }
  try {
    reader.finish();
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  return lines;
}

export async function scoreSamplesFile(options: ScoreFileOptions): Promise<ScoreFileReport> {
  const { benchmark, problems, mode, sandbox, signal } = options;
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const reader = new SampleReader({ benchmark, problems });
  const override = options.timeoutS === null ? {} : { timeoutMs: Math.round(options.timeoutS * 1000) };

  const partialPath = `${options.resultsPath}.${process.pid}.partial`;
  const output = openSync(partialPath, 'w');
  // A second Ctrl+C, while the runs in flight are dropped, ends the process through process.exit
  // (score-command.ts), and no cleanup below runs then.
  const settledPartial = removeIfExitingEarly(partialPath);
  /** Removes the partial file: nothing of this run is kept. */
  const dropPartial = () => {
    unlinkSync(partialPath);
    settledPartial();
  };
  const perTask = new Map<string, SampleCounts>();
  let passed = 0;
  let failed = 0;
  let linesDone = 0;
  let written = 0;
  // Results wait here until every line before them is written, so the file keeps input order.
  const ready = new Map<number, string | null>();
  let nextToWrite = 1;
  const inFlight = new Set<Promise<void>>();
  // The sandbox rejects only when it is itself broken; stop there and report that, once.
  let broken: unknown = null;

  const settle = (lineNumber: number, resultLine: string | null) => {
    ready.set(lineNumber, resultLine);
    for (let line = ready.get(nextToWrite); line !== undefined; line = ready.get(nextToWrite)) {
      if (line !== null) {
        writeSync(output, `${line}\n`);
        written++;
      }
      ready.delete(nextToWrite);
      nextToWrite++;
    }
    linesDone++;
    options.onProgress?.(linesDone, passed);
  };

  const score = async (sample: Sample) => {
    const limits = limitsFor(sample.problem, mode, override);
    const { outcome } = await scoreCompletion(sample.problem, sample.completion, mode, sandbox, limits, { wholeProgram: sample.wholeProgram });
    if (signal?.aborted) return;
    const counts = perTask.get(sample.problem.id) ?? { n: 0, c: 0 };
    perTask.set(sample.problem.id, { n: counts.n + 1, c: counts.c + (outcome.kind === 'passed' ? 1 : 0) });
    if (outcome.kind === 'passed') passed++;
    else failed++;
    settle(sample.line, JSON.stringify(formatResultLine(sample, outcome)));
  };

  try {
    for await (const line of readLines(options.samplesPath, maxLineChars)) {
      if (signal?.aborted || broken !== null) break;
      // The reader numbers lines itself; a line too long to keep still takes its number.
      const event = 'text' in line ? reader.read(line.text) : reader.readTooLong(line.chars, maxLineChars, line.head);
      if (event === null) {
        settle(line.lineNumber, null);
      } else if (event.kind === 'error') {
        options.onLineError?.(event.error);
        settle(line.lineNumber, null);
      } else {
        const run = score(event.sample)
          .catch((error: unknown) => {
            broken ??= error;
          })
          .finally(() => inFlight.delete(run));
        inFlight.add(run);
        if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      }
    }
    await Promise.all(inFlight);
  } catch (error) {
    closeSync(output);
    dropPartial();
    throw error;
  }
  closeSync(output);

  let summary = null;
  if (!signal?.aborted && broken === null) {
    try {
      summary = reader.finish();
    } catch (error) {
      // Nothing in the file could be scored: leave no empty results file behind.
      dropPartial();
      throw new InputError((error as Error).message);
    }
  }
  if (summary === null && written === 0) {
    // Stopped before a result was written: an earlier run's results file is worth more than an empty one.
    dropPartial();
    if (broken !== null) throw broken;
    return { passed, failed, badLines: 0, missingTaskIds: [], interrupted: true, written, perTask };
  }
  // Whole lines only, up to where scoring stopped: what an interruption or a broken sandbox keeps.
  renameSync(partialPath, options.resultsPath);
  settledPartial();
  if (broken !== null) throw broken;
  if (summary === null) return { passed, failed, badLines: 0, missingTaskIds: [], interrupted: true, written, perTask };
  return { passed, failed, badLines: summary.badLines, missingTaskIds: summary.missingTaskIds, interrupted: false, written, perTask };
}
