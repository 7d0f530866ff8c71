import { beforeEach, describe, expect, it } from 'vitest';
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

async function searchFileBytes(): Promise<{ id: string; name: string; bytes: Uint8Array; tokens: number }> {
  const setup = searchSetup({ budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
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
    expect(library.importProblems).toMatchObject([{ fileName: 'search.json', message: `The search “${file.name}” is running in another tab.` }]);
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
