/**
 * The Results page's state: the result files the user opened, the report computed from them and
 * the user's choices (error labelling, arm pairs). The files themselves, and all the computing,
 * live in the page's results worker (results-session.ts): the page holds one line per file and
 * what it draws. Files stay open for the tab's lifetime.
 */
import type { ArmPair } from '../../core/analysis/pair-tables.ts';
import type { NamedResultFile } from '../../core/analysis/result-file-study.ts';
import type { ErrorLabelling } from '../../core/analysis/study-runs.ts';
import type { Trajectory } from '../../core/pipeline/trajectory.ts';
import { UserError } from '../../core/user-error.ts';
import type { ReplayableFile } from '../presenter/file-units.ts';
import { describeImportProgress } from '../shared/read-result-file.ts';
import { ResultsClient, WORKER_LOST } from './results-client.ts';
import type { OpenedFileLine, ReplaySource, ResultsComputation } from './results-session.ts';

export interface FileFailure {
  fileName: string;
  message: string;
  hint: string;
  details: string[];
}

// One seed for the page and `feedback-lab report`, so a CI printed there equals the one shown here.
export { RESULTS_REPLICATES, RESULTS_SEED } from '../../core/analysis/results-report.ts';

/** Said while the worker computes the report, on opening files and on every change of choice. */
export const COMPUTING = 'Computing the tables and figures…';

export class ResultsView {
  files = $state.raw<OpenedFileLine[]>([]);
  failures = $state.raw<FileFailure[]>([]);
  reading = $state(false);
  /** What the file being read is doing (decompressing, parsing, checking), while `reading`. */
  progress = $state<string | null>(null);
  labelling = $state<ErrorLabelling>('exception');
  /** Chosen pairs; null until the user changes them (every arm against the first). */
  chosenPairs = $state.raw<ArmPair[] | null>(null);
  /** The report and the explorer's rows for the open files and the choices; null while none is computed for these files. */
  analysis = $state.raw<ResultsComputation | null>(null);
  /** The worker is computing the report for the current files and choices (the one shown, if any, is older). */
  computing = $state(false);
  /** Size and modification time of each open file, by the name it is listed under. */
  readonly #identities = new Map<string, string>();
  /** Each open file as picked (a handle on disk, not its bytes), for the presenter to keep. */
  readonly #sources = new Map<string, Blob>();
  readonly #client = new ResultsClient(() => this.#lost());
  /** Counts the worker's losses, so a file read before one is not listed after it. */
  #epoch = 0;
  #running: Promise<void> | null = null;
  #again = false;

  pairs = $derived(this.chosenPairs ?? (this.analysis?.ok ? this.analysis.report.pairs : []));
  arms = $derived(this.analysis?.ok ? this.analysis.arms : []);

