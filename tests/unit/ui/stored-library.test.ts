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
      // Another tab's runs hold their locks: a claim of one of them is refused.
      { claim: async (id) => (elsewhere.includes(id) ? null : async () => undefined), heldAnywhere: async () => new Set(elsewhere) },
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
  /** Deletes as the study and search lists do: holding the run's lock. */
  async removeHeld(id: string): Promise<void> {
    await this.removeHolding(id, `The run “${id}”`, async (shelf) => {
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
      // Chromium fails a write over quota with a QuotaExceededError whose message is empty; "broken", with an error of no name or message.
      if (read.some(({ doc }) => doc === 'full')) throw new DOMException('', 'QuotaExceededError');
      if (read.some(({ doc }) => doc === 'broken')) throw new Error('');
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

  it('shows in a few seconds a run another tab started, and one it took up that the list called cancelled, stopped or done (R175-1)', async () => {
    const shelf: Shelf = { items: [item('ended', 'cancelled'), item('broke', 'failed'), item('errored', 'done')] };
    const held: string[] = [];
    const library = new ShelfLibrary(shelf, [], held, 20);
    library.watchOthers(true);
    await library.refresh();
    const states = () => library.listings.map((listing) => `${listing.id}: ${library.state(listing)}`);
    expect(states()).toEqual(['ended: cancelled', 'broke: stopped by an error', 'errored: done']);
    // Another tab starts a new run: its card shows here without a reload or a visit to another page.
    shelf.items.push(item('new', 'running'));
    held.push('new');
    await expect.poll(states, { timeout: 2000, interval: 10 }).toContain('new: running in another tab');
    // It ends; then another tab presses Resume on the cancelled one: "cancelled" (with Delete… on) does not stay.
    held.length = 0;
    shelf.items = shelf.items.map((i) => (i.id === 'new' ? item('new', 'done') : i));
    await expect.poll(states, { timeout: 2000, interval: 10 }).toContain('new: done');
    for (const id of ['ended', 'broke', 'errored']) {
      held.push(id);
      await expect.poll(states, { timeout: 2000, interval: 10 }).toContain(`${id}: running in another tab`);
      held.length = 0;
      await expect.poll(states, { timeout: 2000, interval: 10 }).not.toContain(`${id}: running in another tab`);
    }
    library.watchOthers(false);
  });

  it('deletes a run only holding its lock: one another tab runs is kept, and the list says why (R175-1)', async () => {
    const shelf: Shelf = { items: [item('there', 'cancelled'), item('free', 'cancelled')] };
    const held = ['there'];
    const library = new ShelfLibrary(shelf, [], held);
    await library.removeHeld('there');
    expect(shelf.items.map((i) => i.id)).toEqual(['there', 'free']);
    expect(library.problem).toEqual({
      message: 'The run “there” is running or paused in another tab, so it was not deleted.',
      hint: 'Stop it there, close that tab, or wait until it ends, then delete it.',
      details: [],
    });
    // The list is read again, so the card now says where it runs.
    expect(library.state(library.listings[0]!)).toBe('running in another tab');
    await library.removeHeld('free');
    expect(library.problem).toBeNull();
    expect(shelf.items.map((i) => i.id)).toEqual(['there']);
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

  it('says a write the browser refused for want of room as such, with what to do, not as an empty alert (R190-1)', async () => {
    const shelf = { items: [] as StoredListing[] };
    const library = new ShelfLibrary(shelf);
    await library.importFiles([new File(['full'], 'full.json')]);
    expect(library.importProblems).toEqual([
      {
        message: 'This browser has no room left to store it (QuotaExceededError), so nothing of it was written.',
        hint: 'Free some space (a downloaded model on the Models page, an old study or search), then import it again. The Results page can still open it, for this tab only.',
        details: [],
      },
    ]);
    expect(library.importLines).toEqual([]);

    // Any other failure without a message still says something.
    await library.importFiles([new File(['broken'], 'broken.json')]);
    expect(library.importProblems.map((notice) => notice.message)).toEqual(['Something failed without saying why.']);
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
