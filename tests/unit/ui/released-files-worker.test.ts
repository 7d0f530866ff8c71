/**
 * The Reproduce page's released files are parsed in the report's worker, not on the page's
 * thread (their JSON held it ~0.2 s under load): the worker says what it made of the files first,
 * so the page lists them while the report is still computed, then sends the report.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReleasedFileStatus, ReleasedFileText } from '../../../src/core/analysis/released-files.ts';
import type { ReproduceWorkerReply } from '../../../src/ui/analysis/reproduce-worker.ts';
import { readStudyFiles } from '../../support/study-results.ts';

async function releasedTexts(): Promise<ReleasedFileText[]> {
  const files = await readStudyFiles();
  return [
    { fileName: 'main_results.json', text: JSON.stringify(files.mainResults) },
    { fileName: 'error_taxonomy.json', text: JSON.stringify(files.errorTaxonomy) },
    { fileName: 'notes.json', text: '[1, 2]' },
  ];
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('the report worker', () => {
  it('sends what it made of the files before the report', async () => {
    let onMessage: ((event: { data: unknown }) => void) | undefined;
    const sent: ReproduceWorkerReply[] = [];
    vi.stubGlobal('addEventListener', (type: string, listener: (event: { data: unknown }) => void) => {
      if (type === 'message') onMessage = listener;
    });
    vi.stubGlobal('postMessage', (message: ReproduceWorkerReply) => sent.push(message));
    await import('../../../src/ui/analysis/reproduce-worker.ts');
    onMessage!({ data: { texts: await releasedTexts(), options: { seed: 1, replicates: 50 } } });
    expect(sent.map((m) => m.kind)).toEqual(['files', 'done']);
    const files = (sent[0] as { files: ReleasedFileStatus }).files;
    expect(files.recognised.map((r) => r.kind)).toEqual(['main-results', 'error-taxonomy']);
    expect(files.problems.map((p) => p.fileName)).toEqual(['notes.json']);
    expect(files.missing).toEqual(['iteration-analysis', 'champion']);
  });
});

class FakeWorker {
  static last: FakeWorker | null = null;
  readonly posted: unknown[] = [];
  terminated = false;
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  constructor() {
    FakeWorker.last = this;
  }
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  reply(data: ReproduceWorkerReply) {
    for (const listener of this.listeners.get('message') ?? []) listener({ data });
  }
}

/** The Reproduce page's state in a browser whose workers are FakeWorkers. */
async function pageWithFakeWorkers() {
  vi.stubGlobal('Worker', FakeWorker);
  const { ReleasedFilesState } = await import('../../../src/ui/analysis/released-files.svelte.ts');
  return new ReleasedFilesState();
}

describe('the page with a worker', () => {
  it('parses no JSON on its thread; lists the files once the worker has read them, the report after', async () => {
    const texts = await releasedTexts();
    const state = await pageWithFakeWorkers();
    const parse = vi.spyOn(JSON, 'parse');
    state.texts = texts;
    // Reading the files: nothing listed yet, no list of the files before either.
    expect(state.files).toBeNull();
    expect(state.computing).toBe(true);
    const worker = FakeWorker.last!;
    const files: ReleasedFileStatus = { recognised: [{ fileName: 'main_results.json', kind: 'main-results' }], problems: [], missing: ['champion'] };
    worker.reply({ kind: 'files', files });
    expect(state.files).toEqual(files);
    expect(state.sections).toEqual([]);
    worker.reply({ kind: 'done', sections: [] });
    await vi.waitFor(() => expect(state.computing).toBe(false));
    expect(worker.terminated).toBe(true);
    expect(parse).not.toHaveBeenCalled();
    // New files: the old list goes until the worker has read them.
    state.texts = texts.slice(0, 1);
    expect(state.files).toBeNull();
  });

  it('drops the list a worker sends for files replaced since', async () => {
    const state = await pageWithFakeWorkers();
    const texts = await releasedTexts();
    state.texts = texts;
    const first = FakeWorker.last!;
    state.texts = texts.slice(0, 1);
    first.reply({ kind: 'files', files: { recognised: [], problems: [], missing: ['main-results'] } });
    expect(state.files).toBeNull();
  });
});

describe('the page when the report cannot be made as asked', () => {
  it('ends the worker of files replaced before it finished, and takes no report from it', async () => {
    const state = await pageWithFakeWorkers();
    const texts = await releasedTexts();
    state.texts = texts;
    const first = FakeWorker.last!;
    state.texts = texts.slice(0, 1);
    const second = FakeWorker.last!;
    // Its bootstrap would have gone on for seconds, for a report nobody will see.
    await vi.waitFor(() => expect(first.terminated).toBe(true));
    expect(second.terminated).toBe(false);
    second.reply({ kind: 'done', sections: [] });
    await vi.waitFor(() => expect(state.computing).toBe(false));
    expect(state.computeError).toBeNull();
    // Cleared too: no worker left computing.
    state.texts = texts;
    const third = FakeWorker.last!;
    state.clear();
    await vi.waitFor(() => expect(third.terminated).toBe(true));
  });

  it('says why when neither the worker nor the page can compute it, instead of computing for ever', async () => {
    const report = await import('../../../src/core/analysis/reproduce-report.ts');
    vi.spyOn(report, 'reproduceReport').mockImplementation(() => {
      throw new Error('a table went wrong');
    });
    const state = await pageWithFakeWorkers();
    state.texts = await releasedTexts();
    FakeWorker.last!.reply({ kind: 'failed', error: { message: 'a table went wrong' } } as never);
    await vi.waitFor(() => expect(state.computing).toBe(false));
    expect(state.computeError).toBe('The report could not be computed from these files: a table went wrong');
    expect(state.sections).toEqual([]);
    // The files are still listed, from the page's own reading of them.
    expect(state.files?.recognised.map((r) => r.kind)).toEqual(['main-results', 'error-taxonomy']);
  });
});
