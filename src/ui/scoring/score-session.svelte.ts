/**
 * One scoring run on the Scoring page: read a samples file (bad lines reported, not fatal),
 * score every sample in the sandbox a few at a time, and keep the verdicts for the table and the
 * results file. Progress is published a few times a second, not per verdict, so thousands of
 * verdicts cost the page a handful of renders.
 */
import { canonicalCompletion, canonicalStudyCode } from '../../core/benchmarks/canonical.ts';
import type { BenchmarkId, Problem } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { scoreCompletion } from '../../core/harness/score.ts';
import {
  LISTED_LINE_ERRORS,
  MAX_SAMPLE_LINE_CHARS,
  SampleReader,
  formatResultLine,
  formatSummaryLine,
  type Sample,
  type SampleLineError,
  type SamplesSummary,
} from '../../core/results/samples.ts';
import type { SandboxHolder } from '../sandbox/sandbox-holder.ts';
import { passAtKLine } from './pass-at-k-line.ts';
import { resultsFileName, unscoredTasks, type UnscoredTask } from './results-file-name.ts';
import { pace, runQueue } from './run-queue.ts';
import type { VerdictRow } from './verdict-rows.ts';
import { holdTabWork } from '../shell/tab-work.ts';

export type ScorePhase = 'idle' | 'reading' | 'scoring' | 'done' | 'cancelled' | 'failed';

export interface ScoreSettings {
  benchmark: BenchmarkId;
  mode: HarnessMode;
  workers: number;
}

/** How often progress and the table catch up with the verdicts, in ms. */
const PUBLISH_EVERY_MS = 250;


export class ScoreSession {
  phase = $state<ScorePhase>('idle');
  /** The samples file's name (or a made-up one for the canonical solutions). */
  name = $state('');
  settings = $state.raw<ScoreSettings | null>(null);
  /** The first `LISTED_LINE_ERRORS` bad lines, in file order; the rest are only counted. */
  lineErrors = $state.raw<SampleLineError[]>([]);
  /** Every bad line, kept or not. */
  lineErrorCount = $state(0);
  summary = $state.raw<SamplesSummary | null>(null);
  /** How many problems the scored benchmark has: the page's benchmark may change after the run. */
  problemCount = $state(0);
  /** Why the run could not start or had to stop (an empty file, a broken sandbox). */
  failure = $state<string | null>(null);
  /** Waiting for Python to start (on a first visit, to download): nothing is scored yet. */
  starting = $state(false);
  /**
   * Cancel was pressed and the samples already running are being let finish: up to a whole
   * time limit (10 s in study mode) in which nothing else would change on the page.
   */
  cancelling = $state(false);
  total = $state(0);
  done = $state(0);
  passed = $state(0);
  elapsedMs = $state(0);
  /** Bumped each time `rows` has grown. */
  revision = $state(0);
  /** Verdicts in the order they finished; not reactive itself (see `revision`). */
  readonly rows: VerdictRow[] = [];

  rate = $derived(pace(this.done, this.total, this.elapsedMs));
  busy = $derived(this.phase === 'reading' || this.phase === 'scoring');
  summaryLine = $derived(formatSummaryLine(this.passed, this.done - this.passed));
  /** pass@1/10/100 as `feedback-lab score` prints them, once every sample is scored (pass-at-k-line.ts). */
  passAtKLine = $derived.by(() => {
    // `rows` is not reactive: `revision` says when it has grown.
    void this.revision;
    return passAtKLine(this.phase, this.rows);
  });
  /**
   * What a screen reader is told: one sentence when the run starts and one when it ends, never
   * the counts as they tick (they change four times a second; the progress bar has them).
   * A failure is announced by its own alert.
   */
  announcement = $derived.by(() => {
    switch (this.phase) {
      case 'idle':
      case 'failed':
        return '';
      case 'reading':
        return `Reading ${this.name}…`;
      case 'scoring':
        if (this.cancelling) return 'Cancelling: letting the samples already running finish…';
        return `Scoring ${this.total} sample${this.total === 1 ? '' : 's'} of ${this.name}…`;
      case 'done':
        // The pass@k line (several samples per task) is the run's headline figure on the page: say it too.
        return `Scored ${this.name}: ${this.summaryLine}.${this.passAtKLine ? ` ${this.passAtKLine}.` : ''}`;
      case 'cancelled':
        return `Cancelled after ${this.done} of ${this.total} samples: ${this.summaryLine}.`;
      default: {
        const never: never = this.phase;
        return never;
      }
    }
  });

