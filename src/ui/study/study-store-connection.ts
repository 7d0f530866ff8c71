/**
 * The study store of this tab: one IndexedDB connection, opened on first use. Unlike the dataset
 * cache, studies cannot do without IndexedDB (a reload would lose them), so a failure to open is
 * reported to the page rather than hidden.
 */
import { DatabaseRefused, openLabDatabase } from '../../store/database.ts';
import { IdbStudyStore } from '../../store/study-store.ts';

let opening: Promise<IdbStudyStore> | null = null;

export function appStudyStore(): Promise<IdbStudyStore> {
  // Site data cleared under the tab closes its connection: the next use opens a new one (the
  // run that was writing says what happened), rather than every call failing until a reload.
  opening ??= openLabDatabase({ onTerminated: () => (opening = null) }).then(
    (db) => new IdbStudyStore(db),
    (error: unknown) => {
      opening = null;
      throw new DatabaseRefused('studies', error);
    },
  );
  return opening;
}
