/**
 * The Results page's worker: it reads the files the user opens, keeps them, and computes the
 * report and the explorer's rows from them (results-session.ts), so neither the documents nor the
 * bootstraps ever occupy the page's thread. Requests are answered in order, each by its id.
 */
import { UserError } from '../../core/user-error.ts';
import { ResultsSession } from './results-session.ts';
import type { ResultsWorkerReply, ResultsWorkerRequest } from './results-client.ts';

const session = new ResultsSession();
const reply = (message: ResultsWorkerReply) => postMessage(message);

// One at a time, in the order asked: a compute asked after an open must see that file.
let queue: Promise<void> = Promise.resolve();

addEventListener('message', (event: MessageEvent<ResultsWorkerRequest>) => {
  const request = event.data;
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
      return session.open(request.fileName, request.file, (progress) => reply({ id: request.id, kind: 'progress', progress }));
    case 'close':
      return session.close(request.fileName);
    case 'compute':
      return session.compute(request.fileNames, request.choices);
    case 'trajectory':
      return session.trajectory(request.fileNames, request.armId, request.repeat, request.problemId);
    case 'document':
      return session.document(request.fileName);
  }
}
