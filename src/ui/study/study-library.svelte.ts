/**
 * The studies stored in this browser, as the study page lists them: status (an interrupted study
 * is one the store calls running while no tab runs it), counts, storage used, and what can be
 * done with each: resume, export, samples, delete. Also the import of result files, which
 * validates every file and merges shards before anything is written, and writes in one
 * transaction, so a refused import leaves the store as it was.
 */
import { countOf } from '../../core/count-text.ts';
import { DEFAULT_MAX_BYTES } from '../../core/results/result-file-limits.ts';
import { UserError } from '../../core/user-error.ts';
import type { ResultEnvironment, ResultFile } from '../../core/results/result-file.ts';
import type { StudyConfig } from '../../core/study/config.ts';
import { importResultFiles } from '../../store/study-import.ts';
import type { IdbStudyStore, StudyListing } from '../../store/study-store.ts';
import { downloadBlob } from '../analysis/download.ts';
import { noticeOf } from '../shared/notice.ts';
import { studyLocks, type RunLocks } from '../shared/run-locks.ts';
import type { Notice } from '../shared/notice.ts';
import { importProgressTeller, readResultFile } from '../shared/read-result-file.ts';
import { StoredLibrary, type ImportOutcome, type StoredLibraryDeps } from '../shared/stored-library.svelte.ts';
import { exportStoredStudy, type StudyExportKind, type StudyExportPhase } from './study-export.ts';

export interface LibraryDeps extends Pick<StoredLibraryDeps<IdbStudyStore>, 'storage' | 'keepStorage'> {
  store: () => Promise<IdbStudyStore>;
  environmentHere: (config: StudyConfig) => Promise<ResultEnvironment>;
  /** Ids of studies running in this tab: the list says so, and imports into them are refused. */
  runningHere: () => ReadonlySet<string>;
  /** Those of them paused. */
  pausedHere?: () => ReadonlySet<string>;
  /** The studies' run locks (the browser's own unless a test gives others). */
  locks?: RunLocks;
  /** The largest result file the Results page reads (DEFAULT_MAX_BYTES unless a test gives another). */
  resultsMaxBytes?: number;
}

/**
 * How far past the Results page's limit a study's estimated size must be for Open in Results to
 * refuse it before the export: the estimate comes from a sample of its steps, so one near the
 * limit is exported and measured instead.
 */
const ESTIMATE_MARGIN = 1.25;

/** The shortest gap between two progress figures of an import in the list's status line. */
const IMPORT_PROGRESS_GAP_MS = 3000;

export class StudyLibrary extends StoredLibrary<StudyListing, IdbStudyStore> {
  readonly #environmentHere: LibraryDeps['environmentHere'];
  readonly #resultsMaxBytes: number;

  constructor(deps: LibraryDeps) {
    super({ stores: deps.store, runningHere: deps.runningHere, pausedHere: deps.pausedHere, storage: deps.storage, keepStorage: deps.keepStorage }, deps.locks ?? studyLocks);
    this.#environmentHere = deps.environmentHere;
    this.#resultsMaxBytes = deps.resultsMaxBytes ?? DEFAULT_MAX_BYTES;
  }

  protected async read(store: IdbStudyStore): Promise<StudyListing[]> {
    return store.listStudies();
  }

  async remove(studyId: string): Promise<void> {
    const name = this.listings.find((l) => l.id === studyId)?.name;
    await this.removeHolding(studyId, name === undefined ? 'This study' : `The study “${name}”`, (store) => store.deleteStudy(studyId));
  }

  async exportFile(studyId: string, gzip: boolean): Promise<void> {
    await this.#export(studyId, { kind: 'result', gzip }, gzip ? 'application/gzip' : 'application/json');
  }

  async exportSamples(studyId: string, armId: string, repeat: number): Promise<void> {
    await this.#export(studyId, { kind: 'samples', armId, repeat }, 'application/x-ndjson');
  }

