/**
 * The search store and call cache of this tab: one IndexedDB connection, opened on first use.
 * Searches cannot do without IndexedDB (a reload would lose them), so a failure to open is
 * reported to the page rather than hidden.
 */
import { openedOnFirstUse } from '../../store/database.ts';
import { IdbCallCache, IdbSearchStore } from '../../store/search-store.ts';

export interface SearchStores {
  store: IdbSearchStore;
  cache: IdbCallCache;
}

export const appSearchStores: () => Promise<SearchStores> = openedOnFirstUse('searches', (db) => ({ store: new IdbSearchStore(db), cache: new IdbCallCache(db) }));
