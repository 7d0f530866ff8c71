/**
 * Computes the Reproduce page's report off the page's thread: its bootstraps (10,000 resamples
 * for each of Table 1's arms and each paired test) held the page for one task of 1.7-3.9 s at
 * load 20 when the released files arrived (docs/performance.md). Parsing the files' JSON (~0.2 s
 * under load) is done here too: the page gets what to list of the files first, then the report.
 * One job per set of files: the texts in, the file status and the sections out, as plain data.
 */
import { loadReleasedFiles, releasedFileStatus, type ReleasedFileStatus, type ReleasedFileText } from '../../core/analysis/released-files.ts';
import { reproduceReport, type ReportSection, type ReproduceOptions } from '../../core/analysis/reproduce-report.ts';

export type ReproduceWorkerReply =
  | { kind: 'files'; files: ReleasedFileStatus }
  | { kind: 'done'; sections: ReportSection[] }
  | { kind: 'failed'; error: { message: string } };

addEventListener(
  'message',
  (event: MessageEvent<{ texts: ReleasedFileText[]; options: ReproduceOptions }>) => {
    const { texts, options } = event.data;
    let reply: ReproduceWorkerReply;
    try {
      const loaded = loadReleasedFiles(texts);
      postMessage({ kind: 'files', files: releasedFileStatus(loaded) } satisfies ReproduceWorkerReply);
      reply = { kind: 'done', sections: reproduceReport(loaded, options) };
    } catch (error) {
      reply = { kind: 'failed', error: { message: error instanceof Error ? error.message : String(error) } };
    }
    postMessage(reply);
  },
  { once: true },
);
