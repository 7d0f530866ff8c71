/**
 * A stored study as a result file, at any moment (finished or not): its config, every stored
 * step and unit, and where it ran — the shards it was imported from, plus this browser when it
 * ran here. The results modules are loaded on first use: the page draws without them.
 */
import type { ResultEnvironment, ResultFile } from '../../core/results/result-file.ts';
import type { StudyConfig } from '../../core/study/config.ts';
import { UserError, type UserErrorData } from '../../core/user-error.ts';
import { runWorkerJob } from '../shared/worker-job.ts';
import type { IdbStudyStore } from '../../store/study-store.ts';

const NO_LONGER_STORED = 'This study is no longer stored here (was it deleted in another tab?).';

export async function studyResultFile(
  store: IdbStudyStore,
  studyId: string,
  environmentHere: (config: StudyConfig) => Promise<ResultEnvironment>,
): Promise<ResultFile> {
  const [{ buildResultFile, resultUnitsFromStore }, stored, record] = await Promise.all([
    import('../../core/results/result-file-build.ts'),
    store.loadStudy(studyId),
    store.studyRecord(studyId),
  ]);
  if (!stored || !record) throw new Error(NO_LONGER_STORED);
  // Where it ran here, as each run started; a study stored before those were kept gets the
  // exporting page's environment, as then.
  const recorded = record.environmentsHere ?? [];
  const ranHere = recorded.length > 0 ? recorded : record.ranHere || record.importedEnvironments.length === 0 ? [await environmentHere(stored.config)] : [];
  const served = record.servedModels ?? [];
  // What endpoints said joins the latest run here (a resumed run asks them again).
  const here = ranHere.map((environment, i) => (i === ranHere.length - 1 && served.length > 0 ? { ...environment, servedModels: served } : environment));
  const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), here.at(-1) ?? (await environmentHere(stored.config)));
  return { ...doc, environments: [...record.importedEnvironments, ...here] };
}

export interface ExportedFile {
  fileName: string;
  bytes: Uint8Array;
}

/** What is exported: the whole result file, or one arm and repeat as a samples file. */
export type StudyExportKind = { kind: 'result'; gzip: boolean } | { kind: 'samples'; armId: string; repeat: number };

/** What the export worker is asked, and what it answers. */
export interface StudyExportRequest {
  studyId: string;
  what: StudyExportKind;
  /** This browser's environment, worked out on the page (the worker sees no GPU adapter of the page's). */
  here: ResultEnvironment;
}

export type StudyExportPhase = 'reading' | 'writing' | 'compressing';

export type StudyExportWorkerReply =
  | { kind: 'progress'; phase: StudyExportPhase }
  | { kind: 'done'; file: ExportedFile }
  | { kind: 'failed'; error: UserErrorData | { message: string } };

/** The file `what` asks for, from a stored study's result file: the work the export worker does. */
export async function exportFromStore(
  store: IdbStudyStore,
  studyId: string,
  what: StudyExportKind,
  environmentHere: (config: StudyConfig) => Promise<ResultEnvironment>,
  onProgress: (phase: StudyExportPhase) => void,
): Promise<ExportedFile> {
  onProgress('reading');
  const doc = await studyResultFile(store, studyId, environmentHere);
  if (what.kind === 'samples') {
    onProgress('writing');
    const { fileName, text } = await exportSamples(doc, what.armId, what.repeat);
    return { fileName, bytes: new TextEncoder().encode(text) };
  }
  onProgress(what.gzip ? 'compressing' : 'writing');
  return exportStudy(doc, what.gzip);
}

/**
 * A stored study's result file (or samples file), written in a Web Worker (see
 * study-export-worker.ts) so that a study of 50,000 steps does not freeze the tab while it is
 * read back and written; in place where there is no Worker (unit tests).
 */
export async function exportStoredStudy(
  store: IdbStudyStore,
  studyId: string,
  what: StudyExportKind,
  options: { environmentHere: (config: StudyConfig) => Promise<ResultEnvironment>; onProgress?: (phase: StudyExportPhase) => void },
): Promise<ExportedFile> {
  const onProgress = options.onProgress ?? (() => undefined);
  if (typeof Worker === 'undefined') return exportFromStore(store, studyId, what, options.environmentHere, onProgress);
  const record = await store.studyRecord(studyId);
  if (!record) throw new Error(NO_LONGER_STORED);
  const request: StudyExportRequest = { studyId, what, here: await options.environmentHere(record.config) };
  const worker = new Worker(new URL('./study-export-worker.ts', import.meta.url), { type: 'module', name: 'study-export' });
  return runWorkerJob<StudyExportWorkerReply, ExportedFile>(worker, {
    start: (w) => w.postMessage(request),
    onReply: (reply) => {
      if (reply.kind === 'progress') onProgress(reply.phase);
      else return { value: reply.file };
    },
    notLoaded: () =>
      new UserError(
        'The export could not start: the part of the app that writes result files did not load.',
        'Reload the page and export again (the app may have been updated since this tab was opened); the study stays stored here.',
      ),
    died: (detail) => new Error(`The export stopped${detail ? `: ${detail}` : ''} (the browser may have run out of memory).`),
  });
}

export async function exportStudy(doc: ResultFile, gzip: boolean): Promise<ExportedFile> {
  const { exportResultFile, resultFileName, studyProgress } = await import('../../core/results/result-file-export.ts');
  try {
    return { fileName: resultFileName(doc.config, { gzip, progress: studyProgress(doc) }), bytes: await exportResultFile(doc, { gzip }) };
  } catch (error) {
    // A result file's JSON is one string, and no browser holds one past about 512 MB: a study
    // stored from four 255-MB shards failed after 35 s with only "Invalid string length" (R164-3).
    if (!(error instanceof RangeError)) throw error;
    throw new UserError(
      `“${doc.config.name}” is too big to write as one result file: ${doc.units.length.toLocaleString('en')} units whose JSON would pass 512 MB, the longest text a browser holds.`,
      'It stays stored here. To analyse it, open the files it was imported from together on the Results page (pick them all at once), or run feedback-lab report on them; a study run in parts is best kept as its parts’ files.',
    );
  }
}

export async function exportSamples(doc: ResultFile, armId: string, repeat: number): Promise<{ fileName: string; text: string }> {
  const { armToSamplesJsonl, samplesFileName } = await import('../../core/results/result-file-samples.ts');
  return { fileName: samplesFileName(doc, armId, repeat), text: armToSamplesJsonl(doc, armId, repeat) };
}
