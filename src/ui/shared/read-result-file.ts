/**
 * A picked result file, imported (validated, see core/results/result-file-import.ts) in a Web
 * Worker of its own, with each phase reported: the Results page and the study list both open
 * files of 100-200 MB, which froze the tab for seconds when read on the page's thread. Where
 * there is no Worker (unit tests under Node) the same import runs in place.
 */
import { countText } from '../../core/count-text.ts';
import type { ImportProgress } from '../../core/results/result-file-import.ts';
import type { ResultFile } from '../../core/results/result-file.ts';
import { UserError, type UserErrorData } from '../../core/user-error.ts';
import { runWorkerJob } from './worker-job.ts';

export type ResultFileWorkerReply =
  | { kind: 'progress'; progress: ImportProgress }
  | { kind: 'done'; doc: ResultFile }
  /** The document went to the port it was given. */
  | { kind: 'sent' }
  | { kind: 'failed'; error: UserErrorData | { message: string } };

/** What the reading worker sends to a port it was given: the document, or why there is none. */
export type ResultFilePortMessage = { kind: 'done'; doc: ResultFile } | { kind: 'failed'; error: UserErrorData | { message: string } };

export async function readResultFile(file: Blob, onProgress: (progress: ImportProgress) => void = () => undefined): Promise<ResultFile> {
  if (typeof Worker === 'undefined') {
    const { importResultFile, refuseOversizedFile } = await import('../../core/results/result-file-import.ts');
    refuseOversizedFile(file.size);
    const { APP_VERSION } = await import('../environment.ts');
    return importResultFile(new Uint8Array(await file.arrayBuffer()), { appVersion: APP_VERSION, onProgress });
  }
  return (await readInWorker(file, onProgress)) as ResultFile;
}

/**
 * Reads a file in a worker of its own and sends the document to `port` (another worker's), not
 * to the page: resolves once it is sent, rejects as readResultFile does. The reading worker ends
 * then, and with it the bytes, the text and the parse's garbage. Needs Worker.
 */
export async function sendResultFile(file: Blob, port: MessagePort, onProgress: (progress: ImportProgress) => void): Promise<void> {
  await readInWorker(file, onProgress, port);
}

async function readInWorker(file: Blob, onProgress: (progress: ImportProgress) => void, port?: MessagePort): Promise<ResultFile | null> {
  const worker = new Worker(new URL('./result-file-worker.ts', import.meta.url), { type: 'module', name: 'result-file' });
  return runWorkerJob<ResultFileWorkerReply, ResultFile | null>(worker, {
    start: (w) => (port ? w.postMessage({ file, port }, [port]) : w.postMessage({ file })),
    onReply: (reply) => {
      if (reply.kind === 'progress') onProgress(reply.progress);
      else if (reply.kind === 'done') return { value: reply.doc };
      else return { value: null };
    },
    notLoaded: () =>
      new UserError(
        'The browser could not start reading this file: the part of the app that reads result files did not load.',
        'Reload the page and pick the file again (the app may have been updated since this tab was opened).',
      ),
    // A worker that dies (out of memory on a huge file) says little; the page says what to do.
    died: (detail) =>
      new UserError(
        'The browser stopped reading this file (it may have run out of memory).',
        'Close other tabs and try again. If the study was run in parts, open the parts’ files instead of one merged file; the command line reads files up to 500 MB (feedback-lab report FILE analyses one).',
        detail ? [detail] : [],
      ),
  });
}

/** "Decompressing: 48 MB so far", "Checking 17,080 units (47,742 steps)": what the page shows while a file is read. */
export function describeImportProgress(fileName: string, progress: ImportProgress): string {
  // Not toLocaleString: its first call loads ICU on the page's thread (count-text.ts).
  const mb = (bytes: number) => `${countText(Math.round(bytes / (1024 * 1024)))} MB`;
  switch (progress.phase) {
    case 'decompressing':
      return `${fileName}: decompressing (${mb(progress.bytes)} so far)…`;
    case 'parsing':
      return `${fileName}: reading ${mb(progress.bytes)} of JSON…`;
    case 'checking':
      return `${fileName}: checking ${countText(progress.units)} units (${countText(progress.steps)} steps)…`;
  }
}

/** Least time between two figures of one phase of a file's reading (see importProgressTeller). */
export const IMPORT_PROGRESS_GAP_MS = 3000;

/**
 * A listener for a file's reading that tells `say` what to show in a status line. Status lines are
 * read aloud, and decompressing a 79 MB file gave five figures in a quarter of a second, each one
 * more sentence queued long after the file was open (audit R199). Each phase is said at once; its
 * figures at most every IMPORT_PROGRESS_GAP_MS.
 */
export function importProgressTeller(fileName: string, say: (text: string) => void, now: () => number = () => performance.now()): (progress: ImportProgress) => void {
  let said: { phase: ImportProgress['phase']; at: number } | null = null;
  return (progress) => {
    const at = now();
    if (said?.phase === progress.phase && at - said.at < IMPORT_PROGRESS_GAP_MS) return;
    said = { phase: progress.phase, at };
    say(describeImportProgress(fileName, progress));
  };
}
