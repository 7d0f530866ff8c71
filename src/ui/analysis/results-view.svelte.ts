/**
 * The Results page's state: the result files the user opened, the report computed from them and
 * the user's choices (error labelling, arm pairs). The files themselves, and all the computing,
 * live in the page's results worker (results-session.ts): the page holds one line per file and
 * what it draws. Files stay open for the tab's lifetime, and come back after a reload of the tab:
 * each is kept in this browser (src/store/kept-files.ts) and the tab's session storage lists them
 * (kept-results.ts) until the user closes them.
 */
import type { ArmPair } from '../../core/analysis/pair-tables.ts';
import type { NamedResultFile } from '../../core/analysis/result-file-study.ts';
import type { ErrorLabelling } from '../../core/analysis/study-runs.ts';
import type { Trajectory } from '../../core/pipeline/trajectory.ts';
import { UserError } from '../../core/user-error.ts';
import { isQuotaError } from '../../store/kept-file-error.ts';
import type { ReplayableFile } from '../presenter/file-units.ts';
import { importProgressTeller } from '../shared/read-result-file.ts';
import { newSetId, readKeptResults, writeKeptResults, type KeptResultsFile, type KeptSetsPort } from './kept-results.ts';
import { ResultsClient, WORKER_LOST } from './results-client.ts';
import type { OpenedFileLine, ReplaySource, ResultsComputation, UnsettledRun } from './results-session.ts';

export interface FileFailure {
  fileName: string;
  message: string;
  hint: string;
  details: string[];
}

// One seed for the page and `feedback-lab report`, so a CI printed there equals the one shown here.
export { RESULTS_REPLICATES, RESULTS_SEED } from '../../core/analysis/results-report.ts';

export interface ResultsViewDeps {
  /** The tab's session storage, which lists the open files; absent: a reload starts empty. */
  storage?: Storage;
  /** Where the open files are kept in this browser; absent: a reload starts empty. */
  keptFiles?: () => Promise<KeptSetsPort>;
}

/** The browser's session storage and kept-files database, where there are (not under Node). */
function browserDeps(): ResultsViewDeps {
  let storage: Storage | undefined;
  try {
    storage = typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    // A sandboxed frame refuses storage: nothing survives a reload, the page still works.
  }
  if (!storage || typeof indexedDB === 'undefined') return {};
  let store: Promise<KeptSetsPort> | null = null;
  // Site data cleared while the page is open closes the connection: the next use opens a new one.
  const open = () => import('../../store/kept-files.ts').then((m) => m.openKeptFiles({ onTerminated: () => (store = null) }));
  return { storage, keptFiles: () => (store ??= open().catch((error: unknown) => ((store = null), Promise.reject(error)))) };
}

/** A file to read: picked, or reopened after a reload under the name and key it had. */
interface Reading {
  file: File;
  name?: string;
  key?: string | null;
}

/** Said while the worker computes the report, on opening files and on every change of choice. */
export const COMPUTING = 'Computing the tables and figures…';

export class ResultsView {
  files = $state.raw<OpenedFileLine[]>([]);
  failures = $state.raw<FileFailure[]>([]);
  reading = $state(false);
  /** What the file being read is doing (decompressing, parsing, checking), while `reading`. */
  progress = $state<string | null>(null);
  /**
   * Said once the last read is over and its report is drawn ("Opened big.json.gz; its report is
   * below."): the status line went from "Computing…" to nothing, and a screen reader heard no end.
   * Null while reading, and after a read that opened nothing (each failure has its own alert).
   */
  opened = $state<string | null>(null);
  labelling = $state<ErrorLabelling>('exception');
  /** Chosen pairs; null until the user changes them (every arm against the first). */
  chosenPairs = $state.raw<ArmPair[] | null>(null);
  /** The report and the explorer's rows for the open files and the choices; null while none is computed for these files. */
  analysis = $state.raw<ResultsComputation | null>(null);
  /** The worker is computing the report for the current files and choices (the one shown, if any, is older). */
  computing = $state(false);
  /** Why a file open here will not come back after a reload (storage full or refused); null when every file is kept. */
  keepProblem = $state<string | null>(null);
  /** Size and modification time of each open file, by the name it is listed under. */
  readonly #identities = new Map<string, string>();
  /** Each open file as picked (a handle on disk, not its bytes), for the presenter to keep. */
  readonly #sources = new Map<string, Blob>();
  readonly #client = new ResultsClient(() => this.#lost());
  readonly #deps: ResultsViewDeps;
  /** This tab's set in the kept-files store; null until a file is kept (and again once all are closed). */
  #set: string | null = null;
  /** The file each stored study's "Open in Results" opened, by study id (openStoredStudy). */
  readonly #fromStudies = new Map<string, string>();
  /** What a reload needs of each open file, by the name it is listed under. */
  readonly #kept = new Map<string, KeptResultsFile>();
  /** Files picked and not yet open: listed for a reload by name, since they have no copy to come back from. */
  readonly #unread = new Set<File>();
  #restoreTried = false;
  /** Counts the worker's losses, so a file read before one is not listed after it. */
  #epoch = 0;
  #running: Promise<void> | null = null;
  #again = false;

