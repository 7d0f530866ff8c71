import { afterEach, describe, expect, it } from 'vitest';
import { SearchForm } from '../../../src/ui/search/search-form.svelte.ts';
import { StudyForm } from '../../../src/ui/study/study-form.svelte.ts';
import { decodeStudyLink, encodeStudyLink } from '../../../src/core/study/link.ts';
import { buildWebLLMCatalog } from '../../../src/llm/model-catalog.ts';
import { ModelEngines } from '../../../src/ui/shared/model-engines.svelte.ts';
import { defaultEngine, PICKED_ENGINE_KEY } from '../../../src/ui/shared/default-engine.ts';
import type { DeviceCapabilities } from '../../../src/core/llm/catalog.ts';
import { forgetSavedEndpoint, saveEndpoint } from './saved-endpoint-storage.ts';

// No builds: these tests bind no WebLLM model.
const catalog = buildWebLLMCatalog({ webllmVersion: 'none', modelLibVersion: 'none', records: [] });

afterEach(forgetSavedEndpoint);

describe('the endpoint settings a desk reads from the Models page', () => {
  it('fills the form, follows a change made on the Models page, and keeps what was typed here', () => {
    const form = new SearchForm();
    const engines = new ModelEngines(form, catalog, () => false);
    saveEndpoint('http://first.example/v1', 'served');
    engines.readSettings();
    expect(form.endpoint).toBe('http://first.example/v1');
    expect(form.modelNameFor('llama3.2:3b')).toBe('served');

    saveEndpoint('http://second.example/v1', 'other');
    engines.readSettings();
    expect(form.endpoint).toBe('http://second.example/v1');
    expect(form.defaultEndpointModel).toBe('other');

    form.endpoint = 'http://typed.example/v1';
    saveEndpoint('http://third.example/v1', 'other');
    engines.readSettings();
    expect(form.endpoint).toBe('http://typed.example/v1');
  });

  it('sends each model key the endpoint serves as itself, and the Models page’s model only for the others', () => {
    // Ollama lists the study's own tags; its first (here the coder) is what the Models page picked.
    saveEndpoint('http://localhost:11434/v1', 'qwen2.5-coder:3b', { served: ['qwen2.5-coder:3b', 'llama3.2:3b', 'qwen2.5:1.5b'] });
    const form = new StudyForm();
    form.togglePreset('qwen-to-llama', true);
    new ModelEngines(form, catalog, () => false).readSettings();
    expect(form.modelNameFor('llama3.2:3b')).toBe('llama3.2:3b');
    expect(form.modelNameFor('qwen2.5:1.5b')).toBe('qwen2.5:1.5b');
    expect(form.modelNameFor('gemma3:1b')).toBe('qwen2.5-coder:3b');
    // The study binds each arm's models as labelled, and its link needs no mapping for them.
    const models = form.toDraft().models;
    expect(models['llama3.2:3b']).toMatchObject({ engine: 'openai', id: 'llama3.2:3b' });
    expect(models['qwen2.5:1.5b']).toMatchObject({ engine: 'openai', id: 'qwen2.5:1.5b' });
    expect(form.toLink().modelNames).toEqual({});
    // A name typed on the form still wins.
    form.setModelName('llama3.2:3b', 'my-llama');
    expect(form.modelNameFor('llama3.2:3b')).toBe('my-llama');
  });

  it('takes the list of served models for its own server only, not for another endpoint the form names', () => {
    saveEndpoint('http://localhost:11434/v1', 'qwen2.5-coder:3b', { served: ['qwen2.5-coder:3b', 'llama3.2:3b'] });
    const form = new StudyForm();
    new ModelEngines(form, catalog, () => false).readSettings();
    // The same server, however typed: its own tag.
    form.endpoint = 'http://localhost:11434';
    expect(form.modelNameFor('llama3.2:3b')).toBe('llama3.2:3b');
    // Another server (a study link's, or typed here): nothing says it serves that tag.
    form.endpoint = 'https://elsewhere.example/v1';
    expect(form.modelNameFor('llama3.2:3b')).toBe('qwen2.5-coder:3b');
  });

  it('sends the key the Models page remembers only to the endpoint it was saved for, never to one a study link names', async () => {
    saveEndpoint('http://localhost:11434', 'llama3.2:3b', { apiKey: 'sk-mine' });
    const form = new StudyForm();
    const engines = new ModelEngines(form, catalog, () => false);
    engines.readSettings();
    expect(form.apiKey).toBe('sk-mine');
    expect(form.apiKeyFor('http://localhost:11434/v1')).toBe('sk-mine');

    // A colleague's link (or anyone's) points the form at their server.
    const link = await encodeStudyLink({ ...form.toLink(), endpoint: 'https://elsewhere.example/v1' });
    const decoded = await decodeStudyLink(new URLSearchParams(link));
    if (!decoded.ok) throw new Error(decoded.errors.join('; '));
    form.fromLink(decoded.link);
    expect(form.endpoint).toBe('https://elsewhere.example/v1');
    expect(form.apiKey).toBe('');
    expect(form.apiKeyFor('https://elsewhere.example/v1')).toBeUndefined();
    // Put back in the field, it is still not sent there; a key typed for that server is.
    form.apiKey = 'sk-mine';
    expect(form.apiKeyFor('https://elsewhere.example/v1')).toBeUndefined();
    form.apiKey = 'sk-theirs';
    expect(form.apiKeyFor('https://elsewhere.example/v1')).toBe('sk-theirs');

    // After a reload the draft gives the link's endpoint back: the remembered key is not filled in for it.
    const reloaded = new StudyForm();
    reloaded.endpoint = 'https://elsewhere.example/v1';
    new ModelEngines(reloaded, catalog, () => false).readSettings();
    expect(reloaded.apiKey).toBe('');
    expect(reloaded.apiKeyFor('https://elsewhere.example/v1')).toBeUndefined();
  });

  it('leaves a form alone while a run or a link holds it', () => {
    const form = new SearchForm();
    let held = true;
    const engines = new ModelEngines(form, catalog, () => held);
    saveEndpoint('http://first.example/v1', 'served');
    engines.readSettings();
    expect(form.endpoint).toBe('');
    held = false;
    engines.readSettings();
    expect(form.endpoint).toBe('http://first.example/v1');
  });
});

