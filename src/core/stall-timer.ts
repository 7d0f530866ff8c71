/**
 * A download's stall watch: `onStall` runs once `quiet` has gone `ms` without being called (counted
 * from the first call). A browser never gives up on a connection that stays open but silent, so
 * each download that must not wait for ever calls `quiet` when it starts and at every chunk, and
 * `done` when it ends either way. Shared by the benchmark downloads (fetch-with-progress.ts) and a
 * Python worker's start (download-stall-watch.ts); the service worker keeps a copy of its own, as
 * sw.js must import nothing.
 */
export interface StallTimer {
  /** Something arrived (or the download began): the wait starts again. */
  quiet(): void;
  /** The download is over, one way or another: no stall is reported any more. */
  done(): void;
}

export function stallTimer(ms: number, onStall: () => void): StallTimer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    quiet: () => {
      clearTimeout(timer);
      timer = setTimeout(onStall, ms);
    },
    done: () => clearTimeout(timer),
  };
}
