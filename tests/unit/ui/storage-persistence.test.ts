import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openLabDatabase } from '../../../src/store/database.ts';
import { storageKeeper, storagePersisted } from '../../../src/store/storage-estimate.ts';
import { IdbStudyStore } from '../../../src/store/study-store.ts';
import { readFiles, StoredLibrary, type StoredListing } from '../../../src/ui/shared/stored-library.svelte.ts';
import { StudyForm } from '../../../src/ui/study/study-form.svelte.ts';
import { StudyLauncher } from '../../../src/ui/study/study-launcher.svelte.ts';
import { StudyLibrary } from '../../../src/ui/study/study-library.svelte.ts';
import { PROBLEMS } from '../search/run-search-fixtures.ts';

// The Search desk loads its benchmark through the app's datasets: here, the fixtures' problems.
vi.mock('../../../src/ui/datasets/benchmark-dataset.svelte.ts', () => {
  const loaded = { benchmark: 'humaneval', problems: PROBLEMS, sha256: '0'.repeat(64), source: 'test', failures: [] };
  const dataset = { loaded, ensure: async () => loaded };
  return { appDatasets: { humaneval: dataset, mbpp: dataset } };
});

// The catalogue of the installed WebLLM is a virtual module of the Vite build: an empty one here.
vi.mock('../../../src/llm/webllm-installed.ts', async () => {
  const { buildWebLLMCatalog } = await import('../../../src/llm/model-catalog.ts');
  return { installedCatalog: buildWebLLMCatalog({ webllmVersion: 'none', modelLibVersion: 'none', records: [] }) };
});

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A browser's StorageManager: `persist` answers as told, and `persisted` says what it granted. */
function fakeStorage(persist: () => Promise<boolean> = async () => true, initially = false) {
  let kept = initially;
  const manager = {
    persist: vi.fn(async () => {
      kept = await persist();
      return kept;
    }),
    persisted: vi.fn(async () => kept),
    estimate: vi.fn(async () => ({ usage: 3 * 1024 ** 2, quota: 2 * 1024 ** 3 })),
  };
  return { manager, storage: manager as unknown as StorageManager };
}

describe('asking the browser to keep this site’s data', () => {
  it('asks once, however often it is called, and every call gets the answer', async () => {
    const { manager, storage } = fakeStorage();
    const keep = storageKeeper(() => storage);
    expect(await Promise.all([keep(), keep()])).toEqual([true, true]);
    expect(await keep()).toBe(true);
    expect(manager.persist).toHaveBeenCalledTimes(1);
  });

  it('asks within the call, not after a wait: Firefox asks its user only during the press', () => {
    const { manager, storage } = fakeStorage();
    void storageKeeper(() => storage)();
    expect(manager.persist).toHaveBeenCalledTimes(1);
  });

  it('tolerates a browser without the API, one that refuses, and one whose request fails', async () => {
    expect(await storageKeeper(() => undefined)()).toBeNull();
    expect(await storageKeeper(() => ({}) as StorageManager)()).toBeNull();
    expect(await storageKeeper(() => fakeStorage(async () => false).storage)()).toBe(false);
    expect(await storageKeeper(() => fakeStorage(async () => Promise.reject(new DOMException('', 'InvalidStateError'))).storage)()).toBeNull();
    const throwing = {
      persist: () => {
        throw new TypeError('Illegal invocation');
      },
    } as unknown as StorageManager;
    expect(await storageKeeper(() => throwing)()).toBeNull();
  });

  it('reads whether the browser has promised to keep it, or null where it cannot say', async () => {
    expect(await storagePersisted({} as StorageManager)).toBeNull();
    expect(await storagePersisted(fakeStorage(async () => true, true).storage)).toBe(true);
    expect(await storagePersisted(fakeStorage().storage)).toBe(false);
  });
});

