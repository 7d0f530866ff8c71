/**
 * Work this tab holds that a reload would cut short: a study or a search running here, scored
 * samples kept only in this tab's memory. The shell reads it before it reloads a tab by itself
 * (a page of an older deploy that the server no longer has): with nothing here, it reloads at
 * once; otherwise it asks, and says what the reload would stop.
 */

const held = new Map<symbol, string>();

/**
 * Records `what` (a phrase: "a study running") until the returned function is called; calling it
 * twice is harmless.
 */
export function holdTabWork(what: string): () => void {
  const token = Symbol(what);
  held.set(token, what);
  return () => {
    held.delete(token);
  };
}

/** What this tab holds now, each phrase once, in the order it was taken. */
export function tabWork(): string[] {
  return [...new Set(held.values())];
}
