/** Memory limits shared by both environments. */

/**
 * Wasm memory a program may grow to before allocations fail with MemoryError. Half a gigabyte:
 * far above what any benchmark solution needs, and low enough that a memory bomb fails fast.
 * Pyodide's calloc writes every zero byte (CPython's maps zero pages lazily), so a bomb that may
 * grow to a gigabyte spends seconds writing it first, and under load that ran into the time
 * limit: a timeout where CPython says MemoryError. Each worker (and each spare) may reach it.
 */
export const DEFAULT_MAX_HEAP_BYTES = 512 * 2 ** 20;
/** After a program, a worker whose wasm memory exceeds this is replaced (wasm memory never shrinks). */
export const DEFAULT_RECYCLE_HEAP_BYTES = 384 * 2 ** 20;
