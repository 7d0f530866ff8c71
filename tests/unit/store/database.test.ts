import { beforeEach, describe, expect, it } from 'vitest';
// The auto entry installs the IDB* globals that idb checks values against.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { DatabaseNewer, DatabaseRefused, SCHEMA_VERSION, connectionTerminated, openLabDatabase, openedOnFirstUse } from '../../../src/store/database.ts';
import { clearDatasetCache, createDatasetCache } from '../../../src/store/dataset-cache.ts';
import { storageEstimate } from '../../../src/store/storage-estimate.ts';

beforeEach(() => {
  // A fresh in-memory IndexedDB per test: no test sees another's databases.
  globalThis.indexedDB = new IDBFactory();
});

const SHA = 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef';

describe('the feedback-lab database', () => {
  it('opens at the current schema version with a datasets store', async () => {
    const db = await openLabDatabase();
    expect(db.name).toBe('feedback-lab');
    expect(db.version).toBe(SCHEMA_VERSION);
    expect([...db.objectStoreNames]).toContain('datasets');
    db.close();
  });

  it('lets a newer build in another tab upgrade instead of blocking it', async () => {
    let lost = 0;
    const db = await openLabDatabase({ onTerminated: () => lost++ });
    const newer = await openDB('feedback-lab', SCHEMA_VERSION + 1, {
      upgrade(upgraded) {
        upgraded.createObjectStore('from-the-future');
      },
    });
    expect(newer.version).toBe(SCHEMA_VERSION + 1);
    // The data is still there, in the newer build's hands: a reload of this tab picks it up.
    expect(connectionTerminated(db)).toBe(false);
    expect(lost).toBe(0);
    newer.close();
    db.close();
  });

  it('takes a deletion from another page (DevTools’ “Delete database”) as its data gone, as when site data is cleared, and lets it through', async () => {
    let lost = 0;
    const db = await openLabDatabase({ onTerminated: () => lost++ });
    await createDatasetCache(db).put(SHA, new Uint8Array([1]));

    expect(await deleteDatabase('feedback-lab')).toEqual(['success']);
    // A run writing to it tells its data went (not "reload, the steps are kept"), and the holder
    // opens a new database for its next use instead of failing until a reload.
    expect(connectionTerminated(db)).toBe(true);
    expect(lost).toBe(1);
    expect(() => db.transaction('datasets')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));

    const again = await openLabDatabase();
    expect(again.version).toBe(SCHEMA_VERSION);
    expect(await createDatasetCache(again).get(SHA)).toBeUndefined();
    again.close();
  });
});

/** What another page's `indexedDB.deleteDatabase` sees: 'blocked' while a connection holds on, then 'success'. */
function deleteDatabase(name: string): Promise<string[]> {
  return new Promise((resolve) => {
    const seen: string[] = [];
    const request = indexedDB.deleteDatabase(name);
    request.onblocked = () => seen.push('blocked');
    request.onsuccess = () => resolve([...seen, 'success']);
    request.onerror = () => resolve([...seen, `error ${String(request.error)}`]);
  });
}

describe("a tab's connection for a kind of store", () => {
  it('opens once for every use, opens a new one after the database was deleted under it, and names what cannot be stored when refused', async () => {
    let made = 0;
    const stores = openedOnFirstUse('studies', (db) => ({ db, n: ++made }));
    const first = await stores();
    expect(await stores()).toBe(first);
    expect(made).toBe(1);

    expect(await deleteDatabase('feedback-lab')).toEqual(['success']);
    const second = await stores();
    expect(second.n).toBe(2);
    expect(second.db).not.toBe(first.db);
    second.db.close();

    const open = indexedDB.open.bind(indexedDB);
    indexedDB.open = () => {
      throw new DOMException('The user denied permission to access the database.', 'InvalidStateError');
    };
    const refused = openedOnFirstUse('studies', (db) => db);
    await expect(refused()).rejects.toThrow(DatabaseRefused);
    await expect(refused()).rejects.toThrow(/so studies cannot be stored/);
    // Refused once is not refused for ever: the next use tries again.
    indexedDB.open = open;
    (await refused()).close();
  });
});

describe("a tab whose build is older than the database's schema", () => {
  it('says a newer version updated the database and to reload, not that the browser refused it (a private window)', async () => {
    // Another tab, on a newer build, upgraded the database past this tab's schema.
    (await openDB('feedback-lab', SCHEMA_VERSION + 1)).close();
    const stores = openedOnFirstUse('studies', (db) => db);
    const error: unknown = await stores().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseNewer);
    expect(error).not.toBeInstanceOf(DatabaseRefused);
    expect((error as Error).message).toMatch(/newer version of Feedback Lab has updated this browser’s database/);
    expect((error as Error).message).toMatch(/so studies cannot be read or stored here\. Nothing stored is lost: reload the page/);
    expect((error as Error).message).not.toMatch(/private window/i);
  });
});

describe('a tab whose database another tab upgrades while it is open', () => {
  it('says on its next use that a newer version updated the database and to reload, not that the connection is closing', async () => {
    const stores = openedOnFirstUse('studies', (db) => db);
    const first = await stores();
    // Another tab, on a newer build, upgrades the database: this tab lets it (it closes its connection).
    const newer = await openDB('feedback-lab', SCHEMA_VERSION + 1);
    expect(connectionTerminated(first)).toBe(false);
    const error: unknown = await stores()
      .then((db) => db.transaction('datasets'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseNewer);
    expect((error as Error).message).toMatch(/so studies cannot be read or stored here\. Nothing stored is lost: reload the page/);
    newer.close();
  });
});

describe('the dataset cache', () => {
  it('gives back the exact bytes stored under a hash, after a reopen', async () => {
    const bytes = new Uint8Array([31, 139, 8, 0, 1, 2, 3]);
    const first = await openLabDatabase();
    await createDatasetCache(first).put(SHA, bytes);
    first.close();

    const again = await openLabDatabase();
    const back = await createDatasetCache(again).get(SHA);
    expect(back).toBeInstanceOf(Uint8Array);
    expect([...(back ?? [])]).toEqual([...bytes]);
    again.close();
  });

  it('answers undefined for a hash it never stored, and after clearing', async () => {
    const db = await openLabDatabase();
    const cache = createDatasetCache(db);
    expect(await cache.get('0'.repeat(64))).toBeUndefined();
    await cache.put(SHA, new Uint8Array([1]));
    await clearDatasetCache(db);
    expect(await cache.get(SHA)).toBeUndefined();
    db.close();
  });
});

describe('storageEstimate', () => {
  it('reports usage and quota in bytes', async () => {
    const storage = { estimate: async () => ({ usage: 1200, quota: 5_000_000 }) } as unknown as StorageManager;
    expect(await storageEstimate(storage)).toEqual({ usageBytes: 1200, quotaBytes: 5_000_000 });
  });

  it('is null where the browser has no StorageManager', async () => {
    expect(await storageEstimate(undefined)).toBeNull();
  });
});
