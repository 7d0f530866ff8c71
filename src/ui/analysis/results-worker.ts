/**
 * The Results page's worker: it keeps the files the user opens (each read by a reading worker of
 * its own, which sends the document here through a MessageChannel and ends, freeing the bytes,
 * text and garbage of reading) and computes the report and the explorer's rows from them
 * (results-session.ts), so neither the documents nor the bootstraps ever occupy the page's
 * thread. Requests are answered in order, each by its id.
 */
import type { ResultFile } from '../../core/results/result-file.ts';
import { errorFromData, UserError } from '../../core/user-error.ts';
import type { ResultFilePortMessage } from '../shared/read-result-file.ts';
import { ResultsSession } from './results-session.ts';
import type { ResultsWorkerReply, ResultsWorkerRequest } from './results-client.ts';

const session = new ResultsSession();
const reply = (message: ResultsWorkerReply) => postMessage(message);

// One at a time, in the order asked: a compute asked after an open must see that file.
let queue: Promise<void> = Promise.resolve();

/** Opens waiting for their document, by request id: the page abandons one whose reading worker died. */
const arriving = new Map<number, (failure: Error) => void>();
/** Abandoned before their turn in the queue came. */
const abandoned = new Set<number>();

addEventListener('message', (event: MessageEvent<ResultsWorkerRequest>) => {
  const request = event.data;
  if (request.kind === 'abandon') {
    const fail = arriving.get(request.openId);
    if (fail) fail(new Error('The file was not read.'));
    else abandoned.add(request.openId);
    return;
  }
  queue = queue.then(async () => {
    try {
      reply({ id: request.id, kind: 'done', value: await answer(request) });
    } catch (error) {
      reply({
        id: request.id,
        kind: 'failed',
        error: error instanceof UserError ? error.toJSON() : { message: error instanceof Error ? error.message : String(error) },
      });
    }
  });
});

async function answer(request: ResultsWorkerRequest): Promise<unknown> {
  switch (request.kind) {
    case 'open':
      return session.add(request.fileName, await arrival(request.id, request.port));
    case 'close':
      return session.close(request.fileName);
    case 'compute':
      return session.compute(request.fileNames, request.choices);
    case 'trajectory':
      return session.trajectory(request.fileNames, request.armId, request.repeat, request.problemId);
    case 'unsettled':
      return session.unsettled(request.fileNames, request.armId, request.repeat, request.problemId);
    case 'replay-source':
      return session.replaySource(request.fileNames, request.armId, request.repeat, request.problemId);
    case 'document':
      return session.document(request.fileName);
    case 'replay-list':
      return session.replayList(request.fileName);
    case 'replay-unit':
      return session.replayUnit(request.fileName, request.key);
    case 'abandon':
      return null;
  }
}

/** The document a reading worker sends to this open's port (result-file-worker.ts), or its refusal. */
function arrival(id: number, port: MessagePort): Promise<ResultFile> {
  if (abandoned.delete(id)) {
    port.close();
    return Promise.reject(new Error('The file was not read.'));
  }
  return new Promise<ResultFile>((resolve, reject) => {
    arriving.set(id, reject);
    port.onmessage = (event: MessageEvent<ResultFilePortMessage>) => {
      const message = event.data;
      if (message.kind === 'done') resolve(message.doc);
      else reject(errorFromData(message.error));
    };
  }).finally(() => {
    arriving.delete(id);
    port.close();
  });
}
