/**
 * Which tab runs which study or search. A running one holds a Web Lock named after it for as long
 * as its runner lives, so another tab (or this one after a reload) can tell one that runs
 * somewhere from one that was interrupted: the store says "running" in both cases.
 */
import { holdTabWork } from '../shell/tab-work.ts';

/** The part of the browser's LockManager the app uses (tests give a stand-in). */
export interface LockManagerLike {
  request(name: string, options: { mode?: 'shared' | 'exclusive'; ifAvailable?: boolean }, callback: (lock: unknown) => Promise<void>): Promise<void>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

export interface RunLocks {
  /**
   * Takes the lock of `id`, or returns null when another tab holds it. The returned function
   * releases it and resolves once the lock is free (so a list read right after no longer sees
   * it). Where the browser has no Web Locks, every claim succeeds.
   */
  claim(id: string): Promise<(() => Promise<void>) | null>;
  /** Ids that some tab of this origin holds the lock of now. */
  heldAnywhere(): Promise<Set<string>>;
}

export function browserLocks(): LockManagerLike | undefined {
  return (globalThis.navigator as (Navigator & { locks?: LockManagerLike }) | undefined)?.locks;
}

/**
 * Locks named `prefix + id`; `locks` is the browser's own unless a test gives another. A claimed
 * run is also this tab's work (`what`, for the tab-work list) until it is released.
 */
export function runLocks(prefix: string, locks: () => LockManagerLike | undefined = browserLocks, what = 'a run'): RunLocks {
  const asTabWork = (release: () => Promise<void>): (() => Promise<void>) => {
    const done = holdTabWork(what);
    return () => {
      done();
      return release();
    };
  };
  return {
    async claim(id) {
      const manager = locks();
      if (!manager) return asTabWork(async () => undefined);
      return new Promise((resolve, reject) => {
        let free: () => void = () => undefined;
        const held = new Promise<void>((done) => (free = done));
        const request = manager.request(`${prefix}${id}`, { ifAvailable: true }, async (lock) => {
          if (!lock) {
            resolve(null);
            return;
          }
          resolve(
            asTabWork(async () => {
              free();
              await request.catch(() => undefined);
            }),
          );
          await held;
        });
        // After a grant the promise is settled and this does nothing.
        request.catch((error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
      });
    },
    async heldAnywhere() {
      const manager = locks();
      if (!manager) return new Set();
      try {
        const { held = [] } = await manager.query();
        return new Set(held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)));
      } catch {
        return new Set();
      }
    },
  };
}

export const studyLocks = runLocks('feedback-lab:study:', browserLocks, 'a study running');
export const searchLocks = runLocks('feedback-lab:search:', browserLocks, 'a search running');
/**
 * Held, under an autorun study link's identity, by the tab that looks for that link's study and
 * starts it, until the study and its link are stored: a second tab opening the same link then
 * finds that study instead of starting one of its own.
 */
export const studyLinkLocks = runLocks('feedback-lab:study-link:', browserLocks, 'a study starting');
