/**
 * How big a result file the app and the command line read: a module of its own, so that a page
 * that only needs the numbers (the Study page's "Open in Results") does not load the reader.
 */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_STEPS = 1_000_000;
/**
 * What the command line reads (`feedback-lab run --resume`, `--study`, `report`): any number of
 * steps, and files up to 500 MiB, just under the longest string Node can hold (2²⁹ characters), so
 * a file the browser refuses can still be analysed and continued there, as the refusals say.
 */
export const COMMAND_LINE_LIMITS = { maxBytes: 500 * 1024 * 1024, maxSteps: Number.POSITIVE_INFINITY } as const;
