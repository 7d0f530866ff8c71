/**
 * `crypto.randomUUID` exists only in secure contexts. On the page served over plain http to
 * another machine (`npm start` prints that address), pressing "Score the canonical solutions"
 * threw "crypto.randomUUID is not a function" from RunKeeper.begin: nothing was scored and the
 * page said nothing (audit R205-2, reproduced in Chromium at http://<LAN address>/#/score).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openLabDatabase } from '../../../src/store/database.ts';
import { IdbScoringStore } from '../../../src/store/scoring-store.ts';
import { newRunId, RunKeeper } from '../../../src/ui/scoring/run-keeper.svelte.ts';
import type { TabRun } from '../../../src/ui/shared/tab-run.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** `crypto` as a page that is not a secure context has it: getRandomValues, no randomUUID or subtle. */
function insecureCrypto(): void {
  const real = globalThis.crypto;
  vi.stubGlobal('crypto', { getRandomValues: <T extends ArrayBufferView>(array: T) => real.getRandomValues(array as never) as T });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('a scoring run on a page that is not a secure context', () => {
  it('gets a random UUID without crypto.randomUUID', () => {
    insecureCrypto();
    const ids = new Set(Array.from({ length: 50 }, () => newRunId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('is kept like any other', async () => {
    globalThis.indexedDB = new IDBFactory();
    const store = new IdbScoringStore(await openLabDatabase());
    insecureCrypto();
    let shown: TabRun | null = null;
    const keeper = new RunKeeper({
      store: async () => store,
      locks: { claim: async () => async () => undefined, show: () => () => undefined, scoringAnywhere: async () => new Set(), heldAnywhere: async () => new Set() },
      thisTab: { get: () => shown, set: (run) => void (shown = run) },
    });
    keeper.begin({ name: 'samples.jsonl', settings: { benchmark: 'humaneval', mode: 'standard', workers: 2 }, total: 1, file: null });
    keeper.add({ line: 1, taskId: 'HumanEval/0', outcome: { kind: 'passed', durationMs: 3 } });
    keeper.flush({ done: 1, passed: 1, elapsedMs: 10, status: 'scoring', failure: null });
    await expect.poll(() => shown?.id ?? null).toMatch(UUID_V4);
    await expect.poll(async () => (await store.loadRun(shown!.id))?.verdicts.length).toBe(1);
  });
});
