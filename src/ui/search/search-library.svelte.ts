/**
 * The searches stored in this browser, as the Search page lists them: state (an interrupted
 * search is one the store calls running while no tab holds its lock), progress, champion, and
 * what can be done with each: show, resume, export, delete. Also the import of search files
 * (validated first, then written in one transaction) and the size of the call cache.
 */
import { describeTally, tallyRecords } from '../../core/search/search-record.ts';
import type { SearchListing } from '../../store/search-store.ts';
import { downloadBlob } from '../analysis/download.ts';
import { searchLocks, type RunLocks } from '../shared/run-locks.ts';
import { readFiles, StoredLibrary, type ImportOutcome, type StoredLibraryDeps } from '../shared/stored-library.svelte.ts';
import type { SearchStores } from './search-store-connection.ts';

export class SearchLibrary extends StoredLibrary<SearchListing, SearchStores> {
  cachedCalls = $state<number | null>(null);

  /** `locks`: the searches' run locks, the browser's own unless a test gives others. */
  constructor(deps: StoredLibraryDeps<SearchStores>, locks: RunLocks = searchLocks) {
    super(deps, locks);
  }

  protected async read({ store, cache }: SearchStores): Promise<SearchListing[]> {
    const [searches, cachedCalls] = await Promise.all([store.listSearches(), cache.count()]);
    this.cachedCalls = cachedCalls;
    return searches;
  }

  async remove(searchId: string): Promise<void> {
    const name = this.listings.find((l) => l.id === searchId)?.name;
    await this.removeHolding(searchId, name === undefined ? 'This search' : `The search “${name}”`, ({ store }) => store.deleteSearch(searchId));
  }

  async clearCache(): Promise<void> {
    await this.act(async ({ cache }) => cache.clear());
  }

  async exportFile(searchId: string, gzip: boolean): Promise<void> {
    await this.act(async ({ store }) => {
      const [{ buildSearchFile, exportSearchFile, searchFileName }, { currentState }] = await Promise.all([
        import('../../core/results/search-file.ts'),
        import('../../core/search/stored-search.ts'),
      ]);
      const stored = await store.loadSearch(searchId);
      if (!stored) throw new Error('This search is no longer stored here (was it deleted in another tab?).');
      const bytes = await exportSearchFile(buildSearchFile(stored), { gzip });
      const fileName = searchFileName(stored.setup, { gzip, state: currentState(stored) });
      downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: gzip ? 'application/gzip' : 'application/json' }), fileName);
    });
  }

  /** Checks every file before writing any; all of them are then stored in one transaction. */
  async importFiles(files: readonly File[]): Promise<void> {
    await this.importWith(async (): Promise<ImportOutcome> => {
      const { importSearchFile } = await import('../../core/results/search-file.ts');
      const { read, problems } = await readFiles(files, importSearchFile);
      const docs = read.map((entry) => entry.doc);
      const busy = docs.find((doc) => this.deps.runningHere().has(doc.config.id));
      if (busy) problems.push({ message: `“${busy.config.name}” is running in this tab.`, hint: 'Stop it first, then import the file again.', details: [] });
      if (problems.length > 0) return { problems };
      // Held until the files are written, so that no tab starts or resumes these searches
      // meanwhile: merging into a search another tab runs would interleave with its writes.
      return this.holdingRunLocks(docs.map((doc) => doc.config.id), async (elsewhere): Promise<ImportOutcome> => {
        if (elsewhere.length > 0) {
          return {
            problems: read
              .filter((entry) => elsewhere.includes(entry.doc.config.id))
              .map((entry) => ({
                fileName: entry.fileName,
                message: `The search “${entry.doc.config.name}” is running or paused in another tab.`,
                hint: 'Stop it there or close that tab (what it has done is already stored; a paused run still holds the search), then import the file again.',
                details: [],
              })),
          };
        }
        const { store } = await this.deps.stores();
        // All in one transaction: a failure (a refusal, a browser out of room) writes none of them,
        // as the page then says. File by file, the first was stored under "Nothing was imported." (audit R190-4).
        const hows = await store.importSearches(docs);
        const lines = docs.map((doc, i) => {
          // What the file holds: evaluations with a verdict, runs cut short and re-validation each named.
          const generations = `${doc.state.history.length} generation${doc.state.history.length === 1 ? '' : 's'}`;
          return `${hows[i] === 'added' ? 'Imported' : 'Merged into'} “${doc.config.name}”: ${generations}, ${describeTally(tallyRecords(doc.evaluations))}.`;
        });
        return { lines };
      });
    });
  }
}
