/**
 * The studies stored in this browser, as the study page lists them: status (an interrupted study
 * is one the store calls running while no tab runs it), counts, storage used, and what can be
 * done with each: resume, export, samples, delete. Also the import of result files, which
 * validates every file and merges shards before anything is written, and writes in one
 * transaction, so a refused import leaves the store as it was.
 */
import type { ResultEnvironment, ResultFile } from '../../core/results/result-file.ts';
import type { StudyConfig } from '../../core/study/config.ts';
import { UserError } from '../../core/user-error.ts';
import { storageEstimate, type StorageEstimate } from '../../store/storage-estimate.ts';
import { importResultFiles } from '../../store/study-import.ts';
import type { IdbStudyStore, StudyListing } from '../../store/study-store.ts';
import { downloadBlob, downloadText } from '../analysis/download.ts';
import { studyLocks } from '../shared/run-locks.ts';
import { exportSamples, exportStudy, studyResultFile } from './study-export.ts';
import { coalescedTask } from '../coalesced-task.ts';

/** What the list shows as a study's state. */
export type ListedState = 'running here' | 'running in another tab' | 'interrupted' | 'paused' | 'cancelled' | 'done';

export interface StudyNotice {
  /** The file it concerns, when one. */
  fileName?: string;
  message: string;
  hint: string;
  details: string[];
}

export interface ImportReport {
  lines: string[];
}

export interface LibraryDeps {
  store: () => Promise<IdbStudyStore>;
  environmentHere: (config: StudyConfig) => Promise<ResultEnvironment>;
  /** Ids of studies running in this tab: the list says so, and imports into them are refused. */
  runningHere: () => ReadonlySet<string>;
}

export class StudyLibrary {
  studies = $state.raw<StudyListing[]>([]);
  elsewhere = $state.raw<ReadonlySet<string>>(new Set());
  storage = $state.raw<StorageEstimate | null>(null);
  loaded = $state(false);
  /** Why the last action failed (a store that cannot open, an export that broke). */
  problem = $state.raw<StudyNotice | null>(null);
  importing = $state(false);
  importProblems = $state.raw<StudyNotice[]>([]);
  importReport = $state.raw<ImportReport | null>(null);

  readonly #deps: LibraryDeps;

  constructor(deps: LibraryDeps) {
    this.#deps = deps;
  }

  state(listing: StudyListing): ListedState {
    if (this.#deps.runningHere().has(listing.id)) return 'running here';
    if (this.elsewhere.has(listing.id)) return 'running in another tab';
    if (listing.status === 'running') return 'interrupted';
    return listing.status;
  }

  /** Reads the list again; calls during a refresh coalesce into one more. */
  readonly refresh: () => Promise<void> = coalescedTask(() => this.#refresh());

  async #refresh(): Promise<void> {
    try {
      const store = await this.#deps.store();
      const [studies, elsewhere, storage] = await Promise.all([
        store.listStudies(),
        studyLocks.heldAnywhere(),
        storageEstimate().catch(() => null),
      ]);
      for (const id of this.#deps.runningHere()) elsewhere.delete(id);
      this.studies = studies;
      this.elsewhere = elsewhere;
      this.storage = storage;
    } catch (error) {
      this.problem = asNotice(error);
    } finally {
      this.loaded = true;
    }
  }

  async remove(studyId: string): Promise<void> {
    await this.#act(async (store) => store.deleteStudy(studyId));
  }

  async exportFile(studyId: string, gzip: boolean): Promise<void> {
    await this.#act(async (store) => {
      const file = await exportStudy(await studyResultFile(store, studyId, this.#deps.environmentHere), gzip);
      downloadBlob(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: gzip ? 'application/gzip' : 'application/json' }), file.fileName);
    });
  }

  async exportSamples(studyId: string, armId: string, repeat: number): Promise<void> {
    await this.#act(async (store) => {
      const file = await exportSamples(await studyResultFile(store, studyId, this.#deps.environmentHere), armId, repeat);
      downloadText(file.text, file.fileName, 'application/x-ndjson');
    });
  }

  /**
   * Validates every file, merges the shards of each study, then stores them all in one
   * transaction. Any refusal (a bad file, shards that do not match, a study running here) stops
   * the import before anything is written.
   */
  async importFiles(files: readonly File[]): Promise<void> {
    this.importing = true;
    this.importProblems = [];
    this.importReport = null;
    try {
      const [{ importResultFile }, { mergeResultFiles }] = await Promise.all([
        import('../../core/results/result-file-import.ts'),
        import('../../core/results/result-file-merge.ts'),
      ]);
      const problems: StudyNotice[] = [];
      const read: { fileName: string; doc: ResultFile }[] = [];
      for (const file of files) {
        try {
          read.push({ fileName: file.name, doc: await importResultFile(new Uint8Array(await file.arrayBuffer())) });
        } catch (error) {
          problems.push({ fileName: file.name, ...asNotice(error) });
        }
      }
      if (problems.length > 0) {
        this.importProblems = problems;
        return;
      }
      const byStudy = new Map<string, typeof read>();
      for (const entry of read) byStudy.set(entry.doc.config.id, [...(byStudy.get(entry.doc.config.id) ?? []), entry]);
      const lines: string[] = [];
      const docs: ResultFile[] = [];
      for (const group of byStudy.values()) {
        if (group.length === 1) {
          docs.push(group[0]!.doc);
          continue;
        }
        const names = group.map((g) => g.fileName);
        try {
          const merged = mergeResultFiles(group.map((g) => g.doc), { names });
          docs.push(merged.doc);
          lines.push(merged.report.summary);
        } catch (error) {
          problems.push({ fileName: names.join(', '), ...asNotice(error) });
        }
      }
      if (problems.length > 0) {
        this.importProblems = problems;
        return;
      }
      const store = await this.#deps.store();
      const imported = await importResultFiles(store.db, docs, { busyStudyIds: this.#deps.runningHere() });
      for (const study of imported) {
        const kept = study.unitsKept > 0 ? `; ${study.unitsKept} already stored were kept` : '';
        lines.push(`${study.created ? 'Imported' : 'Added to'} “${study.name}”: ${study.unitsWritten} units written${kept}.`);
      }
      this.importReport = { lines };
    } catch (error) {
      this.importProblems = [asNotice(error)];
    } finally {
      this.importing = false;
      await this.refresh();
    }
  }

  async #act(action: (store: IdbStudyStore) => Promise<void>): Promise<void> {
    this.problem = null;
    try {
      await action(await this.#deps.store());
    } catch (error) {
      this.problem = asNotice(error);
    }
    await this.refresh();
  }
}

function asNotice(error: unknown): StudyNotice {
  if (error instanceof UserError) return { message: error.message, hint: error.hint, details: error.details };
  return { message: error instanceof Error ? error.message : String(error), hint: '', details: [] };
}
