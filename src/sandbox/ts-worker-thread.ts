/**
 * Starts a Node worker thread on a TypeScript entry, run from source like the command line.
 *
 * The thread starts from a two-line bootstrap that registers tsx in it, then imports the entry.
 * `execArgv: ['--import', 'tsx']` would be simpler, but Node 20 does not apply loaders
 * registered that way to a worker's entry point.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const TSX_API = new URL('dist/esm/api/index.mjs', pathToFileURL(require.resolve('tsx/package.json'))).href;
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

/** `entry` is a file URL; the entry reads `workerData.data`. */
export function startTsWorkerThread(entry: URL, data: unknown, resourceLimits?: ResourceLimits): Worker {
  return new Worker(BOOTSTRAP, { eval: true, workerData: { tsxApi: TSX_API, entry: entry.href, data }, ...(resourceLimits && { resourceLimits }) });
}
