import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { PROBLEMS, searchSetup } from '../search/run-search-fixtures.ts';
import { originLocks } from './origin-locks.ts';

// The desk loads its benchmark through the app's datasets: here, the fixtures' problems.
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
  vi.resetModules();
});

/** Another tab of this origin runs the search `id` until the returned function lets go of it. */
function searchHeldByAnotherTab(id: string): () => void {
  const origin = originLocks();
  vi.stubGlobal('navigator', { locks: origin });
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  void origin.request(`feedback-lab:search:${id}`, { ifAvailable: true }, () => held);
  return () => release();
}

async function deskWithStoredSearch() {
  vi.stubGlobal('history', { state: null, replaceState: () => undefined });
  const { SearchDesk } = await import('../../../src/ui/search/search-desk.svelte.ts');
  const { appSearchStores } = await import('../../../src/ui/search/search-store-connection.ts');
  const setup = searchSetup();
  const { store } = await appSearchStores();
  await store.putSearch(setup);
  return { desk: new SearchDesk(), setup };
}

// The first test imports the whole Search desk afresh (vi.resetModules): seconds on a busy machine.
describe('a search another tab runs', { timeout: 30_000 }, () => {
  it('stops saying it goes on there once that tab lets go of it, on the list’s Resume', async () => {
    const { desk, setup } = await deskWithStoredSearch();
    const { RUNNING_IN_ANOTHER_TAB, LET_GO_IN_ANOTHER_TAB } = await import('../../../src/ui/search/search-desk.svelte.ts');
    const release = searchHeldByAnotherTab(setup.id);
    // The card's Resume, pressed just as another tab took the search up (it is not on show here).
    await desk.resume(setup.id);
    expect(desk.errors).toEqual([RUNNING_IN_ANOTHER_TAB]);
    await desk.library.refresh();
    expect(desk.errors).toEqual([RUNNING_IN_ANOTHER_TAB]);
    // That tab is closed: the list, read again, offers Resume; "it goes on there" stayed beside it.
    release();
    await vi.waitFor(async () => {
      await desk.library.refresh();
      expect(desk.library.state(desk.library.listings[0]!)).toBe('interrupted');
    });
    expect(desk.errors).toEqual([LET_GO_IN_ANOTHER_TAB]);
    expect(desk.refusal.fields).toEqual([]);
  });

  it('stops saying it goes on there once that tab lets go of it, on the panel of the search on show', async () => {
    const { desk, setup } = await deskWithStoredSearch();
    const { RUNNING_IN_ANOTHER_TAB, LET_GO_ON_PANEL } = await import('../../../src/ui/search/search-desk.svelte.ts');
    await desk.show(setup.id);
    const release = searchHeldByAnotherTab(setup.id);
    // The panel's Resume search, pressed just as another tab took the search up.
    await desk.resume(setup.id);
    const view = desk.view!;
    expect(view.failure).toMatch(new RegExp(`${RUNNING_IN_ANOTHER_TAB.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    await vi.waitFor(() => expect(view.heldElsewhere).toBe(true));
    release();
    await vi.waitFor(async () => {
      await desk.library.refresh();
      expect(view.heldElsewhere).toBe(false);
      expect(view.failure).toBe(LET_GO_ON_PANEL);
    });
    expect(view.failureAdvice).toBeNull();
  });
});
