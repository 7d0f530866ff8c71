/**
 * `feedback-lab score`: what the command line may say, and its meaning as plain options.
 */
import type { BenchmarkId } from '../../src/core/benchmarks/problem.ts';
import type { HarnessMode } from '../../src/core/harness/outcome.ts';
import { commandName } from '../command-name.ts';
import { shellWord } from '../shell-word.ts';
import { UsageError, parseCommandLine } from '../usage-error.ts';
import { positiveNumberArgument } from '../number-argument.ts';
import { checkWorkers, defaultWorkers, workersHelp } from '../worker-count.ts';

export interface ScoreOptions {
  benchmark: BenchmarkId;
  mode: HarnessMode;
  /** Seconds for every task; null keeps each task's own calibrated limit. */
  timeoutS: number | null;
  workers: number;
  /** Directory holding the dataset files; null searches the default places. */
  datasetsDir: string | null;
  samplesPath: string;
  /** Keep the result lines an interrupted run left in FILE_results.jsonl and score the samples after them. */
  resume: boolean;
}

export const SCORE_USAGE = `Usage: feedback-lab score --benchmark humaneval|mbpp [options] FILE

Scores a samples file by running every sample against its benchmark's tests in Pyodide.
FILE is JSONL, as openai/human-eval and EvalPlus write it (gzip-compressed too, as
FILE.jsonl.gz): one object per line with "task_id" (HumanEval/0; Mbpp/2, MBPP/2 or 2) and
"completion" (code after the prompt), or EvalPlus's "solution" (a whole program, run without
the prompt; it wins over "completion", as in EvalPlus). A task may have many samples, as
pass@k files do: every one is scored. The file is UTF-8 (UTF-16 is refused: save it as
UTF-8); lines end in LF, CRLF or a lone CR, as Python reads them. A line that is not JSON,
not UTF-8 or not a sample is named on stderr (with the column, for the first two) and
skipped; a JSON array, or records printed over several lines each, is refused whole.
Writes FILE_results.jsonl (the input fields plus "result" and "passed", in input order; the
file appears once complete, so an earlier one stays whole until then) and prints on stdout
pass@k as human-eval reports it (k = 1, 10, 100, each when every task has that many samples;
tasks without a sample are named on stderr and left out) and "N passed, M failed" last.

Options:
  -b, --benchmark NAME   humaneval or mbpp (required)
      --mode MODE        standard (default): the official harness's program, prompt included;
                         study: the study's own program, without the HumanEval prompt
      --timeout S        seconds per sample, at most 86400 (default: 3 in standard mode,
                         10 in study mode); the few tasks whose canonical solution is slow
                         never get less than their calibrated limit
      --workers N        Python interpreters run in parallel (default: ${defaultWorkers()});
                         ${workersHelp()}: each holds ~200 MB and a core, so
                         no more than twice the cores nor than half the memory
      --datasets DIR     where HumanEval.jsonl.gz / sanitized-mbpp.json are (default: env
                         DATASETS_DIR, else ./public/datasets, else ../shared/datasets)
      --resume           go on from an interrupted run: keep the results in FILE_results.jsonl
                         and score only the samples after them (refused, naming the line, when
                         a result is not that of the sample in its place; a last line cut
                         short, as by a full disk, is scored again). A run killed outright
                         (kill -9, out of memory) leaves its results in
                         FILE_results.jsonl.<pid>.partial: --resume takes them up. With no
                         results, scores from the start. The results file does not record --mode
                         or --timeout, so --resume cannot check them: give them as the first
                         run did (an interrupted run prints the command that does)
  -h, --help             show this help

Examples:
  feedback-lab score --benchmark humaneval samples.jsonl
  feedback-lab score -b mbpp --workers 4 --timeout 10 evalplus-samples.jsonl.gz
  feedback-lab score -b mbpp --workers 4 --timeout 10 --resume evalplus-samples.jsonl.gz

Progress goes to stderr: a line redrawn in place on a terminal, a line every 5 s in a log.
Ctrl+C stops, keeping the results scored so far in FILE_results.jsonl, in file order,
and prints the command that goes on (--resume, with this run's settings; a second Ctrl+C
quits at once and keeps none of this run). Before a first result is written (while the file is checked, the interpreters
start, the first sample runs) it writes nothing, so an earlier FILE_results.jsonl stays
as it was. A score of FILE while another is going on is refused, naming that one's process
(FILE_results.jsonl.lock, beside the results, holds it; a killed run's is taken over).

Exit codes: 0 scored, 1 bad input (some lines unusable, no datasets, a results file
--resume cannot go on from, another score writing it), 2 bad command line, 130 stopped by
Ctrl+C, 143 by SIGTERM, 129 by SIGHUP, the terminal closed (the results scored so far stay
in the file).`;

