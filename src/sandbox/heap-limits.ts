/** Memory limits shared by both environments. */

/** Wasm memory a program may grow to before allocations fail with MemoryError. */
export const DEFAULT_MAX_HEAP_BYTES = 1024 * 2 ** 20;
/** After a program, a worker whose wasm memory exceeds this is replaced (wasm memory never shrinks). */
export const DEFAULT_RECYCLE_HEAP_BYTES = 384 * 2 ** 20;
