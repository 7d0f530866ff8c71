/**
 * Scores a samples file into `<file>_results.jsonl` as a stream: lines are read, run and
 * written a few at a time, so memory stays flat for any file size, and every result is on disk
 * as soon as it and the lines before it are done (an interrupted run keeps what it scored).
 * The lines go to a file beside the results file, renamed to it once closed: the name never
 * holds half a line, and a results file from an earlier run stays whole until the new one is.
 * With --resume, that earlier file's lines are the first lines of the new one, and the samples
 * they are the results of are not run again (kept-results.ts checks that they are).
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { BenchmarkId, Problem } from '../../src/core/benchmarks/problem.ts';
import { limitsFor } from '../../src/core/harness/limits.ts';
import type { HarnessMode } from '../../src/core/harness/outcome.ts';
import { scoreCompletion } from '../../src/core/harness/score.ts';
import type { Sandbox } from '../../src/core/ports.ts';
import { formatResultLine, resultLine, SampleReader, type Sample, type SampleLineError, type SamplesSummary } from '../../src/core/results/samples.ts';
import type { SampleCounts } from '../../src/core/stats/pass-at-k.ts';
import { removeIfExitingEarly } from '../../src/sandbox/temporary-files.ts';
import { InputError } from '../usage-error.ts';
import { DEFAULT_MAX_LINE_CHARS, readLines } from '../read-lines.ts';
import { countVerdict, KeptResults } from './kept-results.ts';

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
  /**
   * `--resume`: the results file's first `keptResults` lines, found by checkSamplesFile to be
   * the results of the first samples, are kept, and those samples are not run. `samplesName`
   * is the samples file as the user named it, for the messages.
   */
  resume?: { keptResults: number; samplesName: string };
}

export interface ScoreFileReport {
  passed: number;
  failed: number;
  badLines: number;
  missingTaskIds: string[];
  interrupted: boolean;
  /**
   * Result lines in the results file, kept ones included: after an interruption, fewer than
   * scored (a result waits for the lines before it); 0 when the run left the file as it was.
   */
  written: number;
  /** Results kept from an earlier run (--resume), counted in `passed`, `failed` and `perTask` too. */
  kept: number;
  /** Samples scored and passed per task id (several per task in a pass@k file), in first-seen order. */
  perTask: Map<string, SampleCounts>;
}

/** What checkSamplesFile found, before anything runs. */
export interface SamplesCheck {
  /** Lines in the samples file, for the progress total. */
  lines: number;
  summary: SamplesSummary;
  /** With `resume`: the results the earlier run left, all checked to be this file's. */
  kept: KeptTally | null;
}

/** The verdicts of a results file being resumed, counted as scoring counts them. */
export interface KeptTally {
  /** Result lines: the first this many samples are scored already. */
  results: number;
  /** The samples file's line of the last of those samples: the lines up to it are done. */
  throughLine: number;
  passed: number;
  failed: number;
  perTask: Map<string, SampleCounts>;
  /** The results file's last line, not JSON, taken for one a write cut off (a full disk); null when there was none. */
  cutLine: number | null;
}

/**
 * Reads the whole file once without running anything, and throws the InputError scoring would
 * end with when nothing in it can be scored (empty, a result file, every id from the other
 * benchmark…): said in a moment, not after the interpreters start and every line is listed.
 * With `resume`, reads the earlier results file in step, and throws the InputError that names
 * its first line that is not the result of the sample in its place.
 */
export async function checkSamplesFile(
  options: Pick<ScoreFileOptions, 'samplesPath' | 'benchmark' | 'problems' | 'maxLineChars' | 'onLineError'> & {
    /** Told the lines read so far, every few thousand: a file of 100 MB takes seconds. */
    onLines?: (lines: number) => void;
    resume?: { resultsPath: string; samplesName: string };
  },
): Promise<SamplesCheck> {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const reader = new SampleReader({ benchmark: options.benchmark, problems: options.problems });
  const kept = options.resume ? new KeptResults(options.resume.resultsPath, options.resume.samplesName, maxLineChars) : null;
  const tally: KeptTally = { results: 0, throughLine: 0, passed: 0, failed: 0, perTask: new Map(), cutLine: null };
  let lines = 0;
  try {
    for await (const line of readLines(options.samplesPath, maxLineChars)) {
      lines = line.lineNumber;
      if (lines % 2_000 === 0) options.onLines?.(lines);
      const event = reader.readLine(line, maxLineChars);
      if (event?.kind === 'error') options.onLineError?.(event.error);
      if (event?.kind !== 'sample') continue;
      const verdict = kept === null ? null : await kept.take(event.sample);
      if (verdict === null) continue;
      tally.results++;
      tally.throughLine = event.sample.line;
      if (verdict.passed) tally.passed++;
      else tally.failed++;
      countVerdict(tally.perTask, event.sample.problem.id, verdict.passed);
    }
    let summary;
    try {
      summary = reader.finish();
    } catch (error) {
      throw new InputError((error as Error).message);
    }
    // After the samples' own verdict: a file of nothing to score is told as such, not as results left over.
    await kept?.finish(summary.samples);
    return { lines, summary, kept: kept === null ? null : { ...tally, cutLine: kept.cutLine } };
  } finally {
    await kept?.close();
  }
}

