import { describe, expect, it } from 'vitest';
import { keyedEndpoints, lostKeys, readTabRun, tabRunRecord } from '../../../src/ui/shared/tab-run.ts';

const ROOT = 'http://127.0.0.1:9/v1';
const OTHER = 'http://10.0.0.2:8080/v1';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('the run this tab runs, as a reload finds it', () => {
  it('keeps which endpoints were sent an API key, never the key, and forgets the run once it is over', () => {
    const storage = memoryStorage();
    const record = tabRunRecord(storage, 'feedback-lab:search-running-in-tab');
    const apiKeyFor = (root: string) => (root === ROOT ? 'sk-typed' : undefined);
    const sentTo = keyedEndpoints(
      {
        'llama3.2:3b': { engine: 'openai', id: 'llama3.2:3b', baseUrl: `${ROOT}/` },
        'gemma3:1b': { engine: 'openai', id: 'fake-model', baseUrl: ROOT },
        'qwen2.5:1.5b': { engine: 'openai', id: 'fake-model', baseUrl: OTHER },
      },
      apiKeyFor,
    );
    expect(sentTo).toEqual([ROOT]);
    record.set({ id: 'search-1', keyedEndpoints: sentTo });
    expect(record.get()).toEqual({ id: 'search-1', keyedEndpoints: [ROOT] });
    expect([...storage.items.values()].join()).not.toContain('sk-typed');
    record.set(null);
    expect(record.get()).toBeNull();
  });

  it('names the endpoints whose key the reload forgot, for that run only', () => {
    const run = { id: 'search-1', keyedEndpoints: [ROOT, OTHER] };
    expect(lostKeys(run, 'search-1', () => undefined)).toEqual([ROOT, OTHER]);
    // The Models page remembers a key for one of them.
    expect(lostKeys(run, 'search-1', (root) => (root === OTHER ? 'sk-kept' : undefined))).toEqual([ROOT]);
    expect(lostKeys(run, 'search-2', () => undefined)).toEqual([]);
    expect(lostKeys(null, 'search-1', () => undefined)).toEqual([]);
  });

  it('reads what the Study page stored before (the id alone), and nothing from a broken record', () => {
    expect(readTabRun('study-abc')).toEqual({ id: 'study-abc', keyedEndpoints: [] });
    expect(readTabRun('{not json')).toBeNull();
    expect(readTabRun(JSON.stringify({ id: 'study-abc', keyedEndpoints: [1] }))).toBeNull();
  });
});