  async open(picked: readonly File[]): Promise<void> {
    this.reading = true;
    try {
      const failures: FileFailure[] = [];
      const opened: (OpenedFileLine & { epoch: number })[] = [];
      for (const file of picked) {
        try {
          this.progress = `${file.name}: reading…`;
          const fileName = this.#nameFor(file, opened);
          const line = await this.#client.open(fileName, file, (progress) => (this.progress = describeImportProgress(file.name, progress)));
          opened.push({ ...line, epoch: this.#epoch });
          this.#sources.set(fileName, file);
        } catch (error) {
          failures.push(
            error instanceof UserError
              ? { fileName: file.name, message: error.message, hint: error.hint, details: error.details }
              : { fileName: file.name, message: error instanceof Error ? error.message : String(error), hint: '', details: [] },
          );
        }
      }
      const kept = opened.filter((o) => o.epoch === this.#epoch).map(({ epoch: _, ...line }) => line);
      this.failures = failures;
      if (kept.length > 0) {
        this.progress = COMPUTING;
        const names = new Set(kept.map((o) => o.fileName));
        this.files = [...this.files.filter((f) => !names.has(f.fileName)), ...kept];
        this.chosenPairs = null;
        this.analysis = null;
        await this.refresh();
      }
    } finally {
      this.reading = false;
      this.progress = null;
    }
  }

  remove(fileName: string): void {
    this.files = this.files.filter((f) => f.fileName !== fileName);
    this.#identities.delete(fileName);
    this.#sources.delete(fileName);
    this.chosenPairs = null;
    this.analysis = null;
    if (this.files.length === 0) {
      // Nothing left open: the worker and every document it held go.
      this.#client.end();
      return;
    }
    this.#client.close(fileName).catch(() => undefined);
    void this.refresh();
  }

  setLabelling(labelling: ErrorLabelling): void {
    if (labelling === this.labelling) return;
    this.labelling = labelling;
    void this.refresh();
  }

  /** One run's trajectory of a problem, from the worker, for the explorer. */
  trajectory(armId: string, repeat: number, problemId: string): Promise<Trajectory | null> {
    return this.#client.trajectory(
      this.files.map((f) => f.fileName),
      armId,
      repeat,
      problemId,
    );
  }

  /** The open file one run of a problem is in, and the arm's id there: for the explorer's link to the presenter. */
  replaySource(armId: string, repeat: number, problemId: string): Promise<ReplaySource | null> {
    return this.#client.replaySource(
      this.files.map((f) => f.fileName),
      armId,
      repeat,
      problemId,
    );
  }

  /** An open file as a whole (a copy of the worker's: only when asked). */
  async document(fileName: string): Promise<NamedResultFile | null> {
    if (!this.files.some((f) => f.fileName === fileName)) return null;
    const doc = await this.#client.document(fileName);
    return doc ? { fileName, doc } : null;
  }

  /**
   * An open file for the presenter: its finished units listed, and one unit's trajectory when the
   * show is built. Copying the whole document to the page (230 MB of heap for a 194 MB study) took
   * the presenter's thread a 1.4 s task; the list and one unit take milliseconds.
   */
  async replayable(fileName: string): Promise<ReplayableFile | null> {
    if (!this.files.some((f) => f.fileName === fileName)) return null;
    const replayable = await this.#client.replayable(fileName);
    const source = this.#sources.get(fileName);
    return replayable && source ? { ...replayable, source } : replayable;
  }

  /**
   * Computes the report for the current files and choices in the worker. Calls made meanwhile
   * share the running one and ask for one more run after it, with the choices as they are then:
   * a burst of changes costs two computations, and a late answer never overwrites a newer one.
   */
  refresh(): Promise<void> {
    if (this.files.length === 0) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.computing = true;
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          const epoch = this.#epoch;
          let result: ResultsComputation;
          try {
            result = await this.#client.compute(
              this.files.map((f) => f.fileName),
              { labelling: this.labelling, pairs: this.chosenPairs },
            );
          } catch (error) {
            result = { ok: false, message: error instanceof Error ? error.message : String(error) };
          }
          if (!this.#again && epoch === this.#epoch && this.files.length > 0) this.analysis = result;
        } while (this.#again && this.files.length > 0);
      } finally {
        this.#running = null;
        this.computing = false;
      }
    })();
    return this.#running;
  }

  /** The worker died (out of memory): its files are gone, and the page says so. */
  #lost(): void {
    this.#epoch++;
    const wasOpen = this.files.map((f) => f.fileName);
    this.files = [];
    this.#identities.clear();
    this.#sources.clear();
    this.chosenPairs = null;
    this.analysis = null;
    if (wasOpen.length > 0 && !this.reading) {
      this.failures = [{ fileName: wasOpen.join(', '), message: WORKER_LOST.message, hint: WORKER_LOST.hint, details: [] }];
    }
  }

  /**
   * The name a picked file is listed under. Opening the same file again replaces it; another file
   * that happens to share its name (a file renamed by hand, or two shards of one study exported
   * the same day at the same progress) is kept beside it as "name (2)", never silently dropped.
   */
  #nameFor(file: File, opened: readonly OpenedFileLine[]): string {
    const identity = `${file.size}:${file.lastModified}`;
    const free = (name: string) =>
      !opened.some((o) => o.fileName === name) && (!this.files.some((f) => f.fileName === name) || this.#identities.get(name) === identity);
    let name = file.name;
    for (let n = 2; !free(name); n++) name = `${file.name} (${n})`;
    this.#identities.set(name, identity);
    return name;
  }

  /** Why the table of pairs is empty, when it is: the report's own sentence. */
  get noPairsReason(): string | null {
    if (this.pairs.length > 0 || !this.analysis?.ok) return null;
    return this.analysis.report.sections.find((s) => s.id === 'pairs')?.messages[0] ?? null;
  }

  addPair(pair: ArmPair): void {
    if (pair.baselineId === pair.treatmentId) return;
    if (this.pairs.some((p) => p.baselineId === pair.baselineId && p.treatmentId === pair.treatmentId)) return;
    this.chosenPairs = [...this.pairs, pair];
    void this.refresh();
  }

  removePair(index: number): void {
    this.chosenPairs = this.pairs.filter((_, i) => i !== index);
    void this.refresh();
  }
}

/** One per tab, so coming back to the page keeps the files. */
export const resultsView = new ResultsView();
