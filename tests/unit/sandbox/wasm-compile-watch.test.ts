import { describe, expect, it } from 'vitest';
import { failedWasmCompile, type StreamingCompiler } from '../../../src/sandbox/wasm-compile-watch.ts';

const source = {} as WebAssembly.WebAssemblyInstantiatedSource;

describe("the watch on Pyodide's wasm compile (R180-2)", () => {
  it('fails the start as soon as the compile fails, where Pyodide itself would only log a warning', async () => {
    const wasm: StreamingCompiler = { instantiateStreaming: () => Promise.reject(new TypeError('WebAssembly compilation aborted: Network error: Response body loading was aborted')) };
    const failed = failedWasmCompile(wasm);
    // What Pyodide does: catch, warn, and never settle its own start.
    await wasm.instantiateStreaming(new Response()).catch(() => undefined);
    await expect(failed).rejects.toThrow(
      "Python's WebAssembly file (pyodide.asm.wasm) could not be loaded, probably because its download was cut off (WebAssembly compilation aborted: Network error: Response body loading was aborted).",
    );
  });

  it('passes a compile that works through untouched, with its this and arguments, and stays pending', async () => {
    const calls: unknown[][] = [];
    const wasm: StreamingCompiler = {
      instantiateStreaming(...args) {
        calls.push([this, ...args]);
        return Promise.resolve(source);
      },
    };
    const failed = failedWasmCompile(wasm);
    const response = new Response();
    const imports = { env: {} };
    await expect(wasm.instantiateStreaming(response, imports)).resolves.toBe(source);
    expect(calls).toEqual([[wasm, response, imports]]);
    const outcome = await Promise.race([failed.then(() => 'settled', () => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), 20))]);
    expect(outcome).toBe('pending');
  });
});
