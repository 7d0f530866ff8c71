/**
 * Notices a program that called `gc.freeze()` (or `gc.unfreeze()`), for one read of wasm memory.
 *
 * `gc.freeze()` moves every object the collector tracks into its permanent generation, which it
 * never looks at again. The runner freezes the baseline after each program (collections then skip
 * its 30,000 objects); a program that froze its own garbage cycles kept them, and their
 * finalizers, past its end, until some later program called `gc.unfreeze()` and a collection
 * ran them there: they patched `builtins` in the middle of that program. Python can tell only
 * by counting the frozen objects (`gc.get_freeze_count()` walks them all: about 2 ms, several
 * times a trivial program's whole run).
 *
 * The permanent generation is a doubly linked list whose head sits in the interpreter's GC
 * state; a freeze appends to its end, an unfreeze empties it. After its own freeze the runner
 * freezes one fresh object alone (`marker`), which is then the list's last: that object's
 * collector header (`PyGC_Head`, two words just before the object) points forward to the list's
 * head, whose backward word then points back at it. After a program, that backward word is read:
 * anything else than the marker's header means the program froze or unfroze something.
 * Found, not assumed: a probe freezes another object and the word must move, then the marker
 * again and it must come back.
 */

/** CPython's `PyGC_Head` on wasm32: `_gc_next`, `_gc_prev`; the low two bits of each are flags. */
const GC_HEAD_BYTES = 8;
const FLAG_BITS = 3;

export class FreezeWatch {
  readonly #heap: { readonly HEAPU32: Uint32Array };
  /** The word of the permanent generation's list head that points to its last object. */
  readonly #tailWord: number;
  #expected = 0;

  private constructor(heap: { readonly HEAPU32: Uint32Array }, tailWord: number) {
    this.#heap = heap;
    this.#tailWord = tailWord;
  }

  /**
   * `freeze(step)`: 0 freezes as the runner does after a program and returns the marker's `id()`;
   * 1 freezes one more object, as a program would. Null when the list is not where its shape says.
   */
  static start(heap: { readonly HEAPU32: Uint32Array }, freeze: (step: number) => number): FreezeWatch | null {
    const marker = freeze(0);
    const words = heap.HEAPU32;
    const header = marker - GC_HEAD_BYTES;
    if (!(marker > GC_HEAD_BYTES && marker % 4 === 0 && marker / 4 < words.length)) return null;
    const head = words[header / 4]! & ~FLAG_BITS;
    if (head === 0 || head % 4 !== 0 || head === header || head / 4 + 1 >= words.length) return null;
    const watch = new FreezeWatch(heap, head / 4 + 1);
    if ((words[watch.#tailWord]! & ~FLAG_BITS) !== header) return null;
    watch.rebase();
    freeze(1);
    if (!watch.changed()) return null;
    const again = freeze(0) - GC_HEAD_BYTES;
    watch.rebase();
    return (heap.HEAPU32[watch.#tailWord]! & ~FLAG_BITS) === again ? watch : null;
  }

  /** Call once the runner has frozen after a program: the marker is last again. */
  rebase(): void {
    this.#expected = this.#heap.HEAPU32[this.#tailWord]!;
  }

  /** True when something was frozen or unfrozen since the last rebase. */
  changed(): boolean {
    return this.#heap.HEAPU32[this.#tailWord] !== this.#expected;
  }
}
