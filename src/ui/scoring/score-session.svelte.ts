/**
 * One scoring run on the Scoring page: read a samples file (bad lines reported, not fatal),
 * score every sample in the sandbox a few at a time, and keep the verdicts for the table and the
 * results file. Progress is published a few times a second, not per verdict, so thousands of
 * verdicts cost the page a handful of renders; each publish also hands the new verdicts to the
 * run's keeper (run-keeper.svelte.ts), which stores them, so a reload can show the run again and
 * one stopped early (interrupted, cancelled, or stopped by a broken sandbox) can be continued.
 */
import type { BenchmarkId, Problem } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { scoreCompletion } from '../../core/harness/score.ts';
import { formatSummaryLine, type Sample, type SampleLineError, type SamplesSummary } from '../../core/results/samples.ts';
import type { KeptScoring, ScoringProgress } from '../../store/scoring-store.ts';
import type { SandboxHolder } from '../sandbox/sandbox-holder.ts';
import { PageSandbox } from './page-sandbox.ts';
import { passAtKLine } from './pass-at-k-line.ts';
import { fileLines } from './file-lines.ts';
import { resultsFile, resultsFileName, unscoredTasks, type UnscoredTask } from './results-file.ts';
import { pace, runQueue } from './run-queue.ts';
import type { RunKeeper } from './run-keeper.svelte.ts';
import { canonicalRunSamples, readRunSamples, type RunSamples, type SamplesLines } from './run-samples.ts';
import { scoreAnnouncement, stoppedDetail, whereStopped, type ScorePhase } from './score-announcement.ts';
import type { VerdictRow } from './verdict-rows.ts';
import { holdTabWork } from '../shell/tab-work.ts';

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
  /**
   * The kept run on show is scored in another tab now: the page shows what that tab has kept and
   * follows it (ScoreDesk), and Continue waits until that tab lets go of it.
   */
  elsewhere = $state(false);
  /** Continue was pressed and the kept run is being taken back: nothing is scored yet. */
  resuming = $state(false);
  /** How many samples had verdicts when Continue was pressed: the run scores the rest. */
  continuedFrom = $state<number | null>(null);
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
  /** What a screen reader is told: a sentence as the run starts and one as it ends (score-announcement.ts). */
  announcement = $derived(scoreAnnouncement(this));
  /** "Scoring of X.jsonl was cancelled at 812 of 1,183 samples", for a run the page can continue. */
  stoppedLine = $derived(whereStopped(this));
  /** What stopped that run and what Continue does, said after the line and the run's settings. */
  stoppedDetail = $derived(stoppedDetail(this));
  /**
   * Whether Continue can score the rest: a run its tab lost while scoring, or one cancelled or
   * stopped by an error with samples left. A run fails with samples counted only when Python broke
   * (could not be downloaded or started, a worker died), which another try may get past; a file
   * that cannot be read fails before any is counted, and reading it again would fail again.
   */
  continuable = $derived(this.phase === 'interrupted' || ((this.phase === 'cancelled' || this.phase === 'failed') && this.done < this.total));

  /** Stores the run as it goes; absent, the run lives in this tab's memory only. */
  readonly keeper: RunKeeper | null;
  readonly #sandboxes: PageSandbox;
  #samples: Sample[] = [];
  /** Settles once the last run's end is written and its lock let go of: Continue waits for it. */
  #ended: Promise<unknown> = Promise.resolve();
  #outcomes = new Map<number, VerdictRow['outcome']>();
  #abort: AbortController | null = null;
  #heldWork: (() => void) | null = null;
  /** Stop now was pressed: the samples still running were dropped with their workers, so what those report is no verdict. */
  #dropInFlight = false;

  constructor(sandboxes: SandboxHolder, keeper: RunKeeper | null = null) {
    this.#sandboxes = new PageSandbox(sandboxes);
    this.keeper = keeper;
  }

  /** Reads the lines of a samples file, then scores it; `file`, the file itself, is kept with the run. */
  async scoreLines(name: string, lines: SamplesLines, problems: readonly Problem[], settings: ScoreSettings, file: Blob | null = null) {
    this.#reset(name, settings);
    this.problemCount = problems.length;
    this.phase = 'reading';
    if (!(await this.#read(lines, problems, settings))) {
      // Nothing was scored: nothing to keep, and nothing a reload would lose.
      this.keeper?.forget();
      this.#holdWork(null);
      this.#sandboxes.runEnded();
      return;
    }
    await this.#score(settings, file);
  }

  /** Reads the samples into the run, showing bad lines as they are found; false when there is nothing to score. */
  async #read(lines: SamplesLines, problems: readonly Problem[], settings: ScoreSettings): Promise<boolean> {
    const read = await readRunSamples(lines, { benchmark: settings.benchmark, problems }, this.#abort?.signal, (listed, count) => {
      if (this.lineErrors.length !== listed.length) this.lineErrors = listed.slice();
      this.lineErrorCount = count;
    });
    if (read.kind === 'read') this.#take(read);
    else if (read.kind === 'cancelled') this.phase = 'cancelled';
    else this.#fail(read.error);
    return read.kind === 'read';
  }

  /** Scores the problems' own reference solutions (run-samples.ts). */
  async scoreCanonical(problems: readonly Problem[], settings: ScoreSettings) {
    this.#reset(`canonical-${settings.benchmark}.jsonl`, settings);
    this.problemCount = problems.length;
    this.#take(canonicalRunSamples(problems, settings.mode));
    await this.#score(settings, null);
  }

  #take({ samples, summary }: RunSamples) {
    this.#samples = samples;
    this.summary = summary;
  }

  /**
   * Shows a kept run as it was left: its samples read again from the kept file (or made again,
   * for the canonical solutions) and its verdicts as stored. A run its tab lost while scoring
   * shows as interrupted; it, and one cancelled or stopped with samples left, can be continued.
   */
  async restore({ run, file, verdicts }: KeptScoring, problems: readonly Problem[], elsewhere = false): Promise<void> {
    this.#abort?.abort();
    this.#abort = null;
    this.#clear(run.name, run.settings);
    this.opening = run.name;
    try {
      this.problemCount = problems.length;
      if (run.source === 'canonical') this.#take(canonicalRunSamples(problems, run.settings.mode));
      else if (!file) throw new Error('its samples file is not kept with it');
      else if (!(await this.#read(fileLines(file), problems, run.settings))) return;
      this.#takeVerdicts(verdicts);
      this.total = this.#samples.length;
      this.#takeEnd(run);
      // In the same turn as the phase, so the page never says "interrupted" of a run another tab scores.
      this.elsewhere = elsewhere && this.continuable;
    } catch (error) {
      this.#fail(new Error(`The kept scoring of ${run.name} could not be read again (${error instanceof Error ? error.message : String(error)}): pick the file again to score it.`));
    } finally {
      this.revision++;
      this.opening = null;
    }
  }

  /**
   * Brings the kept run on show up to date with another tab that scores it, or did until now:
   * its new verdicts, and where it stands. `elsewhere`: whether that tab still scores it.
   */
  follow({ run, verdicts }: KeptScoring, elsewhere: boolean): void {
    // A refused Continue's "running in another tab" is stale once that tab lets go.
    if (this.elsewhere && !elsewhere) this.notice = null;
    this.elsewhere = elsewhere;
    this.#takeVerdicts(verdicts);
    this.#takeEnd(run);
    this.revision++;
  }

  /** Where a kept run stands as the store has it; one still called scoring that no tab scores was interrupted. */
  #takeEnd(run: KeptScoring['run']) {
    this.elapsedMs = run.elapsedMs;
    this.failure = run.failure;
    this.phase = run.status === 'scoring' ? 'interrupted' : run.status;
  }

  /**
   * Scores the samples a run stopped early left (see `continuable`); the verdicts kept stay.
   * Refused while another tab scores the run. `workers`: the page's field, which may have changed.
   */
  async continueRun(workers: number): Promise<void> {
    if (!this.continuable || this.resuming || !this.settings) return;
    this.notice = null;
    this.resuming = true;
    try {
      // Pressed right after Cancel: the run's last batch may not be written, nor its lock let go of.
      await this.#ended;
      if (!(await this.#resume())) return;
    } finally {
      this.resuming = false;
    }
    const settings = { ...this.settings, workers };
    this.settings = settings;
    this.failure = null;
    this.continuedFrom = this.done;
    this.#start();
    await this.#scoreRest(settings);
  }

  /**
   * Takes the kept run's lock and any verdicts another tab added since; false, with a notice,
   * when it cannot. A run this browser would not keep goes on from what this tab holds.
   */
  async #resume(): Promise<boolean> {
    const id = this.keeper?.id;
    if (!this.keeper || !id) return true;
    const outcome = await this.keeper.resume(id);
    if (outcome.kind === 'refused') {
      this.notice = outcome.why;
      return false;
    }
    this.elsewhere = false;
    this.#takeVerdicts(outcome.kept.verdicts);
    this.elapsedMs = Math.max(this.elapsedMs, outcome.kept.run.elapsedMs);
    // Another tab scored the rest meanwhile: the run is whole, and is said so at once, not as
    // "cancelled after 12 of 12" until the (empty) scoring of the rest ends.
    if (this.done >= this.total) this.phase = 'done';
    this.revision++;
    return true;
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

  /** Settles once the last run this tab scored has its end written and its lock let go of. */
  settled(): Promise<unknown> {
    return this.#ended;
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
    this.#sandboxes.close();
  }

  /**
   * The results file's name: `<name>_results.jsonl` for a whole run, a partial name (with how
   * many it holds) for one that stopped early (results-file.ts).
   */
  resultsName = $derived(resultsFileName(this.name, this.done, this.total));

  /** Whether the run ended with samples left unscored (cancelled, stopped by a broken sandbox, or interrupted). */
  partial = $derived(!this.busy && this.done < this.total && (this.phase === 'cancelled' || this.phase === 'failed' || this.phase === 'interrupted'));

  /** `<name>_results.jsonl` as openai/human-eval writes it: input order, every scored sample. */
  resultsFile(): { fileName: string; text: string } {
    return resultsFile(this.name, this.#samples, this.#outcomes);
  }

  /** The tasks a partial results file lacks, with how many samples of each; empty for a whole run. */
  unscoredTasks(): UnscoredTask[] {
    // The verdicts are not reactive: `revision` says when they changed (another tab's, followed).
    void this.revision;
    return this.partial ? unscoredTasks(this.#samples.map((sample) => ({ line: sample.line, taskId: sample.problem.id })), this.#outcomes) : [];
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
    const status = () => (this.phase === 'done' || this.phase === 'cancelled' || this.phase === 'failed' ? this.phase : 'scoring');
    const progress = (failure: string | null = null): ScoringProgress => ({ done: this.done, passed: this.passed, elapsedMs: this.elapsedMs, status: status(), failure });
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
      else {
        this.#fail(error);
        // A broken sandbox stays broken: Continue, or the next run, starts Python afresh.
        this.#sandboxes.close();
      }
    } finally {
      clearInterval(timer);
      this.cancelling = false;
      publish();
      this.#sandboxes.runEnded();
    }
    const ended = this.keeper?.end(progress(this.failure)) ?? Promise.resolve(false);
    this.#ended = ended;
    const kept = await ended;
    // A run kept whole loses nothing to a reload; one that is not does, so the tab asks first.
    if (abort === this.#abort) this.#holdWork(kept || this.done === 0 ? null : 'scored samples kept only in this tab');
  }

  #reset(name: string, settings: ScoreSettings) {
    this.#start();
    this.#clear(name, settings);
  }

  /** A run, new or continued, is about to start; the one before stops. */
  #start() {
    // Until the run ends and is kept, a reload would cut it short.
    this.#holdWork('samples being scored');
    this.#abort?.abort();
    this.#abort = new AbortController();
    this.#dropInFlight = false;
    this.cancelling = false;
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
    this.elsewhere = false;
    this.continuedFrom = null;
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

  /** Frees the Python workers now, or once the run in flight has ended; the verdicts stay. */
  release(): void {
    this.#sandboxes.leave(this.busy);
  }

  /** Keeps the Python workers after the run in flight after all. */
  retain(): void {
    this.#sandboxes.retain();
  }
}
