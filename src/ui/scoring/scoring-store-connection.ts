/**
 * The scoring store of this tab: one IndexedDB connection, opened on first use. A browser that
 * refuses IndexedDB still scores (in memory, as before runs were kept): the refusal is the reason
 * the page gives for not keeping the run.
 */
import { openedOnFirstUse } from '../../store/database.ts';
import { IdbScoringStore } from '../../store/scoring-store.ts';

export const appScoringStore: () => Promise<IdbScoringStore> = openedOnFirstUse('scored samples', (db) => new IdbScoringStore(db));
