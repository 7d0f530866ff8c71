/**
 * What the lists of stored studies and of stored searches share: each listing's state (an
 * interrupted one is one the store calls running while no tab holds its lock), a refresh that
 * coalesces bursts, actions whose failure becomes the list's notice, and imports that check
 * every file before writing any. The subclasses say what a listing is and how files are read
 * and written.
 */
import type { StudyStatus } from '../../core/ports.ts';
import { UserError } from '../../core/user-error.ts';
import { isQuotaError } from '../../store/kept-file-error.ts';
import { keepStorage, storageEstimate, storagePersisted, type StorageEstimate } from '../../store/storage-estimate.ts';
import { coalescedTask } from '../coalesced-task.ts';
import { noticeOf, type Notice } from './notice.ts';
import { OthersWatch } from './others-watch.ts';
import { failureMessage } from './run-failure.ts';
import type { RunLocks } from './run-locks.ts';
import { WHAT_TO_FREE } from './what-to-free.ts';

/**
 * What a list shows as a stored run's state. `paused here`: paused in this tab, whose run panel
 * resumes it; `paused in another tab`: paused in a tab that still holds it, whose panel resumes
 * it. `stopped by an error`: stopped by the run itself (an endpoint gone), not cancelled.
 */
export type ListedState =
  | 'running here'
  | 'paused here'
  | 'running in another tab'
  | 'paused in another tab'
  | 'interrupted'
  | 'paused'
  | 'cancelled'
  | 'stopped by an error'
  | 'done';

/** Stored studies and searches share their statuses. */
export interface StoredListing {
  id: string;
  status: StudyStatus;
}

export interface StoredLibraryDeps<Stores> {
  stores: () => Promise<Stores>;
  /** Ids running in this tab: the list says so, and imports into them are refused. */
  runningHere: () => ReadonlySet<string>;
  /** Those of them paused (read as the page draws, so the card follows the run's Pause and Resume at once). */
  pausedHere?: () => ReadonlySet<string>;
  /** How often a watched list is read again while another tab runs one of its runs. Default 3 s. */
  othersRefreshMs?: number;
  /** After each reading of the list: a page following a run another tab holds reads it again then too. */
  onRefresh?: () => void;
  /** The browser's StorageManager, read with the list (navigator.storage unless a test gives another). */
  storage?: () => StorageManager | undefined;
  /** Asks the browser to keep this site's data: the page's one asker (`keepStorage`) unless a test gives another. */
  keepStorage?: () => Promise<boolean | null>;
}

/** The outcome of an import: the lines saying what was written, or why nothing was. */
export type ImportOutcome = { lines: string[] } | { problems: Notice[] };

export abstract class StoredLibrary<Listing extends StoredListing, Stores> {
  listings = $state.raw<Listing[]>([]);
  elsewhere = $state.raw<ReadonlySet<string>>(new Set());
  loaded = $state(false);
  /**
   * The last reading of the list failed (the database would not open): an empty list then says
   * nothing of what is stored, and "0 studies … No studies yet" under the failure read as every
   * study gone when a newer build's tab had only upgraded the database (audit R168).
   */
  unread = $state(false);
  /** Why the last action failed (a store that cannot open, an export that broke). */
  problem = $state.raw<Notice | null>(null);
  importing = $state(false);
  /**
   * What a long action is doing now (an import reading a file or writing steps, an export), when
   * it says; an import that says nothing shows "Checking the files…".
   */
  progress = $state<string | null>(null);
  importProblems = $state.raw<Notice[]>([]);
  importLines = $state.raw<string[]>([]);
  /** How much this site stores and may store, as the browser said when the list was last read; null where it does not say. */
  storage = $state.raw<StorageEstimate | null>(null);
  /**
   * Whether the browser has promised to keep what this site stores, as of the last reading; null
   * where it cannot say. Not promised, it may clear every stored run when the disk fills, and the
   * list says so.
   */
  persisted = $state<boolean | null>(null);

  protected readonly deps: StoredLibraryDeps<Stores>;
  readonly #locks: RunLocks;
  readonly #others: OthersWatch;

