import type { CacheLike, CacheStorageLike } from '../../src/llm/webllm-cache.ts';

/** Cache Storage in memory, holding Responses under URLs as the browser does. */
export class MemoryCaches implements CacheStorageLike {
  stores = new Map<string, Map<string, Response>>();
  async has(name: string) {
    return this.stores.has(name);
  }
  async open(name: string): Promise<CacheLike> {
    let store = this.stores.get(name);
    if (!store) this.stores.set(name, (store = new Map()));
    const entries = store;
    const key = (request: RequestInfo) => (typeof request === 'string' ? request : request.url);
    return {
      keys: async () => [...entries.keys()].map((url) => new Request(url)),
      match: async (request) => entries.get(key(request))?.clone(),
      delete: async (request) => entries.delete(key(request)),
    };
  }
  put(name: string, url: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
    if (!this.stores.has(name)) this.stores.set(name, new Map());
    this.stores.get(name)?.set(url, new Response(body, { headers }));
  }
}
