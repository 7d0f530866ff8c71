/**
 * Knows which of the baseline's dicts (module namespaces, sys.modules, a few registries) were
 * written since it was last asked, so restoring them costs nothing when a program left them
 * alone, instead of comparing ten thousand entries after every program.
 *
 * It is a CPython dict watcher (PyDict_AddWatcher, 3.12+) whose callback is a JavaScript
 * function placed in the wasm function table: every write to a watched dict calls it, from C,
 * whatever Python did to make the write. A program cannot unwatch a dict without the C API,
 * which it cannot reach (ctypes and the test modules are disabled).
 */

/** What this needs from the Emscripten module. */
export interface WatcherHost {
  addFunction(fn: (...args: number[]) => number, signature: string): number;
  _PyDict_AddWatcher(callback: number): number;
  _PyDict_Watch(watcherId: number, dict: number): number;
}

export class DictWatch {
  readonly #indexOf: Map<number, number>;
  readonly #written = new Set<number>();

  private constructor(addresses: readonly number[]) {
    this.#indexOf = new Map(addresses.map((address, index) => [address, index]));
  }

  /**
   * Watches the dicts at `addresses` (their `id()`). `writeOne()` must write one of them; it
   * proves the watcher reports writes. Null when the watcher cannot be installed.
   */
  static start(host: WatcherHost, addresses: readonly number[], writeOne: () => void): DictWatch | null {
    const watch = new DictWatch(addresses);
    const callback = host.addFunction((_event, dict) => {
      watch.#written.add(dict!);
      return 0;
    }, 'iiiii');
    const watcher = host._PyDict_AddWatcher(callback);
    if (watcher < 0) return null;
    for (const address of addresses) if (host._PyDict_Watch(watcher, address) !== 0) return null;
    writeOne();
    return watch.take() !== '' ? watch : null;
  }

  get size(): number {
    return this.#indexOf.size;
  }

  /** Indices of the dicts written since the last call, comma-separated; forgets them. */
  take(): string {
    const indices: number[] = [];
    for (const address of this.#written) {
      const index = this.#indexOf.get(address);
      if (index !== undefined) indices.push(index);
    }
    this.#written.clear();
    return indices.join(',');
  }
}