  constructor(deps: StoredLibraryDeps<Stores>, locks: RunLocks) {
    this.deps = deps;
    this.#locks = locks;
    // Always something to look at while on show: another tab may start a run, or take up one this
    // list calls cancelled, stopped or done (errored units run again), at any time.
    this.#others = new OthersWatch(() => void this.#look(), () => true, deps.othersRefreshMs);
  }

  /**
   * One look of the watch. While another tab runs something, the list is read again (its counts
   * move on). Otherwise only the locks are asked, which costs nothing like reading the stores:
   * when another tab has started a run, or taken up one this list shows (interrupted, paused,
   * cancelled, stopped by an error, or finished with errored units), the list is read again, so
   * its card says where it runs and follows it. Only runs offered for Resume were looked for: a
   * study another tab started never showed here, and one it took up after a Cancel stayed
   * "cancelled", its Delete… offered, which deleted the study under the run (audit R175-1).
   */
  async #look(): Promise<void> {
    if (this.elsewhere.size > 0) return this.refresh();
    const held = await this.#locks.heldAnywhere();
    const here = this.deps.runningHere();
    if ([...held].some((id) => !here.has(id))) return this.refresh();
    this.#others.scheduleNext();
  }

  state(listing: Listing): ListedState {
    // The card said "running here" all through a pause.
    if (this.deps.runningHere().has(listing.id)) return this.deps.pausedHere?.().has(listing.id) ? 'paused here' : 'running here';
    // Held by another tab: paused there when its person paused it (that tab's Resume goes on with it).
    if (this.elsewhere.has(listing.id)) return listing.status === 'paused' ? 'paused in another tab' : 'running in another tab';
    switch (listing.status) {
      case 'running':
        return 'interrupted';
      case 'failed':
        return 'stopped by an error';
      case 'paused':
      case 'cancelled':
      case 'done':
        return listing.status;
      default: {
        const never: never = listing.status;
        return never;
      }
    }
  }

  /**
   * While the list is on show, a run going on in another tab is read again every few seconds:
   * its counts move on, and when that tab closes (or crashes) it shows as interrupted, with its
   * Resume button, instead of "running in another tab" until the page is reloaded. A run it offers
   * Resume for is watched too: another tab that takes it up shows in a few seconds.
   */
  watchOthers(on: boolean): void {
    this.#others.watch(on);
  }

  /** Reads the list again; calls during a refresh coalesce into one more. */
  readonly refresh: () => Promise<void> = coalescedTask(() => this.#refresh());

  /** The listings, and whatever else the list shows beside them (which the subclass keeps). */
  protected abstract read(stores: Stores): Promise<Listing[]>;

  /** Checks every file before writing any, through `importWith`. */
  abstract importFiles(files: readonly File[]): Promise<void>;

  async #refresh(): Promise<void> {
    try {
      const stores = await this.deps.stores();
      const manager = this.deps.storage?.();
      const [listings, elsewhere, storage, persisted] = await Promise.all([
        this.read(stores),
        this.#locks.heldAnywhere(),
        storageEstimate(manager).catch(() => null),
        storagePersisted(manager).catch(() => null),
      ]);
      for (const id of this.deps.runningHere()) elsewhere.delete(id);
      this.listings = listings;
      this.elsewhere = elsewhere;
      this.storage = storage;
      this.persisted = persisted;
      this.unread = false;
      this.deps.onRefresh?.();
    } catch (error) {
      this.problem = noticeOf(error);
      this.unread = true;
    } finally {
      this.loaded = true;
      this.#others.scheduleNext();
    }
  }

  /**
   * Asks the browser to keep this site's data, as work is about to be stored (a start, a resume, an
   * import): without that, Chromium may clear all of it when the disk fills, without a word. Called
   * from the user's press and never waited for, so nothing starts later for it; only the page's
   * first call asks the browser. Once it says yes, the list is read again, so its warning goes.
   */
  askToKeep(): void {
    void (this.deps.keepStorage ?? keepStorage)().then((kept) => {
      if (kept && this.persisted !== true) void this.refresh();
    });
  }

  /** Runs an action on the stores; its failure becomes the list's notice, and the list is read again. */
  protected async act(action: (stores: Stores) => Promise<void>): Promise<void> {
    this.problem = null;
    try {
      await action(await this.deps.stores());
    } catch (error) {
      this.problem = noticeOf(error);
    }
    await this.refresh();
  }

  /**
   * Deletes a stored run, holding its lock meanwhile so that no tab starts or resumes it while it
   * goes; refused while another tab holds it. The card's Delete… is off for a run shown running
   * elsewhere, but the list may be a few seconds behind: deleted under another tab's run, the run
   * stopped with "No study … in the store" and everything it had stored was gone (audit R175-1).
   * A run of this tab is the caller's to let go of first (the page stops one paused here).
   */
  protected async removeHolding(id: string, what: string, remove: (stores: Stores) => Promise<void>): Promise<void> {
    await this.act((stores) =>
      this.holdingRunLocks([id], async (elsewhere) => {
        if (elsewhere.length > 0) {
          throw new UserError(`${what} is running or paused in another tab, so it was not deleted.`, 'Stop it there, close that tab, or wait until it ends, then delete it.');
        }
        await remove(stores);
      }),
    );
  }

  /**
   * Runs `work` holding the run lock of every id that does not run in this tab, so that no tab
   * starts or resumes one of them meanwhile: an import writing into a run that another tab is
   * running would interleave its steps with that run's. `work` is told the ids another tab holds
   * (it should refuse them); ids running here are left to it, since this tab holds their locks.
   */
  protected async holdingRunLocks<T>(ids: readonly string[], work: (elsewhere: string[]) => Promise<T>): Promise<T> {
    const here = this.deps.runningHere();
    const releases: (() => Promise<void>)[] = [];
    const elsewhere: string[] = [];
    try {
      for (const id of new Set(ids)) {
        if (here.has(id)) continue;
        const release = await this.#locks.claim(id);
        if (release) releases.push(release);
        else elsewhere.push(id);
      }
      return await work(elsewhere);
    } finally {
      await Promise.all(releases.map((release) => release()));
    }
  }

  /** Shows an import as it goes and what came of it; the list is read again either way. */
  protected async importWith(work: () => Promise<ImportOutcome>): Promise<void> {
    this.askToKeep();
    this.importing = true;
    this.importProblems = [];
    this.importLines = [];
    try {
      const outcome = await work();
      if ('problems' in outcome) this.importProblems = outcome.problems;
      else this.importLines = outcome.lines;
    } catch (error) {
      this.importProblems = [importFailure(error)];
    } finally {
      this.importing = false;
      this.progress = null;
      await this.refresh();
    }
  }
}

