/**
 * What the service worker and the page say to each other, and the precache manifest the build
 * writes into the worker. Types only: the worker is a classic script built on its own, so it must
 * not import a single runtime value from the app (a shared chunk would put an `import` in it).
 */

/** One file of the build, cached under a key that carries its content hash. */
export interface PrecacheEntry {
  /** Path relative to the worker's scope (the app's base URL), e.g. `assets/index-abc123.js`. */
  path: string;
  /** First 16 hex digits of the file's SHA-256: the key changes only when the bytes do. */
  rev: string;
  bytes: number;
  /** Part of the app shell (index.html and what it loads), cached before the worker installs. */
  shell: boolean;
}

export interface PrecacheManifest {
  /** Hash over every entry's path and rev: names this build. */
  version: string;
  entries: PrecacheEntry[];
  /**
   * Paths fetched when warming only if the host has them, e.g. benchmark files a deploy added
   * after the build (`datasets/…`). Kept in the runtime cache.
   */
  optional: string[];
}

/** Page → worker. */
export type PageMessage =
  /** Cache every file of the build (and the optional ones the host has), then answer `warmed`. */
  | { type: 'warm' };

/** Worker → page. */
export type WorkerMessage = {
  type: 'warmed';
  version: string;
  /** Entries of the build now in the cache. */
  cached: number;
  total: number;
  /**
   * Paths that could not be cached, with the reason; `full` when the browser had no room for it
   * (QuotaExceededError), which neither a reload nor the network coming back puts right.
   */
  failed: { path: string; reason: string; full?: true }[];
  /** Optional paths the host had and that are now cached. */
  optionalCached: string[];
};
