/**
 * A picked result file, imported (validated, see core/results/result-file-import.ts) in a Web
 * Worker of its own, with each phase reported: the Results page and the study list both open
 * files of 100-200 MB, which froze the tab for seconds when read on the page's thread. Where
 * there is no Worker (unit tests under Node) the same import runs in place.
 */
import type { ImportProgress } from '../../core/results/result-file-import.ts';
import type { ResultFile } from '../../core/results/result-file.ts';
import { isUserErrorData, UserError, type UserErrorData } from '../../core/user-error.ts';

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
    const { importResultFile } = await import('../../core/results/result-file-import.ts');
    return importResultFile(new Uint8Array(await file.arrayBuffer()), { onProgress });
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
  try {
    return await new Promise<ResultFile | null>((resolve, reject) => {
      let heard = false;
      worker.addEventListener('message', (event: MessageEvent<ResultFileWorkerReply>) => {
        heard = true;
        const message = event.data;
        if (message.kind === 'progress') onProgress(message.progress);
        else if (message.kind === 'done') resolve(message.doc);
        else if (message.kind === 'sent') resolve(null);
        else reject(isUserErrorData(message.error) ? new UserError(message.error.message, message.error.hint, message.error.details) : new Error(message.error.message));
      });
      // A worker that dies (out of memory on a huge file) says little; the page says what to do.
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        // A worker script that never loaded (a tab left open across a new deploy, whose old chunk is
        // gone) fires a bare Event before saying anything: memory has nothing to do with it.
        if (!heard && !(event instanceof ErrorEvent && event.message)) {
          reject(
            new UserError(
              'The browser could not start reading this file: the part of the app that reads result files did not load.',
              'Reload the page and pick the file again (the app may have been updated since this tab was opened).',
            ),
          );
          return;
        }
        reject(
          new UserError(
            'The browser stopped reading this file (it may have run out of memory).',
            'Close other tabs and try again. If the study was run in parts, open the parts’ files instead of one merged file; the command line (feedback-lab run --resume FILE) reads files up to 500 MB.',
            event.message ? [event.message] : [],
          ),
        );
      });
      if (port) worker.postMessage({ file, port }, [port]);
      else worker.postMessage({ file });
    });
  } finally {
    worker.terminate();
  }
}

/** "Decompressing: 48 MB so far", "Checking 17,080 units (47,742 steps)": what the page shows while a file is read. */
export function describeImportProgress(fileName: string, progress: ImportProgress): string {
  const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024)).toLocaleString('en')} MB`;
  switch (progress.phase) {
    case 'decompressing':
      return `${fileName}: decompressing (${mb(progress.bytes)} so far)…`;
    case 'parsing':
      return `${fileName}: reading ${mb(progress.bytes)} of JSON…`;
    case 'checking':
      return `${fileName}: checking ${progress.units.toLocaleString('en')} units (${progress.steps.toLocaleString('en')} steps)…`;
  }
}
