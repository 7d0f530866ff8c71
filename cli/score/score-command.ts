/**
 * `feedback-lab score`: a samples file in, `<file>_results.jsonl` and "N passed, M failed" out,
 * as openai/human-eval's evaluate_functional_correctness does, with Pyodide doing the running.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BENCHMARK_NAMES } from '../../src/core/benchmarks/task-id.ts';
import { EMPTY_SAMPLES_FILE, LISTED_LINE_ERRORS, formatSummaryLine, type SampleLineError } from '../../src/core/results/samples.ts';
import { formatPassAtK, passAtKSummary } from '../../src/core/results/samples-pass-at-k.ts';
import type { Sandbox } from '../../src/core/ports.ts';
import type { SampleCounts } from '../../src/core/stats/pass-at-k.ts';
import { createNodeSandbox } from '../../src/sandbox/node-sandbox.ts';
import { datasetSearchDirs, loadDiskDataset } from '../datasets-dir.ts';
import type { Command, CommandIo } from '../main.ts';
import { createProgress } from '../progress.ts';
import { writeFailure } from '../output-file.ts';
import { createStatusLine, formatBytes } from '../status-line.ts';
import { EXIT, exitAfterSignal, ignoreLostTerminal, InputError, STOPPING_SIGNALS } from '../usage-error.ts';

import { parseScoreOptions, resumeCommandLine, SCORE_USAGE, type ScoreOptions } from './score-options.ts';
import { killedRunsLeft, takeUpKilledRun } from './orphan-partial.ts';
import { claimOutput, releaseOutputs, type LockRefusal } from '../run/output-lock.ts';
import { checkSamplesFile, ResultsWriteError, scoreSamplesFile, type KeptTally } from './score-file.ts';
import { knownBrokenScoringNote } from '../../src/core/benchmarks/mbpp.ts';
import { countOf } from '../../src/core/count-text.ts';

export const scoreCommand: Command = {
  usage: SCORE_USAGE,
  async run(argv: readonly string[], io: CommandIo): Promise<number> {
    const options = parseScoreOptions(argv);
    if (options === null) {
      io.stdout.write(`${SCORE_USAGE}\n`);
      return EXIT.ok;
    }
    const samplesPath = resolve(io.cwd, options.samplesPath);
    assertReadableFile(samplesPath);
    const resultsPath = `${samplesPath}_results.jsonl`;
    // One score per results file, as one run per result file: two at once each renamed their
    // results over it as they ended, and the first to end printed totals the file no longer held.
    // Taken before a killed run's .partial is taken up or the file to resume is read.
    claimOutput(resultsPath, scoreRefusal);
    try {
      return await scoreClaimed(options, samplesPath, resultsPath, io);
    } finally {
      releaseOutputs();
    }
  },
};

/** What a second score of the same file says. */
const scoreRefusal: LockRefusal = (path, pid, lockPath) =>
  `${path} is being written by another feedback-lab score (process ${pid}): two scores of one file would each write their results over the other's. ` +
  `Let that one finish (or stop it with Ctrl+C, then go on with --resume); if no such score is going on, delete ${lockPath}.`;