/** A list over an array, with one file format: the bytes spell an id. */
class ShelfLibrary extends StoredLibrary<StoredListing, { items: StoredListing[] }> {
  constructor(shelf: { items: StoredListing[] }, storage: StorageManager, keep: () => Promise<boolean | null>) {
    super(
      { stores: async () => shelf, runningHere: () => new Set(), storage: () => storage, keepStorage: keep },
      { claim: async () => async () => undefined, heldAnywhere: async () => new Set() },
    );
  }
  protected async read(shelf: { items: StoredListing[] }): Promise<StoredListing[]> {
    return [...shelf.items];
  }
  async importFiles(files: readonly File[]): Promise<void> {
    await this.importWith(async () => {
      const { read } = await readFiles(files, async (bytes) => new TextDecoder().decode(bytes));
      const shelf = await this.deps.stores();
      for (const { doc } of read) shelf.items.push({ id: doc, status: 'done' });
      return { lines: read.map(({ doc }) => `Imported ${doc}.`) };
    });
  }
}

describe('a list of stored runs', () => {
  it('reads how much is stored, and whether the browser promised to keep it, with the list', async () => {
    const { storage } = fakeStorage();
    const library = new ShelfLibrary({ items: [{ id: 'a', status: 'done' }] }, storage, async () => null);
    await library.refresh();
    expect(library.storage).toEqual({ usageBytes: 3 * 1024 ** 2, quotaBytes: 2 * 1024 ** 3 });
    expect(library.persisted).toBe(false);
  });

  it('asks as an import starts, does not wait for the answer, and reads the list again once the browser agrees', async () => {
    const { manager, storage } = fakeStorage();
    let answer: (kept: boolean) => void = () => undefined;
    const keep = vi.fn(() => new Promise<boolean>((resolve) => (answer = resolve)).then(async (kept) => (kept ? manager.persist() : false)));
    const library = new ShelfLibrary({ items: [] }, storage, keep);
    await library.refresh();
    expect(library.persisted).toBe(false);

    // The browser has not answered yet: the import goes on all the same.
    await library.importFiles([new File(['a'], 'a.json')]);
    expect(keep).toHaveBeenCalledTimes(1);
    expect(library.importLines).toEqual(['Imported a.']);
    expect(library.persisted).toBe(false);

    answer(true);
    await vi.waitFor(() => expect(library.persisted).toBe(true));
  });
});

describe('starting a study', () => {
  it('asks the browser to keep this site’s data, within the press and once a page load', async () => {
    const { manager, storage } = fakeStorage(async () => false);
    const store = new IdbStudyStore(await openLabDatabase());
    const library = new StudyLibrary({
      store: async () => store,
      environmentHere: async () => Promise.reject(new Error('not used')),
      runningHere: () => new Set(),
      storage: () => storage,
      keepStorage: storageKeeper(() => storage),
    });
    const launcher = new StudyLauncher(
      {
        store: async () => store,
        // No endpoint, no benchmark: the start is refused after the ask, which is all this test needs of it.
        dataset: async () => null,
        sandbox: async () => Promise.reject(new Error('not used')),
        models: { apiKeyFor: () => undefined, webllm: async () => Promise.reject(new Error('not used')) },
        setAddress: () => undefined,
      },
      new StudyForm(),
      library,
      2,
    );
    const starting = launcher.start();
    expect(manager.persist).toHaveBeenCalledTimes(1);
    expect(await starting).toBeNull();
    await launcher.start();
    expect(manager.persist).toHaveBeenCalledTimes(1);
  });
});

describe('starting a search', { timeout: 30_000 }, () => {
  it('asks the browser to keep this site’s data, within the press', async () => {
    vi.resetModules();
    const { manager, storage } = fakeStorage();
    vi.stubGlobal('navigator', { storage });
    vi.stubGlobal('history', { state: null, replaceState: () => undefined });
    const { SearchDesk } = await import('../../../src/ui/search/search-desk.svelte.ts');
    const desk = new SearchDesk();
    const starting = desk.start();
    expect(manager.persist).toHaveBeenCalledTimes(1);
    await starting;
    // Granted: the list, read again, no longer says the browser may clear it.
    await vi.waitFor(() => expect(desk.library.persisted).toBe(true));
  });
});
