import { beforeEach, describe, expect, it, vi } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openLabDatabase } from '../../../src/store/database.ts';
import { IdbStudyStore } from '../../../src/store/study-store.ts';
import { runLocks } from '../../../src/ui/shared/run-locks.ts';
import { originLocks } from './origin-locks.ts';
import { StudyLibrary } from '../../../src/ui/study/study-library.svelte.ts';
import { fileBytes, studyResultFile, takeOtherVerdict } from '../results/result-file-fixtures.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

/** A library that only imports files into `store`, with this origin's run locks. */
function importingLibrary(store: IdbStudyStore, origin: ReturnType<typeof originLocks>): StudyLibrary {
  return new StudyLibrary({
    store: async () => store,
    environmentHere: async () => {
      throw new Error('not used');
    },
    runningHere: () => new Set(),
    locks: runLocks('feedback-lab:study:', () => origin),
  });
}

describe('importing result files into the stored studies', () => {
  it('refuses a study that another tab is running, writing nothing, and imports it once that tab lets go', async () => {
    const origin = originLocks();
    const store = new IdbStudyStore(await openLabDatabase());
    const library = importingLibrary(store, origin);
    const doc = await studyResultFile();
    const bytes = await fileBytes(doc);
    const pick = () => [new File([bytes as Uint8Array<ArrayBuffer>], 'shared.json', { type: 'application/json' })];

    // The other tab: its runner holds the study's lock for as long as it runs.
    const otherTab = runLocks('feedback-lab:study:', () => origin);
    const release = await otherTab.claim(doc.config.id);
    expect(release).not.toBeNull();

    await library.importFiles(pick());
    expect(library.importLines).toEqual([]);
    expect(library.importProblems).toMatchObject([{ fileName: 'shared.json', message: `The study “${doc.config.name}” is running or paused in another tab.` }]);
    expect(await store.loadStudy(doc.config.id)).toBeNull();

    await release!();
    await library.importFiles(pick());
    expect(library.importProblems).toEqual([]);
    expect(library.importLines.join(' ')).toContain('Imported');
    expect(await store.loadStudy(doc.config.id)).not.toBeNull();
    // The import gave the lock back: the study can be run again.
    expect(await otherTab.claim(doc.config.id)).not.toBeNull();
  });

  it('says how many units a file adds with a verdict other than the one stored here', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const library = importingLibrary(store, originLocks());
    const doc = await studyResultFile();
    // Another laptop's copy: one unit is its other repeat's run (same arm and problem, the other verdict).
    const other = structuredClone(doc);
    if (!other.units.some((unit) => takeOtherVerdict(other, unit))) throw new Error('the fixture has no disagreeing repeats');
    const file = async (name: string, d: typeof doc) => new File([(await fileBytes(d)) as Uint8Array<ArrayBuffer>], name, { type: 'application/json' });

    await library.importFiles([await file('mine.json', doc)]);
    await library.importFiles([await file('theirs.json', other)]);
    expect(library.importProblems).toEqual([]);
    expect(library.importLines.join(' ')).toContain(
      '0 units written; 30 already stored were kept. 1 unit was finished both here and in the file with different verdicts (passed in one, failed in the other): the one stored here was kept.',
    );
    // The same file again: nothing disagrees, nothing is said of verdicts.
    await library.importFiles([await file('mine.json', doc)]);
    expect(library.importLines.join(' ')).not.toContain('different verdicts');
  });
});

describe('Open in Results', () => {
  it('hands the stored study’s result file over, and says under the list when the Results page cannot take it', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const doc = await studyResultFile();
    const library = new StudyLibrary({
      store: async () => store,
      environmentHere: async () => doc.environments[0]!,
      runningHere: () => new Set(),
      locks: runLocks('feedback-lab:study:', () => originLocks()),
    });
    await library.importFiles([new File([(await fileBytes(doc)) as Uint8Array<ArrayBuffer>], 'mine.json', { type: 'application/json' })]);

    const handed: File[] = [];
    await library.openInResults(doc.config.id, async (file) => {
      handed.push(file);
    });
    expect(library.problem).toBeNull();
    expect(handed.map((file) => file.name)).toHaveLength(1);
    expect(JSON.parse(await handed[0]!.text()).config.id).toBe(doc.config.id);
    expect(library.problem).toBeNull();

    await library.openInResults(doc.config.id, async () => {
      throw new Error('The Results page did not load: check the connection.');
    });
    expect(library.problem?.message).toContain('The Results page did not load');
  });

  it('refuses a study far past the Results page’s limit before exporting it, and measures one near the limit', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const doc = await studyResultFile();
    const size = (await fileBytes(doc)).length;
    const library = (resultsMaxBytes: number) =>
      new StudyLibrary({
        store: async () => store,
        environmentHere: async () => doc.environments[0]!,
        runningHere: () => new Set(),
        locks: runLocks('feedback-lab:study:', () => originLocks()),
        resultsMaxBytes,
      });
    await library(size).importFiles([new File([(await fileBytes(doc)) as Uint8Array<ArrayBuffer>], 'mine.json', { type: 'application/json' })]);
    const exported = vi.spyOn(store, 'loadStudy');
    const handed: File[] = [];

    // A third of its size: its steps alone, sampled, are far past that. It was read back and written whole first.
    const far = library(Math.floor(size / 3));
    await far.refresh();
    await far.openInResults(doc.config.id, async (file) => void handed.push(file));
    expect(far.problem?.message).toMatch(/^“.+” is about \d+ MB as a result file \(estimated from a sample of its steps\), and the Results page reads result files up to /);
    expect(exported).not.toHaveBeenCalled();
    expect(handed).toEqual([]);

    // Just under its size: the estimate cannot tell, so it is exported, measured and refused.
    const near = library(size - 1);
    await near.openInResults(doc.config.id, async (file) => void handed.push(file));
    expect(near.problem?.message).toMatch(/^“.+” is \d+ MB as a result file, and the Results page/);
    expect(exported).toHaveBeenCalled();
    expect(handed).toEqual([]);
  });

  it('estimates a study’s steps as JSON close to what its result file holds', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const doc = await studyResultFile();
    await importingLibrary(store, originLocks()).importFiles([new File([(await fileBytes(doc)) as Uint8Array<ArrayBuffer>], 'mine.json', { type: 'application/json' })]);
    const size = (await fileBytes(doc)).length;
    const all = await store.estimateStepBytes(doc.config.id, Number.POSITIVE_INFINITY);
    // The steps are most of the file, never more than all of it.
    expect(all).toBeLessThan(size);
    expect(all).toBeGreaterThan(size / 2);
    expect(await store.estimateStepBytes('no-such-study')).toBe(0);
  });
});
