/**
 * The page's side of the Results worker (results-worker.ts): the session's methods as promises.
 * Files are read by the shared reading worker (result-file-worker.ts), which says each phase to
 * the page and hands the document to the results worker through a MessageChannel.
 * Where there is no Worker (unit tests under Node) the same session runs in place. A worker that
 * dies (out of memory on huge files) takes its files with it: every pending request fails with a
 * sentence saying so, and `onLost` tells the page to forget the files it listed.
 */
import type { Trajectory } from '../../core/pipeline/trajectory.ts';
import type { ImportProgress } from '../../core/results/result-file-import.ts';
import type { ResultFile } from '../../core/results/result-file.ts';
import { errorFromData, UserError, type UserErrorData } from '../../core/user-error.ts';
import { replayableFile, type FinishedUnit, type ReplayableFile } from '../presenter/file-units.ts';
import { sendResultFile } from '../shared/read-result-file.ts';
import type { OpenedFileLine, ReplaySource, ResultsChoices, ResultsComputation, ResultsSession, UnsettledRun } from './results-session.ts';

type Ask =
  /** The document comes on `port`, from a worker reading the file (read-result-file.ts's sendResultFile). */
  | { kind: 'open'; fileName: string; port: MessagePort }
  /** The reading worker for open request `openId` died: that open fails. */
  | { kind: 'abandon'; openId: number }
  | { kind: 'close'; fileName: string }
  | { kind: 'compute'; fileNames: string[]; choices: ResultsChoices }
  | { kind: 'trajectory'; fileNames: string[]; armId: string; repeat: number; problemId: string }
  | { kind: 'replay-source'; fileNames: string[]; armId: string; repeat: number; problemId: string }
  | { kind: 'unsettled'; fileNames: string[]; armId: string; repeat: number; problemId: string }
  | { kind: 'document'; fileName: string }
  | { kind: 'replay-list'; fileName: string }
  | { kind: 'replay-unit'; fileName: string; key: string };

export type ResultsWorkerRequest = Ask & { id: number };

export type ResultsWorkerReply =
  | { id: number; kind: 'done'; value: unknown }
  | { id: number; kind: 'failed'; error: UserErrorData | { message: string } };

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export const WORKER_LOST = new UserError(
  'The browser stopped the worker that held the open result files (it may have run out of memory), so they were closed.',
  'Close other tabs and open the files again. If the study was run in parts, open fewer parts at once; the command line (feedback-lab report FILE…) reads files of just under 512 MB each.',
);

export class ResultsClient {
  #worker: Worker | null = null;
  #session: Promise<ResultsSession> | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #onLost: () => void;

  constructor(onLost: () => void) {
    this.#onLost = onLost;
  }

