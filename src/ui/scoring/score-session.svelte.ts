/**
 * One scoring run on the Scoring page: read a samples file (bad lines reported, not fatal),
 * score every sample in the sandbox a few at a time, and keep the verdicts for the table and the
 * results file. Progress is published a few times a second, not per verdict, so thousands of
 * verdicts cost the page a handful of renders; each publish also hands the new verdicts to the
 * run's keeper (run-keeper.svelte.ts), which stores them, so a reload can show the run again and
 * an interrupted one can be continued.
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
import type { KeptScoring, ScoringProgress } from '../../store/scoring-store.ts';
import type { SandboxHolder } from '../sandbox/sandbox-holder.ts';
import { passAtKLine } from './pass-at-k-line.ts';
import { fileLines } from './file-lines.ts';
import { resultsFileName, unscoredTasks, type UnscoredTask } from './results-file-name.ts';
import { pace, runQueue } from './run-queue.ts';
import type { RunKeeper } from './run-keeper.svelte.ts';
import type { VerdictRow } from './verdict-rows.ts';
import { holdTabWork } from '../shell/tab-work.ts';

/** `interrupted`: a kept run read back that was still scoring when its tab went away (reloaded, crashed, closed). */
export type ScorePhase = 'idle' | 'reading' | 'scoring' | 'done' | 'cancelled' | 'failed' | 'interrupted';

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
  /** A kept run is being read back (its samples file read again): its name. */
  opening = $state<string | null>(null);
  /** Why Continue did nothing (another tab scores the run, or it is no longer kept). */
  notice = $state<string | null>(null);
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
        return `Scoring ${this.total.toLocaleString('en')} sample${this.total === 1 ? '' : 's'} of ${this.name}…`;
      case 'done':
        // The pass@k line (several samples per task) is the run's headline figure on the page: say it too.
        return `Scored ${this.name}: ${this.summaryLine}.${this.passAtKLine ? ` ${this.passAtKLine}.` : ''}`;
      case 'cancelled':
        return `Cancelled after ${this.done.toLocaleString('en')} of ${this.total.toLocaleString('en')} samples: ${this.summaryLine}.`;
      case 'interrupted':
        return `${this.interruptedLine}.`;
      default: {
        const never: never = this.phase;
        return never;
      }
    }
  });

  /** "Scoring of X.jsonl was interrupted at 812 of 1,183 samples", for a run the page can continue. */
  interruptedLine = $derived(`Scoring of ${this.name} was interrupted at ${this.done.toLocaleString('en')} of ${this.total.toLocaleString('en')} samples`);

  /** Stores the run as it goes; absent, the run lives in this tab's memory only. */
  readonly keeper: RunKeeper | null;
  #sandboxes: SandboxHolder;
  #samples: Sample[] = [];
  #outcomes = new Map<number, VerdictRow['outcome']>();
  #abort: AbortController | null = null;
  /** Free the sandbox when the run in flight ends: nobody is looking (see release()). */
  #releaseWhenIdle = false;
  #heldWork: (() => void) | null = null;
  /** Stop now was pressed: the samples still running were dropped with their workers, so what those report is no verdict. */
  #dropInFlight = false;

  constructor(sandboxes: SandboxHolder, keeper: RunKeeper | null = null) {
    this.#sandboxes = sandboxes;
    this.keeper = keeper;
  }

  /** Reads the lines of a samples file, then scores it; `file`, the file itself, is kept with the run. */
  async scoreLines(name: string, lines: AsyncIterable<string> | Iterable<string>, problems: readonly Problem[], settings: ScoreSettings, file: Blob | null = null) {
    this.#reset(name, settings);
    this.problemCount = problems.length;
    this.phase = 'reading';
    if (!(await this.#read(lines, problems, settings))) {
      // Nothing was scored: nothing to keep, and nothing a reload would lose.
      this.keeper?.forget();
      this.#holdWork(null);
      this.#releaseIfLeft();
      return;
    }
    await this.#score(settings, file);
  }

  /** Reads the samples into the run, publishing bad lines as they are found; false when there is nothing to score. */
  async #read(lines: AsyncIterable<string> | Iterable<string>, problems: readonly Problem[], settings: ScoreSettings): Promise<boolean> {
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
        return false;
      }
      this.summary = reader.finish();
      return true;
    } catch (error) {
      publishErrors();
      this.#fail(error);
      return false;
    }
  }

  /**
   * Scores the problems' own reference solutions: every one passes in standard mode. Study mode
   * puts no prompt before the code, so there each is the whole answer a model would give
   * (imports, function, body): all pass but the few the study's harness could never pass.
   */
  async scoreCanonical(problems: readonly Problem[], settings: ScoreSettings) {
    this.#reset(`canonical-${settings.benchmark}.jsonl`, settings);
    this.#readCanonical(problems, settings);
    await this.#score(settings, null);
  }

  #readCanonical(problems: readonly Problem[], settings: ScoreSettings) {
    this.problemCount = problems.length;
    const solution = settings.mode === 'study' ? canonicalStudyCode : canonicalCompletion;
    this.#samples = problems.map((problem, i) => {
      const completion = solution(problem);
      return { line: i + 1, problem, completion, wholeProgram: false, fields: { task_id: problem.id, completion } };
    });
    this.summary = { samples: problems.length, badLines: 0, missingTaskIds: [] };
  }

  /**
   * Shows a kept run as it was left: its samples read again from the kept file (or made again,
   * for the canonical solutions) and its verdicts as stored. A run its tab lost while scoring
   * shows as interrupted, for Continue.
   */
  async restore(kept: KeptScoring, problems: readonly Problem[]): Promise<void> {
    const { run, file, verdicts } = kept;
    this.#abort?.abort();
    this.#abort = null;
    this.#clear(run.name, run.settings);
    this.opening = run.name;
    try {
      if (run.source === 'canonical') this.#readCanonical(problems, run.settings);
      else if (!file) throw new Error('its samples file is not kept with it');
      else {
        this.problemCount = problems.length;
        if (!(await this.#read(fileLines(file), problems, run.settings))) return;
      }
      this.#takeVerdicts(verdicts);
      this.total = this.#samples.length;
      this.elapsedMs = run.elapsedMs;
      this.failure = run.failure;
      this.phase = run.status === 'scoring' ? 'interrupted' : run.status;
    } catch (error) {
      this.#fail(new Error(`The kept scoring of ${run.name} could not be read again (${error instanceof Error ? error.message : String(error)}): pick the file again to score it.`));
    } finally {
      this.revision++;
      this.opening = null;
    }
  }

  /**
   * Scores the samples an interrupted run left, reading the kept file; the verdicts kept stay.
   * Refused while another tab scores the run. `workers`: the page's field, which may have changed.
   */
  async continueRun(workers: number): Promise<void> {
    const id = this.keeper?.id;
    if (this.phase !== 'interrupted' || !this.keeper || !id || !this.settings) return;
    this.notice = null;
    let outcome: Awaited<ReturnType<RunKeeper['resume']>>;
    try {
      outcome = await this.keeper.resume(id);
    } catch (error) {
      this.notice = `The kept scoring could not be read (${error instanceof Error ? error.message : String(error)}).`;
      return;
    }
    if (outcome.kind === 'elsewhere') {
      this.notice = 'This scoring is running in another tab: it goes on there. Press Continue again once that tab has finished or been closed.';
      return;
    }
    if (outcome.kind === 'gone') {
      this.notice = 'This scoring is no longer kept in this browser (it was deleted in another tab): pick the file again to score it.';
      return;
    }
    // Another tab may have scored more of it since this one read it.
    this.#takeVerdicts(outcome.kept.verdicts);
    this.elapsedMs = Math.max(this.elapsedMs, outcome.kept.run.elapsedMs);
    this.revision++;
    const settings = { ...this.settings, workers };
    this.settings = settings;
    this.#abort = new AbortController();
    this.#dropInFlight = false;
    this.cancelling = false;
    this.#holdWork('samples being scored');
    await this.#scoreRest(settings);
  }

  /** Adds the kept verdicts of samples this run holds that it has no verdict for yet. */
  #takeVerdicts(verdicts: KeptScoring['verdicts']) {
    const lines = new Set(this.#samples.map((sample) => sample.line));
    for (const verdict of verdicts) {
      if (!lines.has(verdict.line) || this.#outcomes.has(verdict.line)) continue;
      this.#outcomes.set(verdict.line, verdict.outcome);
      this.rows.push(verdict);
      this.done++;
      if (verdict.outcome.kind === 'passed') this.passed++;
    }
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

  /** Whether the run ended with samples left unscored (cancelled, stopped by a broken sandbox, or interrupted). */
  partial = $derived(!this.busy && this.done < this.total && (this.phase === 'cancelled' || this.phase === 'failed' || this.phase === 'interrupted'));

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

  /** Scores a run just read, which the keeper starts keeping (with `file`, or as canonical solutions). */
  async #score(settings: ScoreSettings, file: Blob | null) {
    this.keeper?.begin({ name: this.name, settings, total: this.#samples.length, file });
    await this.#scoreRest(settings);
  }

  /** Scores the samples with no verdict yet: all of a new run, the rest of a continued one. */
  async #scoreRest(settings: ScoreSettings) {
    const abort = this.#abort;
    const jobs = this.#samples.filter((sample) => !this.#outcomes.has(sample.line));
    this.total = this.#samples.length;
    this.phase = 'scoring';
    // The clock starts once Python is up: the pace and the time left are the scoring's, not
    // the first visit's download of Pyodide. A continued run adds to the time already spent.
    const before = this.elapsedMs;
    let started = performance.now();
    let pending = { done: this.done, passed: this.passed };
    const publish = () => {
      this.done = pending.done;
      this.passed = pending.passed;
      this.elapsedMs = before + (this.starting ? 0 : performance.now() - started);
      this.revision++;
    };
    const progress = (failure: string | null = null): ScoringProgress => ({
      done: this.done,
      passed: this.passed,
      elapsedMs: this.elapsedMs,
      status: this.phase === 'done' || this.phase === 'cancelled' || this.phase === 'failed' ? this.phase : 'scoring',
      failure,
    });
    const timer = setInterval(() => {
      publish();
      this.keeper?.flush(progress());
    }, PUBLISH_EVERY_MS);
    try {
      // A tab lost after its last verdict was kept leaves nothing to score: no Python to start.
      if (jobs.length > 0) {
        this.starting = true;
        const sandbox = await this.#sandboxes.get(settings.workers).finally(() => (this.starting = false));
        started = performance.now();
        await runQueue({
          jobs,
          concurrency: settings.workers,
          signal: abort?.signal,
          run: (sample) => scoreCompletion(sample.problem, sample.completion, settings.mode, sandbox, undefined, { wholeProgram: sample.wholeProgram }),
          onResult: (sample, { outcome }) => {
            if (this.#dropInFlight) return;
            this.#outcomes.set(sample.line, outcome);
            const row = { line: sample.line, taskId: sample.problem.id, outcome };
            this.rows.push(row);
            this.keeper?.add(row);
            pending = { done: pending.done + 1, passed: pending.passed + (outcome.kind === 'passed' ? 1 : 0) };
          },
        });
      }
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
    const kept = (await this.keeper?.end(progress(this.failure))) ?? false;
    // A run kept whole loses nothing to a reload; one that is not does, so the tab asks first.
    if (abort === this.#abort) this.#holdWork(kept || this.done === 0 ? null : 'scored samples kept only in this tab');
  }

  #reset(name: string, settings: ScoreSettings) {
    // Until the run ends and is kept, a reload would cut it short.
    this.#holdWork('samples being scored');
    this.#abort?.abort();
    this.#abort = new AbortController();
    this.#clear(name, settings);
  }

  #clear(name: string, settings: ScoreSettings) {
    this.name = name;
    this.settings = settings;
    this.lineErrors = [];
    this.lineErrorCount = 0;
    this.summary = null;
    this.problemCount = 0;
    this.failure = null;
    this.notice = null;
    this.cancelling = false;
    this.#dropInFlight = false;
    this.phase = 'idle';
    this.total = 0;
    this.done = 0;
    this.passed = 0;
    this.elapsedMs = 0;
    this.rows.length = 0;
    this.revision++;
    this.#samples = [];
    this.#outcomes.clear();
  }

  /** Holds this tab's work under `what` (the reload prompt names it), or none. */
  #holdWork(what: string | null) {
    this.#heldWork?.();
    this.#heldWork = what === null ? null : holdTabWork(what);
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
