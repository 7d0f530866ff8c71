import { describe, expect, it } from 'vitest';
import type { StudyStatus } from '../../../src/core/ports.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { readFiles, StoredLibrary, type StoredListing } from '../../../src/ui/shared/stored-library.svelte.ts';

interface Shelf {
  items: StoredListing[];
  /** How many times the list read the stores. */
  reads?: number;
}

/** A list over an array, with one file format: the bytes spell an id, or "bad". */
class ShelfLibrary extends StoredLibrary<StoredListing, Shelf> {
  constructor(shelf: Shelf, here: string[] = [], elsewhere: string[] = [], othersRefreshMs?: number, pausedHere?: ReadonlySet<string>, onRefresh?: () => void) {
    super(
      {
        stores: async () => shelf,
        runningHere: () => new Set(here),
        pausedHere: () => pausedHere ?? new Set(),
        ...(othersRefreshMs !== undefined ? { othersRefreshMs } : {}),
        ...(onRefresh ? { onRefresh } : {}),
      },
      { claim: async () => async () => undefined, heldAnywhere: async () => new Set(elsewhere) },
    );
  }
  protected async read(shelf: Shelf): Promise<StoredListing[]> {
    shelf.reads = (shelf.reads ?? 0) + 1;
    return [...shelf.items];
  }
  async remove(id: string): Promise<void> {
    await this.act(async (shelf) => {
      if (id === 'locked') throw new UserError('This one cannot go.', 'Unlock it first.');
      shelf.items = shelf.items.filter((item) => item.id !== id);
    });
  }
  async importFiles(files: readonly File[]): Promise<void> {
    await this.importWith(async () => {
      const { read, problems } = await readFiles(files, async (bytes) => {
        const text = new TextDecoder().decode(bytes);
        if (text === 'bad') throw new UserError('This is not a shelf file.', 'Pick another.');
        return text;
      });
      if (problems.length > 0) return { problems };
      const shelf = await this.deps.stores();
      for (const { doc } of read) shelf.items.push({ id: doc, status: 'done' });
      return { lines: read.map(({ doc }) => `Imported ${doc}.`) };
    });
  }
}

const item = (id: string, status: StudyStatus): StoredListing => ({ id, status });

describe('a list of stored runs', () => {
  it('tells a run going on here, one going on in another tab and an interrupted one apart', async () => {
    const shelf = { items: [item('here', 'running'), item('there', 'running'), item('lost', 'running'), item('paused', 'paused'), item('paused-there', 'paused')] };
    const library = new ShelfLibrary(shelf, ['here'], ['here', 'there', 'paused-there']);
    await library.refresh();
    expect(library.loaded).toBe(true);
    // Paused in a tab that still holds it: not "running in another tab" (nothing runs).
    expect(library.listings.map((listing) => library.state(listing))).toEqual(['running here', 'running in another tab', 'interrupted', 'paused', 'paused in another tab']);
  });

  it('says a run held here is paused while it is, and a run stopped by an error was not cancelled', async () => {
    const shelf = { items: [item('here', 'paused'), item('broke', 'failed'), item('stopped', 'cancelled')] };
    const paused = new Set<string>();
    const library = new ShelfLibrary(shelf, ['here'], [], undefined, paused);
    await library.refresh();
    const states = () => library.listings.map((listing) => library.state(listing));
    expect(states()).toEqual(['running here', 'stopped by an error', 'cancelled']);
    // Paused on its run panel: the card says so at once, without reading the store again.
    paused.add('here');
    expect(states()).toEqual(['paused here', 'stopped by an error', 'cancelled']);
  });

  it('while on show, follows a run going on in another tab, and offers it for resuming once that tab is gone', async () => {
    const shelf = { items: [item('there', 'running')] };
    const held = ['there'];
    // The page that shows the run is told after each reading (the Search page reads its panel's search again then).
    const told: boolean[] = [];
    const library: ShelfLibrary = new ShelfLibrary(shelf, [], held, 20, undefined, () => told.push(library.elsewhere.has('there')));
    library.watchOthers(true);
    await library.refresh();
    expect(library.state(library.listings[0]!)).toBe('running in another tab');
    // The other tab closes (or crashes): its lock goes, the store still says running.
    held.length = 0;
    await expect.poll(() => library.state(library.listings[0]!), { timeout: 2000, interval: 10 }).toBe('interrupted');
    expect(told[0]).toBe(true);
    expect(told.at(-1)).toBe(false);

    // Off the page, nothing is read any more.
    held.push('there');
    await library.refresh();
    library.watchOthers(false);
    held.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(library.state(library.listings[0]!)).toBe('running in another tab');
  });

  it('shows in a few seconds that another tab took up a run it offers Resume for, asking only the locks until then', async () => {
    const shelf: Shelf = { items: [item('lost', 'running'), item('left', 'paused'), item('finished', 'done')] };
    const held: string[] = [];
    const library = new ShelfLibrary(shelf, [], held, 20);
    library.watchOthers(true);
    await library.refresh();
    expect(library.listings.map((listing) => library.state(listing))).toEqual(['interrupted', 'paused', 'done']);
    // Nothing changes: the stores are not read again, however long the list is on show.
    const reads = shelf.reads;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(shelf.reads).toBe(reads);
    // Another tab presses Resume on the interrupted run.
    held.push('lost');
    await expect.poll(() => library.state(library.listings[0]!), { timeout: 2000, interval: 10 }).toBe('running in another tab');
    library.watchOthers(false);
  });

  it('shows why an action failed, with its hint, and reads the list again after one that worked', async () => {
    const shelf = { items: [item('a', 'done'), item('locked', 'done')] };
    const library = new ShelfLibrary(shelf);
    await library.remove('locked');
    expect(library.problem).toEqual({ message: 'This one cannot go.', hint: 'Unlock it first.', details: [] });
    await library.remove('a');
    expect(library.problem).toBeNull();
    expect(library.listings.map((listing) => listing.id)).toEqual(['locked']);
  });

  it('imports nothing when one file is refused, and names that file', async () => {
    const shelf = { items: [] as StoredListing[] };
    const library = new ShelfLibrary(shelf);
    await library.importFiles([new File(['one'], 'one.json'), new File(['bad'], 'bad.json')]);
    expect(library.importing).toBe(false);
    expect(library.importProblems).toEqual([{ fileName: 'bad.json', message: 'This is not a shelf file.', hint: 'Pick another.', details: [] }]);
    expect(library.importLines).toEqual([]);
    expect(shelf.items).toEqual([]);

    await library.importFiles([new File(['one'], 'one.json')]);
    expect(library.importProblems).toEqual([]);
    expect(library.importLines).toEqual(['Imported one.']);
    expect(library.listings.map((listing) => listing.id)).toEqual(['one']);
  });
});

describe('a list that could not be read', () => {
  it('is marked unread, so the page says nothing of an empty list, and read again once the stores open', async () => {
    let open = false;
    const shelf: Shelf = { items: [item('kept', 'done')] };
    class ClosedLibrary extends ShelfLibrary {
      constructor() {
        super(shelf);
        const stores = this.deps.stores;
        this.deps.stores = async () => {
          if (!open) throw new UserError('A newer version of Feedback Lab has updated this browser’s database.', 'Reload the page.');
          return stores();
        };
      }
    }
    const library = new ClosedLibrary();
    await library.refresh();
    expect([library.loaded, library.unread, library.listings.length]).toEqual([true, true, 0]);
    expect(library.problem?.message).toMatch(/newer version/);
    open = true;
    await library.refresh();
    expect([library.unread, library.listings.map((l) => l.id)]).toEqual([false, ['kept']]);
  });
});
