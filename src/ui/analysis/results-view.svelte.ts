/**
 * The Results page's state: the result files the user opened (validated by the results module's
 * importer, loaded lazily because it brings zod), the analysis input built from them, and the
 * user's choices (error labelling, arm pairs). Files stay in memory for the tab's lifetime.
 */
import { defaultPairs, type ArmPair } from '../../core/analysis/pair-tables.ts';
import { studiesFromResultFiles, type LoadedStudies, type NamedResultFile } from '../../core/analysis/result-file-study.ts';
import type { ErrorLabelling } from '../../core/analysis/study-runs.ts';
import { UserError } from '../../core/user-error.ts';
import { describeImportProgress, readResultFile } from '../shared/read-result-file.ts';

export interface FileFailure {
  fileName: string;
  message: string;
  hint: string;
  details: string[];
}

// One seed for the page and `feedback-lab report`, so a CI printed there equals the one shown here.
export { RESULTS_REPLICATES, RESULTS_SEED } from '../../core/analysis/results-report.ts';

export class ResultsView {
  files = $state.raw<NamedResultFile[]>([]);
  failures = $state.raw<FileFailure[]>([]);
  reading = $state(false);
  /** What the file being read is doing (decompressing, parsing, checking), while `reading`. */
  progress = $state<string | null>(null);
  labelling = $state<ErrorLabelling>('exception');
  /** Chosen pairs; null until the user changes them (every arm against the first). */
  chosenPairs = $state.raw<ArmPair[] | null>(null);
  /** Size and modification time of each open file, by the name it is listed under. */
  readonly #identities = new Map<string, string>();

  analysis = $derived.by((): { ok: true; value: LoadedStudies } | { ok: false; message: string } | null => {
    if (this.files.length === 0) return null;
    try {
      return { ok: true, value: studiesFromResultFiles(this.files) };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  });
  pairs = $derived(
    this.chosenPairs ?? (this.analysis?.ok ? defaultPairs(this.analysis.value.study) : []),
  );

  async open(picked: readonly File[]): Promise<void> {
    this.reading = true;
    try {
      const failures: FileFailure[] = [];
      const opened: NamedResultFile[] = [];
      for (const file of picked) {
        try {
          this.progress = `${file.name}: reading…`;
          const doc = await readResultFile(file, (progress) => (this.progress = describeImportProgress(file.name, progress)));
          opened.push({ fileName: this.#nameFor(file, opened), doc });
        } catch (error) {
          failures.push(
            error instanceof UserError
              ? { fileName: file.name, message: error.message, hint: error.hint, details: error.details }
              : { fileName: file.name, message: error instanceof Error ? error.message : String(error), hint: '', details: [] },
          );
        }
      }
      if (opened.length > 0) {
        // Rebuilding a big file's document took the page's thread one long task; the tables are
        // another. Between the two the page draws once, saying what comes next.
        this.progress = 'Computing the tables and figures…';
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      const names = new Set(opened.map((o) => o.fileName));
      this.files = [...this.files.filter((f) => !names.has(f.fileName)), ...opened];
      this.failures = failures;
      this.chosenPairs = null;
    } finally {
      this.reading = false;
      this.progress = null;
    }
  }

  remove(fileName: string): void {
    this.files = this.files.filter((f) => f.fileName !== fileName);
    this.#identities.delete(fileName);
    this.chosenPairs = null;
  }

  /**
   * The name a picked file is listed under. Opening the same file again replaces it; another file
   * that happens to share its name (exports are named by study and date, so two shards or two runs
   * of one study often do) is kept beside it as "name (2)", never silently dropped.
   */
  #nameFor(file: File, opened: readonly NamedResultFile[]): string {
    const identity = `${file.size}:${file.lastModified}`;
    const free = (name: string) =>
      !opened.some((o) => o.fileName === name) && (!this.files.some((f) => f.fileName === name) || this.#identities.get(name) === identity);
    let name = file.name;
    for (let n = 2; !free(name); n++) name = `${file.name} (${n})`;
    this.#identities.set(name, identity);
    return name;
  }

  /** Why the table of pairs is empty, when it is: one arm only, or the user removed every pair. */
  get noPairsReason(): string | null {
    if (this.pairs.length > 0 || !this.analysis?.ok) return null;
    if (this.analysis.value.study.arms.length < 2) return 'A study with one arm has nothing to compare.';
    return this.chosenPairs === null
      ? 'The open studies share no problems (another benchmark or subset) and each has one arm, so nothing is compared by default: ' +
          'pick a baseline and a treatment above, then press Add pair.'
      : 'No pair is chosen (every pair was removed): pick a baseline and a treatment above, then press Add pair.';
  }

  addPair(pair: ArmPair): void {
    if (pair.baselineId === pair.treatmentId) return;
    if (this.pairs.some((p) => p.baselineId === pair.baselineId && p.treatmentId === pair.treatmentId)) return;
    this.chosenPairs = [...this.pairs, pair];
  }

  removePair(index: number): void {
    this.chosenPairs = this.pairs.filter((_, i) => i !== index);
  }
}

/** One per tab, so coming back to the page keeps the files. */
export const resultsView = new ResultsView();
