/**
 * The in-memory file system as a program sees it: a fresh working directory per program, two
 * scratch folders (/tmp and the home folder) wiped after each program, and a watch on every
 * change outside them. The watch sits on Emscripten's FS object, which every file system call
 * from Python goes through, so it holds whatever Python-level tricks the program plays. A
 * program that writes outside the scratch folders (over the standard library, say) leaves the
 * interpreter untrustworthy: the worker is replaced before the next program.
 */

/** The parts of Emscripten's FS this module uses (Pyodide exposes it as `pyodide.FS`). */
export interface EmscriptenFs {
  cwd(): string;
  chdir(path: string): void;
  mkdir(path: string, mode?: number): unknown;
  rmdir(path: string): void;
  unlink(path: string): void;
  readdir(path: string): string[];
  lstat(path: string): { mode: number };
  isDir(mode: number): boolean;
  getStream(fd: number): { path?: string; node?: unknown; flags: number } | null | undefined;
  getPath(node: unknown): string;
  close(stream: unknown): void;
  streams: unknown[];
  ignorePermissions: boolean;
  [method: string]: unknown;
}

const SCRATCH_ROOTS = ['/tmp', '/home/pyodide'];
/** The device Pyodide creates and removes around collecting a traceback (traceback-capture.ts). */
const CAPTURE_DEVICE = '/dev/capture_stderr';
/**
 * Devices a program may open for writing. Writing, not removing, renaming or replacing them:
 * Pyodide reopens /dev/stderr after each traceback, and an interpreter without it dies there.
 */
const WRITABLE_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty', CAPTURE_DEVICE]);
const O_ACCMODE = 3;
const O_CREAT = 64;
const O_TRUNC = 512;
const O_APPEND = 1024;
const O_NONBLOCK = 2048;

/** FS methods that change the tree, and which argument names the path (a path or an fd). */
const PATH_MUTATORS = ['mkdir', 'mknod', 'rmdir', 'unlink', 'symlink', 'chmod', 'lchmod', 'chown', 'lchown', 'truncate', 'utime'];
const FD_MUTATORS = ['fchmod', 'fchown', 'ftruncate'];
/** The calls that write a file's content (opening with O_TRUNC truncates), not the tree. */
const WRITES = new Set(['open', 'truncate', 'ftruncate']);

export class ScratchFileSystem {
  readonly #fs: EmscriptenFs;
  readonly #outside = new Set<string>();
  readonly #baselineStreams: unknown[];
  readonly #standardNodes: unknown[];
  readonly #standardNonBlocking: number[];
  #runs = 0;

  constructor(fs: EmscriptenFs) {
    this.#fs = fs;
    this.#baselineStreams = [...fs.streams];
    this.#standardNodes = [0, 1, 2].map((fd) => fs.getStream(fd)?.node);
    this.#standardNonBlocking = [0, 1, 2].map((fd) => (fs.getStream(fd)?.flags ?? 0) & O_NONBLOCK);
    this.#watch();
  }

  /** Creates the program's working directory and enters it. */
  beginRun(): string {
    const dir = `/tmp/run-${++this.#runs}`;
    this.#fs.mkdir(dir);
    this.#fs.chdir(dir);
    return dir;
  }

  /**
   * Leaves and wipes the scratch folders, closes files the program left open, and returns the
   * paths it changed outside them (empty when the interpreter is still clean).
   */
  endRun(): string[] {
    const fs = this.#fs;
    fs.chdir('/home/pyodide');
    const ignored = fs.ignorePermissions;
    fs.ignorePermissions = true;
    try {
      for (const root of SCRATCH_ROOTS) for (const name of this.#entries(root)) this.#remove(`${root}/${name}`);
    } finally {
      fs.ignorePermissions = ignored;
    }
    // Pyodide reopens stderr after capturing a traceback, so the standard descriptors are
    // compared by the device they point at, not by stream object.
    for (let fd = 0; fd <= 2; fd++) {
      const stream = fs.getStream(fd);
      if (stream?.node !== this.#standardNodes[fd]) this.#outside.add(`file descriptor ${fd}`);
      // os.set_blocking(1, False) would outlive the program; nothing else reads the flags.
      else if (stream) stream.flags = (stream.flags & ~O_NONBLOCK) | this.#standardNonBlocking[fd]!;
    }
    fs.streams.forEach((stream, fd) => {
      if (stream && fd > 2 && !this.#baselineStreams.includes(stream)) fs.close(stream);
    });
    const outside = [...this.#outside];
    this.#outside.clear();
    return outside;
  }

  #entries(dir: string): string[] {
    try {
      return this.#fs.readdir(dir).filter((name) => name !== '.' && name !== '..');
    } catch {
      this.#outside.add(dir);
      return [];
    }
  }

  #remove(path: string): void {
    const fs = this.#fs;
    if (fs.isDir(fs.lstat(path).mode)) {
      for (const name of this.#entries(path)) this.#remove(`${path}/${name}`);
      fs.rmdir(path);
    } else {
      fs.unlink(path);
    }
  }

  #watch(): void {
    const fs = this.#fs;
    const wrap = (name: string, pathOf: (args: unknown[]) => string | null) => {
      const original = fs[name];
      if (typeof original !== 'function') return;
      fs[name] = (...args: unknown[]) => {
        const path = pathOf(args);
        if (path !== null && !(WRITES.has(name) ? this.#isWritable(path) : this.#isScratch(path))) this.#outside.add(path);
        return Reflect.apply(original, fs, args);
      };
    };
    const asPath = (target: unknown): string | null => {
      if (typeof target === 'string') return this.#absolute(target);
      try {
        return fs.getPath(target);
      } catch {
        return null;
      }
    };
    for (const name of PATH_MUTATORS) wrap(name, (args) => asPath(args[0]));
    for (const name of FD_MUTATORS) wrap(name, (args) => fs.getStream(args[0] as number)?.path ?? null);
    wrap('rename', (args) => {
      const from = asPath(args[0]);
      const to = asPath(args[1]);
      return from !== null && !this.#isScratch(from) ? from : to;
    });
    wrap('open', (args) => (writes(args[1]) ? asPath(args[0]) : null));
  }

  #absolute(path: string): string {
    const joined = path.startsWith('/') ? path : `${this.#fs.cwd()}/${path}`;
    const parts: string[] = [];
    for (const part of joined.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') parts.pop();
      else parts.push(part);
    }
    return `/${parts.join('/')}`;
  }

  /** Where a program may create, remove, rename and change files. */
  #isScratch(path: string): boolean {
    return path === CAPTURE_DEVICE || SCRATCH_ROOTS.some((root) => path.startsWith(`${root}/`));
  }

  /** Where a program may open files for writing. */
  #isWritable(path: string): boolean {
    return WRITABLE_DEVICES.has(path) || this.#isScratch(path);
  }
}

function writes(flags: unknown): boolean {
  if (typeof flags === 'string') return /[wa+x]/.test(flags);
  if (typeof flags !== 'number') return false;
  return (flags & O_ACCMODE) !== 0 || (flags & (O_CREAT | O_TRUNC | O_APPEND)) !== 0;
}
