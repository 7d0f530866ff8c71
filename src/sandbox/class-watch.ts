/**
 * Notices when a program changes a standard-library class (`collections.Counter.__eq__ = …`).
 *
 * CPython gives every type a version tag, cached with method lookups, and invalidates it on any
 * change to the type (its attributes, its bases). Tags come from a global counter, so a changed
 * type never gets its old tag back. The runner assigns a tag to every baseline class at start-up;
 * after each program this compares them straight in wasm memory (a few thousand reads, a few
 * microseconds) instead of comparing thousands of class dictionaries in Python. Assigning to a
 * class attribute is not an audited event, so there is no cheaper hook.
 *
 * The tag's offset in PyTypeObject is found, not assumed: a probe class is looked up (tag
 * assigned), changed (tag cleared) and looked up again (a newer tag), and the one word that
 * moves that way is the tag.
 */

const SEARCH_WORDS = 96;

export class ClassWatch {
  readonly #heap: { readonly HEAPU32: Uint32Array };
  readonly #words: number[];
  readonly #tags: number[];

  private constructor(heap: { readonly HEAPU32: Uint32Array }, words: number[]) {
    this.#heap = heap;
    this.#words = words;
    this.#tags = words.map((word) => heap.HEAPU32[word]!);
  }

  /**
   * `typeAddresses`: the baseline classes (their `id()`), tags already assigned.
   * `touchProbe(step)`: 0 looks the probe class up, 1 changes it, 2 looks it up again.
   */
  static start(
    heap: { readonly HEAPU32: Uint32Array },
    probeAddress: number,
    typeAddresses: readonly number[],
    touchProbe: (step: number) => void,
  ): ClassWatch | null {
    const read = () => Array.from(heap.HEAPU32.subarray(probeAddress / 4, probeAddress / 4 + SEARCH_WORDS));
    touchProbe(0);
    const assigned = read();
    touchProbe(1);
    const cleared = read();
    touchProbe(2);
    const reassigned = read();
    const offsets = assigned.flatMap((tag, i) => (tag !== 0 && cleared[i] === 0 && reassigned[i]! > tag ? [i] : []));
    if (offsets.length !== 1) return null;
    const offset = offsets[0]!;
    return new ClassWatch(heap, typeAddresses.map((address) => address / 4 + offset));
  }

  get size(): number {
    return this.#words.length;
  }

  /** How many baseline classes changed since start-up. */
  changed(): number {
    const words = this.#heap.HEAPU32;
    let count = 0;
    for (let i = 0; i < this.#words.length; i++) if (words[this.#words[i]!] !== this.#tags[i]) count++;
    return count;
  }
}
