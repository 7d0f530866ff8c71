/**
 * The Results page's worker client, with a stand-in Worker: a file the reader refuses is refused
 * once, to the caller, even when the results worker's answer comes first.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

// The reader answers after the results worker has (as it can on a loaded machine).
vi.mock('../../../src/ui/shared/read-result-file.ts', () => ({
  sendResultFile: () => new Promise((_resolve, reject) => setTimeout(() => reject(new Error('This is not a Feedback Lab result file. It is a prompt set.')), 30)),
}));

const { ResultsClient } = await import('../../../src/ui/analysis/results-client.ts');

/** Answers every request at once with the refusal the reading worker also sent it. */
class RefusingWorker extends EventTarget {
  postMessage(message: { id: number; kind: string }): void {
    if (message.kind !== 'open') return;
    setTimeout(() => {
      const data = { id: message.id, kind: 'failed', error: { message: 'This is not a Feedback Lab result file. It is a prompt set.' } };
      this.dispatchEvent(new MessageEvent('message', { data }));
    }, 0);
  }
  terminate(): void {}
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ResultsClient.open', () => {
  it('refuses a file once, to the caller, with nothing left unhandled when the results worker answers first', async () => {
    vi.stubGlobal('Worker', RefusingWorker);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const client = new ResultsClient(() => {});
      await expect(client.open('prompts.json', new Blob(['{}']), () => {})).rejects.toThrow('It is a prompt set.');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
