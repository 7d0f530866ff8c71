/**
 * Reads one result file off the page's thread (a module Web Worker): decompressing, decoding,
 * parsing and checking a study of 200 MB takes seconds, and on the page's thread they froze the
 * tab for all of them, with no way to say how far they had got. Here the page stays live and
 * hears each phase; only the checked document comes back (a structured clone, which the page's
 * thread rebuilds in about 40 % of the time the whole import took there: docs/performance.md).
 * Given a port, the document (or the refusal) goes there instead, to the Results page's worker
 * that keeps it, and the page hears only that it was sent: the page's thread never rebuilds it.
 */
import { importResultFile, refuseOversizedFile } from '../../core/results/result-file-import.ts';
import { UserError } from '../../core/user-error.ts';
import { APP_VERSION } from '../environment.ts';
import type { ResultFileWorkerReply, ResultFilePortMessage } from './read-result-file.ts';

const reply = (message: ResultFileWorkerReply) => postMessage(message);

addEventListener(
  'message',
  (event: MessageEvent<{ file: Blob; port?: MessagePort }>) => {
    const { file, port } = event.data;
    const send = (message: ResultFilePortMessage) => port?.postMessage(message);
    void (async () => {
      try {
        refuseOversizedFile(file.size);
        const bytes = new Uint8Array(await file.arrayBuffer());
        const doc = await importResultFile(bytes, { appVersion: APP_VERSION, onProgress: (progress) => reply({ kind: 'progress', progress }) });
        // As the object (a structured clone). Sending JSON text to parse on the page took the page's
        // thread as long under load, and held the text and the object at once (2.5× the memory).
        if (port) {
          send({ kind: 'done', doc });
          reply({ kind: 'sent' });
        } else reply({ kind: 'done', doc });
      } catch (error) {
        const data = error instanceof UserError ? error.toJSON() : { message: error instanceof Error ? error.message : String(error) };
        send({ kind: 'failed', error: data });
        reply({ kind: 'failed', error: data });
      }
    })();
  },
  { once: true },
);
