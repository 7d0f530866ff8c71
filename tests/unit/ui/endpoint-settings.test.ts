import { afterEach, describe, expect, it, vi } from 'vitest';
import { EndpointSettings } from '../../../src/ui/models/endpoint-settings.svelte.ts';
import type { SettingsStorage } from '../../../src/ui/models/saved-settings.ts';

function memoryStorage(): SettingsStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, getItem: (k) => values.get(k) ?? null, setItem: (k, v) => void values.set(k, v), removeItem: (k) => void values.delete(k) };
}

/** A fetch that lists `models` at http://good.test and cannot reach anything else. */
function fakeFetch(models: string[]): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.startsWith('http://good.test/')) return new Response(JSON.stringify({ data: models.map((id) => ({ id })) }), { status: 200 });
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
}

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
    // Ticking "remember" saves the address as typed, without the other server's list.
    endpoint.rememberKey = true;
    endpoint.apiKey = 'sk-1';
    endpoint.save();
    expect(JSON.parse(storage.values.get('feedback-lab.endpoint') ?? '{}')).toEqual({ baseUrl: 'http://other.test:8080', model: 'alpha', served: [], apiKey: 'sk-1' });
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
});
