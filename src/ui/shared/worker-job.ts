/**
 * One job in a worker of its own: post the request, relay the worker's progress, settle on its
 * answer or its serialised failure, and end the worker either way. The one thing every such job
 * must tell apart is *how* a worker can fail with no answer: a script that never loaded (a tab
 * left open across a new deploy, whose old chunk is gone) fires a bare Event before saying
 * anything, while a worker that died mid-job (out of memory) fires an ErrorEvent after it has.
 */
import { errorFromData, type UserErrorData } from '../../core/user-error.ts';

/** A worker's reply saying the job failed. */
export interface WorkerFailure {
  kind: 'failed';
  error: UserErrorData | { message: string };
}

export interface WorkerJobOptions<Reply, T> {
  /** Sends the request; called once the listeners are in place. */
  start(worker: Worker): void;
  /** Handles a reply other than a failure: returns `{ value }` to finish, or nothing to keep listening. */
  onReply(reply: Exclude<Reply, WorkerFailure>): { value: T } | void;
  /** The error when the worker's script never loaded. */
  notLoaded(): Error;
  /** The error when the worker died without answering; `detail` is the browser's message, if any. */
  died(detail: string): Error;
  /** Ends the job early (its answer is no longer wanted): the worker is ended and the job rejects with the signal's reason. */
  signal?: AbortSignal;
}

export async function runWorkerJob<Reply extends { kind: string }, T>(worker: Worker, options: WorkerJobOptions<Reply, T>): Promise<T> {
  try {
    return await new Promise<T>((resolve, reject) => {
      let heard = false;
      worker.addEventListener('message', (event: MessageEvent<Reply | WorkerFailure>) => {
        heard = true;
        const reply = event.data;
        if (reply.kind === 'failed') {
          reject(errorFromData((reply as WorkerFailure).error));
          return;
        }
        const finished = options.onReply(reply as Exclude<Reply, WorkerFailure>);
        if (finished) resolve(finished.value);
      });
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        reject(!heard && !(event instanceof ErrorEvent && event.message) ? options.notLoaded() : options.died(event.message ?? ''));
      });
      const { signal } = options;
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      options.start(worker);
    });
  } finally {
    worker.terminate();
  }
}
