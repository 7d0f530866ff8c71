/**
 * Which tab runs which study. A running study holds a Web Lock named after it for as long as its
 * runner lives, so another tab (or this one after a reload) can tell a study that is running
 * somewhere from one that was interrupted: the store says "running" in both cases.
 */

const PREFIX = 'feedback-lab:study:';

interface LockManagerLike {
  request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<void>): Promise<void>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

function locks(): LockManagerLike | undefined {
  return (globalThis.navigator as Navigator & { locks?: LockManagerLike } | undefined)?.locks;
}

/**
 * Takes the study's lock, or returns null when another tab holds it. The returned function
 * releases it and resolves once the lock is free (so a list read right after no longer sees
 * it). Where the browser has no Web Locks, every claim succeeds.
 */
export async function claimStudy(studyId: string): Promise<(() => Promise<void>) | null> {
  const manager = locks();
  if (!manager) return async () => undefined;
  return new Promise((resolve, reject) => {
    let free: () => void = () => undefined;
    const held = new Promise<void>((done) => (free = done));
    const request = manager.request(`${PREFIX}${studyId}`, { ifAvailable: true }, async (lock) => {
      if (!lock) {
        resolve(null);
        return;
      }
      resolve(async () => {
        free();
        await request.catch(() => undefined);
      });
      await held;
    });
    request.catch(reject);
  });
}

/** Ids of the studies some tab of this origin is running now. */
export async function studiesRunningAnywhere(): Promise<Set<string>> {
  const manager = locks();
  if (!manager) return new Set();
  try {
    const { held = [] } = await manager.query();
    return new Set(held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(PREFIX)).map((name) => name.slice(PREFIX.length)));
  } catch {
    return new Set();
  }
}
