/**
 * The study's released files the user loaded on the Reproduce page, picked by hand or fetched
 * from the study's repository. Kept in this tab's memory for as long as it is open (navigating
 * away and back keeps them), and the report recomputes from them. Fetched files, verified against
 * their pinned hashes, are also kept in the benchmarks' cache so a later visit works offline.
 */
import { loadReleasedFiles, releasedFileStatus, type ReleasedFileStatus, type ReleasedFileText } from '../../core/analysis/released-files.ts';
import { reproduceReport, type ReportSection } from '../../core/analysis/reproduce-report.ts';
import { fetchBytesWithFetch, type SourceFailure } from '../../core/benchmarks/datasets.ts';
import { ReleasedFetchCancelledError, ReleasedFilesUnavailableError, fetchReleasedFiles } from '../../core/reproduce/released-sources.ts';
import { appDatasetCache } from '../datasets/dataset-cache-connection.ts';
import { runWorkerJob } from '../shared/worker-job.ts';
import type { ReproduceWorkerReply } from './reproduce-worker.ts';

/** Seed of the bootstrap CIs, so the page shows the same intervals every time. */
export const REPRODUCE_SEED = 2604_21950;
export const REPRODUCE_REPLICATES = 10_000;

export interface FetchProgress {
  done: number;
  total: number;
  fileName: string;
}

export class ReleasedFilesState {
  #texts = $state.raw<ReleasedFileText[]>([]);
  reading = $state(false);
  readError = $state<string | null>(null);
  /** While fetching from the repository: how far it got. */
  fetching = $state<FetchProgress | null>(null);
  /** Why the last fetch could not get every file (each source tried, with its reason). */
  fetchError = $state<{ message: string; failures: SourceFailure[] } | null>(null);
  /** What a cancelled fetch left: said until the next fetch or pick. */
  cancelNote = $state<string | null>(null);
  #abort: AbortController | null = null;
  /** What the worker said of the files loaded (parsed there: ~0.2 s of JSON); null until it has. */
  #fileStatus = $state.raw<ReleasedFileStatus | null>(null);
  /** The report computed in a worker for the files loaded; empty while `computing`. */
  #computed = $state.raw<ReportSection[]>([]);
  // Where there is no Worker (unit tests under Node), computed here, and only when read.
  #inPlaceLoaded = $derived(loadReleasedFiles(this.#texts));
  #inPlace = $derived(this.#texts.length === 0 ? [] : reproduceReport(this.#inPlaceLoaded, { seed: REPRODUCE_SEED, replicates: REPRODUCE_REPLICATES }));
  /** The report of the files loaded is being computed. */
  computing = $state(false);
  /** Why the report of the files loaded could not be computed, in the worker or on the page. */
  computeError = $state<string | null>(null);
  /** Counts the sets of files asked for, so a late report of earlier files is dropped. */
  #asked = 0;
  /** Ends the worker computing the report of earlier files: a bootstrap of seconds nobody will see. */
  #stopEarlier: AbortController | null = null;

  /** The report of the files loaded; empty until it is computed. */
  get sections(): ReportSection[] {
    return typeof Worker === 'undefined' ? this.#inPlace : this.#computed;
  }