  /**
   * Hands the study's result file to `open` (the Results page) without a download and a pick:
   * what "export, then open the file there" does, in one step. The file is the one Export .json writes.
   */
  async openInResults(studyId: string, open: (file: File) => Promise<void>): Promise<void> {
    const maxBytes = this.#resultsMaxBytes;
    const tooBig = (bytes: number, estimated: boolean) => {
      const name = this.listings.find((l) => l.id === studyId)?.name ?? studyId;
      const size = `${estimated ? 'about ' : ''}${Math.round(bytes / 1024 ** 2).toLocaleString('en')} MB`;
      return new UserError(
        `“${name}” is ${size} as a result file${estimated ? ' (estimated from a sample of its steps)' : ''}, and the Results page reads result files up to ${maxBytes / 1024 ** 2} MB.`,
        'Open the files it was imported from together on the Results page (pick them all at once), or run feedback-lab report on its exported file, which reads files up to 500 MB.',
      );
    };
    // A study far past the limit was read back and written whole (the longest part of a large
    // export, minutes on a slow laptop) before it was refused: its size is estimated first.
    let refused = false;
    await this.act(async (store) => {
      const estimate = await store.estimateStepBytes(studyId);
      if (estimate > maxBytes * ESTIMATE_MARGIN) {
        refused = true;
        throw tooBig(estimate, true);
      }
    });
    if (refused) return;
    await this.#export(studyId, { kind: 'result', gzip: false }, 'application/json', async (file) => {
      // The Results page would refuse it naming a file the user never picked, and pointing to a resume (R164-4).
      if (file.size > maxBytes) throw tooBig(file.size, false);
      await open(file);
    });
  }

  /**
   * Exports off the page's thread, saying each phase in the list's status line; downloads the
   * file unless `deliver` takes it. A failure, `deliver`'s included, becomes the list's notice.
   */
  async #export(studyId: string, what: StudyExportKind, type: string, deliver?: (file: File) => Promise<void>): Promise<void> {
    const name = this.listings.find((l) => l.id === studyId)?.name ?? studyId;
    const said: Record<StudyExportPhase, string> = {
      reading: `Exporting “${name}”: reading its steps from this browser…`,
      writing: `Exporting “${name}”: writing the ${what.kind === 'samples' ? 'samples file' : 'JSON'}…`,
      compressing: `Exporting “${name}”: writing and compressing the JSON…`,
    };
    await this.act(async (store) => {
      const file = await exportStoredStudy(store, studyId, what, {
        environmentHere: this.#environmentHere,
        onProgress: (phase) => (this.progress = said[phase]),
      }).finally(() => (this.progress = null));
      if (deliver) await deliver(new File([file.bytes as Uint8Array<ArrayBuffer>], file.fileName, { type }));
      else downloadBlob(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type }), file.fileName);
    });
  }

  /**
   * Validates every file, merges the shards of each study, then stores them all in one
   * transaction. Any refusal (a bad file, shards that do not match, a study running here) stops
   * the import before anything is written.
   */
  async importFiles(files: readonly File[]): Promise<void> {
    await this.importWith(async (): Promise<ImportOutcome> => {
      const { mergeResultFiles } = await import('../../core/results/result-file-merge.ts');
      const read: { fileName: string; doc: ResultFile }[] = [];
      const problems: Notice[] = [];
      for (const file of files) {
        this.progress = `${file.name}: reading…`;
        try {
          read.push({ fileName: file.name, doc: await readResultFile(file, importProgressTeller(file.name, (text) => (this.progress = text))) });
        } catch (error) {
          problems.push({ fileName: file.name, ...noticeOf(error) });
        }
      }
      if (problems.length > 0) return { problems };
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
          problems.push({ fileName: names.join(', '), ...noticeOf(error) });
        }
      }
      if (problems.length > 0) return { problems };
      // Held until the import is written, so no tab starts or resumes these studies meanwhile.
      return this.holdingRunLocks(docs.map((doc) => doc.config.id), async (elsewhere): Promise<ImportOutcome> => {
        if (elsewhere.length > 0) {
          return {
            problems: docs
              .filter((doc) => elsewhere.includes(doc.config.id))
              .map((doc) => ({
                fileName: (byStudy.get(doc.config.id) ?? []).map((g) => g.fileName).join(', '),
                message: `The study “${doc.config.name}” is running or paused in another tab.`,
                hint: 'Cancel it there or close that tab (its steps stay stored; a paused run still holds the study), then import the file again.',
                details: [],
              })),
          };
        }
        const store = await this.deps.stores();
        const names = docs.length === 1 ? `“${docs[0]!.config.name}”` : `${docs.length} studies`;
        // The status line is read aloud: a 186-step file said it 21 times in a tenth of a second,
        // queued for a screen reader long after the import was over (audit R177-4). The start, at
        // most one figure every few seconds, and the end.
        let saidAt = -Infinity;
        const imported = await importResultFiles(store.db, docs, {
          busyStudyIds: this.deps.runningHere(),
          onProgress: (written, total) => {
            const now = performance.now();
            if (written > 0 && written < total && now - saidAt < IMPORT_PROGRESS_GAP_MS) return;
            saidAt = now;
            this.progress = `Storing ${names} in this browser: ${written.toLocaleString('en')} of ${total.toLocaleString('en')} steps written…`;
          },
        });
        for (const study of imported) {
          const kept = study.unitsKept > 0 ? `; ${study.unitsKept.toLocaleString('en')} already stored were kept` : '';
          const n = study.verdictConflicts;
          const conflicts =
            n > 0
              ? ` ${n.toLocaleString('en')} unit${n === 1 ? ' was' : 's were'} finished both here and in the file with different verdicts (passed in one, failed in the other): the one stored here was kept.`
              : '';
          lines.push(`${study.created ? 'Imported' : 'Added to'} “${study.name}”: ${countOf(study.unitsWritten, 'unit')} written${kept}.${conflicts}`);
        }
        return { lines };
      });
    });
  }
}
