/**
 * The memory snapshot as a file (Node only): written by `vite build` beside the self-hosted
 * Pyodide files for the browser, and on first use into a cache folder for the Node sandbox.
 *
 * Making one loads Pyodide, so it happens in a worker thread that then exits (Pyodide cannot be
 * unloaded from the thread that loaded it). A key file beside the snapshot says what it was made
 * from (snapshot.ts's `snapshotKey`); a snapshot whose key differs is made again. Files are
 * written under a temporary name and renamed, so a reader never sees half a snapshot.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { snapshotKey } from './snapshot.ts';
import { writeThroughTemporary } from './temporary-files.ts';
import { startTsWorkerThread } from './ts-worker-thread.ts';

/** The key of a snapshot made with the Pyodide in `pyodideDir`. */
export function snapshotKeyFor(pyodideDir: string): string {
  const { version } = JSON.parse(readFileSync(join(pyodideDir, 'package.json'), 'utf8')) as { version: string };
  return snapshotKey(version);
}

function keyFileOf(file: string): string {
  return join(dirname(file), `.${basename(file)}.key`);
}

/** Whether `file` holds a snapshot made with today's key. */
export async function snapshotIsCurrent(file: string, key: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  try {
    return (await readFile(keyFileOf(file), 'utf8')).trim() === key;
  } catch {
    return false;
  }
}

/**
 * Makes sure `file` holds a current snapshot of the Pyodide in `pyodideDir` (a directory with
 * Pyodide's package.json and files), making it if not. Resolves with whether it made one.
 */
export async function ensureSnapshotFile(file: string, pyodideDir: string): Promise<boolean> {
  const key = snapshotKeyFor(pyodideDir);
  if (await snapshotIsCurrent(file, key)) return false;
  const bytes = await makeSnapshotInWorker(pyodideDir);
  await mkdir(dirname(file), { recursive: true });
  await writeAtomically(file, bytes);
  await writeAtomically(keyFileOf(file), `${key}\n`);
  return true;
}

async function writeAtomically(file: string, data: Uint8Array | string): Promise<void> {
  // Ctrl+C while a first command makes the snapshot can end the process mid-write (score quits at once then).
  await writeThroughTemporary(file, `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`, data);
}

function makeSnapshotInWorker(pyodideDir: string): Promise<Uint8Array> {
  const indexURL = pyodideDir.endsWith('/') ? pyodideDir : `${pyodideDir}/`;
  const worker = startTsWorkerThread(new URL('./snapshot-maker-worker.ts', import.meta.url), { indexURL });
  return new Promise<Uint8Array>((resolve, reject) => {
    let settled = false;
    worker.once('message', (message: { bytes: Uint8Array } | { error: string }) => {
      settled = true;
      if ('bytes' in message) resolve(message.bytes);
      else reject(new Error(`Could not make the Pyodide snapshot: ${message.error}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (!settled) reject(new Error(`Could not make the Pyodide snapshot: ${error.message}`));
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`Could not make the Pyodide snapshot: its worker exited with code ${code}`));
    });
  });
}
