/**
 * Writes the study's result file from the store, whole and atomically (a temporary file renamed
 * over the old one), so the file on disk is always a complete, importable document: after the
 * study, after Ctrl+C, and every so often while it runs, so that a crash loses little and
 * `--resume` has something to continue from.
 *
 * The file is streamed unit by unit through zlib's gzip (which works off the main thread) rather
 * than built as one string and compressed in one go: a study of 17,000 units is 194 MB of JSON,
 * and writing it whole held the event loop for 2.5–8 s every checkpoint, stalling the model
 * streams and the runner's clocks (docs/performance.md). The bytes are exportResultFile's.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { MemoryStudyStore } from '../../src/core/study/memory-store.ts';
import { canonicalJson } from '../../src/core/results/canonical-json.ts';
import { buildResultFile, resultUnitsFromStore } from '../../src/core/results/result-file-build.ts';
import { RESULT_FILE_FIRST_KEYS } from '../../src/core/results/result-file-export.ts';
import type { ResultEnvironment, ResultFile } from '../../src/core/results/result-file.ts';
import { removeIfExitingEarly } from '../../src/sandbox/temporary-files.ts';
import { gzipByName } from '../output-file.ts';

/** Text handed on before the event loop gets a turn: small enough that no turn waits long. */
const CHUNK_CHARS = 1 << 20;

/**
 * The result file's canonical JSON (exportResultFile's text), in pieces, giving the event loop a
 * turn between them. `units` sorts last among the document's keys, so the document is written
 * with no units and the units are spliced in where its empty array closes.
 */
export async function* resultFileText(doc: ResultFile): AsyncGenerator<string> {
  const shell = canonicalJson({ ...doc, units: [] }, { firstKeys: RESULT_FILE_FIRST_KEYS });
  const tail = '"units":[]}';
  // A key sorting after "units" would put the units in the wrong place: fail loudly, never write a different file.
  if (!shell.endsWith(tail)) throw new Error('The result file no longer ends with its units: resultFileText must be updated.');
  let chunk = shell.slice(0, -2);
  for (const [i, unit] of doc.units.entries()) {
    chunk += (i === 0 ? '' : ',') + canonicalJson(unit);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  yield `${chunk}]}`;
}

export interface ResultWriterOptions {
  path: string;
  /** Read with snapshotStudy: the writer only serialises what it reads, so it needs no copies. */
  store: Pick<MemoryStudyStore, 'snapshotStudy'>;
  studyId: string;
  /** Where this run happened; called at each write, so what it learns as it goes (the Pyodide version, served models) is in the next. */
  environment: () => ResultEnvironment;
  /** Environments of earlier runs of the same study (a resumed file's), kept in front. */
  earlierEnvironments?: readonly ResultEnvironment[];
}

export interface ResultWriter {
  readonly path: string;
  /** Writes the file now; writes never overlap, and each reflects the store when it starts. */
  write(): Promise<void>;
  /**
   * Rewrites the file every `intervalMs` while `changed()` says there is something new, or less
   * often once a write takes more than a ninth of that (CHECKPOINT_COST_FACTOR).
   */
  startCheckpoints(intervalMs: number, changed: () => boolean, onError: (error: unknown) => void): () => void;
}

/** A checkpoint waits at least this many times as long as the last one took (see startCheckpoints). */
export const CHECKPOINT_COST_FACTOR = 9;

export function createResultWriter(options: ResultWriterOptions): ResultWriter {
  let queue: Promise<void> = Promise.resolve();
  const writeNow = async () => {
    const stored = options.store.snapshotStudy(options.studyId);
    if (!stored) throw new Error(`The study "${options.studyId}" is not in the store.`);
    const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), options.environment());
    doc.environments = [...(options.earlierEnvironments ?? []), ...doc.environments];
    const temporary = `${options.path}.${process.pid}.partial`;
    // A second Ctrl+C quits mid-write through process.exit: the old file stays, the partial goes.
    const written = removeIfExitingEarly(temporary);
    try {
      const text = Readable.from(resultFileText(doc), { objectMode: false });
      const file = createWriteStream(temporary);
      await (gzipByName(options.path) ? pipeline(text, createGzip(), file) : pipeline(text, file));
      await rename(temporary, options.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    } finally {
      written();
    }
  };
  const write = () => {
    const next = queue.then(writeNow);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    path: options.path,
    write,
    startCheckpoints(intervalMs, changed, onError) {
      let timer: ReturnType<typeof setTimeout> | null = null;
      let stopped = false;
      const after = (delayMs: number) => {
        if (stopped) return;
        timer = setTimeout(() => void check(), delayMs);
        // A checkpoint must never keep the process alive by itself.
        timer.unref();
      };
      const check = async () => {
        if (!changed()) return after(intervalMs);
        const started = performance.now();
        await write().catch(onError);
        // Each checkpoint rewrites the whole file, so its cost grows with the study: 10 s for
        // 230 MB, every 30 s, took a third of a long run (audit R169-3). The next waits at least
        // CHECKPOINT_COST_FACTOR times as long as this one took, so checkpoints take a tenth at most.
        after(Math.max(intervalMs, CHECKPOINT_COST_FACTOR * (performance.now() - started)));
      };
      after(intervalMs);
      return () => {
        stopped = true;
        if (timer !== null) clearTimeout(timer);
      };
    },
  };
}
