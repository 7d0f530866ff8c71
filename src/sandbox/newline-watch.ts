/**
 * Notices a standard stream's newline setting changed (`sys.stdout.reconfigure(newline='\r\n')`),
 * which Python cannot read back. Left alone it turns every later program's printed `\n` into
 * `\r\n`: a third more characters against the output limit, so a program that prints close to
 * the limit passes in a fresh worker and fails with OutputLimit after such a program.
 *
 * Reconfiguring the streams after every program would cost about 25 µs; reading the fields in
 * wasm memory costs nothing. The fields are found, not assumed: a probe TextIOWrapper is
 * switched to `\r\n` and back, and the words that move that way (the translation flags and
 * newline pointers) are the ones compared.
 */

const SEARCH_WORDS = 64;

export class NewlineWatch {
  readonly #heap: { readonly HEAPU32: Uint32Array };
  readonly #words: number[];
  readonly #baseline: number[];

  private constructor(heap: { readonly HEAPU32: Uint32Array }, words: number[]) {
    this.#heap = heap;
    this.#words = words;
    this.#baseline = words.map((word) => heap.HEAPU32[word]!);
  }

  /**
   * `streamAddresses`: the standard streams (their `id()`), newline already set as it must stay;
   * `probeAddress`: a TextIOWrapper configured the same way. `probe(step)`: 0 switches the probe
   * to `\r\n`, 1 back.
   */
  static start(
    heap: { readonly HEAPU32: Uint32Array },
    probeAddress: number,
    streamAddresses: readonly number[],
    probe: (step: number) => void,
  ): NewlineWatch | null {
    const read = () => Array.from(heap.HEAPU32.subarray(probeAddress / 4, probeAddress / 4 + SEARCH_WORDS));
    const before = read();
    probe(0);
    const switched = read();
    probe(1);
    const back = read();
    const offsets = before.flatMap((word, i) => (word === back[i] && word !== switched[i] ? [i] : []));
    if (offsets.length === 0) return null;
    return new NewlineWatch(heap, streamAddresses.flatMap((address) => offsets.map((offset) => address / 4 + offset)));
  }

  /** True when a standard stream's newline fields differ from start-up. */
  changed(): boolean {
    const words = this.#heap.HEAPU32;
    for (let i = 0; i < this.#words.length; i++) if (words[this.#words[i]!] !== this.#baseline[i]) return true;
    return false;
  }
}