/** Writing the results file failed (the disk is full): `written` whole results were written before. */
export class ResultsWriteError extends Error {
  readonly written: number;
  constructor(cause: unknown, written: number) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ResultsWriteError';
    this.written = written;
  }
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
  const keptResults = options.resume?.keptResults ?? 0;
  const kept = keptResults > 0 ? new KeptResults(options.resultsPath, options.resume?.samplesName ?? options.samplesPath, maxLineChars) : null;
  const perTask = new Map<string, SampleCounts>();
  let passed = 0;
  let failed = 0;
  let linesDone = 0;
  let written = 0;
  // Results wait here until every line before them is written, so the file keeps input order.
  const ready = new Map<number, string | null>();
  let nextToWrite = 1;
  const inFlight = new Set<Promise<void>>();
  // The sandbox rejects only when it is itself broken, and a write fails only when the disk does;
  // stop there and report that, once.
  let broken: unknown = null;

  const settle = (lineNumber: number, resultLine: string | null) => {
    ready.set(lineNumber, resultLine);
    for (let line = ready.get(nextToWrite); line !== undefined; line = ready.get(nextToWrite)) {
      // After a failed write no line goes after it; after a broken sandbox, lines scored before it still do.
      if (line !== null && !(broken instanceof ResultsWriteError)) {
        try {
          // A write may take only part of the line (the disk filling up): the rest goes in the next
          // one, which then fails, so `written` counts whole lines only.
          const bytes = Buffer.from(`${line}\n`);
          for (let at = 0; at < bytes.length; ) at += writeSync(output, bytes, at);
          written++;
        } catch (error) {
          // A full disk, a file-size limit: the lines written stay, and no more are scored.
          broken = new ResultsWriteError(error, written);
        }
      }
      ready.delete(nextToWrite);
      nextToWrite++;
    }
    linesDone++;
    // The kept lines were done before this run: progress starts where they end, not among them.
    if (kept === null || kept.taken >= keptResults) options.onProgress?.(linesDone, passed);
  };

  const count = (sample: Sample, samplePassed: boolean) => {
    countVerdict(perTask, sample.problem.id, samplePassed);
    if (samplePassed) passed++;
    else failed++;
  };

  const score = async (sample: Sample) => {
    const limits = limitsFor(sample.problem, mode, override);
    const { outcome } = await scoreCompletion(sample.problem, sample.completion, mode, sandbox, limits, { wholeProgram: sample.wholeProgram });
    if (signal?.aborted) return;
    count(sample, outcome.kind === 'passed');
    settle(sample.line, formatResultLine(sample, outcome));
  };

  /** Settles a sample from the kept results, unrun; false once they are all used. */
  const keep = async (sample: Sample): Promise<boolean> => {
    const verdict = kept !== null && kept.taken < keptResults ? await kept.take(sample) : null;
    if (verdict === null) return false;
    count(sample, verdict.passed);
    // Written from the sample rather than copied, so the resumed file is line for line what one uninterrupted run writes.
    settle(sample.line, resultLine(sample, verdict));
    return true;
  };

  try {
    for await (const line of readLines(options.samplesPath, maxLineChars)) {
      if (signal?.aborted || broken !== null) break;
      // The reader numbers lines itself; a line too long to keep still takes its number.
      const event = reader.readLine(line, maxLineChars);
      if (event === null) {
        settle(line.lineNumber, null);
      } else if (event.kind === 'error') {
        options.onLineError?.(event.error);
        settle(line.lineNumber, null);
      } else if (!(await keep(event.sample))) {
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
  } finally {
    await kept?.close();
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
  const keptCount = kept?.taken ?? 0;
  if (summary === null && written <= keptResults) {
    // Stopped before a new result was written: an earlier run's results file (resumed, the
    // same lines or more of them) is worth more than an empty one or a shorter one.
    dropPartial();
    if (broken !== null) throw broken;
    return { passed, failed, badLines: 0, missingTaskIds: [], interrupted: true, written: 0, kept: keptCount, perTask };
  }
  // Whole lines only, up to where scoring stopped: what an interruption or a broken sandbox keeps.
  renameSync(partialPath, options.resultsPath);
  settledPartial();
  if (broken !== null) throw broken;
  if (summary === null) return { passed, failed, badLines: 0, missingTaskIds: [], interrupted: true, written, kept: keptCount, perTask };
  return { passed, failed, badLines: summary.badLines, missingTaskIds: summary.missingTaskIds, interrupted: false, written, kept: keptCount, perTask };
}
