/**
 * The program's stdout and stderr, counted against the output limit. Only the first
 * `KEPT_STDOUT_CHARS` of stdout are kept for the result; the rest is counted and dropped.
 */

export const KEPT_STDOUT_CHARS = 10_000;

/** What Pyodide's `setStdout({ write })` expects: bytes in, bytes consumed out. */
export interface ByteWriter {
  write(buffer: Uint8Array): number;
}

export class OutputCapture {
  #maxChars = Infinity;
  #chars = 0;
  #stdout = '';
  #stdoutDropped = false;
  #overflowed = false;
  /** Called once when the count passes the limit. */
  onOverflow: () => void = () => {};
  readonly #stdoutDecoder = new TextDecoder();
  readonly #stderrDecoder = new TextDecoder();

  readonly stdout: ByteWriter = { write: (buffer) => this.#take(buffer, this.#stdoutDecoder, true) };
  readonly stderr: ByteWriter = { write: (buffer) => this.#take(buffer, this.#stderrDecoder, false) };

  /** Starts a new program: counts from zero and calls `onOverflow` once past `maxChars`. */
  reset(maxChars: number, onOverflow: () => void): void {
    this.#maxChars = maxChars;
    this.#chars = 0;
    this.#stdout = '';
    this.#stdoutDropped = false;
    this.#overflowed = false;
    this.onOverflow = onOverflow;
    this.#stdoutDecoder.decode();
    this.#stderrDecoder.decode();
  }

  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Whether the program wrote to stdout more than `keptStdout` holds. */
  get stdoutDropped(): boolean {
    return this.#stdoutDropped;
  }

  /** The start of what the program printed to stdout. */
  get keptStdout(): string {
    return this.#stdout;
  }

  #take(buffer: Uint8Array, decoder: TextDecoder, isStdout: boolean): number {
    // Past the limit the bytes are swallowed: the program is being interrupted, and an I/O
    // error here would only give it an exception to catch and carry on with.
    if (this.#overflowed) {
      if (isStdout && buffer.length > 0) this.#stdoutDropped = true;
      return buffer.length;
    }
    const text = decoder.decode(buffer, { stream: true });
    this.#chars += text.length;
    if (isStdout) {
      const room = KEPT_STDOUT_CHARS - this.#stdout.length;
      if (text.length > room) this.#stdoutDropped = true;
      if (room > 0) this.#stdout += text.slice(0, room);
    }
    if (this.#chars > this.#maxChars) {
      this.#overflowed = true;
      this.onOverflow();
    }
    return buffer.length;
  }
}
