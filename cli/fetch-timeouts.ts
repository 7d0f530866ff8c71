/**
 * Node's fetch (the undici bundled with Node) gives up on a response whose headers take 300 s,
 * or whose body then stays silent for 300 s. Ollama sends no headers until its first token, so a
 * prompt a CPU read for longer than that failed as "stopped answering" and was sent again, four
 * times, whatever --first-token-timeout said (audit R219-1). The model client's own watchdogs
 * bound every wait (the first token, then the silence between tokens), so `run` lifts undici's.
 *
 * Node exposes no Agent class. Its fetch uses the dispatcher kept under a symbol undici shares
 * between its copies, made on the first fetch: a fetch of a data: URL makes it without touching
 * the network, and a new Agent of that same class (so always one this Node's fetch can drive)
 * replaces it.
 */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

export interface FetchTimeouts {
  /** Milliseconds to wait for a response's headers; 0 waits as long as it takes. */
  headersTimeout: number;
  /** Milliseconds of silence allowed within a response's body; 0 allows any. */
  bodyTimeout: number;
}

/** Says whether fetch now waits as `limits` say (false: this Node keeps its own limits). */
export async function setFetchTimeouts(limits: FetchTimeouts = { headersTimeout: 0, bodyTimeout: 0 }): Promise<boolean> {
  const slots = globalThis as unknown as Record<symbol, unknown>;
  try {
    if (slots[GLOBAL_DISPATCHER] === undefined) await (await fetch('data:,')).arrayBuffer();
    const Agent = (slots[GLOBAL_DISPATCHER] as { constructor?: unknown } | undefined)?.constructor;
    if (typeof Agent !== 'function') return false;
    slots[GLOBAL_DISPATCHER] = new (Agent as new (options: FetchTimeouts) => unknown)(limits);
    return true;
  } catch {
    return false;
  }
}

/** undici's own limit on a response's first bytes, which a first-token timeout above it cannot outlast. */
export const NODE_FETCH_HEADERS_TIMEOUT_MS = 300_000;
