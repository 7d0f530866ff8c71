/**
 * The study store of this tab: one IndexedDB connection, opened on first use. Unlike the dataset
 * cache, studies cannot do without IndexedDB (a reload would lose them), so a failure to open is
 * reported to the page rather than hidden.
 */
import { openedOnFirstUse } from '../../store/database.ts';
import { IdbStudyStore } from '../../store/study-store.ts';

export const appStudyStore: () => Promise<IdbStudyStore> = openedOnFirstUse('studies', (db) => new IdbStudyStore(db));
