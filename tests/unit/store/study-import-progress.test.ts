import { beforeEach, describe, expect, it } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { unitSteps } from '../../../src/core/results/result-file.ts';
import { openLabDatabase } from '../../../src/store/database.ts';
import { importResultFiles } from '../../../src/store/study-import.ts';
import { bigResultFile } from '../../support/big-result-file.ts';
import { loadTestProblems } from '../../support/datasets.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('storing an imported study says how far it has got', () => {
  it('counts the steps written up to all of them, every 5 %, never past the total', { timeout: 60_000 }, async () => {
    const doc = await bigResultFile({ problems: (await loadTestProblems('mbpp')).slice(0, 10), repeats: 1, replyChars: [100, 200] });
    const steps = doc.units.reduce((n, u) => n + unitSteps(u).length, 0);
    const db = await openLabDatabase();
    const heard: [number, number][] = [];
    await importResultFiles(db, [doc], { onProgress: (written, total) => heard.push([written, total]) });

    expect(heard.every(([, total]) => total === steps)).toBe(true);
    const counts = heard.map(([written]) => written);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(steps);
    // About twenty reports, whatever the size: often enough to watch, rarely enough for a screen reader.
    expect(heard.length).toBeGreaterThanOrEqual(10);
    expect(heard.length).toBeLessThanOrEqual(25);
    expect(await db.count('steps')).toBe(steps);
  });
});

describe('adding a shard to a stored study', () => {
  it('counts the stored steps by their keys, without reading their prompts and replies back', { timeout: 60_000 }, async () => {
    const problems = (await loadTestProblems('mbpp')).slice(0, 6);
    const first = await bigResultFile({ problems, repeats: 1, replyChars: [100, 200], only: (position) => position % 2 === 0 });
    const second = await bigResultFile({ problems, repeats: 1, replyChars: [100, 200], only: (position) => position % 2 === 1 });
    const db = await openLabDatabase();
    await importResultFiles(db, [first]);

    // Every getAll on the steps store while the second shard is added: each would copy whole stored steps.
    const read: string[] = [];
    const prototype = globalThis.IDBObjectStore.prototype;
    const getAll = prototype.getAll;
    prototype.getAll = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['getAll']>) {
      read.push(this.name);
      return getAll.apply(this, args);
    };
    try {
      const [added] = await importResultFiles(db, [second]);
      expect(added!.created).toBe(false);
      expect(added!.unitsWritten).toBe(second.units.length);
    } finally {
      prototype.getAll = getAll;
    }
    expect(read).not.toContain('steps');
    const steps = [first, second].reduce((n, doc) => n + doc.units.reduce((m, u) => m + unitSteps(u).length, 0), 0);
    expect(await db.count('steps')).toBe(steps);
  });
});
