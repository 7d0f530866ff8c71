/**
 * A scoring run kept in this browser while another tab opens a newer build, which upgrades the
 * database: this tab lets it (it closes its connection), and its next write fails. What it wrote
 * until then is kept, and after a reload Continue scores the rest; the page said "a reload would
 * lose it (this browser refused to store it: … the connection is closing)" (audit R168-2).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { SCHEMA_VERSION, openLabDatabase, openedOnFirstUse } from '../../../src/store/database.ts';
import { IdbScoringStore } from '../../../src/store/scoring-store.ts';
import { RunKeeper } from '../../../src/ui/scoring/run-keeper.svelte.ts';
import type { TabRun } from '../../../src/ui/shared/tab-run.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

const progress = (done: number) => ({ done, passed: done, elapsedMs: 10 * done, status: 'scoring' as const, failure: null });
const verdict = (line: number) => ({ line, taskId: `HumanEval/${line}`, outcome: { kind: 'passed' as const, durationMs: 3 } });

describe('a kept scoring run when a newer build upgrades the database', () => {
  it('says what was scored so far is kept and a reload carries on, and keeps it', async () => {
    const store = new IdbScoringStore(await openLabDatabase());
    let shown: TabRun | null = null;
    const keeper = new RunKeeper({
      store: async () => store,
      locks: { claim: async () => async () => undefined, show: () => () => undefined, scoringAnywhere: async () => new Set(), heldAnywhere: async () => new Set() },
      thisTab: { get: () => shown, set: (run) => void (shown = run) },
      newId: () => 'run-1',
    });
    keeper.begin({ name: 'slow.jsonl', settings: { benchmark: 'humaneval', mode: 'standard', workers: 2 }, total: 4, file: null });
    keeper.add(verdict(1));
    keeper.add(verdict(2));
    keeper.flush(progress(2));
    await expect.poll(async () => (await new IdbScoringStore(await openLabDatabase()).loadRun('run-1'))?.verdicts.length).toBe(2);

    const newer = await openDB('feedback-lab', SCHEMA_VERSION + 1, { upgrade: () => undefined });
    keeper.add(verdict(3));
    expect(await keeper.end(progress(3))).toBe(false);
    expect(keeper.keptSoFar).toBe(true);
    expect(keeper.problem).toBe('another tab opened a newer version of Feedback Lab, which updated this browser’s database');
    newer.close();
    // What was written before the upgrade is there for the reloaded tab.
    const kept = await new IdbScoringStore(await openDB('feedback-lab', SCHEMA_VERSION + 1)).loadRun('run-1');
    expect(kept?.verdicts.map((v) => v.line)).toEqual([1, 2]);
  });

  it('on a page older than the database, does not advise the reload that would lose the run', async () => {
    // The reason ended "reload the page to use the new version", inside "a reload would lose it (…)" (audit R171-3).
    (await openDB('feedback-lab', SCHEMA_VERSION + 1, { upgrade: () => undefined })).close();
    let shown: TabRun | null = null;
    const keeper = new RunKeeper({
      store: openedOnFirstUse('scored samples', (db) => new IdbScoringStore(db)),
      locks: { claim: async () => async () => undefined, show: () => () => undefined, scoringAnywhere: async () => new Set(), heldAnywhere: async () => new Set() },
      thisTab: { get: () => shown, set: (run) => void (shown = run) },
      newId: () => 'run-1',
    });
    keeper.begin({ name: 'slow.jsonl', settings: { benchmark: 'humaneval', mode: 'standard', workers: 2 }, total: 4, file: null });
    keeper.add(verdict(1));
    expect(await keeper.end(progress(1))).toBe(false);
    expect(keeper.keptSoFar).toBe(false);
    expect(keeper.olderVersion).toBe(true);
    expect(keeper.problem).toBe('a newer version of Feedback Lab, opened in another tab, has updated this browser’s database');
  });
});
