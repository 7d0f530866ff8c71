/**
 * Notices when a program changes, in place, one of the lists and sets the standard library keeps
 * (`calendar.mdays[2] = 30`, `hashlib.algorithms_available.discard('md5')`,
 * `sys.warnoptions.append(…)`). Such a change raises no audit event and writes no dict, so the
 * dict watch misses it; comparing five thousand members from Python after every program costs
 * about 0.3 ms, a quarter of a short program's run. This compares them straight in wasm memory
 * instead (a few microseconds), and the runner restores only the containers it names.
 *
 * What it reads, for each container, is its table: a list's length and item pointers, a set's
 * fill, used count, mask, table pointer and the key of every slot. Any change to the members
 * changes that; a change that leaves the members as they were but moves them (a set emptied and
 * refilled) is reported too, and the runner, which compares members by identity, finds nothing
 * to restore. Reference counts are not read: using a member changes nothing here.
 *
 * Where CPython keeps those fields is checked, not assumed: the runner's probe list and set hold
 * known objects, and the layout must find exactly them.
 */

/** PyListObject on wasm32: ob_refcnt, ob_type, ob_size, ob_item. */
const LIST_SIZE = 2;
const LIST_ITEMS = 3;
/** PySetObject on wasm32: ob_refcnt, ob_type, fill, used, mask, table; a slot is (key, hash). */
const SET_FILL = 2;
const SET_USED = 3;
const SET_MASK = 4;
const SET_TABLE = 5;
/** Larger than any table the standard library keeps; past it the memory read is not a table. */
const MOST_SLOTS = 1 << 20;

export interface ContainerProbes {
  /** A list holding `members`, in that order. */
  list: number;
  /** A set holding `members`. */
  set: number;
  members: readonly number[];
}

type Heap = { readonly HEAPU32: Uint32Array };

export class ContainerWatch {
  readonly #heap: Heap;
  readonly #words: readonly number[];
  readonly #isList: readonly boolean[];
  readonly #fingerprints: Uint32Array[];

  private constructor(heap: Heap, addresses: readonly number[], kinds: string) {
    this.#heap = heap;
    this.#words = addresses.map((address) => address / 4);
    this.#isList = [...kinds].map((kind) => kind === 'l');
    this.#fingerprints = this.#words.map((_, index) => this.#fingerprint(index));
  }

  /**
   * `addresses`: the containers' `id()`s; `kinds`: one letter each, `l` for a list, `s` for a
   * set. `changeProbes()` must change both probes in place: it proves changes are seen. Null
   * when the probes do not read back as expected (another CPython layout).
   */
  static start(
    heap: Heap,
    probes: ContainerProbes,
    addresses: readonly number[],
    kinds: string,
    changeProbes: () => void,
  ): ContainerWatch | null {
    if (addresses.length !== kinds.length || !/^[ls]*$/.test(kinds)) return null;
    if (!readsList(heap.HEAPU32, probes.list / 4, probes.members)) return null;
    if (!readsSet(heap.HEAPU32, probes.set / 4, probes.members)) return null;
    const trial = new ContainerWatch(heap, [probes.list, probes.set], 'ls');
    changeProbes();
    if (trial.changed() !== '0,1') return null;
    return new ContainerWatch(heap, addresses, kinds);
  }

  get size(): number {
    return this.#words.length;
  }

  /** Indices of the containers whose tables changed since start-up or their last `rebase`, comma-separated. */
  changed(): string {
    const memory = this.#heap.HEAPU32;
    const indices: number[] = [];
    for (let index = 0; index < this.#words.length; index++) {
      if (!this.#matches(memory, index)) indices.push(index);
    }
    return indices.join(',');
  }

  /** Takes the tables of `indices` (as `changed` returned them) as they are now: the runner has restored them. */
  rebase(indices: string): void {
    for (const index of indices.split(',')) {
      if (index !== '') this.#fingerprints[Number(index)] = this.#fingerprint(Number(index));
    }
  }

  #matches(memory: Uint32Array, index: number): boolean {
    const word = this.#words[index]!;
    const saved = this.#fingerprints[index]!;
    if (this.#isList[index]) {
      const size = memory[word + LIST_SIZE]!;
      if (size !== saved[0]) return false;
      const items = memory[word + LIST_ITEMS]! / 4;
      for (let i = 0; i < size; i++) if (memory[items + i] !== saved[1 + i]) return false;
      return true;
    }
    const mask = memory[word + SET_MASK]!;
    if (memory[word + SET_FILL] !== saved[0] || memory[word + SET_USED] !== saved[1] || mask !== saved[2]) return false;
    if (memory[word + SET_TABLE] !== saved[3]) return false;
    const table = saved[3]! / 4;
    for (let slot = 0; slot <= mask; slot++) if (memory[table + 2 * slot] !== saved[4 + slot]) return false;
    return true;
  }

  #fingerprint(index: number): Uint32Array {
    const memory = this.#heap.HEAPU32;
    const word = this.#words[index]!;
    if (this.#isList[index]) {
      const size = Math.min(memory[word + LIST_SIZE]!, MOST_SLOTS);
      const items = memory[word + LIST_ITEMS]! / 4;
      const fingerprint = new Uint32Array(1 + size);
      fingerprint[0] = size;
      for (let i = 0; i < size; i++) fingerprint[1 + i] = memory[items + i]!;
      return fingerprint;
    }
    const mask = Math.min(memory[word + SET_MASK]!, MOST_SLOTS - 1);
    const table = memory[word + SET_TABLE]!;
    const fingerprint = new Uint32Array(4 + mask + 1);
    fingerprint.set([memory[word + SET_FILL]!, memory[word + SET_USED]!, mask, table]);
    for (let slot = 0; slot <= mask; slot++) fingerprint[4 + slot] = memory[table / 4 + 2 * slot]!;
    return fingerprint;
  }
}

function readsList(memory: Uint32Array, word: number, members: readonly number[]): boolean {
  if (memory[word + LIST_SIZE] !== members.length) return false;
  const items = memory[word + LIST_ITEMS]! / 4;
  return members.every((member, i) => memory[items + i] === member);
}

function readsSet(memory: Uint32Array, word: number, members: readonly number[]): boolean {
  const mask = memory[word + SET_MASK]!;
  // A set's mask is one less than a power of two.
  if (memory[word + SET_USED] !== members.length || mask >= MOST_SLOTS || (mask & (mask + 1)) !== 0) return false;
  const table = memory[word + SET_TABLE]! / 4;
  const keys = new Set<number>();
  for (let slot = 0; slot <= mask; slot++) {
    const key = memory[table + 2 * slot]!;
    if (key !== 0) keys.add(key);
  }
  return keys.size === members.length && members.every((member) => keys.has(member));
}