/** The command once it holds the results file's lock. */
async function scoreClaimed(options: ScoreOptions, samplesPath: string, resultsPath: string, io: CommandIo): Promise<number> {
  // A run killed outright left its results in a .partial file beside: --resume goes on from them.
  const takenUp = options.resume ? takeUpKilledRun(resultsPath) : null;
  if (takenUp !== null) {
    io.stderr.write(`Taking up ${takenUp.partialPath}, left by a run that was killed (process ${takenUp.pid}), as ${resultsPath}.\n`);
  }
  if (!options.resume) {
    for (const left of killedRunsLeft(resultsPath)) {
      io.stderr.write(
        `${left.partialPath} holds results of a run of this file that was killed (process ${left.pid}); this run starts over and leaves it. ` +
          `To go on from it instead, stop this run and give --resume.\n`,
      );
    }
  }
  // Until scoring starts nothing is written, so Ctrl+C (or SIGTERM) can end the command at
  // once; Node's default would end it without a word, leaving the user to guess what was kept.
  const hadResults = existsSync(resultsPath);
  const onSignalBeforeScoring = (signal: NodeJS.Signals) => {
    ignoreLostTerminal(signal);
    io.stderr.write(`\n${interruptedBeforeScoringLine(resultsPath, hadResults)}\n`);
    process.exit(exitAfterSignal(signal));
  };
  for (const signal of STOPPING_SIGNALS) process.once(signal, onSignalBeforeScoring);
  const unwatch = () => {
    for (const signal of STOPPING_SIGNALS) process.off(signal, onSignalBeforeScoring);
  };
  try {
    return await scoreFile(options, samplesPath, resultsPath, hadResults, io, unwatch);
  } finally {
    unwatch();
  }
}

// The signals that stop a run and keep what it scored (usage-error.ts). On SIGKILL nothing can
// be kept: the run's `.partial` file is left, and `--resume` goes on from it (orphan-partial.ts).

/**
 * What stopping with no result written leaves: nothing new, and an earlier results file as it
 * was. `when` says how far the command got ("before anything was scored").
 */
export function interruptedBeforeScoringLine(resultsPath: string, hadResults: boolean, when = 'before anything was scored'): string {
  return `Interrupted ${when}: nothing was written (${resultsFileLeft(resultsPath, hadResults)}).`;
}

/** What is on disk when a run keeps nothing: an earlier run's results file, untouched, or none. */
function resultsFileLeft(resultsPath: string, hadResults: boolean): string {
  return hadResults ? `${resultsPath}, from an earlier run, is as it was` : `${resultsPath} was not created`;
}

/**
 * The command from its checks to its last line. `scoringStarts` is called just before the first
 * sample goes to Python, when Ctrl+C starts to mean "keep what is scored" instead of "quit".
 */
