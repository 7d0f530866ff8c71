/**
 * Watches the interpreter's codec registry, which Python cannot list: the search functions
 * (`codecs.register`) and the cache of codecs they found. A program that poisons either changes
 * what a later program's `s.encode('cp1252')` or `codecs.encode(s, 'rot13')` returns: the cache
 * keeps a codec found while the program had `encodings._cache` or `encodings.__path__` changed
 * (both put back after it, the cache entry not), and a search function it registered before the
 * standard one answers for standard names.
 *
 * Both live in the interpreter state as `{ search_path (list), search_cache (dict),
 * error_registry (dict), initialized }`, found once in wasm memory near the main interpreter's
 * address (first match; a probe then checks it) by their shape: a list holding just `encodings.search_function`, then two dicts. After
 * each program this reads three words: the list's length and first item (anything else means a
 * registered function: the worker is replaced) and the cache's entry count (anything means a
 * lookup, which the runner undoes by emptying the cache; the standard function refills it).
 */

/** What this needs from the Emscripten module. */
export interface CodecHost {
  readonly HEAPU32: Uint32Array;
  _PyInterpreterState_Main(): number;
}

/** Addresses (`id()`) the runner reports, to recognise the registry by. */
export interface CodecIds {
  searchFunction: number;
  listType: number;
  dictType: number;
}

/** The codecs state sits about 4 KB into PyInterpreterState in CPython 3.14; this leaves room. */
const SEARCH_WORDS = 64 * 1024;

export class CodecWatch {
  readonly #host: CodecHost;
  readonly #path: number;
  readonly #cache: number;
  readonly #searchFunction: number;

  private constructor(host: CodecHost, path: number, cache: number, searchFunction: number) {
    this.#host = host;
    this.#path = path;
    this.#cache = cache;
    this.#searchFunction = searchFunction;
  }

  /**
   * Finds the registry. `probe(step)`: 0 registers a second search function, 1 unregisters it,
   * 2 looks a codec up, 3 empties the cache. Null when the registry is not found where expected
   * or does not move as the probe moves it.
   */
  static start(host: CodecHost, ids: CodecIds, probe: (step: number) => void): CodecWatch | null {
    const words = host.HEAPU32;
    const isObject = (address: number, type: number) =>
      address !== 0 && address % 4 === 0 && address / 4 + 3 < words.length && words[address / 4 + 1] === type;
    // The first match is taken (about a thousand words in): the probe below proves it is the
    // registry, and scanning the whole window for a second one cost 8-30 ms a worker.
    const first = host._PyInterpreterState_Main() / 4;
    let at = -1;
    for (let word = first; word < first + SEARCH_WORDS && word + 2 < words.length && at < 0; word++) {
      const path = words[word]!;
      if (!isObject(path, ids.listType) || words[path / 4 + 2] !== 1) continue;
      const items = words[path / 4 + 3]!;
      if (items % 4 !== 0 || words[items / 4] !== ids.searchFunction) continue;
      if (isObject(words[word + 1]!, ids.dictType) && isObject(words[word + 2]!, ids.dictType)) at = word;
    }
    if (at < 0) return null;
    const watch = new CodecWatch(host, words[at]!, words[at + 1]!, ids.searchFunction);
    probe(3);
    if (!watch.pathIntact() || watch.cacheUsed()) return null;
    probe(0);
    const moved = !watch.pathIntact();
    probe(1);
    if (!moved || !watch.pathIntact()) return null;
    probe(2);
    const filled = watch.cacheUsed();
    probe(3);
    return filled && !watch.cacheUsed() ? watch : null;
  }

  /** The standard search function, alone. */
  pathIntact(): boolean {
    const words = this.#host.HEAPU32;
    const items = words[this.#path / 4 + 3]!;
    return words[this.#path / 4 + 2] === 1 && words[items / 4] === this.#searchFunction;
  }

  /** True when the cache holds a codec: something was looked up since it was last emptied. */
  cacheUsed(): boolean {
    // ma_used, after the object header (reference count, type).
    return this.#host.HEAPU32[this.#cache / 4 + 2] !== 0;
  }
}
