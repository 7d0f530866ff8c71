import { beforeEach, describe, expect, it } from 'vitest';
// The auto entry installs the IDB* globals that idb checks values against.
import 'fake-indexeddb/auto';
import { IDBFactory, forceCloseDatabase } from 'fake-indexeddb';
import { KEPT_FILES_LIMIT, openKeptFiles } from '../../../src/store/kept-files.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
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
});
