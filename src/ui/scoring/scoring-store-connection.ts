/**
 * The scoring store of this tab: one IndexedDB connection, opened on first use. A browser that
 * refuses IndexedDB still scores (in memory, as before runs were kept): the refusal is the reason
 * the page gives for not keeping the run.
 */
import { DatabaseRefused, openLabDatabase } from '../../store/database.ts';
import { IdbScoringStore } from '../../store/scoring-store.ts';

let opening: Promise<IdbScoringStore> | null = null;

export function appScoringStore(): Promise<IdbScoringStore> {
  // Site data cleared under the tab closes its connection: the next use opens a new one.
  opening ??= openLabDatabase({ onTerminated: () => (opening = null) }).then(
    (db) => new IdbScoringStore(db),
    (error: unknown) => {
      opening = null;
      throw new DatabaseRefused('scored samples', error);
    },
  );
  return opening;
}
