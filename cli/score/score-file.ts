/**
 * Scores a samples file into `<file>_results.jsonl` as a stream: lines are read, run and
 * written a few at a time, so memory stays flat for any file size, and every result is on disk
 * as soon as it and the lines before it are done (an interrupted run keeps what it scored).
 */
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { BenchmarkId, Problem } from '../../src/core/benchmarks/problem.ts';
import { limitsFor } from '../../src/core/harness/limits.ts';
import type { HarnessMode } from '../../src/core/harness/outcome.ts';
import { scoreCompletion } from '../../src/core/harness/score.ts';
import type { Sandbox } from '../../src/core/ports.ts';
import { formatResultLine, SampleReader, type Sample, type SampleLineError } from '../../src/core/results/samples.ts';
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
}

export async function scoreSamplesFile(options: ScoreFileOptions): Promise<ScoreFileReport> {
  const { benchmark, problems, mode, sandbox, signal } = options;
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const reader = new SampleReader({ benchmark, problems });
  const override = options.timeoutS === null ? {} : { timeoutMs: Math.round(options.timeoutS * 1000) };

  const output = openSync(options.resultsPath, 'w');
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
    const { outcome } = await scoreCompletion(sample.problem, sample.completion, mode, sandbox, limits);
    if (signal?.aborted) return;
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
  } finally {
    closeSync(output);
  }
  if (broken !== null) throw broken;

  if (signal?.aborted) return { passed, failed, badLines: 0, missingTaskIds: [], interrupted: true, written };
  let summary;
  try {
    summary = reader.finish();
  } catch (error) {
    // Nothing in the file could be scored: leave no empty results file behind.
    unlinkSync(options.resultsPath);
    throw new InputError((error as Error).message);
  }
  return { passed, failed, badLines: summary.badLines, missingTaskIds: summary.missingTaskIds, interrupted: false, written };
}
