import type { RunAs } from '../core/ports.ts';

/** Emscripten's EIO, which Python raises as `OSError: [Errno 29] I/O error`. */
const EIO = 29;

/**
 * A program's standard input, as the harness its run stands for has it (RunAs). Pyodide asks this
 * for input at each read of file descriptor 0:
 * - a script reads nothing, as from /dev/null: `input()` raises EOFError, `sys.stdin.read()` is '';
 * - openai/human-eval's exec reads from a stream that raises OSError, here errno 29, the same class.
 * The error is Emscripten's own kind, which Pyodide turns into OSError without logging a stack.
 */
export class StandardInput {
  runAs: RunAs = 'script';
  readonly #ioError: new (errno: number) => unknown;

  constructor(ioError: new (errno: number) => unknown) {
    this.#ioError = ioError;
  }

  /** What Pyodide's `setStdin({ stdin })` calls: null is the end of the input. */
  read(): null {
    if (this.runAs === 'exec') throw new this.#ioError(EIO);
    return null;
  }
}
