/**
 * Which tab runs which search, as for studies (study-lock.ts): a running search holds a Web Lock
 * named after it, so a reloaded page can tell a search that runs somewhere from one that was
 * interrupted (the store says "running" in both cases). Releasing resolves once the lock is
 * actually free, so a list refreshed after it no longer sees the search as running.
 */

const PREFIX = 'feedback-lab:search:';

interface LockManagerLike {
  request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<void>): Promise<void>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

function locks(): LockManagerLike | undefined {
  return (globalThis.navigator as (Navigator & { locks?: LockManagerLike }) | undefined)?.locks;
}

/** Takes the search's lock, or returns null when another tab holds it. Without Web Locks every claim succeeds. */
export async function claimSearch(searchId: string): Promise<(() => Promise<void>) | null> {
  const manager = locks();
  if (!manager) return async () => undefined;
  return new Promise((resolve, reject) => {
    let free: () => void = () => undefined;
    const held = new Promise<void>((done) => (free = done));
    let granted = false;
    const request = manager.request(`${PREFIX}${searchId}`, { ifAvailable: true }, async (lock) => {
      if (!lock) {
        resolve(null);
        return;
      }
      granted = true;
      resolve(async () => {
        free();
        await request;
      });
      await held;
    });
    request.catch((error: unknown) => {
      if (!granted) reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

/** Ids of the searches some tab of this origin is running now. */
export async function searchesRunningAnywhere(): Promise<Set<string>> {
  const manager = locks();
  if (!manager) return new Set();
  try {
    const { held = [] } = await manager.query();
    return new Set(held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(PREFIX)).map((name) => name.slice(PREFIX.length)));
  } catch {
    return new Set();
  }
}