async function scoreFile(
  options: ScoreOptions,
  samplesPath: string,
  resultsPath: string,
  hadResults: boolean,
  io: CommandIo,
  scoringStarts: () => void,
): Promise<number> {
  // Before the interpreters start: a results file that cannot be written is known now.
  assertWritable(resultsPath);
  const resuming = options.resume && hadResults;
  if (options.resume && !hadResults) io.stderr.write(`No ${resultsPath} yet: nothing to resume; scoring from the start.\n`);
  // Before the dataset is even read: an empty file is known in a moment.
  if (statSync(samplesPath).size === 0) throw new InputError(`${options.samplesPath}: ${EMPTY_SAMPLES_FILE}`);
  const dataset = await loadDiskDataset(options.benchmark, datasetSearchDirs(options.datasetsDir, io.env, io.cwd));
  // Read once before the interpreters start: a file with nothing to score, or cut short, is
  // refused in a moment rather than after every line of it has been listed as bad.
  // With --resume it also checks the results file against the samples, line by line.
  const status = createStatusLine(io.stderr);
  // Bad lines are listed as the scoring meets them; a resumed file with nothing left to score is
  // not scored, so for it the check keeps them.
  const checkErrors: string[] = [];
  let checkErrorCount = 0;
  const onCheckError = (error: SampleLineError) => {
    if (checkErrorCount++ < LISTED_LINE_ERRORS) checkErrors.push(error.message);
  };
  let checked;
  try {
    const size = formatBytes(statSync(samplesPath).size);
    checked = await checkSamplesFile({
      samplesPath,
      benchmark: options.benchmark,
      problems: dataset.problems,
      onLines: (lines) => status.show(`Checking ${options.samplesPath} (${size}): ${lines.toLocaleString('en')} lines read…`),
      ...(resuming ? { resume: { resultsPath, samplesName: options.samplesPath }, onLineError: onCheckError } : {}),
    });
  } finally {
    status.clear();
  }
  const kept = checked.kept;
  const samples = checked.summary.samples;
  if (kept !== null && kept.results === samples) {
    io.stderr.write(`${resultsPath} already holds the results of all ${samples.toLocaleString('en')} samples: nothing left to score.\n`);
    for (const message of checkErrors) io.stderr.write(`${message}\n`);
    return reportTotals(io, { ...kept, ...checked.summary }, checkErrorCount, dataset.problems.length);
  }

  io.stderr.write(
    `Scoring ${options.samplesPath} against ${BENCHMARK_NAMES[options.benchmark]} (${dataset.path}), ` +
      `${options.mode} mode, ${options.workers} worker(s).\nWriting results to ${resultsPath}\n`,
  );
  if (kept !== null && kept.cutLine !== null) {
    io.stderr.write(`Line ${kept.cutLine} of ${resultsPath} is cut short (a run stopped while writing it): its sample is scored again.\n`);
  }
  if (kept !== null) io.stderr.write(`Resuming: ${kept.results.toLocaleString('en')} of ${samples.toLocaleString('en')} samples already scored.\n`);
  const sandbox: Sandbox = await createNodeSandbox({ workers: options.workers });
  // Started once the interpreters are up, so the rate shown is the scoring rate; the kept
  // lines count as done from the start, but not towards the rate.
  const progress = createProgress(checked.lines, io.stderr, { start: startOfProgress(kept) });
  const interrupt = new AbortController();
  let stoppedBy: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    ignoreLostTerminal(signal);
    if (stoppedBy !== null) {
      // The runs in flight are being dropped: a second Ctrl+C need not wait for that. The results
      // file beside is removed on the way out, so what is on disk is what was there before.
      io.stderr.write(`\nQuitting at once: nothing of this run was kept (${resultsFileLeft(resultsPath, hadResults)}).\n`);
      process.exit(exitAfterSignal(signal));
    }
    stoppedBy = signal;
    interrupt.abort();
    // Runs in flight end at once as worker-lost; they are dropped, not written.
    void sandbox.close();
  };
  scoringStarts();
  for (const signal of STOPPING_SIGNALS) process.on(signal, onSignal);
  let lineErrors = 0;
  let report;
  try {
    report = await scoreSamplesFile({
      samplesPath,
      resultsPath,
      benchmark: options.benchmark,
      problems: dataset.problems,
      mode: options.mode,
      timeoutS: options.timeoutS,
      sandbox,
      // Two programs queued per worker keep each busy while the other result is written.
      concurrency: options.workers * 2,
      signal: interrupt.signal,
      ...(kept === null ? {} : { resume: { keptResults: kept.results, samplesName: options.samplesPath } }),
      onLineError: (error) => {
        lineErrors++;
        if (lineErrors <= LISTED_LINE_ERRORS) progress.note(error.message);
      },
      onProgress: (done, passed) => progress.update(done, passed),
    });
    // Before the interpreters shut down, so the last pace is the scoring's.
    progress.finish();
  } catch (error) {
    if (!(error instanceof ResultsWriteError)) throw error;
    progress.finish();
    const why = `Could not write ${resultsPath}: ${writeFailure(error.cause, resultsPath)}.`;
    if (error.written <= (kept?.results ?? 0)) throw new InputError(`${why} Nothing of this run was kept (${resultsFileLeft(resultsPath, hadResults)}).`);
    throw new InputError(`${why} It holds the first ${firstResults(error.written)}, in file order; once there is room, go on with\n  ${resumeLine(options, io)}`);
  } finally {
    for (const signal of STOPPING_SIGNALS) process.off(signal, onSignal);
    await sandbox.close();
  }

  if (report.interrupted) {
    if (report.written === 0) {
      const scored = report.passed + report.failed - report.kept;
      const which = kept === null ? 'first' : 'next';
      const when = scored === 0 ? 'before anything was scored' : `before the ${which} sample's result (${scored} after it ${scored === 1 ? 'was' : 'were'} scored, but results are kept in file order)`;
      io.stderr.write(`${interruptedBeforeScoringLine(resultsPath, hadResults, when)}\n`);
    } else {
      io.stderr.write(`Interrupted: ${resultsPath} holds the first ${firstResults(report.written)}, in file order; to go on, run\n  ${resumeLine(options, io)}\n`);
    }
    return exitAfterSignal(stoppedBy ?? 'SIGINT');
  }
  return reportTotals(io, report, lineErrors, dataset.problems.length);
}