/**
 * Why an import failed while writing. A browser out of room fails the write with a
 * QuotaExceededError, whose message Chromium leaves empty: the list said "Nothing was imported."
 * over an empty alert, with no reason and nothing to do about it.
 */
function importFailure(error: unknown): Notice {
  if (isQuotaError(error)) {
    return {
      message: 'This browser has no room left to store it (QuotaExceededError), so nothing of it was written.',
      hint: `Free some space (${WHAT_TO_FREE}), then import it again. The Results page can still open it, for this tab only.`,
      details: [],
    };
  }
  const notice = noticeOf(error);
  return notice.message.trim() === '' ? { ...notice, message: failureMessage(error) } : notice;
}

/** Reads every file, keeping each one's failure as a notice that names it. */
export async function readFiles<Doc>(
  files: readonly File[],
  parse: (bytes: Uint8Array) => Promise<Doc>,
): Promise<{ read: { fileName: string; doc: Doc }[]; problems: Notice[] }> {
  const read: { fileName: string; doc: Doc }[] = [];
  const problems: Notice[] = [];
  for (const file of files) {
    try {
      read.push({ fileName: file.name, doc: await parse(new Uint8Array(await file.arrayBuffer())) });
    } catch (error) {
      problems.push({ fileName: file.name, ...noticeOf(error) });
    }
  }
  return { read, problems };
}
