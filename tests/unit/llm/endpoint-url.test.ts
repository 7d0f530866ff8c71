import { describe, expect, it } from 'vitest';
import { apiRoot } from '../../../src/llm/endpoint-url.ts';

describe('endpoint base URL', () => {
  it('accepts the server root or the /v1 root, with or without a trailing slash', () => {
    for (const typed of [
      'http://localhost:11434',
      'http://localhost:11434/',
      'http://localhost:11434/v1',
      'http://localhost:11434/v1/',
      ' http://localhost:11434/v1/chat/completions ',
    ]) {
      expect(apiRoot(typed)).toBe('http://localhost:11434/v1');
    }
  });

  it('keeps a path that already ends in a version or an openai segment', () => {
    expect(apiRoot('https://openrouter.ai/api/v1/')).toBe('https://openrouter.ai/api/v1');
    expect(apiRoot('https://generativelanguage.googleapis.com/v1beta/openai/')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/openai',
    );
    expect(apiRoot('http://host/proxy/llama')).toBe('http://host/proxy/llama/v1');
  });

  it('explains what a usable address looks like', () => {
    expect(() => apiRoot('localhost:11434')).toThrow(/http:\/\/localhost:11434\/v1/);
    expect(() => apiRoot('not a url')).toThrow(/is not a URL/);
  });
});