/** The command that goes on from this run, a datasets folder given in DATASETS_DIR included. */
function resumeLine(options: ScoreOptions, io: CommandIo): string {
  return resumeCommandLine({ ...options, datasetsDir: options.datasetsDir ?? io.env['DATASETS_DIR'] ?? null }, io.cwd);
}

/** What the progress line starts from: the lines a resumed results file covers, done before this run. */
function startOfProgress(kept: KeptTally | null): { done: number; passed: number } {
  return kept === null ? { done: 0, passed: 0 } : { done: kept.throughLine, passed: kept.passed };
}

/** The counts of a whole results file, kept results and new ones alike. */
interface ScoreTotals {
  passed: number;
  failed: number;
  badLines: number;
  missingTaskIds: readonly string[];
  perTask: Map<string, SampleCounts>;
}

/**
 * The end of a finished run: the notes on stderr (bad lines beyond those listed, tasks without a
 * sample), pass@k and "N passed, M failed" on stdout, and the exit code they make.
 */
function reportTotals(io: CommandIo, totals: ScoreTotals, lineErrors: number, tasks: number): number {
  if (lineErrors > LISTED_LINE_ERRORS) io.stderr.write(`… and ${lineErrors - LISTED_LINE_ERRORS} more bad lines.\n`);
  if (totals.missingTaskIds.length > 0) {
    const shown = totals.missingTaskIds.slice(0, 10).join(', ');
    const more = totals.missingTaskIds.length > 10 ? ', …' : '';
    io.stderr.write(`Note: ${totals.missingTaskIds.length} of ${tasks} tasks have no sample (${shown}${more}).\n`);
  }
  if (totals.badLines > 0) {
    io.stderr.write(`${totals.badLines} line(s) could not be scored (listed above); the other samples were.\n`);
  }
  const knownBroken = knownBrokenScoringNote(totals.perTask);
  if (knownBroken !== null) io.stderr.write(`Note: ${knownBroken}\n`);
  const passAtK = passAtKSummary(totals.perTask.values());
  if (passAtK !== null) io.stdout.write(`${formatPassAtK(passAtK)}\n`);
  io.stdout.write(`${formatSummaryLine(totals.passed, totals.failed)}\n`);
  return totals.badLines > 0 ? EXIT.badInput : EXIT.ok;
}

function assertReadableFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new InputError(`Cannot read ${path}: no such file.`);
  }
  if (!isFile) throw new InputError(`${path} is not a file.`);
  // A file there but not ours to read (another user's, mode 600): said as such, before the
  // interpreters start, rather than as an unforeseen failure once reading begins.
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`Cannot read ${path}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message}.`);
  }
}

function assertWritable(path: string): void {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    stats = null;
  }
  if (stats !== null && !stats.isFile()) throw new InputError(`Cannot write the results to ${path}: something other than a file is there.`);
  try {
    accessSync(stats === null ? dirname(path) : path, constants.W_OK);
  } catch (error) {
    throw new InputError(`Cannot write the results to ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

/** "result" or "N results", as "the first …" reads (not "the first 1 results"). */
function firstResults(count: number): string {
  return count === 1 ? 'result' : countOf(count, 'result');
}
