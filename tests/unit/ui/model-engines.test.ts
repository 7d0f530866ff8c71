import { afterEach, describe, expect, it } from 'vitest';
import { SearchForm } from '../../../src/ui/search/search-form.svelte.ts';
import { StudyForm } from '../../../src/ui/study/study-form.svelte.ts';
import { decodeStudyLink, encodeStudyLink } from '../../../src/core/study/link.ts';
import { buildWebLLMCatalog } from '../../../src/llm/model-catalog.ts';
import { ModelEngines } from '../../../src/ui/shared/model-engines.svelte.ts';
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
