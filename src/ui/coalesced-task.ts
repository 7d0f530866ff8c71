/**
 * Wraps an async task so that calls made while it runs do not start it again at once: they share
 * the running call's promise and schedule exactly one more run after it. The stored-studies and
 * stored-searches lists refresh on every finished unit; this keeps a burst of finishes to at most
 * two reads of IndexedDB instead of one per finish.
 */
export function coalescedTask(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = task().finally(() => {
      running = null;
      if (again) {
        again = false;
        void run();
      }
    });
    return running;
  };
  return run;
}
