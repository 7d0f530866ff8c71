/**
 * Where Pyodide collects the text of an exception it hands to JavaScript (the PythonError's
 * message, which the sandbox reads the traceback from).
 *
 * Pyodide points file descriptor 2 at a device while `sys.excepthook` prints, and its device
 * takes one JavaScript call per byte and keeps every byte as a number in an array. A program
 * that raised an exception with a message of a few million characters (`ValueError(f"bad
 * input {data}")` with a large test input) then spent seconds, and hundreds of MB, in that
 * collection: its run ended as a timeout where CPython reports the exception at once. This
 * device takes whole buffers and decodes them as they come; what it returns is the same text.
 */

/** The parts of Emscripten's FS this needs. */
export interface CaptureFs {
  makedev(major: number, minor: number): number;
  registerDevice(dev: number, ops: Record<string, unknown>): void;
  mkdev(path: string, mode: number, dev: number): unknown;
  closeStream(fd: number): void;
  open(path: string, flags: number): unknown;
  unlink(path: string): void;
}

const DEVICE_PATH = '/dev/capture_stderr';
/** A major number Emscripten's own devices (1, 5, 6, 64 and up for createDevice) do not use. */
const DEVICE_MAJOR = 63;
const O_WRONLY = 1;
/** Write-only, as Pyodide's own device. */
const WRITE_ONLY_MODE = 0o222;

/** Replaces Pyodide's `capture_stderr`/`restore_stderr` (its internal API object) with buffered ones. */
export function captureTracebacksInChunks(api: Record<string, unknown>, fs: CaptureFs): void {
  const decoder = new TextDecoder();
  let parts: string[] = [];
  const dev = fs.makedev(DEVICE_MAJOR, 0);
  fs.registerDevice(dev, {
    open(stream: { seekable: boolean }) {
      stream.seekable = false;
    },
    close() {},
    write(_stream: unknown, buffer: Uint8Array, offset: number, length: number) {
      parts.push(decoder.decode(buffer.subarray(offset, offset + length), { stream: true }));
      return length;
    },
  });
  api['capture_stderr'] = () => {
    parts = [];
    decoder.decode();
    fs.mkdev(DEVICE_PATH, WRITE_ONLY_MODE, dev);
    fs.closeStream(2);
    fs.open(DEVICE_PATH, O_WRONLY);
  };
  api['restore_stderr'] = () => {
    fs.closeStream(2);
    fs.unlink(DEVICE_PATH);
    fs.open('/dev/stderr', O_WRONLY);
    const text = parts.join('') + decoder.decode();
    parts = [];
    return text;
  };
}
