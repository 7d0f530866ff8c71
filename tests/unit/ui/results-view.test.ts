import { beforeEach, describe, expect, it, vi } from 'vitest';
// The auto entry installs the IDB* globals that idb checks values against.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { configHash } from '../../../src/core/results/config-hash.ts';
import { readResultFile } from '../../../src/ui/shared/read-result-file.ts';
import { ResultsView, type ResultsViewDeps } from '../../../src/ui/analysis/results-view.svelte.ts';
import { readKeptResults, writeKeptResults } from '../../../src/ui/analysis/kept-results.ts';
import { KeepFileError } from '../../../src/store/kept-file-error.ts';
import { openKeptFiles } from '../../../src/store/kept-files.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';

async function resultFile(name: string, id: string, lastModified: number): Promise<File> {
  const doc = await studyResultFile();
  const config = { ...doc.config, id };
  const bytes = await fileBytes({ ...doc, config, configHash: await configHash(config) }, false);
  return new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/json', lastModified });
}

describe('the Results page state', () => {
  it('keeps a second file that shares an open file’s name beside it, and replaces only the same file opened again', async () => {
    const view = new ResultsView();
    const name = 'feedback-lab-feedback-against-no-feedback-2026-05-01.json';
    const laptop = await resultFile(name, 'study-a', 1000);
    const desktop = await resultFile(name, 'study-b', 2000);

    await view.open([laptop]);
    await view.open([desktop]);
    expect(view.failures).toEqual([]);
    const ids = await Promise.all(view.files.map(async (f) => [f.fileName, (await view.document(f.fileName))?.doc.config.id]));
    expect(ids).toEqual([
      [name, 'study-a'],
      [`${name} (2)`, 'study-b'],
    ]);

    // The same file again (same size and time): it replaces its own entry, nothing is added.
    await view.open([laptop]);
    expect(view.files.map((f) => f.fileName).sort()).toEqual([name, `${name} (2)`]);
    expect(view.analysis?.ok).toBe(true);
  });

  it("replaces a stored study's earlier copy when the study is opened from its card again, and leaves a file of it picked by hand", async () => {
    const half = await studyResultFile({ only: (order) => order < 12 });
    const whole = await studyResultFile();
    const exported = async (doc: typeof half, lastModified: number) =>
      new File([(await fileBytes(doc, false)) as Uint8Array<ArrayBuffer>], 'feedback-lab-study.json', { type: 'application/json', lastModified });
    const view = new ResultsView();
    // A colleague's shard of the same study, picked on the Results page.
    await view.open([new File([(await fileBytes(half, false)) as Uint8Array<ArrayBuffer>], 'shard.json', { type: 'application/json' })]);
    await view.openStoredStudy(await exported(half, 1000), half.config.id);
    await view.openStoredStudy(await exported(whole, 2000), whole.config.id);
    expect(view.failures).toEqual([]);
    expect(view.files.map((f) => [f.fileName, f.units])).toEqual([
      ['shard.json', 12],
      ['feedback-lab-study.json', 30],
    ]);
  });

  it('says once the files are open and their report drawn, and nothing of the kind after a file it refused (audit R199)', async () => {
    const view = new ResultsView();
    await view.open([await resultFile('a.json', 'study-a', 1000)]);
    // The status line went from "Computing the tables and figures…" to nothing: a screen reader heard no end.
    expect(view.opened).toBe('Opened a.json; its report is below.');
    await view.open([await resultFile('b.json', 'study-b', 2000), await resultFile('c.json', 'study-c', 3000)]);
    expect(view.opened).toBe('Opened 2 files; their report is below.');
    // Not left in the page's text for a file closed since.
    view.remove('c.json');
    expect(view.opened).toBeNull();
    await view.open([new File(['{"format":"feedback-lab/prompt-set"}'], 'prompts.json', { type: 'application/json' })]);
    expect(view.failures.map((f) => f.fileName)).toEqual(['prompts.json']);
    expect(view.opened).toBeNull();
  });

  // 33 MB through gzip and JSON: over a second alone, past vitest's 5 s beside the rest of the unit tests on a busy 2-core machine.
  it('says each phase of a big file’s reading at once, and its figures at most every few seconds (audit R199)', { timeout: 30_000 }, async () => {
    // 33 MB of JSON that gzip packs small: decompressing reports 0, 16 and 32 MB within a fraction of a second.
    const plain = new TextEncoder().encode(`{"format":"feedback-lab/prompt-set"${' '.repeat(33 * 1024 * 1024)}}`);
    const gz = new Uint8Array(await new Response(new Blob([plain]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
    const view = new ResultsView();
    // Every text the status line was given, in order.
    const said: (string | null)[] = [];
    let progress = view.progress;
    Object.defineProperty(view, 'progress', { get: () => progress, set: (text: string | null) => void said.push((progress = text)), configurable: true });
    const started = performance.now();
    await view.open([new File([gz], 'big.json.gz', { type: 'application/gzip' })]);
    const seconds = (performance.now() - started) / 1000;
    // Each figure was one more sentence queued for a screen reader, read long after the file was
    // refused: three of them (0, 16, 32 MB) in well under a second here, one now; a machine slow
    // enough to take longer may say one more every 3 s.
    const decompressing = said.filter((text) => text?.includes('decompressing'));
    expect(decompressing[0]).toBe('big.json.gz: decompressing (0 MB so far)…');
    expect(decompressing.length).toBeLessThanOrEqual(1 + Math.floor(seconds / 3));
    expect(said).toContain('big.json.gz: reading 33 MB of JSON…');
  });

  it('refuses a file too big to read by its size, without reading it first (gigabytes held only to be refused)', async () => {
    const huge = new File(['{}'], 'huge.json', { type: 'application/json' });
    Object.defineProperty(huge, 'size', { value: 3 * 1024 ** 3 });
    let read = false;
    huge.arrayBuffer = () => {
      read = true;
      return Promise.reject(new RangeError('Array buffer allocation failed'));
    };
    const view = new ResultsView();
    await view.open([huge]);
    expect(read).toBe(false);
    expect(view.files).toEqual([]);
    expect(view.failures).toEqual([
      expect.objectContaining({ fileName: 'huge.json', message: 'The file is too big: 3072 MB, and this app reads result files up to 256 MB.' }),
    ]);
    // The Study page's reader refuses it the same way.
    await expect(readResultFile(huge)).rejects.toThrow('The file is too big: 3072 MB');
    expect(read).toBe(false);
  });

  it('lists how far each open file got: a shard or a stopped study holds fewer units than planned', async () => {
    const half = await studyResultFile({ only: (order) => order < 12, cutAfter: new Map([[4, 1]]) });
    const whole = await studyResultFile();
    const file = async (name: string, doc: typeof half) => new File([(await fileBytes(doc, false)) as Uint8Array<ArrayBuffer>], name, { type: 'application/json' });
    const view = new ResultsView();
    await view.open([await file('half.json', half), await file('whole.json', { ...whole, config: { ...whole.config, id: 'whole' }, configHash: await configHash({ ...whole.config, id: 'whole' }) })]);
    expect(view.failures).toEqual([]);
    expect(view.files.map((f) => [f.fileName, f.units, f.finished, f.planned])).toEqual([
      ['half.json', 12, 11, 30],
      ['whole.json', 30, 30, 30],
    ]);
  });

  it('says above the report which arms had problem-runs ended by the time cap, at the cap the file recorded (audit R200-1)', async () => {
    const doc = await studyResultFile();
    // A study run with a 45-s cap, whose self-refine arm ran out of it mid-refinement on one problem.
    const config = { ...doc.config, id: 'slow-server', limits: { ...doc.config.limits, problemTimeCapMs: 45_000 } };
    const units = doc.units.map((u) =>
      u.status === 'finished' && u.armId === 'refine' && u.repeat === 0 && u.problemId === 'HumanEval/903' ? { ...u, trajectory: { ...u.trajectory, stopReason: 'time-cap' as const } } : u,
    );
    const bytes = await fileBytes({ ...doc, config, configHash: await configHash(config), units }, false);
    const view = new ResultsView();
    await view.open([new File([bytes as Uint8Array<ArrayBuffer>], 'slow.json', { type: 'application/json' })]);
    expect(view.failures).toEqual([]);
    const notes = view.analysis?.ok ? view.analysis.report.notes : null;
    expect(notes).toEqual([
      'llama self-refine: 1 of its 10 problem-runs was ended by the 45-s time cap per problem (counted as failed, as the study did).',
      expect.stringMatching(/^The cap holds a problem's model replies and code runs together/),
    ]);
  });

  it('tells the explorer why a run has no verdict: what the files recorded of it, the copy a merge keeps', async () => {
    const half = await studyResultFile({ only: (order) => order < 12, cutAfter: new Map([[4, 1]]) });
    const cut = half.units.find((u) => u.status === 'unfinished')!;
    const erroredCopy = {
      ...half,
      units: half.units.map((u) => (u === cut ? { ...cut, status: 'errored' as const, message: 'The endpoint answered 503.', attempts: 3, steps: [] } : u)),
    };
    const file = async (name: string, doc: typeof half) => new File([(await fileBytes(doc, false)) as Uint8Array<ArrayBuffer>], name, { type: 'application/json' });
    const view = new ResultsView();
    await view.open([await file('cut.json', half)]);
    expect(view.failures).toEqual([]);
    const arm = view.arms.find((a) => a.id === cut.armId)!;
    expect(await view.unsettled(arm.id, cut.repeat, cut.problemId)).toEqual({ status: 'unfinished', fileName: 'cut.json', steps: cut.steps });
    expect(cut.steps).toHaveLength(1);
    // A run never started is in no file; a finished one is not unsettled.
    expect(await view.unsettled(arm.id, 1, cut.problemId)).toBeNull();
    const done = half.units.find((u) => u.status === 'finished')!;
    expect(await view.unsettled(done.armId, done.repeat, done.problemId)).toBeNull();

    // Another shard recorded the same run as errored with no step: a merge keeps the copy that got
    // further, and so does the explorer; opened alone, the errored copy says what went wrong.
    await view.open([await file('errored.json', erroredCopy)]);
    expect(view.failures).toEqual([]);
    expect(await view.unsettled(arm.id, cut.repeat, cut.problemId)).toMatchObject({ status: 'unfinished', fileName: 'cut.json' });
    view.remove('cut.json');
    expect(await view.unsettled(arm.id, cut.repeat, cut.problemId)).toEqual({
      status: 'errored',
      fileName: 'errored.json',
      message: 'The endpoint answered 503.',
      attempts: 3,
      steps: [],
    });
  });

  it('hands the presenter the file a run is in and the arm as that file names it, with two studies side by side', async () => {
    const view = new ResultsView();
    await view.open([await resultFile('a.json', 'study-a', 1000), await resultFile('b.json', 'study-b', 2000)]);
    // Side by side, the explorer's arm ids are prefixed by the study's place: 2:<arm> is b.json's <arm>.
    const arm = view.arms.find((a) => a.id.startsWith('2:'))!;
    const doc = (await view.document('b.json'))!.doc;
    const unit = doc.units.find((u) => u.status === 'finished' && `2:${u.armId}` === arm.id)!;
    expect(await view.replaySource(arm.id, unit.repeat, unit.problemId)).toEqual({ fileName: 'b.json', armId: unit.armId });
    expect(await view.replaySource(arm.id, 99, unit.problemId)).toBeNull();
  });

  it('says no pair is chosen, not that the study has one arm, once the user removes every pair', async () => {
    const view = new ResultsView();
    await view.open([await resultFile('two-arms.json', 'study-a', 1000)]);
    expect(view.arms.length).toBeGreaterThan(1);
    expect(view.noPairsReason).toBeNull();
    while (view.pairs.length > 0) view.removePair(0);
    await view.refresh();
    expect(view.noPairsReason).toContain('No pair is chosen');
    expect(view.noPairsReason).not.toContain('one arm');
  });

  it('compares studies on other problems within themselves, and says why two one-arm studies have no default pair', async () => {
    const view = new ResultsView();
    const humaneval = await studyResultFile();
    const mbppId = (id: string) => id.replace('HumanEval/', 'Mbpp/');
    const config = { ...humaneval.config, id: 'on-mbpp', name: 'On MBPP', benchmark: 'mbpp' as const, problemIds: humaneval.config.problemIds.map(mbppId) };
    const units = humaneval.units.map((u) =>
      u.status === 'finished' ? { ...u, problemId: mbppId(u.problemId), trajectory: { ...u.trajectory, problemId: mbppId(u.problemId) } } : { ...u, problemId: mbppId(u.problemId) },
    );
    const mbpp = { ...humaneval, config, units, configHash: await configHash(config) };
    const file = async (name: string, doc: typeof humaneval) => new File([(await fileBytes(doc, false)) as Uint8Array<ArrayBuffer>], name, { type: 'application/json' });
    await view.open([await file('humaneval.json', humaneval), await file('mbpp.json', mbpp)]);
    expect(view.failures).toEqual([]);
    const label = (id: string) => view.arms.find((a) => a.id === id)?.label;
    // Each study's arms against its own first arm, never MBPP against HumanEval.
    expect(view.pairs.map((p) => `${label(p.treatmentId)} vs ${label(p.baselineId)}`)).toEqual([
      'llama self-refine (Feedback against no feedback) vs llama solo (Feedback against no feedback)',
      'llama text-only (Feedback against no feedback) vs llama solo (Feedback against no feedback)',
      'llama self-refine (On MBPP) vs llama solo (On MBPP)',
      'llama text-only (On MBPP) vs llama solo (On MBPP)',
    ]);

    const soloOnly = (doc: typeof humaneval) => ({ ...doc, config: { ...doc.config, arms: doc.config.arms.slice(0, 1) }, units: doc.units.filter((u) => u.armId === 'solo') });
    const heSolo = soloOnly(humaneval);
    const mbppSolo = soloOnly(mbpp);
    const two = new ResultsView();
    await two.open([
      await file('he-solo.json', { ...heSolo, configHash: await configHash(heSolo.config) }),
      await file('mbpp-solo.json', { ...mbppSolo, configHash: await configHash(mbppSolo.config) }),
    ]);
    expect(two.failures).toEqual([]);
    expect(two.pairs).toEqual([]);
    expect(two.noPairsReason).toContain('share no problems');
  });
});

describe('the Results page after a reload of its tab', () => {
  /** A tab's session storage (it outlives a reload), and this browser's kept-files database. */
  function tab(): { storage: Storage; browser: () => ResultsViewDeps } {
    const items = new Map<string, string>();
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    } as Storage;
    let store: ReturnType<typeof openKeptFiles> | null = null;
    return { storage, browser: () => ({ storage, keptFiles: () => (store ??= openKeptFiles()) }) };
  }
  /** Waits until every open file's copy is written (it is written after the file opens, not before the report). */
  async function kept(storage: Storage, count: number): Promise<string[]> {
    await vi.waitFor(() => {
      const saved = readKeptResults(storage);
      expect(saved?.files.filter((f) => f.key !== null)).toHaveLength(count);
    });
    return readKeptResults(storage)!.files.map((f) => f.key!);
  }

  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  it('reopens the files it had open, in their order and under their names, with the settings chosen', async () => {
    const { storage, browser } = tab();
    const before = new ResultsView(browser());
    const name = 'study.json';
    await before.open([await resultFile(name, 'study-a', 1000), await resultFile('other.json', 'study-c', 3000)]);
    await before.open([await resultFile(name, 'study-b', 2000)]);
    before.setLabelling('study');
    before.removePair(0);
    await before.refresh();
    await kept(storage, 3);

    const after = new ResultsView(browser());
    await after.restore();
    expect(after.failures).toEqual([]);
    expect(after.files.map((f) => f.fileName)).toEqual([name, 'other.json', `${name} (2)`]);
    expect(await Promise.all(after.files.map(async (f) => (await after.document(f.fileName))?.doc.config.id))).toEqual(['study-a', 'study-c', 'study-b']);
    expect(after.labelling).toBe('study');
    expect(after.pairs).toEqual(before.pairs);
    expect(after.analysis?.ok).toBe(true);
    // Once per page load: a second call does not read them again.
    await after.restore();
    expect(after.files).toHaveLength(3);
  });

  it('names the file whose kept copy is gone, and what to do, and reopens the others', async () => {
    const { storage, browser } = tab();
    const before = new ResultsView(browser());
    await before.open([await resultFile('a.json', 'study-a', 1000), await resultFile('b.json', 'study-b', 2000)]);
    const [keyA] = await kept(storage, 2);
    // Another tab's set pushed a.json out (or site data was cleared): only b.json is still here.
    await (await openKeptFiles()).release(readKeptResults(storage)!.set, [keyA!]);

    const after = new ResultsView(browser());
    await after.restore();
    expect(after.files.map((f) => f.fileName)).toEqual(['b.json']);
    expect(after.failures).toEqual([
      expect.objectContaining({ fileName: 'a.json', message: expect.stringContaining('its copy is no longer kept in this browser'), hint: 'Open a.json here again.' }),
    ]);
    // The tab now lists what is open; the next reload does not complain again.
    expect(readKeptResults(storage)?.files.map((f) => f.name)).toEqual(['b.json']);
  });

  it('says the storage could not be opened, not that the copy is gone, when the kept-files database fails to open (a private window)', async () => {
    const { storage, browser } = tab();
    const before = new ResultsView(browser());
    await before.open([await resultFile('a.json', 'study-a', 1000)]);
    await kept(storage, 1);
    const saved = readKeptResults(storage);

    const blocked = new ResultsView({ storage, keptFiles: () => Promise.reject(new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError')) });
    await blocked.restore();
    expect(blocked.files).toEqual([]);
    expect(blocked.failures).toEqual([
      expect.objectContaining({ fileName: 'a.json', message: expect.stringContaining('this site’s storage in this browser could not be opened'), hint: 'Open a.json here again.' }),
    ]);
    expect(blocked.failures[0]!.message).not.toContain('no longer kept');

    // A store that opens but fails to read says the same.
    const store = await openKeptFiles();
    const failing = new ResultsView({
      storage,
      keptFiles: async () => ({ keepForSet: store.keepForSet.bind(store), release: store.release.bind(store), get: () => Promise.reject(new DOMException('Read failed.', 'UnknownError')) }),
    });
    // The blocked page found nothing to list, and wrote so: the tab's entry as it was before.
    writeKeptResults(storage, saved);
    await failing.restore();
    expect(failing.failures[0]?.message).toContain('could not be opened');
  });

  it('says a file could not be kept for a reload because the browser is full, in the words of its error', async () => {
    const { storage } = tab();
    const store = await openKeptFiles();
    const view = new ResultsView({
      storage,
      keptFiles: async () => ({
        keepForSet: (_set: string, fileName: string) => Promise.reject(new KeepFileError(fileName, new DOMException('Quota exceeded.', 'QuotaExceededError'))),
        get: store.get.bind(store),
        release: store.release.bind(store),
      }),
    });
    await view.open([await resultFile('big.json', 'study-a', 1000)]);
    await vi.waitFor(() => expect(view.keepProblem).toMatch(/^big\.json could not be kept in this browser \(this browser has no room left for it\).*opened again/));
    expect(view.files.map((f) => f.fileName)).toEqual(['big.json']);

    // A reload says why it is not back: it could not be kept, not "its copy was not yet written".
    const after = new ResultsView({ storage, keptFiles: async () => store });
    await after.restore();
    expect(after.failures).toEqual([
      expect.objectContaining({ fileName: 'big.json', message: expect.stringContaining('it could not be kept in this browser (this browser has no room left for it)') }),
    ]);
  });

  it('names the file still being read when the page was reloaded, and reopens the files already open', async () => {
    const { storage, browser } = tab();
    const before = new ResultsView(browser());
    await before.open([await resultFile('a.json', 'study-a', 1000)]);
    await kept(storage, 1);
    // A 93 MB file takes many seconds to read: the page is reloaded meanwhile.
    const reading = before.open([await resultFile('huge.json', 'study-b', 2000)]);

    const after = new ResultsView(browser());
    await after.restore();
    expect(after.files.map((f) => f.fileName)).toEqual(['a.json']);
    expect(after.failures).toEqual([
      expect.objectContaining({ fileName: 'huge.json', message: 'It was still being read when the page was reloaded, so it is not open.', hint: 'Open huge.json here again.' }),
    ]);
    await reading;
    // Read to the end, it is listed as open, no longer as being read.
    expect(readKeptResults(storage)?.reading).toEqual([]);
  });

  it('names a first file still being read, and forgets a file whose reading failed', async () => {
    const { storage, browser } = tab();
    const before = new ResultsView(browser());
    const reading = before.open([await resultFile('first.json', 'study-a', 1000)]);
    const after = new ResultsView(browser());
    await after.restore();
    expect(after.files).toEqual([]);
    expect(after.failures).toEqual([expect.objectContaining({ fileName: 'first.json', message: expect.stringContaining('still being read when the page was reloaded') })]);
    await reading;

    const broken = new ResultsView(browser());
    before.closeAll();
    await broken.open([new File(['not json'], 'broken.json', { type: 'application/json' })]);
    expect(broken.failures).toEqual([expect.objectContaining({ fileName: 'broken.json' })]);
    // It said why it did not open: a reload does not name it again as being read.
    expect(readKeptResults(storage)).toBeNull();
  });

  it('forgets the files and their kept copies when the user closes them all', async () => {
    const { storage, browser } = tab();
    const view = new ResultsView(browser());
    await view.open([await resultFile('a.json', 'study-a', 1000), await resultFile('b.json', 'study-b', 2000)]);
    const keys = await kept(storage, 2);
    view.remove('b.json');
    await vi.waitFor(async () => expect(await (await openKeptFiles()).get(keys[1]!)).toBeNull());
    expect(readKeptResults(storage)?.files.map((f) => f.name)).toEqual(['a.json']);
    view.closeAll();
    expect(view.files).toEqual([]);
    expect(readKeptResults(storage)).toBeNull();
    await vi.waitFor(async () => expect(await (await openKeptFiles()).get(keys[0]!)).toBeNull());

    const after = new ResultsView(browser());
    await after.restore();
    expect(after.files).toEqual([]);
    expect(after.failures).toEqual([]);
  });
});