  /** Which files are taken for what, which are not used, which kinds are missing; null while the files are read. */
  get files(): ReleasedFileStatus | null {
    return typeof Worker === 'undefined' ? releasedFileStatus(this.#inPlaceLoaded) : this.#fileStatus;
  }

  get texts(): ReleasedFileText[] {
    return this.#texts;
  }

  /** New files: the report is computed again from them. */
  set texts(texts: ReleasedFileText[]) {
    this.#texts = texts;
    void this.#compute(texts);
  }

  async #compute(texts: ReleasedFileText[]): Promise<void> {
    const asked = ++this.#asked;
    const options = { seed: REPRODUCE_SEED, replicates: REPRODUCE_REPLICATES };
    this.#stopEarlier?.abort();
    const stop = new AbortController();
    this.#stopEarlier = stop;
    this.computeError = null;
    if (texts.length === 0 || typeof Worker === 'undefined') {
      this.#fileStatus = null;
      this.#computed = [];
      this.computing = false;
      return;
    }
    // Not the sections or the file list of the files before: they would say a file just loaded is missing.
    this.#fileStatus = null;
    this.#computed = [];
    this.computing = true;
    let sections: ReportSection[];
    try {
      const worker = new Worker(new URL('./reproduce-worker.ts', import.meta.url), { type: 'module', name: 'reproduce' });
      sections = await runWorkerJob<ReproduceWorkerReply, ReportSection[]>(worker, {
        start: (w) => w.postMessage({ texts, options }),
        onReply: (reply) => {
          if (reply.kind === 'done') return { value: reply.sections };
          // The files are read: listed now, while the report is computed.
          if (asked === this.#asked) this.#fileStatus = reply.files;
        },
        notLoaded: () => new Error('The part of the app that computes this report did not load: reload the page.'),
        died: (detail) => new Error(`The browser stopped computing this report${detail ? ` (${detail})` : ''}: reload the page.`),
        signal: stop.signal,
      });
    } catch {
      // Files replaced since: their own computation says what there is to say.
      if (asked !== this.#asked) return;
      // No worker after all (refused, or its script gone, or it failed): the page's thread computes it, as before.
      try {
        const loaded = loadReleasedFiles(texts);
        this.#fileStatus = releasedFileStatus(loaded);
        sections = reproduceReport(loaded, options);
      } catch (error) {
        // Said, not left as "Computing…" for ever.
        this.computeError = `The report could not be computed from these files: ${error instanceof Error ? error.message : String(error)}`;
        this.computing = false;
        return;
      }
    }
    if (asked !== this.#asked) return;
    if (this.#stopEarlier === stop) this.#stopEarlier = null;
    this.#computed = sections;
    this.computing = false;
  }

  /** Adds files the user picked; one with the same name as a loaded file replaces it. */
  async add(files: readonly File[]): Promise<void> {
    this.reading = true;
    this.readError = null;
    try {
      this.#merge(await Promise.all(files.map(async (f) => ({ fileName: f.name, text: await f.text() }))));
      // Picking the files is what a failed fetch asked for; what is still missing is listed with the files.
      if (files.length > 0) {
        this.fetchError = null;
        this.cancelNote = null;
      }
    } catch (error) {
      this.readError = `A file could not be read: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.reading = false;
    }
  }

  /** Fetches the released files (this site's copy, else the study's repository); keeps whatever arrived. */
  async fetchFromRepository(baseUrl: string = import.meta.env.BASE_URL): Promise<void> {
    if (this.fetching) return;
    this.fetchError = null;
    this.cancelNote = null;
    this.fetching = { done: 0, total: 0, fileName: '' };
    const abort = new AbortController();
    this.#abort = abort;
    try {
      const cache = (await appDatasetCache()) ?? undefined;
      const { files } = await fetchReleasedFiles({
        fetchBytes: fetchBytesWithFetch,
        baseUrl,
        cache,
        signal: abort.signal,
        onProgress: (progress) => (this.fetching = progress),
      });
      this.#merge(files);
    } catch (error) {
      if (error instanceof ReleasedFetchCancelledError) {
        this.#merge(error.files);
        const kept = error.files.length;
        this.cancelNote =
          kept === 0
            ? 'Cancelled before any file arrived.'
            : `Cancelled. The ${kept === 1 ? 'file' : `${kept} files`} that had arrived ${kept === 1 ? 'is' : 'are'} kept; Load the released files fetches the rest.`;
      } else if (error instanceof ReleasedFilesUnavailableError) {
        this.#merge(error.files);
        this.fetchError = { message: error.message.split('\n')[0] ?? error.message, failures: error.failures };
      } else {
        this.fetchError = { message: error instanceof Error ? error.message : String(error), failures: [] };
      }
    } finally {
      this.#abort = null;
      this.fetching = null;
    }
  }

  /** Stops the running fetch; the files already verified are kept. */
  cancelFetch(): void {
    this.#abort?.abort();
  }

  clear(): void {
    this.texts = [];
    this.readError = null;
    this.fetchError = null;
    this.cancelNote = null;
  }

  #merge(read: readonly ReleasedFileText[]): void {
    if (read.length === 0) return;
    const names = new Set(read.map((r) => r.fileName));
    this.texts = [...this.texts.filter((t) => !names.has(t.fileName)), ...read];
  }
}

/** One per tab: the page reuses it when the user comes back to it. */
export const releasedFiles = new ReleasedFilesState();
