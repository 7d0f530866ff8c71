/**
 * Pyodide compiles `pyodide.asm.wasm` with `WebAssembly.instantiateStreaming` and, when that
 * fails, only logs "wasm instantiation failed!" and the error: its start then never settles. On a
 * first visit whose connection dropped part-way through the 9.6 MB file, the Playground said
 * "Running the tests…" until the pool's ten-minute start deadline (audit R180-2). Watched here, a
 * failed compile fails the worker's start at once, so the pool starts another worker (which
 * downloads the file again) and, past its retries, the page says why.
 */

/** The one function watched; the real `WebAssembly` namespace has it. */
export interface StreamingCompiler {
  instantiateStreaming: (source: Response | PromiseLike<Response>, imports?: WebAssembly.Imports) => Promise<WebAssembly.WebAssemblyInstantiatedSource>;
}

/**
 * Rejects as soon as a streaming compile started through `wasm` fails; never resolves. Install it
 * before Pyodide starts. The worker's hardening later replaces the function anyway (js-hardening.ts).
 */
export function failedWasmCompile(wasm: StreamingCompiler = WebAssembly): Promise<never> {
  return new Promise<never>((_, reject) => {
    const original = wasm.instantiateStreaming;
    wasm.instantiateStreaming = function (this: unknown, source, imports) {
      const compiled = Reflect.apply(original, this, [source, imports]) as ReturnType<StreamingCompiler['instantiateStreaming']>;
      compiled.catch((error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        reject(new Error(`Python's WebAssembly file (pyodide.asm.wasm) could not be loaded, probably because its download was cut off (${why}).`));
      });
      return compiled;
    };
  });
}