  #sandboxes: SandboxHolder;
  #samples: Sample[] = [];
  #outcomes = new Map<number, VerdictRow['outcome']>();
  #abort: AbortController | null = null;
  /** Free the sandbox when the run in flight ends: nobody is looking (see release()). */
  #releaseWhenIdle = false;
  #heldWork: (() => void) | null = null;
  /** Stop now was pressed: the samples still running were dropped with their workers, so what those report is no verdict. */
  #dropInFlight = false;

  constructor(sandboxes: SandboxHolder) {
    this.#sandboxes = sandboxes;
  }

  /** Reads the lines of a samples file, then scores it. */
  async scoreLines(name: string, lines: AsyncIterable<string> | Iterable<string>, problems: readonly Problem[], settings: ScoreSettings) {
    this.#reset(name, settings);
    this.problemCount = problems.length;
    this.phase = 'reading';
    const reader = new SampleReader({ benchmark: settings.benchmark, problems });
    const errors: SampleLineError[] = [];
    let errorCount = 0;
    const publishErrors = () => {
      if (this.lineErrors.length !== errors.length) this.lineErrors = errors.slice();
      this.lineErrorCount = errorCount;
    };
    const abort = this.#abort;
    let count = 0;
    try {
      for await (const line of lines) {
        if (abort?.signal.aborted) break;
        // A file already in memory arrives in large chunks: give the page a turn now and then.
        if (++count % 5000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
        // Refused as the command line refuses it, so the two give the same counts for one file.
        const event = line.length > MAX_SAMPLE_LINE_CHARS ? reader.readTooLong(line.length, MAX_SAMPLE_LINE_CHARS, line.slice(0, 200)) : reader.read(line);
        if (event?.kind === 'sample') this.#samples.push(event.sample);
        else if (event?.kind === 'error') {
          errorCount++;
          if (errors.length < LISTED_LINE_ERRORS) errors.push(event.error);
          // Show bad lines as they are found, in batches.
          if (errorCount % 100 === 1) publishErrors();
        }
      }
      publishErrors();
      if (abort?.signal.aborted) {
        this.phase = 'cancelled';
        this.#releaseIfLeft();
        return;
      }
      this.summary = reader.finish();
    } catch (error) {
      publishErrors();
      this.#fail(error);
      this.#releaseIfLeft();
      return;
    }
    await this.#score(settings);
  }

  /**
   * Scores the problems' own reference solutions: every one passes in standard mode. Study mode
   * puts no prompt before the code, so there each is the whole answer a model would give
   * (imports, function, body): all pass but the few the study's harness could never pass.
   */
  async scoreCanonical(problems: readonly Problem[], settings: ScoreSettings) {
    this.#reset(`canonical-${settings.benchmark}.jsonl`, settings);
    this.problemCount = problems.length;
    const solution = settings.mode === 'study' ? canonicalStudyCode : canonicalCompletion;
    this.#samples = problems.map((problem, i) => {
      const completion = solution(problem);
      return { line: i + 1, problem, completion, wholeProgram: false, fields: { task_id: problem.id, completion } };
    });
    this.summary = { samples: problems.length, badLines: 0, missingTaskIds: [] };
    await this.#score(settings);
  }

  /** Stops starting new samples; the few already running finish and are kept. */
  cancel(): void {
    if (this.phase === 'scoring') this.cancelling = true;
    this.#abort?.abort();
  }

  /**
   * While cancelling: stops the samples still running too, by ending their workers, rather than
   * wait out their time limits (10 s each in study mode, 48 s for Mbpp/123). They are not scored,
   * and the next run starts Python afresh.
   */
  stopNow(): void {
    if (!this.cancelling) return;
    this.#dropInFlight = true;
    void this.#sandboxes.close();
  }

  /**
   * The results file's name: `<name>_results.jsonl` for a whole run, a partial name (with how
   * many it holds) for one that stopped early (results-file-name.ts).
   */
  resultsName = $derived(resultsFileName(this.name, this.done, this.total));

  /** Whether the run ended with samples left unscored (cancelled, or stopped by a broken sandbox). */
  partial = $derived(!this.busy && this.done < this.total && (this.phase === 'cancelled' || this.phase === 'failed'));

  /** `<name>_results.jsonl` as openai/human-eval writes it: input order, every scored sample. */
  resultsFile(): { fileName: string; text: string } {
    const lines: string[] = [];
    for (const sample of this.#samples) {
      const outcome = this.#outcomes.get(sample.line);
      if (outcome) lines.push(JSON.stringify(formatResultLine(sample, outcome)));
    }
    return { fileName: resultsFileName(this.name, lines.length, this.#samples.length), text: lines.length ? `${lines.join('\n')}\n` : '' };
  }

  /** The tasks a partial results file lacks, with how many samples of each; empty for a whole run. */
  unscoredTasks(): UnscoredTask[] {
    if (!this.partial) return [];
    return unscoredTasks(
      this.#samples.map((sample) => ({ line: sample.line, taskId: sample.problem.id })),
      this.#outcomes,
    );
  }

  async #score(settings: ScoreSettings) {
    const abort = this.#abort;
    this.total = this.#samples.length;
    this.phase = 'scoring';
    // The clock starts once Python is up: the pace and the time left are the scoring's, not
    // the first visit's download of Pyodide.
    let started = performance.now();
    let pending = { done: 0, passed: 0 };
    const publish = () => {
      this.done = pending.done;
      this.passed = pending.passed;
      this.elapsedMs = this.starting ? 0 : performance.now() - started;
      this.revision++;
    };
    const timer = setInterval(publish, PUBLISH_EVERY_MS);
    try {
      this.starting = true;
      const sandbox = await this.#sandboxes.get(settings.workers).finally(() => (this.starting = false));
      started = performance.now();
      await runQueue({
        jobs: this.#samples,
        concurrency: settings.workers,
        signal: abort?.signal,
        run: (sample) => scoreCompletion(sample.problem, sample.completion, settings.mode, sandbox, undefined, { wholeProgram: sample.wholeProgram }),
        onResult: (sample, { outcome }) => {
          if (this.#dropInFlight) return;
          this.#outcomes.set(sample.line, outcome);
          this.rows.push({ line: sample.line, taskId: sample.problem.id, outcome });
          pending = { done: pending.done + 1, passed: pending.passed + (outcome.kind === 'passed' ? 1 : 0) };
        },
      });
      this.phase = abort?.signal.aborted ? 'cancelled' : 'done';
    } catch (error) {
      abort?.abort();
      // A sandbox closed by Stop now may refuse a last sample: that is the cancel, not a failure.
      if (this.#dropInFlight) this.phase = 'cancelled';
      else this.#fail(error);
    } finally {
      clearInterval(timer);
      this.cancelling = false;
      publish();
      this.#releaseIfLeft();
    }
  }

  #reset(name: string, settings: ScoreSettings) {
    // From the first run on, this tab holds verdicts nowhere else: a reload would lose them.
    this.#heldWork ??= holdTabWork('scored samples kept only in this tab');
    this.#abort?.abort();
    this.#abort = new AbortController();
    this.name = name;
    this.settings = settings;
    this.lineErrors = [];
    this.lineErrorCount = 0;
    this.summary = null;
    this.problemCount = 0;
    this.failure = null;
    this.cancelling = false;
    this.#dropInFlight = false;
    this.total = 0;
    this.done = 0;
    this.passed = 0;
    this.elapsedMs = 0;
    this.rows.length = 0;
    this.revision++;
    this.#samples = [];
    this.#outcomes.clear();
  }

  #fail(error: unknown) {
    this.failure = error instanceof Error ? error.message : String(error);
    this.phase = 'failed';
  }

  /** The run has ended: free the workers if the page went away meanwhile. */
  #releaseIfLeft(): void {
    if (!this.#releaseWhenIdle) return;
    this.#releaseWhenIdle = false;
    void this.#sandboxes.close();
  }

  /** Frees the Python workers now, or once the run in flight has ended; the verdicts stay. */
  release(): void {
    if (this.busy) this.#releaseWhenIdle = true;
    else void this.#sandboxes.close();
  }

  /** Keeps the Python workers after the run in flight after all. */
  retain(): void {
    this.#releaseWhenIdle = false;
  }
}