  /**
   * Reads the file in a worker of its own (which ends after it, freeing what reading took) and
   * sends the document straight to the results worker: the page's thread never holds it.
   */
  async open(fileName: string, file: Blob, onProgress: (progress: ImportProgress) => void): Promise<OpenedFileLine> {
    if (typeof Worker === 'undefined') return (await this.#inPlace()).open(fileName, file, onProgress);
    const channel = new MessageChannel();
    const openId = this.#nextId;
    const kept = this.#ask({ kind: 'open', fileName, port: channel.port2 }, [channel.port2]) as Promise<OpenedFileLine>;
    // A refusal reaches the results worker too, and its answer can come before the reader's: until
    // the reader has answered, nobody awaits `kept`, so a rejection then would be reported as
    // uncaught. Mark it handled now; the caller still gets it through `return kept` below.
    kept.catch(() => undefined);
    try {
      await sendResultFile(file, channel.port1, onProgress);
    } catch (error) {
      // A reading worker that died sent nothing: tell the results worker to stop waiting.
      this.#worker?.postMessage({ kind: 'abandon', openId, id: 0 } satisfies ResultsWorkerRequest);
      throw error;
    }
    return kept;
  }

  async close(fileName: string): Promise<void> {
    if (typeof Worker === 'undefined') return (await this.#inPlace()).close(fileName);
    await this.#ask({ kind: 'close', fileName });
  }

  async compute(fileNames: string[], choices: ResultsChoices): Promise<ResultsComputation> {
    if (typeof Worker === 'undefined') return (await this.#inPlace()).compute(fileNames, choices);
    return (await this.#ask({ kind: 'compute', fileNames, choices: { labelling: choices.labelling, pairs: choices.pairs ? [...choices.pairs] : null } })) as ResultsComputation;
  }

  async trajectory(fileNames: string[], armId: string, repeat: number, problemId: string): Promise<Trajectory | null> {
    if (typeof Worker === 'undefined') return (await this.#inPlace()).trajectory(fileNames, armId, repeat, problemId);
    return (await this.#ask({ kind: 'trajectory', fileNames, armId, repeat, problemId })) as Trajectory | null;
  }

  async unsettled(fileNames: string[], armId: string, repeat: number, problemId: string): Promise<UnsettledRun | null> {
    if (typeof Worker === 'undefined') return (await this.#inPlace()).unsettled(fileNames, armId, repeat, problemId);
    return (await this.#ask({ kind: 'unsettled', fileNames, armId, repeat, problemId })) as UnsettledRun | null;
  }

  async replaySource(fileNames: string[], armId: string, repeat: number, problemId: string): Promise<ReplaySource | null> {
    if (typeof Worker === 'undefined') return (await this.#inPlace()).replaySource(fileNames, armId, repeat, problemId);
    return (await this.#ask({ kind: 'replay-source', fileNames, armId, repeat, problemId })) as ReplaySource | null;
  }

  async document(fileName: string): Promise<ResultFile | null> {
    if (typeof Worker === 'undefined') return (await this.#inPlace()).document(fileName);
    return (await this.#ask({ kind: 'document', fileName })) as ResultFile | null;
  }

  /** An open file as the presenter replays from it: the list of its finished units now, one unit's trajectory when asked. */
  async replayable(fileName: string): Promise<ReplayableFile | null> {
    if (typeof Worker === 'undefined') {
      const doc = (await this.#inPlace()).document(fileName);
      return doc ? replayableFile(fileName, doc) : null;
    }
    const list = (await this.#ask({ kind: 'replay-list', fileName })) as ReturnType<ResultsSession['replayList']>;
    if (!list) return null;
    return { fileName, ...list, unit: async (key) => (await this.#ask({ kind: 'replay-unit', fileName, key })) as FinishedUnit | undefined };
  }

  /** Ends the worker and frees its files (the page closed every file); what was still asked fails. */
  end(why: Error = new Error('The result files were closed.')): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#session = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(why);
  }

  /**
   * Where there is no Worker, the session runs on this thread. Loaded only then: it brings the
   * importer and its schema library (zod, ~33 kB gzipped), which the worker has its own copy of.
   */
  #inPlace(): Promise<ResultsSession> {
    return (this.#session ??= import('./results-session.ts').then(({ ResultsSession }) => new ResultsSession()));
  }

  #ask(ask: Ask, transfer: Transferable[] = []): Promise<unknown> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ ...ask, id } satisfies ResultsWorkerRequest, transfer);
    });
  }

  #start(): Worker {
    const worker = new Worker(new URL('./results-worker.ts', import.meta.url), { type: 'module', name: 'results' });
    worker.addEventListener('message', (event: MessageEvent<ResultsWorkerReply>) => {
      const message = event.data;
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.kind === 'done') pending.resolve(message.value);
      else pending.reject(errorFromData(message.error));
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (this.#worker !== worker) return;
      this.end(event.message ? new UserError(WORKER_LOST.message, WORKER_LOST.hint, [event.message]) : WORKER_LOST);
      this.#onLost();
    });
    return worker;
  }
}
