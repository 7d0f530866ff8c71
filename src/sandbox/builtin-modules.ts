/**
 * Makes some of CPython's built-in extension modules impossible to import.
 *
 * Pyodide links `_ctypes` and CPython's test modules (`_testcapi`, `_testinternalcapi`…) into
 * the interpreter. Each gives a program raw memory access, and an import guard written in Python
 * can be sidestepped (`_imp.create_builtin` asks no one). So the guard goes one level down: the
 * interpreter finds built-in modules by name in its inittab, an array of `{ const char *name;
 * PyObject *(*init)(void) }` in wasm memory, and this points the name of each unwanted entry at
 * a byte string no Python string can equal. The module then does not exist, whatever the program
 * does. The patch is checked from Python right after; the worker reports what it could disable.
 */

/** What this needs from the Emscripten module. */
export interface WasmHeap {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  wasmTable: { length: number };
  /** End of static data: C string literals, the inittab's names among them, live below it. */
  ___heap_base: number;
}

const MIN_TABLE_RUN = 8;

/** Returns the names whose inittab entries were rewritten. */
export function disableBuiltinModules(heap: WasmHeap, names: readonly string[]): string[] {
  const bytes = heap.HEAPU8;
  const words = heap.HEAPU32;
  const statics = new TextDecoder('latin1').decode(bytes.subarray(0, heap.___heap_base));
  const wanted = new Map<number, string>();
  for (const name of names) for (const address of cStringAddresses(statics, name)) wanted.set(address, name);
  if (wanted.size === 0) return [];
  const lowest = Math.min(...wanted.keys());
  const highest = Math.max(...wanted.keys());

  // 0xFF is not ASCII, and CPython compares module names to inittab names as ASCII.
  const unmatchable = heap._malloc(2);
  bytes[unmatchable] = 0xff;
  bytes[unmatchable + 1] = 0;

  // Find every entry first: patching one breaks the run of valid entries its neighbours need.
  const entries: Array<[index: number, name: string]> = [];
  for (let index = 0; index + 1 < words.length; index++) {
    const word = words[index]!;
    if (word < lowest || word > highest) continue;
    const name = wanted.get(word);
    if (name !== undefined && inTableRun(heap, index)) entries.push([index, name]);
  }
  for (const [index] of entries) words[index] = unmatchable;
  return [...new Set(entries.map(([, name]) => name))];
}

/** Offsets of `name` as a NUL-terminated string that starts after a NUL (one char per byte). */
function cStringAddresses(statics: string, name: string): number[] {
  const needle = `\0${name}\0`;
  const found: number[] = [];
  for (let at = statics.indexOf(needle); at !== -1; at = statics.indexOf(needle, at + 1)) found.push(at + 1);
  return found;
}

/** True when the entry at word `index` sits in a run of `{ name pointer, function index }` pairs. */
function inTableRun(heap: WasmHeap, index: number): boolean {
  let run = 1;
  for (let i = index - 2; run < MIN_TABLE_RUN && isEntry(heap, i); i -= 2) run++;
  for (let i = index + 2; run < MIN_TABLE_RUN && isEntry(heap, i); i += 2) run++;
  return run >= MIN_TABLE_RUN && isEntry(heap, index);
}

function isEntry(heap: WasmHeap, index: number): boolean {
  if (index < 0 || index + 1 >= heap.HEAPU32.length) return false;
  const name = heap.HEAPU32[index]!;
  const init = heap.HEAPU32[index + 1]!;
  return init > 0 && init < heap.wasmTable.length && isIdentifier(heap.HEAPU8, name);
}

function isIdentifier(bytes: Uint8Array, address: number): boolean {
  if (address === 0 || address >= bytes.length) return false;
  let length = 0;
  for (let at = address; at < bytes.length && length <= 64; at++, length++) {
    const c = bytes[at]!;
    if (c === 0) return length > 0;
    const ok = c === 95 || c === 46 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!ok) return false;
  }
  return false;
}
