import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { buildSearchFile, exportSearchFile } from '../../../src/core/results/search-file.ts';
import { MemorySearchStore } from '../../../src/core/search/memory-search-store.ts';
import { runSearch } from '../../../src/core/search/run-search.ts';
import { openLabDatabase } from '../../../src/store/database.ts';
import { IdbCallCache, IdbSearchStore } from '../../../src/store/search-store.ts';
import { runLocks } from '../../../src/ui/shared/run-locks.ts';
import { originLocks } from './origin-locks.ts';
import { SearchLibrary } from '../../../src/ui/search/search-library.svelte.ts';
import { PROBLEMS, fakeWorld, searchSetup } from '../search/run-search-fixtures.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

async function searchFileBytes(id?: string): Promise<{ id: string; name: string; bytes: Uint8Array; tokens: number }> {
  const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } }, id === undefined ? {} : { id });
  const world = fakeWorld();
  const memory = new MemorySearchStore();
  await runSearch(setup, PROBLEMS, { model: world.model, sandbox: world.sandbox, searchStore: memory, now: () => 0 });
  const doc = buildSearchFile((await memory.loadSearch(setup.id))!, new Date('2026-05-02T12:00:00Z'));
  return { id: doc.config.id, name: doc.config.name, bytes: await exportSearchFile(doc, { gzip: false }), tokens: doc.state.usage.tokens };
}

describe('importing search files into the stored searches', () => {
  it('refuses a search that another tab is running, writing nothing, and imports it once that tab lets go', async () => {
    const origin = originLocks();
    const db = await openLabDatabase();
    const store = new IdbSearchStore(db);
    const library = new SearchLibrary(
      { stores: async () => ({ store, cache: new IdbCallCache(db) }), runningHere: () => new Set() },
      runLocks('feedback-lab:search:', () => origin),
    );
    const file = await searchFileBytes();
    const pick = () => [new File([file.bytes as Uint8Array<ArrayBuffer>], 'search.json', { type: 'application/json' })];

    // The other tab: its run holds the search's lock for as long as it runs.
    const otherTab = runLocks('feedback-lab:search:', () => origin);
    const release = await otherTab.claim(file.id);
    expect(release).not.toBeNull();

    await library.importFiles(pick());
    expect(library.importLines).toEqual([]);
    expect(library.importProblems).toMatchObject([{ fileName: 'search.json', message: `The search “${file.name}” is running or paused in another tab.` }]);
    expect(await store.loadSearch(file.id)).toBeNull();

    await release!();
    await library.importFiles(pick());
    expect(library.importProblems).toEqual([]);
    // What the file holds, said as the card says it: 6 genomes × 3 problems with a verdict, and their tokens.
    expect(library.importLines).toEqual([`Imported “${file.name}”: 1 generation, 18 evaluations, ${file.tokens.toLocaleString('en')} tokens.`]);
    expect(await store.loadSearch(file.id)).not.toBeNull();
    // The import gave the lock back: the search can be run again.
    expect(await otherTab.claim(file.id)).not.toBeNull();
  });
});

describe('importing several search files into a browser out of room', () => {
  const put = IDBObjectStore.prototype.put;
  afterEach(() => {
    IDBObjectStore.prototype.put = put;
  });

  /**
   * The write of the search `id` fails as Chromium's does when the origin is over its quota: the
   * request fails with a QuotaExceededError, which aborts its transaction (fake-indexeddb's
   * request queue is the only way to fail a request as the browser does).
   */
  function overQuotaAt(id: string): void {
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === 'searches' && (value as { id?: string }).id === id) {
        const tx = this.transaction as unknown as { _execRequestAsync: (request: { operation: () => unknown; source: unknown }) => IDBRequest };
        const exec = tx._execRequestAsync;
        tx._execRequestAsync = (request) => {
          tx._execRequestAsync = exec;
          return exec.call(tx, {
            ...request,
            operation: () => {
              throw new DOMException('', 'QuotaExceededError');
            },
          });
        };
      }
      return put.call(this, value, key);
    } as typeof put;
  }

  it('writes none of them when the second does not fit, as "Nothing was imported." says', async () => {
    const db = await openLabDatabase();
    const store = new IdbSearchStore(db);
    const origin = originLocks();
    const library = new SearchLibrary({ stores: async () => ({ store, cache: new IdbCallCache(db) }), runningHere: () => new Set() }, runLocks('feedback-lab:search:', () => origin));
    const first = await searchFileBytes('search-first');
    const second = await searchFileBytes('search-second');
    const file = (f: typeof first, name: string) => new File([f.bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/json' });

    overQuotaAt(second.id);
    await library.importFiles([file(first, 'first.json'), file(second, 'second.json')]);
    // Above this the page says "Nothing was imported.": the first file, stored in a transaction of
    // its own, was there all the same.
    expect(library.importProblems.map((notice) => notice.message)).toEqual([
      'This browser has no room left to store it (QuotaExceededError), so nothing of it was written.',
    ]);
    expect(library.importLines).toEqual([]);
    expect(await store.listSearches()).toEqual([]);
    expect(await db.count('searchEvaluations')).toBe(0);
    expect(library.listings).toEqual([]);

    // With room again, both go in.
    IDBObjectStore.prototype.put = put;
    await library.importFiles([file(first, 'first.json'), file(second, 'second.json')]);
    expect(library.importProblems).toEqual([]);
    expect(library.listings.map((listing) => listing.id).sort()).toEqual(['search-first', 'search-second']);
    db.close();
  });
});
