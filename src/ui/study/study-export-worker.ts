/**
 * Writes a stored study's result file off the page's thread (a module Web Worker with its own
 * connection to the database): reading 50,000 steps back from IndexedDB, writing 200 MB of
 * canonical JSON and gzipping it took 45 s, 14 s of them in one task that froze the tab. Here
 * the page stays live and hears each phase; the file's bytes come back transferred, not copied.
 */
import { openLabDatabase } from '../../store/database.ts';
import { IdbStudyStore } from '../../store/study-store.ts';
import { UserError } from '../../core/user-error.ts';
import { exportFromStore, type StudyExportRequest, type StudyExportWorkerReply } from './study-export.ts';

const reply = (message: StudyExportWorkerReply, transfer: Transferable[] = []) => postMessage(message, transfer);

addEventListener(
  'message',
  (event: MessageEvent<StudyExportRequest>) => {
    void (async () => {
      const { studyId, what, here } = event.data;
      const db = await openLabDatabase().catch((error: unknown) => {
        reply({ kind: 'failed', error: { message: error instanceof Error ? error.message : String(error) } });
        return null;
      });
      if (!db) return;
      try {
        const file = await exportFromStore(new IdbStudyStore(db), studyId, what, async () => here, (phase) => reply({ kind: 'progress', phase }));
        reply({ kind: 'done', file }, [file.bytes.buffer]);
      } catch (error) {
        reply({
          kind: 'failed',
          error: error instanceof UserError ? error.toJSON() : { message: error instanceof Error ? error.message : String(error) },
        });
      } finally {
        db.close();
      }
    })();
  },
  { once: true },
);