describe('the engine the GPU suggests', () => {
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'navigator');
  });

  /** A real GPU with shader-f16, as the probe sees it. */
  function realGpu(): void {
    const adapter = { features: new Set(['shader-f16']), limits: {}, info: { vendor: 'test', isFallbackAdapter: false } };
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { gpu: { requestAdapter: async () => adapter } } });
  }

  it('is chosen on a real GPU, unless the form’s engine is the user’s (a draft restored after a reload)', async () => {
    realGpu();
    const fresh = new SearchForm();
    fresh.engine = 'openai';
    await new ModelEngines(fresh, catalog, () => false).probe();
    expect(fresh.engine).toBe('webllm');

    const restored = new SearchForm();
    restored.engine = 'openai';
    await new ModelEngines(restored, catalog, () => false, () => true).probe();
    expect(restored.engine).toBe('openai');
  });

  it('is what Reset puts back, with the Models page’s endpoint and no model names', async () => {
    realGpu();
    saveEndpoint('http://saved.example/v1', '');
    const form = new SearchForm();
    const engines = new ModelEngines(form, catalog, () => false, () => true);
    engines.readSettings();
    await engines.probe();
    form.engine = 'openai';
    form.endpoint = 'http://typed.example/v1';
    form.setModelName('llama3.2:3b', 'mine');
    engines.restoreDefaults();
    expect(form.engine).toBe('webllm');
    expect(form.endpoint).toBe('http://saved.example/v1');
    expect(form.modelNames).toEqual({});
  });
});

describe('the default engine, from what the browser offers', () => {
  const base: DeviceCapabilities = { secureContext: true, webgpu: 'available', features: ['shader-f16'], limits: {} };
  const swiftShader: DeviceCapabilities = { ...base, adapter: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true } };
  const laptop: DeviceCapabilities = { ...base, adapter: { vendor: 'apple', architecture: 'metal-3', description: '', isFallbackAdapter: false } };

  it('is WebLLM on a real GPU, and an endpoint on a software adapter or none, each saying why', () => {
    const onLaptop = defaultEngine({ caps: laptop, endpointSaved: false, picked: null });
    expect(onLaptop.engine).toBe('webllm');
    expect(onLaptop.why).toMatch(/has a GPU \(apple metal-3\)/);

    const headless = defaultEngine({ caps: swiftShader, endpointSaved: false, picked: null });
    expect(headless.engine).toBe('openai');
    expect(headless.why).toMatch(/only WebGPU adapter is a software one \(google swiftshader\)/);

    const noAdapter = defaultEngine({ caps: { ...base, webgpu: 'no-adapter', features: [] }, endpointSaved: false, picked: null });
    expect(noAdapter).toEqual({ engine: 'openai', why: expect.stringMatching(/no usable WebGPU adapter, so models cannot run in this browser/) });
    const insecure = defaultEngine({ caps: { ...base, secureContext: false, webgpu: 'missing', features: [] }, endpointSaved: false, picked: null });
    expect(insecure.why).toMatch(/needs a secure page/);
  });

  it('is the endpoint the Models page saved, and whatever the user picked above all, with nothing to explain', () => {
    expect(defaultEngine({ caps: laptop, endpointSaved: true, picked: null })).toMatchObject({ engine: 'openai', why: expect.stringMatching(/Models page has one saved/) });
    expect(defaultEngine({ caps: swiftShader, endpointSaved: false, picked: 'webllm' })).toEqual({ engine: 'webllm', why: '' });
    expect(defaultEngine({ caps: laptop, endpointSaved: true, picked: 'webllm' })).toEqual({ engine: 'webllm', why: '' });
    expect(defaultEngine({ caps: laptop, endpointSaved: false, picked: 'openai' })).toEqual({ engine: 'openai', why: '' });
  });

  it('says nothing until the GPU is probed', () => {
    expect(defaultEngine({ caps: null, endpointSaved: false, picked: null })).toEqual({ engine: 'openai', why: '' });
  });
});

