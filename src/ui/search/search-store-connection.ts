/**
 * The search store and call cache of this tab: one IndexedDB connection, opened on first use.
 * Searches cannot do without IndexedDB (a reload would lose them), so a failure to open is
 * reported to the page rather than hidden.
 */
import { openLabDatabase } from '../../store/database.ts';
import { IdbCallCache, IdbSearchStore } from '../../store/search-store.ts';

export interface SearchStores {
  store: IdbSearchStore;
  cache: IdbCallCache;
}

let opening: Promise<SearchStores> | null = null;

export function appSearchStores(): Promise<SearchStores> {
  opening ??= openLabDatabase().then(
    (db) => ({ store: new IdbSearchStore(db), cache: new IdbCallCache(db) }),
    (error: unknown) => {
      opening = null;
      throw new Error(
        `This browser refused to open its database (${error instanceof Error ? error.message : String(error)}), so searches cannot be stored. Private windows of some browsers do this; open the app in a normal window.`,
      );
    },
  );
  return opening;
}
