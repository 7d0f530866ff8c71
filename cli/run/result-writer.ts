/**
 * Writes the study's result file from the store, whole and atomically (a temporary file renamed
 * over the old one), so the file on disk is always a complete, importable document: after the
 * study, after Ctrl+C, and every so often while it runs, so that a crash loses little and
 * `--resume` has something to continue from.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import type { StudyStore } from '../../src/core/ports.ts';
import { buildResultFile, resultUnitsFromStore } from '../../src/core/results/result-file-build.ts';
import { exportResultFile } from '../../src/core/results/result-file-export.ts';
import type { ResultEnvironment } from '../../src/core/results/result-file.ts';

export interface ResultWriterOptions {
  path: string;
  store: StudyStore;
  studyId: string;
  /** Where this run happened; called at each write, so the time is the write's. */
  environment: () => ResultEnvironment;
  /** Environments of earlier runs of the same study (a resumed file's), kept in front. */
  earlierEnvironments?: readonly ResultEnvironment[];
}

export interface ResultWriter {
  readonly path: string;
  /** Writes the file now; writes never overlap, and each reflects the store when it starts. */
  write(): Promise<void>;
  /** Rewrites the file every `intervalMs` while `changed()` says there is something new. */
  startCheckpoints(intervalMs: number, changed: () => boolean, onError: (error: unknown) => void): () => void;
}

export function createResultWriter(options: ResultWriterOptions): ResultWriter {
  let queue: Promise<void> = Promise.resolve();
  const writeNow = async () => {
    const stored = await options.store.loadStudy(options.studyId);
    if (!stored) throw new Error(`The study "${options.studyId}" is not in the store.`);
    const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), options.environment());
    doc.environments = [...(options.earlierEnvironments ?? []), ...doc.environments];
    const bytes = await exportResultFile(doc, { gzip: options.path.endsWith('.gz') });
    const temporary = `${options.path}.${process.pid}.partial`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, options.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  };
  const write = () => {
    const next = queue.then(writeNow);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    path: options.path,
    write,
    startCheckpoints(intervalMs, changed, onError) {
      const timer = setInterval(() => {
        if (changed()) write().catch(onError);
      }, intervalMs);
      // A checkpoint must never keep the process alive by itself.
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