  pairs = $derived(this.chosenPairs ?? (this.analysis?.ok ? this.analysis.report.pairs : []));
  arms = $derived(this.analysis?.ok ? this.analysis.arms : []);

  constructor(deps: ResultsViewDeps = browserDeps()) {
    this.#deps = deps;
  }

  open(picked: readonly File[]): Promise<void> {
    return this.#read(picked.map((file) => ({ file })));
  }

  /**
   * A stored study's file, from its card's "Open in Results": it replaces the copy of that study
   * opened this way before, which would otherwise be merged with it as a second file (a study
   * opened while cancelled, resumed to its end and opened again). Files of the study picked by
   * hand (a colleague's shard) stay open.
   */
  async openStoredStudy(file: File, studyId: string): Promise<void> {
    const earlier = this.#fromStudies.get(studyId);
    if (earlier !== undefined && this.files.some((f) => f.fileName === earlier)) this.remove(earlier);
    const before = new Set(this.files.map((f) => f.fileName));
    await this.open([file]);
    const added = this.files.find((f) => !before.has(f.fileName) && f.studyId === studyId);
    if (added) this.#fromStudies.set(studyId, added.fileName);
  }

  /**
   * After a reload of the tab: reopens the files it had open, in their order and under their
   * names, with the comparison settings chosen then. A file whose kept copy is gone is named, with
   * what to do. Once per page load, and only onto an empty page.
   */
  async restore(): Promise<void> {
    if (this.#restoreTried) return;
    this.#restoreTried = true;
    const saved = readKeptResults(this.#deps.storage);
    if (!saved || (saved.files.length === 0 && saved.reading.length === 0) || this.files.length > 0 || this.reading) return;
    this.#set = saved.set;
    this.reading = true;
    if (saved.files.length > 0) this.progress = `Reopening the ${saved.files.length === 1 ? 'file' : `${saved.files.length} files`} open here before the page was reloaded…`;
    const found: Reading[] = [];
    const missing: FileFailure[] = [];
    let store: KeptSetsPort | undefined;
    try {
      store = await this.#deps.keptFiles?.();
    } catch {
      store = undefined;
    }
    for (const entry of saved.files) {
      let kept: { blob: Blob } | null = null;
      // The store could not be opened or read: the copy may be there, so "no longer kept" would be wrong.
      let unreadable = entry.key !== null && !store;
      try {
        kept = entry.key && store ? await store.get(entry.key) : null;
      } catch {
        kept = null;
        unreadable = true;
      }
      if (kept) found.push({ file: new File([kept.blob], entry.fileName, { lastModified: entry.lastModified }), name: entry.name, key: entry.key });
      else
        missing.push({
          fileName: entry.name,
          message: unreadable
            ? 'It was open here before the page was reloaded, but this site’s storage in this browser could not be opened (a private window, or storage blocked for this site), so its copy could not be read back.'
            : entry.refused
              ? `It was open here before the page was reloaded, but it could not be kept in this browser (${entry.refused}), so it was not reopened.`
              : entry.key
                ? 'It was open here before the page was reloaded, but its copy is no longer kept in this browser (site data cleared, or files opened in other tabs since took its place), so it was not reopened.'
                : 'It was open here before the page was reloaded, but its copy was not yet written when the page was reloaded, so it was not reopened.',
          hint: `Open ${entry.fileName} here again.`,
          details: [],
        });
    }
    // Side by side, arms are numbered by their study's place: with a file missing, the pairs chosen would name other arms.
    // A file still being read was not among them, so it leaves them standing.
    const pairs = missing.length === 0 ? saved.pairs : null;
    for (const fileName of new Set(saved.reading)) {
      if (missing.some((m) => m.fileName === fileName)) continue;
      missing.push({
        fileName,
        message: 'It was still being read when the page was reloaded, so it is not open.',
        hint: `Open ${fileName} here again.`,
        details: [],
      });
    }
    await this.#read(found, { labelling: saved.labelling, pairs }, missing);
    this.#save();
  }

  /** Closes every open file and forgets the copies kept in this browser for a reload. */
  closeAll(): void {
    const set = this.#set;
    this.files = [];
    // Else read in the page's text after the files are gone.
    this.opened = null;
    this.#fromStudies.clear();
    this.failures = [];
    this.#forget();
    this.chosenPairs = null;
    this.analysis = null;
    this.#client.end();
    if (set) void this.#release(set);
  }

  async #read(picked: readonly Reading[], restored: { labelling: ErrorLabelling; pairs: ArmPair[] | null } | null = null, failuresBefore: FileFailure[] = []): Promise<void> {
    this.reading = true;
    this.opened = null;
    // Reopened ones are listed already; a picked one is listed as being read until it opens.
    const picking = picked.filter((r) => !r.key).map((r) => r.file);
    for (const file of picking) this.#unread.add(file);
    if (picking.length > 0) this.#save();
    try {
      const failures: FileFailure[] = [...failuresBefore];
      const opened: (OpenedFileLine & { epoch: number; reading: Reading })[] = [];
      for (const reading of picked) {
        const { file } = reading;
        try {
          this.progress = `${file.name}: reading…`;
          const fileName = reading.name ?? this.#nameFor(file, opened);
          if (reading.name) this.#identities.set(fileName, `${file.size}:${file.lastModified}`);
          const line = await this.#client.open(fileName, file, importProgressTeller(file.name, (text) => (this.progress = text)));
          opened.push({ ...line, epoch: this.#epoch, reading });
          this.#sources.set(fileName, file);
        } catch (error) {
          failures.push(
            error instanceof UserError
              ? { fileName: file.name, message: error.message, hint: error.hint, details: error.details }
              : { fileName: file.name, message: error instanceof Error ? error.message : String(error), hint: '', details: [] },
          );
        }
      }
      const current = opened.filter((o) => o.epoch === this.#epoch);
      const kept = current.map(({ epoch: _, reading: __, ...line }) => line);
      this.failures = failures;
      if (kept.length > 0) {
        this.progress = COMPUTING;
        const names = new Set(kept.map((o) => o.fileName));
        this.files = [...this.files.filter((f) => !names.has(f.fileName)), ...kept];
        if (restored) this.labelling = restored.labelling;
        this.chosenPairs = restored?.pairs ?? null;
        this.analysis = null;
        for (const { fileName, reading } of current) {
          if (reading.key) this.#kept.set(fileName, { name: fileName, fileName: reading.file.name, lastModified: reading.file.lastModified, key: reading.key });
          else void this.#keep(fileName, reading.file);
        }
        for (const file of picking) this.#unread.delete(file);
        this.#save();
        await this.refresh();
        // A report that could not be computed says so in its own alert. (refresh() sets the analysis
        // that was reset above: TypeScript cannot see that.)
        if ((this.analysis as ResultsComputation | null)?.ok) this.opened = `Opened ${kept.length === 1 ? kept[0]!.fileName : `${kept.length} files`}; ${kept.length === 1 ? 'its' : 'their'} report is below.`;
      }
    } finally {
      // None opened (each failed, and says why): the tab's list must not name them as still being read.
      if (picking.some((file) => this.#unread.has(file))) {
        for (const file of picking) this.#unread.delete(file);
        this.#save();
      }
      this.reading = false;
      this.progress = null;
    }
  }

  remove(fileName: string): void {
    for (const [studyId, name] of this.#fromStudies) if (name === fileName) this.#fromStudies.delete(studyId);
    if (this.files.length === 1 && this.files[0]!.fileName === fileName) return this.closeAll();
    this.files = this.files.filter((f) => f.fileName !== fileName);
    this.opened = null;
    this.#identities.delete(fileName);
    this.#sources.delete(fileName);
    const key = this.#kept.get(fileName)?.key;
    this.#kept.delete(fileName);
    if (key && this.#set) void this.#release(this.#set, [key]);
    this.chosenPairs = null;
    this.analysis = null;
    this.#save();
    this.#client.close(fileName).catch(() => undefined);
    void this.refresh();
  }

  setLabelling(labelling: ErrorLabelling): void {
    if (labelling === this.labelling) return;
    this.labelling = labelling;
    this.#save();
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

  /** One run of a problem without a verdict, as the open files recorded it (errored or unfinished), for the explorer. */
  unsettled(armId: string, repeat: number, problemId: string): Promise<UnsettledRun | null> {
    return this.#client.unsettled(
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
    const set = this.#set;
    this.files = [];
    // Else read in the page's text after the files are gone.
    this.opened = null;
    // Closed, as the page says: a reload would only read them into the same lack of memory.
    this.#forget();
    if (set) void this.#release(set);
    this.chosenPairs = null;
    this.analysis = null;
    if (wasOpen.length > 0 && !this.reading) {
      this.failures = [{ fileName: wasOpen.join(', '), message: WORKER_LOST.message, hint: WORKER_LOST.hint, details: [] }];
    }
  }

  /** Keeps a file just opened in this browser, so a reload of the tab reopens it; says so when it cannot. */
  async #keep(name: string, file: File): Promise<void> {
    const entry: KeptResultsFile = { name, fileName: file.name, lastModified: file.lastModified, key: null };
    this.#kept.set(name, entry);
    const set = (this.#set ??= newSetId());
    try {
      const store = await this.#deps.keptFiles?.();
      if (!store) return;
      const key = await store.keepForSet(set, file.name, file);
      if (this.#kept.get(name) === entry && this.#set === set) {
        entry.key = key;
        this.#save();
      } else if (![...this.#kept.values()].some((e) => e.key === key)) {
        // Closed while it was written: let go of it at once.
        await store.release(set, [key]);
      }
    } catch (error) {
      if (this.#kept.get(name) !== entry) return;
      const why = isQuotaError(error) ? 'this browser has no room left for it' : 'this browser refused to store it';
      // Listed for a reload all the same (the pairs chosen count its arms), with the reason.
      entry.refused = why;
      this.#save();
      this.keepProblem = `${name} could not be kept in this browser (${why}): it stays open in this tab, but after a reload it must be opened again.`;
    }
  }

  /** Writes the tab's list of open files and the choices made, for a reload. */
  #save(): void {
    const files = this.files.flatMap((f) => this.#kept.get(f.fileName) ?? []);
    const reading = [...new Set([...this.#unread].map((file) => file.name))];
    const pairs = this.chosenPairs ? this.chosenPairs.map((p) => ({ baselineId: p.baselineId, treatmentId: p.treatmentId })) : null;
    if (files.length === 0 && reading.length === 0) {
      writeKeptResults(this.#deps.storage, null);
      return;
    }
    // The tab's first file, while it is read, is listed before any copy is kept: the entry needs its set's id already.
    const set = (this.#set ??= newSetId());
    writeKeptResults(this.#deps.storage, { set, files, reading, labelling: this.labelling, pairs });
  }

  /** Forgets every open file's name, source and kept copy's key, and the tab's list of them. */
  #forget(): void {
    this.#identities.clear();
    this.#sources.clear();
    this.#kept.clear();
    this.#set = null;
    this.keepProblem = null;
    writeKeptResults(this.#deps.storage, null);
  }

  async #release(set: string, keys?: readonly string[]): Promise<void> {
    try {
      await (await this.#deps.keptFiles?.())?.release(set, keys);
    } catch {
      // The copies stay until newer sets push them out (KEPT_SETS_LIMIT).
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
    this.#save();
    void this.refresh();
  }

  removePair(index: number): void {
    this.chosenPairs = this.pairs.filter((_, i) => i !== index);
    this.#save();
    void this.refresh();
  }
}

/** One per tab, so coming back to the page keeps the files. */
export const resultsView = new ResultsView();
