/**
 * Notices when a program sets up again, in place, one of the standard library's property,
 * classmethod or staticmethod objects: `__init__` can be called again on any of them
 * (`collections.abc.Sized.__dict__['__subclasshook__'].__init__(lambda cls, C: True)` made `int`
 * Sized for every later program in the worker; `fractions.Fraction.numerator.__init__(…)` changed
 * every later numerator; audit R221-1). That raises no audit event and writes no dict, so neither
 * the dict watch nor the class watch sees it. Comparing the functions the 430-odd descriptors hold
 * from Python costs about 0.1 ms a program; this reads the same pointers in wasm memory (a few
 * microseconds), and any change replaces the worker.
 *
 * Where CPython keeps those pointers is found, not assumed: the runner's probe descriptors hold
 * known functions, and each field must be found exactly once, then move to the other functions
 * when the probes are set up again with them.
 */

/** Past the object header (refcount, type); a descriptor's fields sit in its first few words. */
const FIRST_FIELD = 2;
const SEARCH_WORDS = 16;

export interface DescriptorProbes {
  property: number;
  classmethod: number;
  staticmethod: number;
  /** The functions the probes hold at first: a property's fget, fset, fdel; the methods' function is the first. */
  before: readonly number[];
  /** The same after the probes are set up again. */
  after: readonly number[];
}

type Heap = { readonly HEAPU32: Uint32Array };

export class DescriptorWatch {
  readonly #heap: Heap;
  readonly #words: Uint32Array;
  readonly #values: Uint32Array;

  private constructor(heap: Heap, words: number[]) {
    this.#heap = heap;
    this.#words = Uint32Array.from(words);
    this.#values = this.#words.map((word) => heap.HEAPU32[word]!);
  }

  /**
   * `addresses`: the descriptors (their `id()`); `kinds`: one letter each, `p` property, `c`
   * classmethod, `s` staticmethod. `setUpProbesAgain()` must call `__init__` again on the three
   * probes with the `after` functions. Null when the probes do not read as expected (another
   * CPython layout): the runner then compares from Python.
   */
  static start(heap: Heap, probes: DescriptorProbes, addresses: readonly number[], kinds: string, setUpProbesAgain: () => void): DescriptorWatch | null {
    if (addresses.length !== kinds.length || !/^[pcs]*$/.test(kinds)) return null;
    if (probes.before.length !== 3 || probes.after.length !== 3) return null;
    const memory = () => heap.HEAPU32;
    const propertyOffsets = probes.before.map((id) => onlyOffset(memory(), probes.property, id));
    const classOffset = onlyOffset(memory(), probes.classmethod, probes.before[0]!);
    const staticOffset = onlyOffset(memory(), probes.staticmethod, probes.before[0]!);
    if (propertyOffsets.includes(-1) || classOffset < 0 || staticOffset < 0) return null;
    setUpProbesAgain();
    const reads = (address: number, offset: number) => memory()[address / 4 + offset];
    if (!propertyOffsets.every((offset, i) => reads(probes.property, offset) === probes.after[i])) return null;
    if (reads(probes.classmethod, classOffset) !== probes.after[0] || reads(probes.staticmethod, staticOffset) !== probes.after[0]) return null;
    const offsets: Record<string, readonly number[]> = { p: propertyOffsets, c: [classOffset], s: [staticOffset] };
    const words: number[] = [];
    addresses.forEach((address, i) => {
      for (const offset of offsets[kinds[i]!]!) words.push(address / 4 + offset);
    });
    return new DescriptorWatch(heap, words);
  }

  /** How many pointers are compared. */
  get size(): number {
    return this.#words.length;
  }

  /** True when a descriptor holds another function than at start-up. */
  changed(): boolean {
    const memory = this.#heap.HEAPU32;
    const words = this.#words;
    const values = this.#values;
    for (let i = 0; i < words.length; i++) if (memory[words[i]!] !== values[i]) return true;
    return false;
  }
}

/** The offset (in words) of the one field of the object at `address` that holds `id`, or -1. */
function onlyOffset(memory: Uint32Array, address: number, id: number): number {
  let found = -1;
  for (let offset = FIRST_FIELD; offset < SEARCH_WORDS; offset++) {
    if (memory[address / 4 + offset] !== id) continue;
    if (found >= 0) return -1;
    found = offset;
  }
  return found;
}