describe('the engine a desk starts on', () => {
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'navigator');
    Reflect.deleteProperty(globalThis, 'localStorage');
    Reflect.deleteProperty(globalThis, 'isSecureContext');
  });

  /** The browser's GPU as the probe sees it, and an empty localStorage. */
  function browserWith(isFallbackAdapter: boolean): Map<string, string> {
    const adapter = { features: new Set<string>(), limits: {}, info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter } };
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { gpu: { requestAdapter: async () => adapter } } });
    Object.defineProperty(globalThis, 'isSecureContext', { configurable: true, value: true });
    const items = new Map<string, string>();
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      value: { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => items.set(key, value), removeItem: (key: string) => items.delete(key) },
    });
    return items;
  }

  it('on a software adapter: the endpoint, with the note why, gone once the user picks', async () => {
    browserWith(true);
    const form = new StudyForm();
    const engines = new ModelEngines(form, catalog, () => false);
    engines.readSettings();
    await engines.probe();
    expect(form.engine).toBe('openai');
    expect(engines.defaultNote).toMatch(/software one \(google swiftshader\)/);

    // The user picks the endpoint themselves: nothing left to explain.
    engines.pick('openai');
    expect(engines.defaultNote).toBe('');
  });

  it('remembers the pick in this browser: a fresh form of either desk starts on it, whatever the GPU', async () => {
    const items = browserWith(false);
    const study = new StudyForm();
    const studyEngines = new ModelEngines(study, catalog, () => false);
    studyEngines.readSettings();
    await studyEngines.probe();
    expect(study.engine).toBe('webllm');
    study.engine = 'openai';
    studyEngines.pick('openai');
    expect(JSON.parse(items.get(PICKED_ENGINE_KEY)!)).toEqual({ engine: 'openai' });

    // A later tab: its Search form starts on the endpoint, though the GPU is a real one.
    const search = new SearchForm();
    const searchEngines = new ModelEngines(search, catalog, () => false);
    searchEngines.readSettings();
    await searchEngines.probe();
    expect(search.engine).toBe('openai');
    expect(searchEngines.defaultNote).toBe('');
    // Reset puts the remembered pick back too.
    search.engine = 'webllm';
    searchEngines.restoreDefaults();
    expect(search.engine).toBe('openai');
  });

  it('keeps a choice made on the form before the GPU answered, and never remembers a replay as the default', async () => {
    const items = browserWith(false);
    const form = new StudyForm();
    const engines = new ModelEngines(form, catalog, () => false);
    engines.readSettings();
    const probing = engines.probe();
    form.engine = 'replay';
    engines.pick('replay');
    await probing;
    expect(form.engine).toBe('replay');
    expect(items.has(PICKED_ENGINE_KEY)).toBe(false);
  });
});

describe('binding in-browser models', () => {
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'navigator');
  });

  it('refuses before WebLLM loads when the browser has no WebGPU adapter, saying what to choose instead', async () => {
    // A browser with navigator.gpu but no adapter, as headless Chromium without the WebGPU switches.
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { gpu: { requestAdapter: async () => null } } });
    Object.defineProperty(globalThis, 'isSecureContext', { configurable: true, value: true });
    const engines = new ModelEngines(new SearchForm(), catalog, () => false);
    await expect(engines.modelDeps.webllm()).rejects.toThrow(/no usable GPU adapter.*nothing was started.*OpenAI-compatible endpoint/s);
    Reflect.deleteProperty(globalThis, 'isSecureContext');
  });

  it('says a page that is not a secure context is why', async () => {
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: {} });
    const engines = new ModelEngines(new SearchForm(), catalog, () => false);
    await expect(engines.modelDeps.webllm()).rejects.toThrow(/WebGPU needs a secure page/);
  });
});
