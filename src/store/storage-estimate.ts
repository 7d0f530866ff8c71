/** How much this origin stores and may store, as the browser reports it (an estimate, by design). */
export interface StorageEstimate {
  usageBytes: number;
  quotaBytes: number;
}

/** Resolves to null where the StorageManager API is missing (older browsers, insecure contexts). */
export async function storageEstimate(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<StorageEstimate | null> {
  if (!storage?.estimate) return null;
  const { usage, quota } = await storage.estimate();
  return { usageBytes: usage ?? 0, quotaBytes: quota ?? 0 };
}

/**
 * Whether the browser has promised to keep this origin's data (persistent storage); null where it
 * cannot say. Without that promise the data is "best-effort": a browser short of disk may clear
 * all of it (every stored study, search and kept file) without a word.
 */
export async function storagePersisted(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<boolean | null> {
  if (!storage?.persisted) return null;
  return storage.persisted();
}

/**
 * Asks the browser to keep this origin's data, at most once: later calls get the first call's
 * answer (true once granted; false when refused; null where the API is missing or the request
 * failed). Never rejects. Chromium answers at once from how the site is used, with no prompt;
 * Firefox may ask its user, so the request is made from a press that stores work, not on load.
 */
export function storageKeeper(storage: () => StorageManager | undefined = () => globalThis.navigator?.storage): () => Promise<boolean | null> {
  let asked: Promise<boolean | null> | null = null;
  return () => {
    if (asked) return asked;
    const manager = storage();
    // Asked synchronously, within the press: Firefox shows its question only during a user gesture.
    let answer: Promise<boolean>;
    try {
      answer = manager?.persist ? manager.persist() : Promise.reject(new Error('No StorageManager.persist here.'));
    } catch (error) {
      answer = Promise.reject(error);
    }
    asked = answer.then((kept) => kept === true, () => null);
    return asked;
  };
}

/** This page's one asker: a start, a resume or an import asks, and only the first asks the browser. */
export const keepStorage = storageKeeper();
