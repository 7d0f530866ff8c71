/**
 * The search store and call cache of this tab: one IndexedDB connection, opened on first use.
 * Searches cannot do without IndexedDB (a reload would lose them), so a failure to open is
 * reported to the page rather than hidden.
 */
import { DatabaseRefused, openLabDatabase } from '../../store/database.ts';
import { IdbCallCache, IdbSearchStore } from '../../store/search-store.ts';

export interface SearchStores {
  store: IdbSearchStore;
  cache: IdbCallCache;
}

let opening: Promise<SearchStores> | null = null;

export function appSearchStores(): Promise<SearchStores> {
  // Site data cleared under the tab closes its connection: the next use opens a new one (the
  // run that was writing says what happened), rather than every call failing until a reload.
  opening ??= openLabDatabase({ onTerminated: () => (opening = null) }).then(
    (db) => ({ store: new IdbSearchStore(db), cache: new IdbCallCache(db) }),
    (error: unknown) => {
      opening = null;
      throw new DatabaseRefused('searches', error);
    },
  );
  return opening;
}
