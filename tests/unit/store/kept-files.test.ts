import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// The auto entry installs the IDB* globals that idb checks values against.
import 'fake-indexeddb/auto';
import { IDBFactory, forceCloseDatabase } from 'fake-indexeddb';
import { KeepFileError } from '../../../src/store/kept-file-error.ts';
import { KEPT_FILES_DATABASE, KEPT_FILES_LIMIT, KEPT_SETS_LIMIT, openKeptFiles, type KeptFileRecord } from '../../../src/store/kept-files.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const file = (name: string, text: string, lastModified = 1) => new File([text], name, { lastModified });

describe('result files kept for the presenter', () => {
  it('gives a key the file can be read back by, with its name and bytes', async () => {
    const kept = await openKeptFiles();
    const key = await kept.keep('study.json.gz', file('study.json.gz', '{"a":1}'));
    expect(key).toMatch(/^[\w-]{12}$/);
    const back = await kept.get(key);
    expect(back?.fileName).toBe('study.json.gz');
    expect(await back?.blob.text()).toBe('{"a":1}');
  });

  it('keeps the same file once, under the key it had', async () => {
    const kept = await openKeptFiles();
    const first = await kept.keep('a.json', file('a.json', 'x'));
    expect(await kept.keep('a.json', file('a.json', 'x'))).toBe(first);
    // Another file of the same name (a re-export) is another file.
    expect(await kept.keep('a.json', file('a.json', 'xy', 2))).not.toBe(first);
  });

  it('lets the oldest go beyond the limit, never the file just kept, and says null for a key it no longer has', async () => {
    const kept = await openKeptFiles();
    const keys: string[] = [];
    for (let i = 0; i <= KEPT_FILES_LIMIT; i++) keys.push(await kept.keep(`f${i}.json`, file(`f${i}.json`, String(i))));
    expect(await kept.get(keys[0]!)).toBeNull();
    for (const key of keys.slice(1)) expect(await kept.get(key)).not.toBeNull();
    expect(await kept.get('no-such-key')).toBeNull();
  });

  it('tells its holder when the browser closes the connection by itself (site data cleared), so the next show opens a new one', async () => {
    // The connection idb opens, to close it as the browser would.
    const connections: IDBDatabase[] = [];
    const open = indexedDB.open.bind(indexedDB);
    indexedDB.open = (name: string, version?: number) => {
      const request = open(name, version);
      request.addEventListener('success', () => connections.push(request.result));
      return request;
    };
    let terminated = 0;
    const kept = await openKeptFiles({ onTerminated: () => terminated++ });
    const key = await kept.keep('a.json', file('a.json', 'x'));
    // fake-indexeddb types its parameter as the IDBDatabase class, not an instance.
    forceCloseDatabase(connections.at(-1)! as never);
    expect(terminated).toBe(1);
    await expect(kept.keep('b.json', file('b.json', 'y'))).rejects.toThrow();
    // A new connection works (here the data survived the close; after "clear site data" it would be gone).
    const reopened = await openKeptFiles();
    expect((await reopened.get(key))?.fileName).toBe('a.json');
  });

  it('takes a deletion from another page (DevTools’ “Delete database”) as the files gone: the holder is told to open a new one', async () => {
    let terminated = 0;
    const kept = await openKeptFiles({ onTerminated: () => terminated++ });
    await kept.keep('a.json', file('a.json', 'x'));
    const deleted = await new Promise<string>((resolve) => {
      const request = indexedDB.deleteDatabase(KEPT_FILES_DATABASE);
      request.onsuccess = () => resolve('success');
      request.onblocked = () => resolve('blocked');
    });
    expect(deleted).toBe('success');
    expect(terminated).toBe(1);
    const reopened = await openKeptFiles();
    const key = await reopened.keep('b.json', file('b.json', 'y'));
    expect((await reopened.get(key))?.fileName).toBe('b.json');
  });
});

describe("the Results page's sets of kept files", () => {
  it('keeps every file of a set (8 shards), whatever the presenter keeps after them', async () => {
    const kept = await openKeptFiles();
    const shards: string[] = [];
    for (let i = 0; i < 8; i++) shards.push(await kept.keepForSet('tab-1', `shard-${i}.json`, file(`shard-${i}.json`, String(i))));
    for (let i = 0; i <= KEPT_FILES_LIMIT; i++) await kept.keep(`show-${i}.json`, file(`show-${i}.json`, `s${i}`));
    for (const [i, key] of shards.entries()) expect(await (await kept.get(key))?.blob.text()).toBe(String(i));
  });

  it('stores a file held by the presenter and a set once, and deletes it only when neither holds it', async () => {
    const kept = await openKeptFiles();
    const shared = file('study.json', 'study');
    const key = await kept.keepForSet('tab-1', 'study.json', shared);
    expect(await kept.keep('study.json', shared)).toBe(key);
    // The set closes the file: the presenter's show still has it.
    await kept.release('tab-1', [key]);
    expect(await kept.get(key)).not.toBeNull();
    // The set opens it again, and newer shows push it out of the presenter's list: the set still has it.
    expect(await kept.keepForSet('tab-1', 'study.json', shared)).toBe(key);
    for (let i = 0; i < KEPT_FILES_LIMIT; i++) await kept.keep(`show-${i}.json`, file(`show-${i}.json`, `s${i}`));
    expect(await kept.get(key)).not.toBeNull();
    // Closing the whole set lets go of it: nobody holds it now.
    await kept.release('tab-1');
    expect(await kept.get(key)).toBeNull();
  });

  it("lets the sets of tabs beyond the last few go, never the set keeping a file now", async () => {
    const kept = await openKeptFiles();
    const keys: string[] = [];
    for (let tab = 0; tab <= KEPT_SETS_LIMIT; tab++) keys.push(await kept.keepForSet(`tab-${tab}`, `t${tab}.json`, file(`t${tab}.json`, String(tab))));
    expect(await kept.get(keys[0]!)).toBeNull();
    for (const key of keys.slice(1)) expect(await kept.get(key)).not.toBeNull();
    // The oldest remaining tab keeps another file: it is the newest set now, and the other goes.
    await kept.keepForSet('tab-1', 'more.json', file('more.json', 'more'));
    expect(await kept.get(keys[1]!)).not.toBeNull();
    expect(await kept.get(keys[2]!)).not.toBeNull();
    await kept.keepForSet('tab-9', 'new.json', file('new.json', 'new'));
    expect(await kept.get(keys[2]!)).toBeNull();
    expect(await kept.get(keys[1]!)).not.toBeNull();
  });
});

