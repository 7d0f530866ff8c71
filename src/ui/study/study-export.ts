/**
 * A stored study as a result file, at any moment (finished or not): its config, every stored
 * step and unit, and where it ran — the shards it was imported from, plus this browser when it
 * ran here. The results modules are loaded on first use: the page draws without them.
 */
import type { ResultEnvironment, ResultFile } from '../../core/results/result-file.ts';
import type { StudyConfig } from '../../core/study/config.ts';
import type { IdbStudyStore } from '../../store/study-store.ts';

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
  if (!stored || !record) throw new Error('This study is no longer stored here (was it deleted in another tab?).');
  const here = await environmentHere(stored.config);
  const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), here);
  const environments = [...record.importedEnvironments, ...(record.ranHere || record.importedEnvironments.length === 0 ? [here] : [])];
  return { ...doc, environments };
}

export interface ExportedFile {
  fileName: string;
  bytes: Uint8Array;
}

export async function exportStudy(doc: ResultFile, gzip: boolean): Promise<ExportedFile> {
  const { exportResultFile, resultFileName } = await import('../../core/results/result-file-export.ts');
  return { fileName: resultFileName(doc.config.name, { gzip }), bytes: await exportResultFile(doc, { gzip }) };
}

export async function exportSamples(doc: ResultFile, armId: string, repeat: number): Promise<{ fileName: string; text: string }> {
  const { armToSamplesJsonl, samplesFileName } = await import('../../core/results/result-file-samples.ts');
  return { fileName: samplesFileName(doc, armId, repeat), text: armToSamplesJsonl(doc, armId, repeat) };
}