/** Parsed options, or null when help was asked for. Throws UsageError for anything else wrong. */
export function parseScoreOptions(argv: readonly string[]): ScoreOptions | null {
  const parsed = parseCommandLine(
    argv,
    {
      benchmark: { type: 'string', short: 'b' },
      mode: { type: 'string' },
      timeout: { type: 'string' },
      workers: { type: 'string' },
      datasets: { type: 'string' },
      resume: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const { values, positionals } = parsed;
  if (values.help) return null;

  if (values.benchmark === undefined) throw new UsageError('--benchmark is required (humaneval or mbpp).');
  const benchmark = values.benchmark.toLowerCase();
  if (benchmark !== 'humaneval' && benchmark !== 'mbpp') {
    throw new UsageError(`--benchmark must be humaneval or mbpp, not "${values.benchmark}".`);
  }
  const mode = values.mode ?? 'standard';
  if (mode !== 'standard' && mode !== 'study') throw new UsageError(`--mode must be standard or study, not "${mode}".`);

  if (positionals.length === 0) throw new UsageError('Name the samples file to score.');
  if (positionals.length > 1) throw new UsageError(`Score one samples file at a time (got ${positionals.length}: ${positionals.join(', ')}).`);
  // `cat samples.jsonl | feedback-lab score -b humaneval -`: the results need a name to go beside.
  if (positionals[0] === '-') {
    throw new UsageError('Name the samples file: it is read from a file, not from standard input ("-"), because the results are written beside it as FILE_results.jsonl.');
  }

  return {
    benchmark,
    mode,
    timeoutS: values.timeout === undefined ? null : timeoutSeconds(values.timeout),
    workers: values.workers === undefined ? defaultWorkers() : checkWorkers(values.workers),
    datasetsDir: values.datasets ?? null,
    samplesPath: positionals[0] as string,
    resume: values.resume === true,
  };
}

/**
 * A day at most: the sandbox's timers cannot wait longer than about 24.8 days, and a larger
 * limit made every sample time out at once (a "no limit" of 99999999 s).
 */
const MAX_TIMEOUT_S = 86_400;

function timeoutSeconds(text: string): number {
  const seconds = positiveNumberArgument('--timeout', text);
  if (seconds > MAX_TIMEOUT_S) throw new UsageError(`--timeout must be at most ${MAX_TIMEOUT_S} seconds (a day), not "${text}".`);
  // The sandbox counts whole milliseconds: a value that rounds to none was taken here and then
  // ended the run, after the interpreters started, as a failure to report as a bug.
  if (Math.round(seconds * 1000) < 1) throw new UsageError(`--timeout must be at least 0.001 seconds (a millisecond), not "${text}".`);
  return seconds;
}


/**
 * The command that goes on from where this run stops: the same benchmark, mode, limit, workers
 * and datasets, since the results file records none of them and --resume cannot check them.
 */
export function resumeCommandLine(options: ScoreOptions, cwd: string): string {
  // npx inside the repository, as the README runs it (the package is not on PATH after `npm install`); its script elsewhere.
  const words = [commandName(cwd), 'score', '--benchmark', options.benchmark, '--mode', options.mode];
  if (options.timeoutS !== null) words.push('--timeout', String(options.timeoutS));
  words.push('--workers', String(options.workers));
  if (options.datasetsDir !== null) words.push('--datasets', shellWord(options.datasetsDir));
  words.push('--resume', shellWord(options.samplesPath));
  return words.join(' ');
}