/**
 * A browser near its quota, as Chromium counts it: the bytes of the files committed, plus those a
 * transaction puts; its deletes free their room only once it commits. A put past `room` fails
 * with the browser's QuotaExceededError.
 */
function quotaOf(room: number): void {
  const committed = new Map<string, number>();
  const pending = new WeakMap<IDBTransaction, Map<string, number | null>>();
  const opsOf = (tx: IDBTransaction) => {
    let ops = pending.get(tx);
    if (!ops) {
      ops = new Map();
      pending.set(tx, ops);
      const writes = ops;
      tx.addEventListener('complete', () => {
        for (const [key, size] of writes) size === null ? committed.delete(key) : committed.set(key, size);
      });
    }
    return ops;
  };
  const put = IDBObjectStore.prototype.put;
  const del = IDBObjectStore.prototype.delete;
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    const record = value as KeptFileRecord;
    const ops = opsOf(this.transaction);
    let used = 0;
    for (const [k, size] of committed) if (k !== record.key) used += size;
    for (const [k, size] of ops) if (k !== record.key && size !== null && !committed.has(k)) used += size;
    if (used + record.blob.size > room) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    ops.set(record.key, record.blob.size);
    return put.call(this, value, key);
  });
  vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
    opsOf(this.transaction).set(String(key), null);
    return del.call(this, key);
  });
}

const bytes = (n: number) => 'x'.repeat(n);

describe('keeping a file in a browser near its quota', () => {
  it('lets the oldest show go before storing the new one, so a new large file is kept where the oldest was', async () => {
    // Room for the limit's worth of 100-byte files, not one more.
    quotaOf(KEPT_FILES_LIMIT * 100 + 50);
    const kept = await openKeptFiles();
    const keys: string[] = [];
    for (let i = 0; i < KEPT_FILES_LIMIT; i++) keys.push(await kept.keep(`f${i}.json`, file(`f${i}.json`, bytes(100))));
    const newest = await kept.keep('new.json', file('new.json', bytes(100)));
    expect(await (await kept.get(newest))?.blob.text()).toBe(bytes(100));
    expect(await kept.get(keys[0]!)).toBeNull();
    for (const key of keys.slice(1)) expect(await kept.get(key)).not.toBeNull();
  });

  it('lets the sets of older tabs go before storing a file of this tab', async () => {
    quotaOf(KEPT_SETS_LIMIT * 100 + 50);
    const kept = await openKeptFiles();
    const keys: string[] = [];
    for (let tab = 0; tab < KEPT_SETS_LIMIT; tab++) keys.push(await kept.keepForSet(`tab-${tab}`, `t${tab}.json`, file(`t${tab}.json`, bytes(100))));
    const key = await kept.keepForSet('tab-new', 'new.json', file('new.json', bytes(100)));
    expect(await kept.get(key)).not.toBeNull();
    expect(await kept.get(keys[0]!)).toBeNull();
  });

  it('says, in an error its holder can catch, that a file too large even then is not kept, and keeps the files it may', async () => {
    quotaOf(250);
    const kept = await openKeptFiles();
    const small = await kept.keep('small.json', file('small.json', bytes(100)));
    const fails = [
      kept.keep('huge.json', file('huge.json', bytes(300))),
      kept.keepForSet('tab-1', 'huge.json', file('huge.json', bytes(300))),
    ];
    for (const failing of fails) {
      const error = await failing.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KeepFileError);
      expect((error as KeepFileError).full).toBe(true);
      expect((error as KeepFileError).message).toMatch(/^huge\.json could not be kept in this browser: there is no room left for it/);
    }
    // Within the rules (the limit), the file kept before stays.
    expect(await kept.get(small)).not.toBeNull();
    // And the store goes on working.
    expect(await kept.get(await kept.keep('next.json', file('next.json', bytes(100))))).not.toBeNull();
  });

  it('says a refusal other than a full browser as such', async () => {
    const kept = await openKeptFiles();
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The operation failed for reasons unrelated to the database itself.', 'UnknownError');
    });
    const error = await kept.keep('a.json', file('a.json', 'x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeepFileError);
    expect((error as KeepFileError).full).toBe(false);
    expect((error as KeepFileError).message).toContain('a.json could not be kept in this browser: it refused to store it');
  });
});
