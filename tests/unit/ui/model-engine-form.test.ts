import { describe, expect, it } from 'vitest';
import { SearchForm } from '../../../src/ui/search/search-form.svelte.ts';
import { StudyForm } from '../../../src/ui/study/study-form.svelte.ts';
import { fieldProblem } from '../../../src/ui/shared/field-problems.ts';

describe('the engine part of the Study and Search forms', () => {
  it('sends the API key only to the endpoint the form names', () => {
    for (const form of [new StudyForm(), new SearchForm()]) {
      form.endpoint = 'http://localhost:11434';
      expect(form.apiKeyFor('http://localhost:11434/v1')).toBeUndefined();
      form.apiKey = 'secret';
      expect(form.apiKeyFor('http://localhost:11434/v1')).toBe('secret');
      expect(form.apiKeyFor('http://elsewhere.example/v1')).toBeUndefined();
      form.endpoint = 'not a url';
      expect(form.apiKeyFor('http://localhost:11434/v1')).toBeUndefined();
    }
  });

  it('does not take a key typed for one endpoint to another that a study link points at', () => {
    for (const form of [new StudyForm(), new SearchForm()]) {
      form.engine = 'openai';
      form.endpoint = 'http://127.0.0.1:4325/v1';
      form.apiKey = 'sk-users-secret';
      // A link opened in the same tab named its own server: the key was sent there.
      form.pointAt('http://127.0.0.1:4326/v1');
      expect(form.apiKey).toBe('');
      expect(form.apiKeyFor('http://127.0.0.1:4326/v1')).toBeUndefined();
      // Pointed at the endpoint it was typed for, it stays.
      form.endpoint = 'http://127.0.0.1:4325/v1';
      form.apiKey = 'sk-users-secret';
      form.pointAt('http://127.0.0.1:4325/v1/');
      expect(form.apiKeyFor('http://127.0.0.1:4325/v1')).toBe('sk-users-secret');
      // The key the Models page saved for the link's endpoint is that endpoint's to use.
      form.settingsKey = { key: 'sk-saved', endpoint: 'http://127.0.0.1:4326/v1' };
      form.pointAt('http://127.0.0.1:4326/v1');
      expect(form.apiKeyFor('http://127.0.0.1:4326/v1')).toBe('sk-saved');
    }
  });

  it('says at the Endpoint URL field what keeps an address from being used, in words, before Run is pressed', () => {
    for (const form of [new StudyForm(), new SearchForm()]) {
      form.engine = 'openai';
      const said = (endpoint: string) => {
        form.endpoint = endpoint;
        return fieldProblem(form.problems(), 'Endpoint URL');
      };
      expect(said('')).toBe('Empty. Give the endpoint’s address, e.g. http://localhost:11434/v1.');
      // It reached the study's config check, and came back as `models["llama3.2:3b"].baseUrl: expected an http or https URL…`.
      expect(said('localhost:11434')).toBe('Start it with http:// or https://, e.g. http://localhost:11434/v1.');
      expect(said('ftp://localhost:11434')).toBe('Start it with http:// or https://, e.g. http://localhost:11434/v1.');
      expect(said('http://')).toBe('“http://” is not a whole address. Give one like http://localhost:11434/v1.');
      // Chromium's parser takes it (local%20host), Node's refuses it: a link made here failed in the command line.
      expect(said('http://local host:11434/v1')).toBe('“http://local host:11434/v1” has a space in it, and an address has none. Give one like http://localhost:11434/v1.');
      expect(said('http://me:secret@localhost:11434/v1')).toMatch(/^The URL holds a user name or password; remove it/);
      expect(said(' http://localhost:11434 ')).toBeNull();
      expect(said('https://api.example.com/v1')).toBeNull();
      // In the browser the address is not asked for.
      form.endpoint = '';
      form.engine = 'webllm';
      expect(fieldProblem(form.problems(), 'Endpoint URL')).toBeNull();
    }
  });

  it('names a model by the choice made here, else by the endpoint default, else by its key', () => {
    const form = new SearchForm();
    expect(form.modelNameFor('llama3.2:3b')).toBe('llama3.2:3b');
    form.defaultEndpointModel = 'served-model';
    expect(form.modelNameFor('llama3.2:3b')).toBe('served-model');
    form.setModelName('llama3.2:3b', ' picked ');
    expect(form.modelNameFor('llama3.2:3b')).toBe('picked');
    expect(form.modelNameFor('gemma3:1b')).toBe('served-model');
  });

  it('draws a search pool at random with the pool seed, not the search seed', () => {
    const form = new SearchForm();
    form.endpoint = 'http://localhost:11434/v1';
    form.selectionKind = 'random';
    form.n = 5;
    form.subsetSize = 5;
    form.selectionSeed = 7;
    form.seed = 3;
    const draft = form.toDraft();
    expect(draft.selection).toEqual({ kind: 'random', n: 5, seed: 7 });
    expect(draft.seed).toBe(3);
  });
});
