/**
 * The worker thread that makes a memory snapshot (snapshot-file.ts starts it): loads Pyodide
 * from `workerData.indexURL`, runs the prelude, posts the gzipped heap and is terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPyodide } from 'pyodide';
import { makeSnapshot } from './snapshot.ts';

const { indexURL } = (workerData as { data: { indexURL: string } }).data;
try {
  const bytes = await makeSnapshot(loadPyodide, indexURL);
  parentPort?.postMessage({ bytes }, [bytes.buffer as ArrayBuffer]);
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
