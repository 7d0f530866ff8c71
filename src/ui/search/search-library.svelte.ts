/**
 * The searches stored in this browser, as the Search page lists them: state (an interrupted
 * search is one the store calls running while no tab holds its lock), progress, champion, and
 * what can be done with each: show, resume, export, delete. Also the import of search files
 * (validated first, then written in one transaction) and the size of the call cache.
 */
import { UserError } from '../../core/user-error.ts';
import type { SearchListing } from '../../store/search-store.ts';
import { downloadBlob } from '../analysis/download.ts';
import { searchLocks } from '../shared/run-locks.ts';
import type { SearchStores } from './search-store-connection.ts';
import { coalescedTask } from '../coalesced-task.ts';

export type ListedSearchState = 'running here' | 'running in another tab' | 'interrupted' | 'paused' | 'cancelled' | 'done';

export interface SearchNotice {
  fileName?: string;
  message: string;
  hint: string;
  details: string[];
}

export interface LibraryDeps {
  stores: () => Promise<SearchStores>;
  runningHere: () => ReadonlySet<string>;
}

export class SearchLibrary {
  searches = $state.raw<SearchListing[]>([]);
  elsewhere = $state.raw<ReadonlySet<string>>(new Set());
  cachedCalls = $state<number | null>(null);
  loaded = $state(false);
  problem = $state.raw<SearchNotice | null>(null);
  importing = $state(false);
  importProblems = $state.raw<SearchNotice[]>([]);
  importLines = $state.raw<string[]>([]);

  readonly #deps: LibraryDeps;

  constructor(deps: LibraryDeps) {
    this.#deps = deps;
  }

  state(listing: SearchListing): ListedSearchState {
    if (this.#deps.runningHere().has(listing.id)) return 'running here';
    if (this.elsewhere.has(listing.id)) return 'running in another tab';
    if (listing.status === 'running') return 'interrupted';
    return listing.status;
  }

  /** Reads the list again; calls during a refresh coalesce into one more. */
  readonly refresh: () => Promise<void> = coalescedTask(() => this.#refresh());

  async #refresh(): Promise<void> {
    try {
      const { store, cache } = await this.#deps.stores();
      const [searches, elsewhere, cachedCalls] = await Promise.all([store.listSearches(), searchLocks.heldAnywhere(), cache.count()]);
      for (const id of this.#deps.runningHere()) elsewhere.delete(id);
      this.searches = searches;
      this.elsewhere = elsewhere;
      this.cachedCalls = cachedCalls;
    } catch (error) {
      this.problem = asNotice(error);
    } finally {
      this.loaded = true;
    }
  }

  async remove(searchId: string): Promise<void> {
    await this.#act(async ({ store }) => store.deleteSearch(searchId));
  }

  async clearCache(): Promise<void> {
    await this.#act(async ({ cache }) => cache.clear());
  }

  async exportFile(searchId: string, gzip: boolean): Promise<void> {
    await this.#act(async ({ store }) => {
      const { buildSearchFile, exportSearchFile, searchFileName } = await import('../../core/results/search-file.ts');
      const stored = await store.loadSearch(searchId);
      if (!stored) throw new Error('This search is no longer stored here (was it deleted in another tab?).');
      const bytes = await exportSearchFile(buildSearchFile(stored), { gzip });
      downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: gzip ? 'application/gzip' : 'application/json' }), searchFileName(stored.setup.name, { gzip }));
    });
  }

  /** Checks every file before writing any; each file is then stored in one transaction. */
  async importFiles(files: readonly File[]): Promise<void> {
    this.importing = true;
    this.importProblems = [];
    this.importLines = [];
    try {
      const { importSearchFile } = await import('../../core/results/search-file.ts');
      const docs = [];
      const problems: SearchNotice[] = [];
      for (const file of files) {
        try {
          docs.push(await importSearchFile(new Uint8Array(await file.arrayBuffer())));
        } catch (error) {
          problems.push({ fileName: file.name, ...asNotice(error) });
        }
      }
      const busy = docs.find((doc) => this.#deps.runningHere().has(doc.config.id));
      if (busy) problems.push({ message: `“${busy.config.name}” is running in this tab.`, hint: 'Stop it first, then import the file again.', details: [] });
      if (problems.length > 0) {
        this.importProblems = problems;
        return;
      }
      const { store } = await this.#deps.stores();
      const lines: string[] = [];
      for (const doc of docs) {
        const how = await store.importSearch(doc);
        lines.push(`${how === 'added' ? 'Imported' : 'Merged into'} “${doc.config.name}”: ${doc.state.history.length} generations, ${doc.evaluations.length} evaluations.`);
      }
      this.importLines = lines;
    } catch (error) {
      this.importProblems = [asNotice(error)];
    } finally {
      this.importing = false;
      await this.refresh();
    }
  }

  async #act(action: (stores: SearchStores) => Promise<void>): Promise<void> {
    this.problem = null;
    try {
      await action(await this.#deps.stores());
    } catch (error) {
      this.problem = asNotice(error);
    }
    await this.refresh();
  }
}

function asNotice(error: unknown): SearchNotice {
  if (error instanceof UserError) return { message: error.message, hint: error.hint, details: error.details };
  return { message: error instanceof Error ? error.message : String(error), hint: '', details: [] };
}
