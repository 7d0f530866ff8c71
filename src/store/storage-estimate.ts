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
