import { afterEach, describe, expect, it, vi } from 'vitest';
import { EndpointSettings } from '../../../src/ui/models/endpoint-settings.svelte.ts';
import type { SettingsStorage } from '../../../src/ui/models/saved-settings.ts';

function memoryStorage(): SettingsStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, getItem: (k) => values.get(k) ?? null, setItem: (k, v) => void values.set(k, v), removeItem: (k) => void values.delete(k) };
}

/**
 * A fetch that lists `models` at http://good.test, nothing at http://empty.test, answers 404 to
 * the model list at http://nolist.test (it serves chat only), and cannot reach anything else.
 */
function fakeFetch(models: string[]): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.startsWith('http://good.test/')) return new Response(JSON.stringify({ data: models.map((id) => ({ id })) }), { status: 200 });
    if (url.startsWith('http://empty.test/')) return new Response(JSON.stringify({ data: [] }), { status: 200 });
    if (url.startsWith('http://nolist.test/')) return new Response('404 page not found', { status: 404, statusText: 'Not Found' });
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
}

const saved = (storage: { values: Map<string, string> }) => JSON.parse(storage.values.get('feedback-lab.endpoint') ?? '{}');

afterEach(() => vi.unstubAllGlobals());

describe('the endpoint settings of the Models page', () => {
  it('shows the model chosen before a reload until the server is asked again, and only at its address', async () => {
    vi.stubGlobal('fetch', fakeFetch(['alpha', 'beta']));
    const storage = memoryStorage();
    storage.setItem('feedback-lab.endpoint', JSON.stringify({ baseUrl: 'http://good.test/v1', model: 'beta', served: [] }));
    const endpoint = new EndpointSettings(storage);
    expect(endpoint.rememberedModel).toBe('beta');
    endpoint.baseUrl = 'http://other.test:8080';
    expect(endpoint.rememberedModel).toBe('');
    endpoint.baseUrl = 'http://good.test/v1';
    await endpoint.connect();
    // The list is there now, with the same choice selected in it.
    expect([endpoint.rememberedModel, endpoint.model]).toEqual(['', 'beta']);
  });

  it('stops offering the last server’s models once the address is edited, and never saves them beside the new address', async () => {
    vi.stubGlobal('fetch', fakeFetch(['alpha', 'beta']));
    const storage = memoryStorage();
    const endpoint = new EndpointSettings(storage);
    endpoint.baseUrl = 'http://good.test/v1';
    await endpoint.connect();
    expect([endpoint.addressChanged, endpoint.languageModel() !== undefined]).toEqual([false, true]);
    // The same server written another way is still the one that answered.
    endpoint.baseUrl = 'http://good.test/v1/';
    expect(endpoint.addressChanged).toBe(false);

    endpoint.baseUrl = 'http://other.test:8080';
    expect(endpoint.addressChanged).toBe(true);
    expect(endpoint.languageModel()).toBeUndefined();
    // Ticking "remember" saves the address as typed, without the other server's list or model.
    endpoint.rememberKey = true;
    endpoint.apiKey = 'sk-1';
    endpoint.save();
    expect(saved(storage)).toEqual({ baseUrl: 'http://other.test:8080', model: '', served: [], apiKey: 'sk-1' });
    // A page opened later does not take the list for this address either.
    expect(new EndpointSettings(storage).served).toEqual([]);
  });


  it('lists the models of the server that answered, and drops them when the next address fails', async () => {
    vi.stubGlobal('fetch', fakeFetch(['alpha', 'beta']));
    const storage = memoryStorage();
    const endpoint = new EndpointSettings(storage);
    endpoint.baseUrl = 'http://good.test/v1';
    await endpoint.connect();
    expect(endpoint.status).toBe('connected');
    expect(endpoint.models).toEqual(['alpha', 'beta']);
    expect(JSON.parse(storage.values.get('feedback-lab.endpoint') ?? '{}')).toEqual({ baseUrl: 'http://good.test/v1', model: 'alpha', served: ['alpha', 'beta'] });

    endpoint.baseUrl = 'http://unreachable.test/v1';
    await endpoint.connect();
    expect(endpoint.status).toBe('failed');
    expect(endpoint.message).toMatch(/Could not reach/);
    // No model list of the other server to pick from (and save beside this address).
    expect(endpoint.models).toEqual([]);
    // What was saved still names the server that answered, and what it served.
    expect(JSON.parse(storage.values.get('feedback-lab.endpoint') ?? '{}')).toEqual({ baseUrl: 'http://good.test/v1', model: 'alpha', served: ['alpha', 'beta'] });
    // A later page reads the list back, and keeps it when the key setting is saved again.
    const later = new EndpointSettings(storage);
    expect(later.served).toEqual(['alpha', 'beta']);
    later.rememberKey = true;
    later.save();
    expect(JSON.parse(storage.values.get('feedback-lab.endpoint') ?? '{}')).toMatchObject({ served: ['alpha', 'beta'] });
    // An address typed and saved untested (the "remember" box ticked) is not given that server's list.
    later.baseUrl = 'http://other.test/v1';
    later.save();
    expect(JSON.parse(storage.values.get('feedback-lab.endpoint') ?? '{}')).toMatchObject({ baseUrl: 'http://other.test/v1', served: [] });
  });

  it('does not offer the last server’s model for a new address whose test failed, and offers it again back at its own', async () => {
    vi.stubGlobal('fetch', fakeFetch(['model-of-A']));
    const endpoint = new EndpointSettings(memoryStorage());
    endpoint.baseUrl = 'http://good.test/v1';
    await endpoint.connect();
    endpoint.baseUrl = 'http://unreachable.test/v1';
    await endpoint.connect();
    expect([endpoint.status, endpoint.addressChanged, endpoint.usableModel, endpoint.rememberedModel]).toEqual(['failed', false, '', '']);
    // Try it has nothing to send, rather than A's model to B's address.
    expect(endpoint.languageModel()).toBeUndefined();
    endpoint.baseUrl = 'http://good.test/v1';
    expect([endpoint.usableModel, endpoint.languageModel()?.id]).toEqual(['model-of-A', 'openai-compatible:model-of-A']);
  });

  it('marks a failed test’s message as about the old address once another is typed', async () => {
    vi.stubGlobal('fetch', fakeFetch([]));
    const endpoint = new EndpointSettings(memoryStorage());
    endpoint.baseUrl = 'http://unreachable.test/v1';
    await endpoint.connect();
    expect([endpoint.status, endpoint.addressChanged, endpoint.testedAddress]).toEqual(['failed', false, 'http://unreachable.test/v1']);
    endpoint.baseUrl = 'http://unreachable.test:8080/v1';
    expect(endpoint.addressChanged).toBe(true);
  });

  it('shows why an address without its scheme failed, rather than that the address changed (audit R186-4)', async () => {
    vi.stubGlobal('fetch', fakeFetch([]));
    const endpoint = new EndpointSettings(memoryStorage());
    // As Ollama's own messages write its address: no http://, which the URL parser reads as a scheme "localhost:".
    for (const typed of ['localhost:11434', '127.0.0.1:11434', ' localhost:11434 ']) {
      endpoint.baseUrl = typed;
      await endpoint.connect();
      // The panel shows endpoint.message unless the address changed since the test.
      expect([endpoint.status, endpoint.addressChanged], typed).toEqual(['failed', false]);
      expect(endpoint.message, typed).toMatch(/Write (it|the server's address with its scheme), e\.g\.|like http:\/\/localhost:11434\/v1/);
    }
    // Edited afterwards, the failure is the old address's.
    endpoint.baseUrl = 'localhost:11435';
    expect(endpoint.addressChanged).toBe(true);
  });

  it('lets a model name be typed for a server that gives no model list (404), and sends that name', async () => {
    vi.stubGlobal('fetch', fakeFetch(['model-of-A']));
    const storage = memoryStorage();
    const endpoint = new EndpointSettings(storage);
    endpoint.baseUrl = 'http://good.test/v1';
    await endpoint.connect();
    endpoint.baseUrl = 'http://nolist.test/v1';
    await endpoint.connect();
    expect([endpoint.status, endpoint.unlisted, endpoint.models]).toEqual(['connected', true, []]);
    expect(endpoint.message).toBe(
      'The server at http://nolist.test answered, but gives no model list (404 at /models). Type the name of a model it serves in the Model field; ' +
        'the first request tells whether the server has it. If that request says 404 too, check the name first (the message says whether the server knows the model), then the base URL: the server root or its /v1 path (e.g. http://localhost:11434/v1).',
    );
    // A's model is not carried over to a server that could not say whether it has it.
    expect([endpoint.model, endpoint.languageModel()]).toEqual(['', undefined]);
    endpoint.model = 'my-model';
    endpoint.save();
    expect(endpoint.languageModel()?.id).toBe('openai-compatible:my-model');
    expect(saved(storage)).toEqual({ baseUrl: 'http://nolist.test/v1', model: 'my-model', served: [] });
    // Testing again keeps the name typed for this very server.
    await endpoint.connect();
    expect(endpoint.model).toBe('my-model');
  });

  it('says how to add a model when the server lists none, and lets one be typed meanwhile', async () => {
    vi.stubGlobal('fetch', fakeFetch([]));
    const endpoint = new EndpointSettings(memoryStorage());
    endpoint.baseUrl = 'http://empty.test';
    await endpoint.connect();
    expect(endpoint.unlisted).toBe(true);
    expect(endpoint.message).toBe(
      'Connected, but the server lists no models. Add one to the server (for Ollama: ollama pull qwen2.5-coder:3b) and test again, or type the name of a model it serves in the Model field.',
    );
  });

  it('in a browser, does not say "Connected" to a server that answers the model list but refuses the preflight every chat request needs', async () => {
    // As a browser in front of a proxy that answers GET with CORS headers and OPTIONS with 405:
    // a request carrying Content-Type or Authorization is preflighted, and the refusal hides the answer.
    const asked: string[] = [];
    vi.stubGlobal('fetch', (async (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      asked.push([...headers.keys()].join(',') || 'simple');
      if (String(input).startsWith('http://down.test:')) throw new TypeError('Failed to fetch');
      if (headers.has('content-type') || headers.has('authorization')) throw new TypeError('Failed to fetch');
      return new Response(JSON.stringify({ data: [{ id: 'llama3.2:3b' }, { id: 'qwen2.5-coder:7b' }] }), { status: 200 });
    }) as typeof fetch);
    vi.stubGlobal('document', {});
    vi.stubGlobal('location', { origin: 'http://localhost:5173' });
    const endpoint = new EndpointSettings(memoryStorage());
    endpoint.baseUrl = 'http://proxy.test:8080';
    endpoint.apiKey = 'sk-1';
    await endpoint.connect();
    expect(endpoint.status).toBe('failed');
    expect(endpoint.message).toMatch(/^The server at http:\/\/proxy\.test:8080 answers, but refuses the browser's preflight, so the browser will block every chat request: chat requests send JSON and the API key/);
    expect(endpoint.message).toContain('Access-Control-Allow-Origin: http://localhost:5173');
    expect(endpoint.models).toEqual([]);
    // Asked as a chat request is sent, then as a simple request to tell the preflight from the rest.
    expect(asked).toEqual(['authorization,content-type', 'simple']);

    // Nothing answers at all: still the advice on reaching it and on CORS.
    endpoint.baseUrl = 'http://down.test:8080';
    await endpoint.connect();
    expect(endpoint.message).toMatch(/^Could not reach the language-model server at http:\/\/down\.test:8080\. Either it is not running/);
  });

  it('keeps the presenter’s model, from its user or a link, when the server it checks gives no list', async () => {
    vi.stubGlobal('fetch', fakeFetch([]));
    const endpoint = new EndpointSettings(memoryStorage());
    endpoint.pointAt('http://nolist.test/v1');
    endpoint.model = 'linked-model';
    await endpoint.connect({ keep: false });
    expect([endpoint.status, endpoint.model]).toEqual(['connected', 'linked-model']);
  });
});

describe('an address with a space in it', () => {
  it('is named as such on Connect, without asking any server', async () => {
    const asked: string[] = [];
    vi.stubGlobal('fetch', (async (input: RequestInfo | URL) => {
      asked.push(String(input));
      throw new TypeError('Failed to fetch');
    }) as typeof fetch);
    const endpoint = new EndpointSettings(memoryStorage());
    endpoint.baseUrl = 'http://local host:11434/v1';
    await endpoint.connect();
    expect(endpoint.status).toBe('failed');
    expect(endpoint.message).toBe('“http://local host:11434/v1” has a space in it, and an address has none. Give one like http://localhost:11434/v1.');
    expect(asked).toEqual([]);
  });
});
