/**
 * The study's released files the user loaded on the Reproduce page. Kept in memory only, for as
 * long as the tab is open (navigating away and back keeps them; nothing is stored on disk), and
 * the report recomputes from them.
 */
import { loadReleasedFiles, type ReleasedFileText } from '../../core/analysis/released-files.ts';
import { reproduceReport } from '../../core/analysis/reproduce-report.ts';

/** Seed of the bootstrap CIs, so the page shows the same intervals every time. */
export const REPRODUCE_SEED = 2604_21950;
export const REPRODUCE_REPLICATES = 10_000;

export class ReleasedFilesState {
  texts = $state.raw<ReleasedFileText[]>([]);
  reading = $state(false);
  readError = $state<string | null>(null);
  loaded = $derived(loadReleasedFiles(this.texts));
  sections = $derived(
    this.texts.length === 0 ? [] : reproduceReport(this.loaded, { seed: REPRODUCE_SEED, replicates: REPRODUCE_REPLICATES }),
  );

  /** Adds files; one with the same name as a loaded file replaces it. */
  async add(files: readonly File[]): Promise<void> {
    this.reading = true;
    this.readError = null;
    try {
      const read = await Promise.all(files.map(async (f) => ({ fileName: f.name, text: await f.text() })));
      const names = new Set(read.map((r) => r.fileName));
      this.texts = [...this.texts.filter((t) => !names.has(t.fileName)), ...read];
    } catch (error) {
      this.readError = `A file could not be read: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.reading = false;
    }
  }

  clear(): void {
    this.texts = [];
    this.readError = null;
  }
}

/** One per tab: the page reuses it when the user comes back to it. */
export const releasedFiles = new ReleasedFilesState();
